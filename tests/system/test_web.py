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
from prometheus_client.parser import text_string_to_metric_families
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
                c.send_wait(q, f"m{i}", persistent="true", **{"destination-type": "ANYCAST"})
            status, headers, text = self.http("/metrics")  # while the client is connected
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/plain; version=0.0.4"))
        self.assertIn("# TYPE artemis_message_count gauge\n", text)
        self.assertRegex(text, rf'(?m)^artemis_message_count\{{address="{q}",broker="[^"]*",'
                               rf'queue="{q}"\}} 3$')
        self.assertRegex(text, rf'(?m)^artemis_messages_added\{{address="{q}",.*\}} 3$')
        self.assertRegex(text, r'(?m)^artemis_active\{broker="[^"]*"\} 1$')
        self.assertRegex(text, r'(?m)^artemis_connection_count\{broker="[^"]*"\} \d+$')
        # The whole text parses as the exposition format (Prometheus's own Python parser).
        families = {f.name: f for f in text_string_to_metric_families(text)}
        self.assertEqual(families["artemis_message_count"].type, "gauge")
        latency = families["artemis_journal_sync_latency_seconds"]
        self.assertEqual(latency.type, "histogram")
        buckets = [s for s in latency.samples if s.name.endswith("_bucket")]
        self.assertEqual(buckets[-1].labels["le"], "+Inf")
        count = [s.value for s in latency.samples if s.name.endswith("_count")][0]
        self.assertGreaterEqual(count, 1)  # the durable sends above were synced
        self.assertEqual(buckets[-1].value, count)
        self.assertEqual(families["artemis_ha_backup_announced"].samples[0].value, 0)
        protocols = {s.labels["protocol"]: s.value
                     for s in families["artemis_connections"].samples}
        self.assertIn("STOMP", protocols, protocols)

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

    def request(self, path, body=None, headers=None, method=None):
        """(status, headers, body text) of one request with the given headers."""
        url = f"http://127.0.0.1:{self.broker.port('http')}{path}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method or ("POST" if data else "GET"))
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode()

    def test_console_login_gives_a_session_cookie(self):
        json_type = {"Content-Type": "application/json"}
        status, headers, _ = self.request("/api/login", {"user": "admin", "password": "no"},
                                          json_type)
        self.assertEqual(status, 401)
        self.assertIsNone(headers["WWW-Authenticate"])  # the console's form, not a dialog
        self.assertIsNone(headers["Set-Cookie"])
        self.assertEqual(self.request("/api/login", {"user": "admin"}, json_type)[0], 400)
        status, headers, body = self.request("/api/login", {"user": "viewer",
                                                            "password": "viewerpw"}, json_type)
        self.assertEqual((status, json.loads(body)), (200, {"user": "viewer"}))
        cookie = headers["Set-Cookie"]
        self.assertRegex(cookie, r"^ARTEMIS_CONSOLE=[0-9a-f]{64}; Path=/; HttpOnly; "
                                 r"SameSite=Strict$")
        session = {"Cookie": cookie.split(";")[0]}
        self.assertEqual(self.request("/api/whoami", headers=session)[::2],
                         (200, '{"user":"viewer"}'))
        status, _, body = self.request("/api/queues", headers=session)
        self.assertEqual(status, 200)
        self.assertIn("DLQ", [q["name"] for q in json.loads(body)["result"]["data"]])
        # Reading messages needs manage, as changing the broker does.
        browse = {"resource": "queue.DLQ", "operation": "browse", "args": []}
        self.assertEqual(self.request("/api/management", browse, {**session, **json_type})[0],
                         403)
        # A POST that is not JSON (a form another site could make a browser send) is not
        # taken on the cookie.
        status, _, _ = self.request("/api/management", browse,
                                    {**session, "Content-Type": "text/plain"})
        self.assertEqual(status, 401)
        status, headers, _ = self.request("/api/logout", {}, {**session, **json_type})
        self.assertEqual(status, 200)
        self.assertIn("Max-Age=0", headers["Set-Cookie"])
        self.assertEqual(self.request("/api/whoami", headers=session)[0], 401)

    def test_console_pages_are_served(self):
        status, headers, body = self.request("/console/")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/html"))
        self.assertIn("<title>Artemis Console</title>", body)
        status, headers, body = self.request("/console/console.js")
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("application/x-javascript"))
        status, headers, _ = self.request("/console/uPlot.iife.min.js")
        self.assertEqual(status, 200)  # the charting library bundled from npm
        self.assertEqual(self.request("/console/nothing.js")[0], 404)
        self.assertEqual(self.request("/console/../etc/passwd")[0], 404)

    def test_send_and_browse_through_the_api(self):
        q = "W" + uuid.uuid4().hex[:8]
        with StompClient(self.broker.stomp_port) as c:
            c.send_wait(q, "one", **{"destination-type": "ANYCAST"})
        send = {"resource": f"queue.{q}", "operation": "sendMessage",
                "args": [{"k": "v"}, 3, "two", True, None, None]}
        status, _, body = self.http("/api/management", send, "admin", "admin")
        self.assertEqual(status, 200, body)
        self.assertTrue(json.loads(body)["succeeded"], body)
        status, _, body = self.http("/api/management", {"resource": f"queue.{q}",
                                                        "operation": "browse", "args": []},
                                    "admin", "admin")
        messages = json.loads(body)["result"]
        self.assertEqual([m.get("text", m.get("bodyPreview")) for m in messages], ["one", "two"])
        self.assertEqual(messages[1]["properties"], {"k": "v"})
        self.assertTrue(messages[1]["durable"])
        # The sender needs the send permission, as any client does.
        status, _, body = self.http("/api/management", send, "viewer", "viewerpw")
        self.assertEqual(status, 403, body)
