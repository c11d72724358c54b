"""npm's rhea (a JavaScript AMQP 1.0 client, pinned in tests/system/rhea/package-lock.json and
installed by scripts/setup) against the broker: rhea to Qpid Proton and back, and rhea with
Debian's STOMP client on the same queue."""

import json
import os
import subprocess

from proton import Data, Message, symbol
from proton.reactor import LinkOption
from proton.utils import BlockingConnection

from harness import BrokerTestCase, StompClient

RHEA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rhea")
DEADLINE = 60  # seconds for any one client call or program


class QueueCapability(LinkOption):
    def apply(self, link):
        terminus = link.target if link.is_sender else link.source
        terminus.capabilities.put_array(False, Data.SYMBOL)
        terminus.capabilities.enter()
        terminus.capabilities.put_symbol(symbol("queue"))
        terminus.capabilities.exit()


class RheaTest(BrokerTestCase):
    require_login = True

    def node(self, script, *args):
        result = subprocess.run(["node", os.path.join(RHEA, script),
                                 str(self.broker.port("amqp")), "admin", "admin", *map(str, args)],
                                capture_output=True, text=True, timeout=DEADLINE,
                                stdin=subprocess.DEVNULL, cwd=RHEA)
        self.assertEqual(result.returncode, 0, f"{script}: {result.stderr[-2000:]}")
        return result.stdout

    def rhea_receive(self, queue, count):
        return [json.loads(line) for line in self.node("receive.js", queue, count).splitlines()]

    def proton(self):
        conn = BlockingConnection(f"amqp://127.0.0.1:{self.broker.port('amqp')}", user="admin",
                                  password="admin", timeout=DEADLINE)
        self.addCleanup(conn.close)
        return conn

    def test_rhea_to_proton_keeps_bodies_and_typed_properties(self):
        self.node("send.js", "rhea.to-proton", 10, "r")
        receiver = self.proton().create_receiver("rhea.to-proton", options=QueueCapability())
        got = []
        for _ in range(10):
            m = receiver.receive(timeout=DEADLINE)
            receiver.accept()
            got.append((m.body, m.properties["n"], m.durable))
        self.assertEqual(got, [(f"r-{i}", i, True) for i in range(10)])

    def test_proton_to_rhea(self):
        sender = self.proton().create_sender("proton.to-rhea", options=QueueCapability())
        for i in range(5):
            sender.send(Message(body=f"p-{i}", durable=True, properties={"colour": "blue"}),
                        timeout=DEADLINE)
        got = self.rhea_receive("proton.to-rhea", 5)
        self.assertEqual([(g["body"], g["properties"], g["durable"]) for g in got],
                         [(f"p-{i}", {"colour": "blue"}, True) for i in range(5)])

    def test_stomp_and_rhea_on_one_queue(self):
        with StompClient(self.broker.stomp_port) as stomp:
            for i in range(3):
                stomp.send_wait("stomp.rhea", f"s-{i}", **{"destination-type": "ANYCAST",
                                                            "persistent": "true"})
        self.assertEqual([g["body"] for g in self.rhea_receive("stomp.rhea", 3)],
                         [f"s-{i}" for i in range(3)])
        self.node("send.js", "rhea.stomp", 3, "r")
        with StompClient(self.broker.stomp_port) as stomp:
            stomp.subscribe("rhea.stomp", "s1", **{"subscription-type": "ANYCAST"})
            frames = stomp.listener.wait_messages(3, timeout=DEADLINE)
        self.assertEqual([(f.body, f.headers.get("n")) for f in frames],
                         [(f"r-{i}", str(i)) for i in range(3)])
