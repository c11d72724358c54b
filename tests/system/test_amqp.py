"""AMQP 1.0 against a real `artemis run`: message fields kept end to end, durability across
restarts, STOMP interop, SASL, dispositions, selectors, topics and pre-settled receivers.
Client: Debian's python3-qpid-proton (BlockingConnection; every call bounded by a timeout).
One broker serves the tests of AmqpTest; AmqpRestartTest has its own, which it restarts.

Addressing follows Artemis: a link without a routing capability to a new name auto-creates a
MULTICAST address, so queue tests put the capability "queue" on their terminus and topic tests
"topic"."""

import time
import unittest
import uuid

from proton import (ConnectionException, Data, Delivery, Message, Timeout, byte, char, float32,
                    int32, symbol, timestamp, ulong)
from proton.reactor import AtMostOnce, Container, Copy, DurableSubscription, LinkOption, Selector
from proton.utils import BlockingConnection, LinkDetached, SendException

from harness import BrokerTestCase, StompClient, wait_for

ANYCAST = {"destination-type": "ANYCAST"}
SUB_ANYCAST = {"subscription-type": "ANYCAST"}
TIMEOUT = 10.0  # seconds for any one blocking client call


class Capability(LinkOption):
    """Puts one symbol capability on the sender's target or the receiver's source."""

    def __init__(self, name):
        self.name = name

    def apply(self, link):
        t = link.target if link.is_sender else link.source
        t.capabilities.put_array(False, Data.SYMBOL)
        t.capabilities.enter()
        t.capabilities.put_symbol(symbol(self.name))
        t.capabilities.exit()


class Capabilities(Capability):
    """Puts several symbol capabilities on the receiver's source."""

    def __init__(self, *names):
        self.names = names

    def apply(self, link):
        t = link.target if link.is_sender else link.source
        t.capabilities.put_array(False, Data.SYMBOL)
        t.capabilities.enter()
        for name in self.names:
            t.capabilities.put_symbol(symbol(name))
        t.capabilities.exit()


QUEUE = Capability("queue")
TOPIC = Capability("topic")
SHARED_TOPIC = Capabilities("topic", "shared")
GLOBAL_TOPIC = Capabilities("topic", "shared", "global")


def close_quietly(connection):
    try:
        connection.close()
    except Exception:  # the broker may have closed it already; nothing left to release
        pass


class AmqpClientMixin:
    """Connections closed at the end of each test, and the receive loops the tests share."""

    def connect(self, acceptor="amqp", user="admin", password="admin", **kwargs):
        conn = BlockingConnection(f"amqp://127.0.0.1:{self.broker.port(acceptor)}",
                                  user=user, password=password, timeout=TIMEOUT, **kwargs)
        self.addCleanup(close_quietly, conn)
        return conn

    def receive_bodies(self, receiver, count, accept=True):
        """`count` messages' bodies, each accepted (or left unsettled)."""
        out = []
        for _ in range(count):
            out.append(receiver.receive(timeout=TIMEOUT).body)
            if accept:
                receiver.accept()
        return out

    def receive_until(self, receiver, fence, limit=100):
        """Bodies received (and accepted) before `fence`, which must be the last message sent;
        bounded by `limit` messages and TIMEOUT per receive."""
        out = []
        for _ in range(limit):
            body = receiver.receive(timeout=TIMEOUT).body
            receiver.accept()
            if body == fence:
                return out
            out.append(body)
        self.fail(f"no fence {fence!r} within {limit} messages: {out}")


