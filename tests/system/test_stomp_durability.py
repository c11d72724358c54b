"""STOMP durability against a real `artemis run`: receipts mean "on disk", restarts and
SIGKILL lose nothing that was confirmed. Client: Debian's python3-stomp."""

import threading
import time
import unittest

from harness import Instance, StompClient

ANYCAST = {"destination-type": "ANYCAST"}
SUB_ANYCAST = {"subscription-type": "ANYCAST"}


def bodies(frames):
    return [f.body for f in frames]


def drain_with_fence(client, queue, sub_id, timeout=60.0):
    """Subscribes to `queue` and returns every message ahead of a fence message sent after
    subscribing: the queue is FIFO, so once the fence arrives everything before it has."""
    client.subscribe(queue, sub_id, ack="auto", **SUB_ANYCAST)
    fence = f"fence-{time.monotonic_ns()}"
    client.send_wait(queue, fence, persistent="true", **ANYCAST)
    client.listener.wait(lambda: any(m.body == fence for m in client.listener.messages),
                         timeout, "the fence message")
    got = bodies(client.listener.take_messages())
    return got[:got.index(fence)]


class StompDurabilityTest(unittest.TestCase):
    def setUp(self):
        self.broker = Instance()
        self.broker.start()

    def tearDown(self):
        self.broker.close()

    def test_thousand_persistent_messages_with_receipts_arrive_in_order(self):
        count = 1000
        with StompClient(self.broker.stomp_port) as producer:
            for i in range(count):
                producer.send("durability.order", f"m{i:04d}", receipt=f"r{i}",
                              persistent="true", **ANYCAST)
            producer.listener.wait(lambda: len(producer.listener.receipts) >= count, 120,
                                   f"{count} receipts")
            self.assertEqual(producer.listener.receipts, {f"r{i}" for i in range(count)})
        with StompClient(self.broker.stomp_port) as consumer:
            consumer.subscribe("durability.order", "s1", ack="auto", **SUB_ANYCAST)
            got = consumer.listener.wait_messages(count, timeout=120)
            self.assertEqual(bodies(got), [f"m{i:04d}" for i in range(count)])
            for m in got:
                self.assertEqual(m.headers.get("persistent"), "true")

    def test_restart_keeps_unacknowledged_messages(self):
        with StompClient(self.broker.stomp_port) as producer:
            for i in range(50):
                producer.send("durability.restart", f"m{i:02d}", receipt=f"r{i}",
                              persistent="true", **ANYCAST)
            producer.listener.wait(lambda: len(producer.listener.receipts) >= 50, 60,
                                   "50 receipts")
        with StompClient(self.broker.stomp_port) as consumer:
            consumer.subscribe("durability.restart", "s1", ack="client-individual",
                               **SUB_ANYCAST)
            got = consumer.listener.wait_messages(25, timeout=60)
            # Acknowledge the first 20 (with a receipt on the last: acks are ordered), leave
            # the next ones delivered but unacknowledged.
            for m in got[:19]:
                consumer.conn.ack(m.headers["ack"])
            consumer.conn.ack(got[19].headers["ack"], receipt="acks-done")
            consumer.listener.wait_receipt("acks-done")
        status = self.broker.stop()
        self.assertIsNotNone(status)
        self.broker.start()
        with StompClient(self.broker.stomp_port) as consumer:
            remaining = drain_with_fence(consumer, "durability.restart", "s2")
        self.assertEqual(remaining, [f"m{i:02d}" for i in range(20, 50)])

    def test_sigkill_during_sends_loses_no_receipted_message(self):
        confirmed_before_kill = 300
        sent = []
        producer = StompClient(self.broker.stomp_port)
        stop = threading.Event()

        def produce():
            for i in range(100_000):
                if stop.is_set():
                    return
                try:
                    producer.send("durability.kill", f"k{i:06d}", receipt=f"k{i:06d}",
                                  persistent="true", **ANYCAST)
                except Exception:
                    return  # the broker is gone
                sent.append(i)
                # Keep at most 200 sends unconfirmed so the kill lands mid-stream.
                try:
                    producer.listener.wait(
                        lambda: len(producer.listener.receipts) > len(sent) - 200, 30,
                        "the send window")
                except TimeoutError:
                    return

        thread = threading.Thread(target=produce, daemon=True)
        thread.start()
        try:
            producer.listener.wait(
                lambda: len(producer.listener.receipts) >= confirmed_before_kill, 120,
                f"{confirmed_before_kill} receipts")
            self.broker.kill()
        finally:
            stop.set()
            thread.join(timeout=60)
        self.assertFalse(thread.is_alive(), "producer thread did not stop")
        with producer.listener.cond:
            confirmed = set(producer.listener.receipts)
        producer.close()
        self.assertGreaterEqual(len(confirmed), confirmed_before_kill)

        self.broker.start()
        with StompClient(self.broker.stomp_port) as consumer:
            present = drain_with_fence(consumer, "durability.kill", "s1", timeout=120)
        self.assertEqual(len(present), len(set(present)), "a message was delivered twice")
        missing = sorted(confirmed - set(present))
        # The log of both runs, so a failure in CI (where instances are not kept) can be read.
        self.assertEqual(missing, [], f"{len(missing)} receipted messages lost; broker log:\n"
                         f"{self.broker.log_text()[-6000:]}")
        # What survived is a prefix-ordered subset of what was sent.
        self.assertEqual(present, sorted(present))


if __name__ == "__main__":
    unittest.main()
