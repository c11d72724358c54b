"""STOMP messaging semantics against a real `artemis run` (reference: addressing-protocols.md
§6): topics, durable subscriptions, acknowledgement modes, transactions, expiry, selectors.
Client: Debian's python3-stomp. One broker serves every test of the class; each test uses its
own destinations."""

import time
import unittest

from harness import BrokerTestCase, StompClient, wait_for

ANYCAST = {"destination-type": "ANYCAST"}
SUB_ANYCAST = {"subscription-type": "ANYCAST"}


def bodies(frames):
    return [f.body for f in frames]


def until_fence(client, fence, timeout=30.0):
    """Messages received before `fence` (which must come last on its queue)."""
    client.listener.wait(lambda: any(m.body == fence for m in client.listener.messages),
                         timeout, f"fence {fence}")
    got = bodies(client.listener.take_messages())
    return got[:got.index(fence)]


class StompMessagingTest(BrokerTestCase):
    def client(self, **kwargs):
        c = StompClient(self.broker.stomp_port, **kwargs)
        self.addCleanup(c.close)
        return c

    def test_topic_fans_out_to_three_subscribers(self):
        subscribers = [self.client() for _ in range(3)]
        for i, s in enumerate(subscribers):
            s.subscribe("news.fanout", f"sub{i}", ack="auto")
        producer = self.client()
        for i in range(10):
            producer.send_wait("news.fanout", f"n{i}")
        for s in subscribers:
            got = s.listener.wait_messages(10)
            self.assertEqual(bodies(got), [f"n{i}" for i in range(10)])
            self.assertEqual({m.headers.get("destination") for m in got}, {"news.fanout"})

    def test_durable_subscription_keeps_messages_while_client_is_away(self):
        away = self.client(client_id="durable-c1")
        away.subscribe("events.durable", "d1", ack="auto",
                       **{"durable-subscription-name": "sub1"})
        away.close()
        producer = self.client()
        for i in range(5):
            producer.send_wait("events.durable", f"e{i}", persistent="true")
        back = self.client(client_id="durable-c1")
        back.subscribe("events.durable", "d1", ack="auto",
                       **{"durable-subscription-name": "sub1"})
        got = back.listener.wait_messages(5)
        self.assertEqual(bodies(got), [f"e{i}" for i in range(5)])
        # The client-id names the connection in its log lines.
        wait_for(lambda: "(durable-c1): closing" in self.broker.log_text(), 15,
                 what="a log line naming the client-id")

    def test_transaction_commit_and_abort(self):
        consumer = self.client()
        consumer.subscribe("tx.queue", "s1", ack="auto", **SUB_ANYCAST)
        producer = self.client()
        producer.conn.begin("tx1")
        producer.send("tx.queue", "t1", transaction="tx1", **ANYCAST)
        producer.send("tx.queue", "t2", transaction="tx1", **ANYCAST)
        producer.send_wait("tx.queue", "outside", **ANYCAST)
        self.assertEqual(until_fence(consumer, "outside"), [])  # held until COMMIT
        producer.conn.commit("tx1", headers={"receipt": "c1"})
        producer.listener.wait_receipt("c1")
        self.assertEqual(bodies(consumer.listener.wait_messages(2)), ["t1", "t2"])
        consumer.listener.take_messages()

        producer.conn.begin("tx2")
        producer.send("tx.queue", "aborted", transaction="tx2", **ANYCAST)
        producer.conn.abort("tx2", headers={"receipt": "a2"})
        producer.listener.wait_receipt("a2")
        producer.send_wait("tx.queue", "after-abort", **ANYCAST)
        self.assertEqual(until_fence(consumer, "after-abort"), [])
        self.assertEqual(producer.listener.errors, [])

    def test_acks_in_a_transaction_come_back_on_abort_and_are_consumed_on_commit(self):
        producer = self.client()
        for body in ("x1", "x2"):
            producer.send_wait("txack.q", body, persistent="true", **ANYCAST)
        consumer = self.client()
        consumer.subscribe("txack.q", "a1", ack="client-individual", **SUB_ANYCAST)
        first = consumer.listener.wait_messages(2)
        consumer.listener.take_messages()
        self.assertEqual(bodies(first), ["x1", "x2"])
        consumer.conn.begin("ack-tx1")
        for m in first:
            consumer.conn.ack(m.headers["ack"], transaction="ack-tx1")
        consumer.conn.abort("ack-tx1", headers={"receipt": "aborted"})
        consumer.listener.wait_receipt("aborted")
        # The aborted acknowledgements return both messages, redelivered.
        again = consumer.listener.wait_messages(2)
        consumer.listener.take_messages()
        self.assertEqual(sorted(bodies(again)), ["x1", "x2"])
        self.assertEqual({m.headers.get("redelivered") for m in again}, {"true"})
        consumer.conn.begin("ack-tx2")
        for m in again:
            consumer.conn.ack(m.headers["ack"], transaction="ack-tx2")
        consumer.conn.commit("ack-tx2", headers={"receipt": "committed"})
        consumer.listener.wait_receipt("committed")
        consumer.close()
        # Consumed for good: a new consumer sees only what is sent after.
        producer.send_wait("txack.q", "fence", **ANYCAST)
        later = self.client()
        later.subscribe("txack.q", "a2", ack="auto", **SUB_ANYCAST)
        self.assertEqual(until_fence(later, "fence"), [])
        self.assertEqual(consumer.listener.errors, [])

    def test_expired_message_goes_to_expiry_queue(self):
        producer = self.client()
        expires = int(time.time() * 1000) + 300
        body = f"expiring-{time.monotonic_ns()}"
        producer.send_wait("expiry.queue", body, expires=str(expires), persistent="true",
                           **ANYCAST)
        wait_for(lambda: time.time() * 1000 > expires + 50, 10, interval=0.05,
                 what="the wall clock to pass the expiration")
        consumer = self.client()
        consumer.subscribe("expiry.queue", "s1", ack="auto", **SUB_ANYCAST)
        producer.send_wait("expiry.queue", "fresh", **ANYCAST)
        self.assertEqual(until_fence(consumer, "fresh"), [])  # never delivered
        expired = self.client()
        expired.subscribe("ExpiryQueue", "x1", ack="auto", **SUB_ANYCAST)
        expired.listener.wait(
            lambda: any(m.body == body for m in expired.listener.messages), 30,
            "the expired message on ExpiryQueue")
        copy = next(m for m in expired.listener.messages if m.body == body)
        self.assertEqual(copy.headers.get("_AMQ_ORIG_ADDRESS"), "expiry.queue")

    def test_selector_subscription_gets_only_matching_messages(self):
        consumer = self.client()
        consumer.subscribe("selector.queue", "s1", ack="auto", selector="color = 'red'",
                           **SUB_ANYCAST)
        producer = self.client()
        for body, color in [("r1", "red"), ("b1", "blue"), ("r2", "red"), ("g1", "green"),
                            ("end", "red")]:
            producer.send_wait("selector.queue", body, color=color, **ANYCAST)
        self.assertEqual(until_fence(consumer, "end"), ["r1", "r2"])
        # The non-matching ones are still on the queue for an unfiltered consumer.
        other = self.client()
        other.subscribe("selector.queue", "s2", ack="auto", **SUB_ANYCAST)
        self.assertEqual(bodies(other.listener.wait_messages(2)), ["b1", "g1"])

    def test_selector_on_topic_subscription(self):
        consumer = self.client()
        consumer.subscribe("selector.topic", "s1", ack="auto", selector="region IN ('eu', 'us')")
        producer = self.client()
        for body, region in [("a", "eu"), ("b", "asia"), ("c", "us"), ("end", "eu")]:
            producer.send_wait("selector.topic", body, region=region)
        self.assertEqual(until_fence(consumer, "end"), ["a", "c"])

    def test_nack_redelivers_until_max_delivery_attempts_then_dead_letters(self):
        # Our deviation from Artemis (README): NACK returns the message with its delivery count
        # raised, so after max-delivery-attempts (10, from create's address-settings) it is
        # moved to the DLQ with its original address.
        producer = self.client()
        producer.send_wait("nack.q", "poison", persistent="true", **ANYCAST)
        producer.send_wait("nack.q", "fence", persistent="true", **ANYCAST)
        consumer = self.client()
        consumer.subscribe("nack.q", "n1", ack="client-individual", **SUB_ANYCAST)
        deliveries = 0
        fence_seen = False
        deadline = time.monotonic() + 60
        # Bounded by the deadline; ends once the poison message stops coming back.
        while time.monotonic() < deadline and (deliveries < 10 or not fence_seen):
            consumer.listener.wait_messages(1)
            for frame in consumer.listener.take_messages():
                if frame.body == "fence":
                    fence_seen = True
                    consumer.conn.ack(frame.headers["ack"])
                    continue
                deliveries += 1
                self.assertEqual(frame.headers.get("redelivered", "false"),
                                 "true" if deliveries > 1 else "false")
                consumer.conn.nack(frame.headers["ack"])
        self.assertEqual(deliveries, 10)
        dlq = self.client()
        dlq.subscribe("DLQ", "d", ack="auto", **SUB_ANYCAST)
        dead = dlq.listener.wait_messages(1)[0]
        self.assertEqual(dead.body, "poison")
        self.assertEqual(dead.headers.get("_AMQ_ORIG_ADDRESS"), "nack.q")


if __name__ == "__main__":
    unittest.main()