class AmqpTest(AmqpClientMixin, BrokerTestCase):
    require_login = True

    @classmethod
    def prepare_broker(cls):
        # The dedicated acceptor ignores _AMQ_DUPL_ID; the all-protocols one keeps the default.
        def no_duplicate_detection(url):
            assert "amqpDuplicateDetection=true" in url
            return url.replace("amqpDuplicateDetection=true", "amqpDuplicateDetection=false")
        cls.broker.edit_acceptor("amqp", no_duplicate_detection)

    def client(self, **kwargs):
        s = StompClient(self.broker.stomp_port, **kwargs)
        self.addCleanup(s.close)
        return s

    # 1 -------------------------------------------------------------------------------------
    def test_durable_messages_keep_body_properties_and_header_fields_in_order(self):
        for acceptor in ("amqp", "artemis"):
            with self.subTest(acceptor=acceptor):
                queue = f"amqp.fields.{acceptor}"
                conn = self.connect(acceptor)
                sender = conn.create_sender(queue, options=QUEUE)
                count = 10
                for i in range(count):
                    body = f"text-{i}" if i % 2 == 0 else f"bytes-{i}\x00\xff".encode("latin-1")
                    message = Message(
                        body=body, inferred=isinstance(body, bytes), durable=True, priority=7,
                        id=f"id-{i}", subject=f"subject-{i}", correlation_id=f"corr-{i}",
                        content_type="text/plain" if i % 2 == 0 else "application/octet-stream",
                        properties={"i": int32(i), "big": i * 10_000_000_000, "s": f"str-{i}",
                                    "flag": i % 2 == 0, "f": float32(1.5), "d": 2.25 + i,
                                    "bin": bytes([0, 1, 255, i])})
                    delivery = sender.send(message, timeout=TIMEOUT)
                    self.assertEqual(delivery.remote_state, Delivery.ACCEPTED)
                receiver = conn.create_receiver(queue, options=QUEUE)
                for i in range(count):
                    m = receiver.receive(timeout=TIMEOUT)
                    receiver.accept()
                    if i % 2 == 0:
                        self.assertEqual(m.body, f"text-{i}")
                        self.assertIsInstance(m.body, str)
                        self.assertFalse(m.inferred, "a string body must be an AmqpValue")
                        self.assertEqual(m.content_type, "text/plain")
                    else:
                        self.assertEqual(bytes(m.body), f"bytes-{i}\x00\xff".encode("latin-1"))
                        self.assertTrue(m.inferred, "a bytes body must be a Data section")
                        self.assertEqual(m.content_type, "application/octet-stream")
                    self.assertTrue(m.durable)
                    self.assertEqual(m.priority, 7)
                    self.assertEqual(m.id, f"id-{i}")
                    self.assertEqual(m.subject, f"subject-{i}")
                    self.assertEqual(m.correlation_id, f"corr-{i}")
                    p = m.properties
                    self.assertEqual(p["i"], i)
                    self.assertIsInstance(p["i"], int32)
                    self.assertEqual(p["big"], i * 10_000_000_000)
                    self.assertEqual(p["s"], f"str-{i}")
                    self.assertIs(p["flag"], i % 2 == 0)
                    self.assertEqual(p["f"], 1.5)
                    self.assertIsInstance(p["f"], float32)
                    self.assertEqual(p["d"], 2.25 + i)
                    self.assertIsInstance(p["d"], float)
                    self.assertNotIsInstance(p["d"], float32)
                    self.assertEqual(bytes(p["bin"]), bytes([0, 1, 255, i]))
                    self.assertEqual(m.delivery_count, 0)

    # 3 -------------------------------------------------------------------------------------
    def test_stomp_producer_to_amqp_receiver(self):
        queue = "amqp.interop.from-stomp"
        producer = self.client()
        producer.conn.auto_content_length = False  # no content-length: a text message
        producer.send_wait(queue, "hello from stomp", persistent="true", colour="blue",
                           **ANYCAST)
        producer.conn.auto_content_length = True  # content-length: a bytes message
        producer.send_wait(queue, "bytes from stomp", persistent="true", colour="grey",
                           **ANYCAST)
        receiver = self.connect().create_receiver(queue, options=QUEUE)
        text = receiver.receive(timeout=TIMEOUT)
        receiver.accept()
        self.assertEqual(text.body, "hello from stomp")
        self.assertFalse(text.inferred)
        self.assertEqual(text.properties.get("colour"), "blue")
        self.assertTrue(text.durable)
        raw = receiver.receive(timeout=TIMEOUT)
        receiver.accept()
        self.assertEqual(bytes(raw.body), b"bytes from stomp")
        self.assertTrue(raw.inferred, "a STOMP bytes message must arrive as a Data section")
        self.assertEqual(raw.properties.get("colour"), "grey")

    def test_amqp_producer_to_stomp_subscriber(self):
        queue = "amqp.interop.to-stomp"
        sender = self.connect().create_sender(queue, options=QUEUE)
        sender.send(Message(body="hello from amqp", durable=True,
                            properties={"colour": "green", "count": int32(3), "flag": True}),
                    timeout=TIMEOUT)
        consumer = self.client()
        consumer.subscribe(queue, "s1", ack="auto", **SUB_ANYCAST)
        got = consumer.listener.wait_messages(1, timeout=TIMEOUT)
        self.assertEqual(len(got), 1)
        frame = got[0]
        self.assertEqual(frame.body, "hello from amqp")
        self.assertEqual(frame.headers.get("colour"), "green")
        self.assertEqual(frame.headers.get("count"), "3")
        self.assertEqual(frame.headers.get("flag"), "true")
        self.assertEqual(frame.headers.get("persistent"), "true")
        self.assertEqual(frame.headers.get("destination"), queue)
        # The sections the broker keeps for AMQP consumers are no STOMP headers.
        self.assertEqual([h for h in frame.headers if h.startswith("__AMQ")], [])

    # 4 -------------------------------------------------------------------------------------
    def test_sasl_plain_wrong_password_is_refused_and_right_one_works(self):
        for acceptor in ("amqp", "artemis"):
            with self.subTest(acceptor=acceptor):
                for user, password in [("admin", "wrong"), ("nobody", "x")]:
                    with self.assertRaises(ConnectionException) as caught:
                        self.connect(acceptor, user=user, password=password)
                    self.assertIn("amqp:unauthorized-access", str(caught.exception))
                queue = f"amqp.sasl.ok.{acceptor}"
                conn = self.connect(acceptor)
                sender = conn.create_sender(queue, options=QUEUE)
                delivery = sender.send(Message(body="authenticated"), timeout=TIMEOUT)
                self.assertEqual(delivery.remote_state, Delivery.ACCEPTED)
                receiver = conn.create_receiver(queue, options=QUEUE)
                self.assertEqual(self.receive_bodies(receiver, 1), ["authenticated"])

    def test_anonymous_and_no_sasl_connections_are_refused_with_require_login(self):
        url = f"amqp://127.0.0.1:{self.broker.port('amqp')}"
        attempts = {"SASL ANONYMOUS": {"allowed_mechs": "ANONYMOUS"},  # refused in SASL
                    "no SASL layer": {"sasl_enabled": False}}  # open, then closed at once
        for name, kwargs in attempts.items():
            with self.subTest(attempt=name):
                with self.assertRaises(ConnectionException) as caught:
                    close_quietly(BlockingConnection(url, timeout=TIMEOUT, **kwargs))
                self.assertIn("amqp:unauthorized-access", str(caught.exception))

    # 5 -------------------------------------------------------------------------------------
    def test_accept_release_modify_and_reject(self):
        queue = "amqp.dispositions"
        conn = self.connect()
        sender = conn.create_sender(queue, options=QUEUE)
        for body in ("accepted", "released", "modified", "failed", "rejected"):
            sender.send(Message(body=body, durable=True), timeout=TIMEOUT)
        receiver = conn.create_receiver(queue, options=QUEUE)  # credit 1 per receive()

        def settle_and_sync(state, failed=False):
            """Settles the last message received with `state` and makes sure the broker has
            read that disposition before the next receive() grants credit: Proton writes a
            receiver's flow ahead of dispositions pending in the same write, which would let
            the next message overtake the one given back."""
            receiver.fetcher.unsettled[0].local.failed = failed
            receiver.settle(state)
            # A round trip (a link of its own name: Proton names links after their address).
            conn.create_sender(queue, name=f"sync-{uuid.uuid4()}", options=QUEUE).close()

        m = receiver.receive(timeout=TIMEOUT)
        self.assertEqual((m.body, m.delivery_count), ("accepted", 0))
        receiver.accept()

        m = receiver.receive(timeout=TIMEOUT)
        self.assertEqual((m.body, m.delivery_count), ("released", 0))
        settle_and_sync(Delivery.RELEASED)  # receiver.release(delivered=False)
        m = receiver.receive(timeout=TIMEOUT)
        self.assertEqual((m.body, m.delivery_count), ("released", 0))
        receiver.accept()

        # MODIFIED without delivery-failed, as receiver.release(delivered=True) sends it
        # (Proton does not set the flag): back, not counted as a failed delivery.
        m = receiver.receive(timeout=TIMEOUT)
        self.assertEqual((m.body, m.delivery_count), ("modified", 0))
        settle_and_sync(Delivery.MODIFIED)
        m = receiver.receive(timeout=TIMEOUT)
        self.assertEqual((m.body, m.delivery_count), ("modified", 0))
        receiver.accept()

        # MODIFIED with delivery-failed: back with its delivery count raised.
        m = receiver.receive(timeout=TIMEOUT)
        self.assertEqual((m.body, m.delivery_count), ("failed", 0))
        settle_and_sync(Delivery.MODIFIED, failed=True)
        m = receiver.receive(timeout=TIMEOUT)
        self.assertEqual((m.body, m.delivery_count), ("failed", 1))
        receiver.accept()

        m = receiver.receive(timeout=TIMEOUT)
        self.assertEqual(m.body, "rejected")
        receiver.reject()

        # Everything above is off the queue: the next message is one sent now.
        sender.send(Message(body="fence"), timeout=TIMEOUT)
        self.assertEqual(self.receive_until(receiver, "fence"), [])
        # The rejected message is on the dead-letter queue (other tests may have put more
        # there; the loop is bounded).
        dlq = conn.create_receiver("DLQ", options=QUEUE)
        for _ in range(50):
            dead = dlq.receive(timeout=TIMEOUT)
            dlq.accept()
            if dead.body == "rejected":
                break
        else:
            self.fail("the rejected message is not on DLQ")
        origin = (dead.properties or {}).get("_AMQ_ORIG_ADDRESS") or \
            (dead.annotations or {}).get(symbol("x-opt-ORIG-ADDRESS"))
        self.assertEqual(origin, queue)

    # 6 -------------------------------------------------------------------------------------
    def test_unsettled_messages_go_to_the_next_receiver_when_the_connection_closes(self):
        queue = "amqp.unsettled"
        producer = self.connect()
        sender = producer.create_sender(queue, options=QUEUE)
        bodies = [f"u{i}" for i in range(8)]
        for body in bodies:
            sender.send(Message(body=body, durable=True), timeout=TIMEOUT)
        first = self.connect()
        receiver = first.create_receiver(queue, credit=5, options=QUEUE)
        self.assertEqual(self.receive_bodies(receiver, 3, accept=False), bodies[:3])
        first.close()  # three received and unsettled, two more prefetched: all go back
        second = self.connect().create_receiver(queue, options=QUEUE)
        self.assertEqual(self.receive_bodies(second, len(bodies)), bodies)
        sender.send(Message(body="fence"), timeout=TIMEOUT)
        self.assertEqual(self.receive_until(second, "fence"), [])

    # 7 -------------------------------------------------------------------------------------
    def test_selector_receiver_gets_only_matching_messages(self):
        queue = "amqp.selector"
        conn = self.connect()
        sender = conn.create_sender(queue, options=QUEUE)
        for body, colour in [("r1", "red"), ("b1", "blue"), ("r2", "red"), ("g1", "green"),
                             ("end", "red")]:
            sender.send(Message(body=body, properties={"colour": colour}), timeout=TIMEOUT)
        selective = conn.create_receiver(queue, options=[QUEUE, Selector("colour = 'red'")])
        self.assertEqual(self.receive_until(selective, "end"), ["r1", "r2"])
        selective.close()
        # The others stay on the queue for a receiver without a selector.
        sender.send(Message(body="fence", properties={"colour": "red"}), timeout=TIMEOUT)
        everyone = conn.create_receiver(queue, options=QUEUE)
        self.assertEqual(self.receive_until(everyone, "fence"), ["b1", "g1"])

    # 8 -------------------------------------------------------------------------------------
    def test_topic_receivers_each_get_every_message(self):
        address = "amqp.topic.news"
        receivers = [self.connect().create_receiver(address, credit=10, options=TOPIC)
                     for _ in range(2)]
        sender = self.connect().create_sender(address, options=TOPIC)
        bodies = [f"n{i}" for i in range(5)]
        for body in bodies:
            sender.send(Message(body=body), timeout=TIMEOUT)
        for r in receivers:
            self.assertEqual(self.receive_bodies(r, len(bodies)), bodies)
        # A receiver that attaches later gets only what is sent after it attached.
        late = self.connect().create_receiver(address, options=TOPIC)
        sender.send(Message(body="after"), timeout=TIMEOUT)
        self.assertEqual(self.receive_bodies(late, 1), ["after"])
        for r in receivers:
            self.assertEqual(self.receive_bodies(r, 1), ["after"])

    # 9 -------------------------------------------------------------------------------------
    def test_presettled_receiver_consumes_at_most_once(self):
        queue = "amqp.presettled"
        conn = self.connect()
        sender = conn.create_sender(queue, options=QUEUE)
        bodies = [f"p{i}" for i in range(3)]
        for body in bodies:
            sender.send(Message(body=body, durable=True), timeout=TIMEOUT)
        receiver = conn.create_receiver(queue, options=[QUEUE, AtMostOnce()])
        got = []
        for _ in bodies:
            got.append(receiver.receive(timeout=TIMEOUT).body)
        self.assertEqual(got, bodies)
        self.assertEqual(len(receiver.fetcher.unsettled), 0, "deliveries were not pre-settled")
        receiver.close()
        # Gone: a second receiver gets nothing within a short wait, then only a new message.
        again = self.connect().create_receiver(queue, options=QUEUE)
        with self.assertRaises(Timeout):
            again.receive(timeout=0.5)
        sender.send(Message(body="fence"), timeout=TIMEOUT)
        self.assertEqual(self.receive_until(again, "fence"), [])


    def test_browser_sees_waiting_messages_without_consuming_them(self):
        queue = "amqp.browse"
        conn = self.connect()
        sender = conn.create_sender(queue, options=QUEUE)
        bodies = [f"b{i}" for i in range(3)]
        for body in bodies:
            sender.send(Message(body=body, durable=True), timeout=TIMEOUT)
        browser = conn.create_receiver(queue, options=[QUEUE, Copy(), Selector("true")])
        # Browsed deliveries come settled: there is nothing to accept.
        self.assertEqual(self.receive_bodies(browser, 3, accept=False), bodies)
        with self.assertRaises(Timeout):
            browser.receive(timeout=0.5)  # a snapshot: nothing more
        browser.close()
        receiver = conn.create_receiver(queue, options=QUEUE)
        self.assertEqual(self.receive_bodies(receiver, 3), bodies)

    def test_request_reply_through_a_dynamic_reply_queue(self):
        service_queue = "amqp.service"
        client = self.connect()
        replies = client.create_receiver(None, dynamic=True)
        reply_to = replies.remote_source.address
        self.assertTrue(reply_to, "the broker named the dynamic queue in its attach")
        client.create_sender(service_queue, options=QUEUE).send(
            Message(body="ping", reply_to=reply_to, correlation_id="c-1"), timeout=TIMEOUT)
        # The service answers on a link to the reply address, as request/reply clients do.
        service = self.connect()
        request = service.create_receiver(service_queue, options=QUEUE).receive(timeout=TIMEOUT)
        service.create_sender(request.reply_to, name="answer").send(
            Message(body="pong", correlation_id=request.correlation_id), timeout=TIMEOUT)
        answer = replies.receive(timeout=TIMEOUT)
        replies.accept()
        self.assertEqual((answer.body, answer.correlation_id), ("pong", "c-1"))

    # Anonymous relay and refusals -----------------------------------------------------------
    def test_anonymous_relay_routes_each_message_by_its_to_address(self):
        conn = self.connect()
        offered = conn.conn.remote_offered_capabilities
        self.assertIn("ANONYMOUS-RELAY", [str(c) for c in (offered or [])])
        relay = conn.create_sender(None, name="relay")
        anycast = {symbol("x-opt-routing-type"): byte(1)}
        for target in ("amqp.relay.a", "amqp.relay.b"):
            relay.send(Message(address=target, body=f"to {target}", annotations=anycast),
                       timeout=TIMEOUT)
        for target in ("amqp.relay.a", "amqp.relay.b"):
            receiver = conn.create_receiver(target, options=QUEUE)
            self.assertEqual(self.receive_bodies(receiver, 1), [f"to {target}"])
        # A message without `to` has nowhere to go: rejected, saying why.
        with self.assertRaises(SendException) as refused:
            relay.send(Message(body="nowhere"), timeout=TIMEOUT)
        self.assertEqual(refused.exception.state, Delivery.REJECTED)

    def test_duplicate_id_is_honoured_unless_the_acceptor_turns_it_off(self):
        for acceptor, expected in (("artemis", ["first"]), ("amqp", ["first", "second"])):
            with self.subTest(acceptor=acceptor):
                queue = f"amqp.dupl.{acceptor}"
                conn = self.connect(acceptor)
                sender = conn.create_sender(queue, options=QUEUE)
                for body in ("first", "second"):
                    delivery = sender.send(
                        Message(body=body, durable=True, properties={"_AMQ_DUPL_ID": "d-1"}),
                        timeout=TIMEOUT)
                    self.assertEqual(delivery.remote_state, Delivery.ACCEPTED)
                sender.send(Message(body="fence"), timeout=TIMEOUT)
                receiver = conn.create_receiver(queue, options=QUEUE)
                self.assertEqual(self.receive_until(receiver, "fence"), expected)

    def test_connection_log_lines_carry_the_container_id(self):
        self.connect_as("log-named-app").close()
        wait_for(lambda: "(log-named-app): closing" in self.broker.log_text(), TIMEOUT,
                 what="a log line naming the container")

    # Subscriptions ---------------------------------------------------------------------------
    def connect_as(self, container_id):
        container = Container()
        container.container_id = container_id
        return self.connect(container=container)

    def test_durable_subscription_outlives_its_connection_and_reattaches_without_source(self):
        topic = "amqp.sub.news"
        first = self.connect_as("app-1")
        first.create_receiver(topic, name="audit", options=[TOPIC, DurableSubscription()])
        first.close()  # the link is detached, not closed: the subscription stays
        sender = self.connect().create_sender(topic, options=TOPIC)
        for body in ("while-away-1", "while-away-2"):
            sender.send(Message(body=body, durable=True), timeout=TIMEOUT)
        # The same container re-attaches by link name alone; the broker says where it is.
        again = self.connect_as("app-1")
        receiver = again.create_receiver(None, name="audit")
        self.assertEqual(receiver.link.remote_source.address, topic)
        self.assertEqual(self.receive_bodies(receiver, 2), ["while-away-1", "while-away-2"])
        receiver.close()  # closing the link ends the subscription
        with self.assertRaises((LinkDetached, ConnectionException)):
            self.connect_as("app-1").create_receiver(None, name="audit")

    def test_shared_and_global_subscriptions_split_the_messages(self):
        topic = "amqp.sub.shared"
        app = self.connect_as("app-2")
        one = app.create_receiver(topic, name="workers", options=[SHARED_TOPIC], credit=5)
        two = app.create_receiver(topic, name="workers|2", options=[SHARED_TOPIC], credit=5)
        g1 = self.connect_as("node-a").create_receiver(
            topic, name="everyone", options=[GLOBAL_TOPIC], credit=5)
        g2 = self.connect_as("node-b").create_receiver(
            topic, name="everyone", options=[GLOBAL_TOPIC], credit=5)
        sender = self.connect().create_sender(topic, options=TOPIC)
        sent = [f"m{i}" for i in range(6)]
        for body in sent:
            sender.send(Message(body=body), timeout=TIMEOUT)
        # Each subscription gets every message once, spread over its receivers.
        for pair in ((one, two), (g1, g2)):
            got = []
            deadline = time.monotonic() + TIMEOUT
            while len(got) < len(sent) and time.monotonic() < deadline:
                for receiver in pair:
                    try:
                        got.append(receiver.receive(timeout=0.05).body)
                        receiver.accept()
                    except Timeout:
                        pass
            self.assertEqual(sorted(got), sent)

    def test_every_body_kind_and_typed_fields_come_back_as_sent(self):
        queue = "amqp.bodies"
        conn = self.connect()
        sender = conn.create_sender(queue, options=QUEUE)
        sent = typed_messages()
        for message in sent:
            sender.send(message, timeout=TIMEOUT)
        receiver = conn.create_receiver(queue, options=QUEUE)
        for expected in sent:
            got = receiver.receive(timeout=TIMEOUT)
            receiver.accept()
            assert_same_message(self, got, expected)


