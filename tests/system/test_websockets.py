"""Protocols over WebSockets on the broker's acceptors, with clients nobody here wrote:
python3-paho-mqtt's websockets transport (MQTT), npm's rhea with the ws package (AMQP),
Debian's python3-websocket (websocket-client) carrying STOMP frames, over plain TCP and TLS. Bad upgrades and bad frames get a clean refusal
and a log line. Every wait is bounded."""

import json
import os
import queue
import socket
import subprocess
import unittest

import paho.mqtt.client as paho
import websocket

from harness import BrokerTestCase, wait_for
from test_tls import WithCertificates

TIMEOUT = 15.0
UPGRADE = ("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
           "Sec-WebSocket-Protocol: {}\r\n\r\n")


def mqtt_over_ws(port, client_id, tls_ca=None):
    """A connected paho client on WebSockets; its messages land in client.got."""
    c = paho.Client(client_id=client_id, transport="websockets")
    c.username_pw_set("admin", "admin")
    if tls_ca:
        c.tls_set(ca_certs=tls_ca)
    c.got, c.connack, c.subacks = queue.Queue(), queue.Queue(), queue.Queue()
    c.on_message = lambda cl, ud, m: c.got.put(m)
    c.on_connect = lambda cl, ud, flags, rc: c.connack.put(rc)
    c.on_subscribe = lambda cl, ud, mid, granted: c.subacks.put(granted)
    c.connect("127.0.0.1", port, keepalive=30)
    c.loop_start()
    rc = c.connack.get(timeout=TIMEOUT)
    assert rc == 0, f"CONNACK {rc}"
    return c


def stop(c):
    c.disconnect()
    c.loop_stop()


def stomp_frame(command, headers, body=""):
    return command + "\n" + "".join(f"{k}:{v}\n" for k, v in headers.items()) + "\n" + body + "\0"


class WebSocketTest(BrokerTestCase):

    def test_mqtt_over_websockets_on_both_acceptors(self):
        for port in (self.broker.port("mqtt"), self.broker.stomp_port):
            c = mqtt_over_ws(port, f"ws-{port}")
            self.addCleanup(stop, c)
            c.subscribe("ws/mqtt", 1)
            c.subacks.get(timeout=TIMEOUT)
            payload = b"over websockets " + b"x" * 70000  # frames with 64-bit lengths
            c.publish("ws/mqtt", payload, qos=1)
            m = c.got.get(timeout=TIMEOUT)
            self.assertEqual((m.topic, m.payload), ("ws/mqtt", payload))

    def test_stomp_over_websockets_reaches_an_mqtt_subscriber(self):
        sub = mqtt_over_ws(self.broker.port("mqtt"), "ws-sub")
        self.addCleanup(stop, sub)
        sub.subscribe("ws/fromstomp", 0)
        sub.subacks.get(timeout=TIMEOUT)
        ws = websocket.create_connection(f"ws://127.0.0.1:{self.broker.stomp_port}/",
                                         subprotocols=["v12.stomp"], timeout=TIMEOUT)
        self.addCleanup(ws.close)
        self.assertEqual(ws.getsubprotocol(), "v12.stomp")
        ws.send(stomp_frame("CONNECT", {"accept-version": "1.2", "host": "x", "login": "admin",
                                        "passcode": "admin"}))
        self.assertTrue(ws.recv().startswith(b"CONNECTED"))
        ws.send(stomp_frame("SEND", {"destination": "ws.fromstomp", "receipt": "r1"}, "hello"))
        self.assertTrue(ws.recv().startswith(b"RECEIPT"))
        self.assertEqual(sub.got.get(timeout=TIMEOUT).payload, b"hello")
        ws.ping("are you there")
        opcode, frame = ws.recv_data_frame(control_frame=True)
        self.assertEqual((opcode, frame.data), (websocket.ABNF.OPCODE_PONG, b"are you there"))

    def test_amqp_over_websockets_with_rhea(self):
        rhea = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rhea")
        env = dict(os.environ, RHEA_TRANSPORT="websocket")

        def node(*args):
            p = subprocess.run(["node", *args], cwd=rhea, env=env, capture_output=True,
                               text=True, timeout=40)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            return p.stdout

        port = str(self.broker.port("amqp"))
        node("send.js", port, "admin", "admin", "ws.amqp", "3", "over-ws")
        got = [json.loads(line)["body"] for line in
               node("receive.js", port, "admin", "admin", "ws.amqp", "3").splitlines()]
        self.assertEqual(got, ["over-ws-0", "over-ws-1", "over-ws-2"])

    def raw(self, port):
        s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.addCleanup(s.close)
        return s

    @staticmethod
    def read_all(s):
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk

    def test_an_http_request_that_is_not_an_upgrade_gets_400(self):
        s = self.raw(self.broker.stomp_port)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertTrue(self.read_all(s).startswith(b"HTTP/1.1 400 Bad Request"))
        wait_for(lambda: "HTTP: an HTTP request that is not a WebSocket upgrade" in
                 self.broker.log_text(), TIMEOUT, what="the refusal logged")

    def test_an_unmasked_frame_closes_the_connection_with_1002(self):
        s = self.raw(self.broker.port("mqtt"))
        s.sendall(UPGRADE.format("mqtt").encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += s.recv(4096)
        self.assertTrue(answer.startswith(b"HTTP/1.1 101 "))
        self.assertIn(b"Sec-WebSocket-Protocol: mqtt\r\n", answer)
        s.sendall(b"\x82\x02\x10\x00")  # a client frame without its mask
        rest = answer[answer.index(b"\r\n\r\n") + 4:] + self.read_all(s)
        self.assertEqual(rest, b"\x88\x02\x03\xea")  # close, 1002 protocol error
        wait_for(lambda: "WebSocket: an unmasked frame from the client" in
                 self.broker.log_text(), TIMEOUT, what="the close logged")


class SecureWebSocketTest(WithCertificates):

    def test_mqtt_over_secure_websockets(self):
        b = self.broker(f"keyStorePath={self.path('server.p12')};keyStorePassword=secret")
        b.start()
        c = mqtt_over_ws(b.stomp_port, "wss", tls_ca=self.path("ca.pem"))
        self.addCleanup(stop, c)
        c.subscribe("wss/t", 1)
        c.subacks.get(timeout=TIMEOUT)
        c.publish("wss/t", b"secure", qos=1)
        self.assertEqual(c.got.get(timeout=TIMEOUT).payload, b"secure")


def load_tests(loader, tests, pattern):
    suite = unittest.TestSuite()
    for case in (WebSocketTest, SecureWebSocketTest):
        suite.addTests(loader.loadTestsFromTestCase(case))
    return suite


if __name__ == "__main__":
    unittest.main()
