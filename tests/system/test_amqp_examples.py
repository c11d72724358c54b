"""Debian's unmodified Qpid Proton example programs (package libqpid-proton11-dev-examples) against
the broker's AMQP acceptor: map bodies sent and received, a selector, local transactions.
They run with Debian's /usr/bin/python3; each one has a deadline."""

import ast
import subprocess
import unittest

from proton import Data, Message, symbol
from proton.reactor import LinkOption
from proton.utils import BlockingConnection

from harness import BrokerTestCase

EXAMPLES = "/usr/share/proton/examples/python"
DEADLINE = 60  # seconds for any one example program


class QueueCapability(LinkOption):
    """The `queue` capability on a receiver's source or a sender's target."""

    def apply(self, link):
        terminus = link.target if link.is_sender else link.source
        terminus.capabilities.put_array(False, Data.SYMBOL)
        terminus.capabilities.enter()
        terminus.capabilities.put_symbol(symbol("queue"))
        terminus.capabilities.exit()


class ProtonExamplesTest(BrokerTestCase):
    require_login = True

    def connect(self):
        conn = BlockingConnection(f"amqp://127.0.0.1:{self.broker.port('amqp')}", user="admin",
                                  password="admin", timeout=DEADLINE)
        self.addCleanup(conn.close)
        return conn

    def address(self, name):
        # The examples name no routing type: an existing ANYCAST address makes theirs a queue.
        self.connect().create_receiver(name, options=QueueCapability()).close()
        return f"admin:admin@127.0.0.1:{self.broker.port('amqp')}/{name}"

    def run_example(self, program, *args):
        result = subprocess.run(["/usr/bin/python3", f"{EXAMPLES}/{program}", *args],
                                capture_output=True, text=True, timeout=DEADLINE,
                                stdin=subprocess.DEVNULL)
        self.assertEqual(result.returncode, 0, f"{program}: {result.stderr[-2000:]}")
        return result.stdout.splitlines()

    def test_simple_send_then_simple_recv_with_map_bodies(self):
        url = self.address("examples.simple")
        self.assertEqual(self.run_example("simple_send.py", "-a", url, "-m", "10"),
                         ["all messages confirmed"])
        bodies = [ast.literal_eval(line) for line in
                  self.run_example("simple_recv.py", "-a", url, "-m", "10")]
        self.assertEqual(bodies, [{"sequence": i} for i in range(1, 11)])

    def test_colour_send_then_selected_recv_gets_the_green_ones(self):
        url = self.address("examples.colours")
        self.assertEqual(self.run_example("colour_send.py", "-a", url, "-m", "10"),
                         ["all messages confirmed"])
        self.assertEqual(self.run_example("selected_recv.py", "-a", url, "-m", "5"),
                         [f"green {i}" for i in (1, 3, 5, 7, 9)])

    def test_tx_send_then_tx_recv_commit_in_batches(self):
        url = self.address("examples.tx")
        self.assertEqual(self.run_example("tx_send.py", "-a", url, "-m", "20", "-b", "5"),
                         ["all messages committed"])
        bodies = [ast.literal_eval(line) for line in
                  self.run_example("tx_recv.py", "-a", url, "-m", "20", "-b", "5")]
        self.assertEqual(bodies, [{"sequence": i} for i in range(1, 21)])
        # The acknowledgements were committed: a fence sent now is the first thing received.
        conn = self.connect()
        conn.create_sender("examples.tx", options=QueueCapability()).send(Message(body="fence"))
        receiver = conn.create_receiver("examples.tx", options=QueueCapability())
        self.assertEqual(receiver.receive(timeout=DEADLINE).body, "fence")
        receiver.accept()


if __name__ == "__main__":
    unittest.main()