def typed_messages():
    """Messages with bodies and fields the broker must keep with their AMQP types: an
    AmqpValue list and map, an AmqpSequence, a uuid message-id, an unsigned correlation-id,
    message annotations and application properties of types a core property cannot hold."""
    return [
        Message(body=[1, "two", 3.0], durable=True),
        Message(body={"sequence": 7, "nested": {"a": [True, None]}}, durable=True,
                id=uuid.UUID("12345678-1234-5678-1234-567812345678")),
        Message(body=[b"\x00\x01", "x"], inferred=True, durable=True,
                correlation_id=ulong(2**64 - 1)),
        Message(body="annotated", durable=True,
                annotations={symbol("x-opt-custom"): "kept", symbol("x-n"): ulong(5)},
                properties={"u": ulong(2**63 + 1), "c": char("z"),
                            "t": timestamp(1_700_000_000_000), "s": symbol("sym")}),
    ]


def assert_same_message(case, got, expected):
    case.assertEqual(got.body, expected.body)
    case.assertEqual(type(got.body), type(expected.body))
    case.assertEqual(got.inferred, expected.inferred)
    case.assertEqual((got.id, type(got.id)), (expected.id, type(expected.id)))
    case.assertEqual((got.correlation_id, type(got.correlation_id)),
                     (expected.correlation_id, type(expected.correlation_id)))
    case.assertEqual(got.annotations, expected.annotations)
    for name, value in (expected.properties or {}).items():
        case.assertEqual((got.properties[name], type(got.properties[name])),
                         (value, type(value)))


