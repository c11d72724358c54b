"""System tests for the web endpoint of bootstrap.xml (`http://localhost:8161` + port offset):
health, Prometheus metrics and the JSON management API with HTTP Basic logins, read with the
Python standard library's HTTP client."""

import base64
import json
import re
import urllib.error
import urllib.request
import uuid

import harness
from harness import StompClient


class WebEndpointTest(harness.BrokerTestCase):
    create_args = ()  # the web binding as `create` writes it

    @classmethod
    def prepare_broker(cls):
        cls.broker.add_user("viewer", "viewerpw", "viewers")  # in no security-setting

    def http(self, path, body=None, user=None, password=None):
        """(status, headers, body text) of one request."""
        url = f"http://127.0.0.1:{self.broker.port('http')}{path}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method="POST" if data else "GET")
        if data:
            req.add_header("Content-Type", "application/json")
        if user is not None:
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            req.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode()

    def test_started_line_and_health(self):
        self.assertIn(f"AMQ241001: HTTP Server started at http://localhost:"
                      f"{self.broker.port('http')}", self.broker.log_text())
        self.assertEqual(self.http("/health/live")[::2], (200, '{"status":"UP"}'))
        self.assertEqual(self.http("/health/ready")[::2], (200, '{"status":"UP"}'))
        self.assertEqual(self.http("/nothing")[0], 404)

    def test_metrics_in_prometheus_text(self):
        q = "W" + uuid.uuid4().hex[:8]
        with StompClient(self.broker.stomp_port) as c:
            for i in range(3):
                c.send_wait(q, f"m{i}", **{"destination-type": "ANYCAST"})
        status, headers, text = self.http("/metrics")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/plain; version=0.0.4"))
        self.assertIn("# TYPE artemis_message_count gauge\n", text)
        self.assertRegex(text, rf'(?m)^artemis_message_count\{{address="{q}",broker="[^"]*",'
                               rf'queue="{q}"\}} 3$')
        self.assertRegex(text, rf'(?m)^artemis_messages_added\{{address="{q}",.*\}} 3$')
        self.assertRegex(text, r'(?m)^artemis_active\{broker="[^"]*"\} 1$')
        self.assertRegex(text, r'(?m)^artemis_connection_count\{broker="[^"]*"\} \d+$')

    def test_management_api_needs_a_login_and_manage_for_changes(self):
        call = {"resource": "broker", "operation": "getQueueNames", "args": []}
        status, headers, _ = self.http("/api/management", call)
        self.assertEqual(status, 401)
        self.assertEqual(headers["WWW-Authenticate"], 'Basic realm="artemis"')
        self.assertEqual(self.http("/api/management", call, "admin", "wrong")[0], 401)
        status, _, body = self.http("/api/management", call, "viewer", "viewerpw")
        self.assertEqual(status, 200)
        self.assertIn("DLQ", json.loads(body)["result"])
        q = "W" + uuid.uuid4().hex[:8]
        create = {"resource": "broker", "operation": "createQueue",
                  "args": [q, "ANYCAST", q, None, True, -1, False, True]}
        status, _, body = self.http("/api/management", create, "viewer", "viewerpw")
        self.assertEqual(status, 403)
        self.assertIn("does not have permission='manage'", json.loads(body)["error"])
        status, _, body = self.http("/api/management", create, "admin", "admin")
        self.assertEqual(status, 200, body)
        self.assertTrue(json.loads(body)["succeeded"])
        status, _, body = self.http("/api/management",
                                    {"resource": f"queue.{q}", "attribute": "MessageCount"},
                                    "admin", "admin")
        self.assertEqual(json.loads(body), {"succeeded": True, "result": 0})
        status, _, body = self.http("/api/queues", user="admin", password="admin")
        listing = json.loads(body)["result"]
        self.assertIn(q, [row["name"] for row in listing["data"]])
        self.assertEqual(self.http("/api/management", {"resource": "broker"}, "admin",
                                   "admin")[0], 400)
        status, _, body = self.http("/api/management",
                                    {"resource": "queue.nosuch", "operation": "pause", "args": []},
                                    "admin", "admin")
        self.assertEqual(json.loads(body), {"succeeded": False, "result":
                         "AMQ229067: Cannot find resource with name queue.nosuch"})