class AmqpRestartTest(AmqpClientMixin, BrokerTestCase):
    """Durable messages a blocking send saw accepted survive a restart of the broker."""

    def send_all(self, queue, messages):
        sender = self.connect().create_sender(queue, options=QUEUE)
        for message in messages:
            delivery = sender.send(message, timeout=TIMEOUT)
            # send() returned: the broker's disposition is in, and it is an acceptance.
            self.assertEqual(delivery.remote_state, Delivery.ACCEPTED,
                             f"not accepted: {message.body}")
        close_quietly(sender.connection)

    def drain(self, queue):
        conn = self.connect()
        sender = conn.create_sender(queue, options=QUEUE)
        sender.send(Message(body="fence", durable=True), timeout=TIMEOUT)
        receiver = conn.create_receiver(queue, options=QUEUE)
        got = self.receive_until(receiver, "fence", limit=200)
        close_quietly(conn)
        return got

    def check_restart(self, queue, restart):
        """Sends 20 durable messages (and 4 non-durable ones among them), consumes the first 5
        durable ones, calls restart() and starts the broker again; returns what is left."""
        durable = [f"d{i:02d}" for i in range(20)]
        messages = []
        for i, body in enumerate(durable):
            messages.append(Message(body=body, durable=True))
            if i % 5 == 0:
                messages.append(Message(body=f"volatile{i}", durable=False))
        self.send_all(queue, messages)
        conn = self.connect()
        receiver = conn.create_receiver(queue, options=QUEUE)
        first = []
        for _ in range(10):  # bounded: the five durable ones and the volatile among them
            if len(first) == 5:
                break
            body = receiver.receive(timeout=TIMEOUT).body
            receiver.accept()
            if body.startswith("d"):
                first.append(body)
        self.assertEqual(first, durable[:5])
        close_quietly(conn)  # the broker has read the accepts before it answers the close
        restart()
        self.broker.start()
        return durable, self.drain(queue)

    def test_clean_restart_keeps_accepted_durable_messages(self):
        durable, left = self.check_restart("amqp.restart.clean", self.broker.stop)
        # A clean stop loses nothing: neither a durable message nor an acceptance.
        self.assertEqual(left, durable[5:])

    def test_typed_messages_survive_a_restart_as_sent(self):
        queue = "amqp.restart.typed"
        sent = typed_messages()
        self.send_all(queue, sent)
        self.broker.kill()
        self.broker.start()
        receiver = self.connect().create_receiver(queue, options=QUEUE)
        for expected in sent:
            got = receiver.receive(timeout=TIMEOUT)
            receiver.accept()
            assert_same_message(self, got, expected)

    def test_sigkill_keeps_accepted_durable_messages(self):
        durable, left = self.check_restart("amqp.restart.kill", self.broker.kill)
        # Every durable message the broker accepted and nobody consumed is back, in order, and
        # no non-durable one. An accepted *delivery* has no answer in AMQP and its journal
        # record is written without the client waiting for it, so a kill right after may bring
        # back some of the consumed ones (at least once): `left` is a suffix of `durable` that
        # holds at least the last 15.
        self.assertIn(left, [durable[k:] for k in range(6)])

if __name__ == "__main__":
    unittest.main()
