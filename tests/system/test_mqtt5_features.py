"""MQTT 5 shared subscriptions and topic aliases against a real `artemis run`, with Debian's
mosquitto_pub / mosquitto_sub and python3-paho-mqtt (which does not speak topic aliases, so a
raw socket checks what the broker sends). Every wait is bounded."""

import json
import os
import queue
import socket
import struct
import subprocess
import time
import unittest

import paho.mqtt.client as paho

from harness import StompClient, artemis_bin, wait_for
from test_mqtt import TIMEOUT, MqttTest


def varint(n):
    out = bytearray()
    while True:
        b, n = n % 128, n // 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def utf8(s):
    b = s.encode()
    return struct.pack(">H", len(b)) + b


def packet(first, body):
    return bytes([first]) + varint(len(body)) + body


class RawMqtt5:
    """A bare MQTT 5 client: enough to read the PUBLISH packets the broker sends as bytes."""

    def __init__(self, port, client_id, connect_props=b"", clean=True, will=None):
        """`will`: (topic, payload, Will Delay Interval in seconds), sent at QoS 1."""
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buf = b""
        flags = 0xC2 if clean else 0xC0  # user name, password, clean start
        will_part = b""
        if will:
            flags |= 0x04 | 0x08  # a will, at QoS 1
            topic, payload, delay = will
            props = b"\x18" + struct.pack(">I", delay)
            will_part = varint(len(props)) + props + utf8(topic) + utf8(payload)
        body = (utf8("MQTT") + bytes([5, flags]) + struct.pack(">H", 30) +
                varint(len(connect_props)) + connect_props + utf8(client_id) + will_part +
                utf8("admin") + utf8("admin"))
        self.sock.sendall(packet(0x10, body))
        kind, connack = self.next()
        assert kind == 0x20 and connack[1] == 0, connack
        self.connack = connack
        self.session_present = bool(connack[0] & 1)

    def next(self):
        deadline = time.monotonic() + TIMEOUT
        while True:
            if len(self.buf) >= 2:
                size, shift, i = 0, 0, 1
                while i < len(self.buf) and i < 5:
                    size |= (self.buf[i] & 0x7F) << shift
                    shift += 7
                    i += 1
                    if not self.buf[i - 1] & 0x80:
                        if len(self.buf) >= i + size:
                            first, body = self.buf[0], self.buf[i:i + size]
                            self.buf = self.buf[i + size:]
                            return first & 0xF0, body
                        break
            if time.monotonic() > deadline:
                raise TimeoutError("no packet from the broker")
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the broker closed the connection")
            self.buf += chunk

    def subscribe(self, topic_filter, qos=0):
        body = struct.pack(">H", 1) + b"\x00" + utf8(topic_filter) + bytes([qos])
        self.sock.sendall(packet(0x82, body))
        kind, ack = self.next()
        assert kind == 0x90, kind
        return ack[-1]

    def publish_topic_and_alias(self):
        """(topic, alias, payload) of the next QoS 0 PUBLISH."""
        kind, body = self.next()
        assert kind == 0x30, kind
        n = struct.unpack(">H", body[:2])[0]
        topic, rest = body[2:2 + n].decode(), body[2 + n:]
        props_len, i, shift = 0, 0, 0
        while True:
            props_len |= (rest[i] & 0x7F) << shift
            shift += 7
            i += 1
            if not rest[i - 1] & 0x80:
                break
        props, payload = rest[i:i + props_len], rest[i + props_len:]
        alias = None
        j = 0
        while j < len(props):
            if props[j] == 0x23:
                alias = struct.unpack(">H", props[j + 1:j + 3])[0]
                j += 3
            else:
                raise AssertionError(f"unexpected property {props[j]:#x}")
        return topic, alias, payload

    def drop(self):
        """Ends the connection without DISCONNECT, as a crashed client would."""
        self.sock.close()

    def close(self):
        try:
            self.sock.sendall(packet(0xE0, b"\x00\x00"))
        except OSError:
            pass
        self.sock.close()


class Mqtt5FeaturesTest(MqttTest):

    @classmethod
    def prepare_broker(cls):
        cls.broker.edit_acceptor(
            "mqtt", lambda url: url + ";topicAliasMaximum=10;defaultMqttSessionExpiryInterval=1;"
            "receiveMaximum=2;defaultMaximumInFlightPublishMessages=2")
        cls.broker.edit_acceptor(
            "artemis", lambda url: url + ";allowLinkStealing=false;"
            "closeMqttConnectionOnPublishAuthorizationFailure=false")
        # A user whose role may do nothing.
        etc = os.path.join(cls.broker.dir, "etc")
        with open(os.path.join(etc, "artemis-users.properties"), "a") as f:
            f.write("\nreader = reader\n")
        with open(os.path.join(etc, "artemis-roles.properties"), "a") as f:
            f.write("\nviewer = reader\n")

    def v5(self, client_id="", clean=True):
        return self.paho_client(client_id=client_id, version=paho.MQTTv5, clean=clean)

    def test_a_shared_subscription_spreads_messages_over_its_group(self):
        a, b = self.v5("share-a"), self.v5("share-b")
        other = self.v5("share-other")
        for c in (a, b):
            self.assertEqual([g.value for g in self.subscribe(c, "$share/g1/mqtt/shared/#", 1)],
                             [1])
        self.subscribe(other, "mqtt/shared/#", 1)
        for i in range(20):
            self.mosquitto_pub("-V", "mqttv5", "-q", "1", "-t", "mqtt/shared/x", "-m", f"m{i}")
        # Every message once to the group, split between its members; a plain subscriber
        # gets its own copy of each.
        got = []

        def all_came():
            got.extend(m.payload for q in (a.got, b.got) for m in drain(q))
            return len(got) >= 20
        wait_for(all_came, TIMEOUT, what="20 messages to the group")
        self.assertEqual(sorted(got), sorted(f"m{i}".encode() for i in range(20)))
        self.assertEqual(len(self.receive(other, 20)), 20)
        # One queue for the group, <group>.<address>: STOMP reaches it by its full name.
        with StompClient(self.broker.stomp_port) as s:
            s.send_wait("mqtt.shared.#::g1.mqtt.shared.#", "to the group only",
                        **{"destination-type": "MULTICAST"})
        first = [m.payload for q in (a.got, b.got) for m in drain(q, wait=3.0)]
        self.assertEqual(first, [b"to the group only"])

    def test_a_shared_subscription_gets_no_retained_message(self):
        self.mosquitto_pub("-q", "1", "-r", "-t", "mqtt/shared/retained", "-m", "kept")
        self.addCleanup(self.mosquitto_pub, "-q", "1", "-r", "-t", "mqtt/shared/retained",
                        "-m", "")
        c = self.v5("share-retained")
        self.subscribe(c, "$share/g2/mqtt/shared/retained", 1)
        self.mosquitto_pub("-q", "1", "-t", "mqtt/shared/retained", "-m", "live")
        self.assertEqual(c.got.get(timeout=TIMEOUT).payload, b"live")

    def test_malformed_shared_filters_are_refused_in_the_suback(self):
        raw = RawMqtt5(self.port, "share-bad")  # paho refuses some of these itself
        self.addCleanup(raw.close)
        for bad in ("$share/g", "$share//t", "$share/g+/t", "$share/g/a/#/b", "$share/g#/t"):
            self.assertEqual(raw.subscribe(bad, 1), 0x8F, bad)

    def test_the_group_queue_goes_with_its_last_member_unless_a_session_keeps_it(self):
        a, b = self.v5("share-leave-a"), self.v5("share-leave-b")
        for c in (a, b):
            self.subscribe(c, "$share/g3/mqtt/leave", 1)
        a.unsubscribe("$share/g3/mqtt/leave")
        self.mosquitto_pub("-q", "1", "-t", "mqtt/leave", "-m", "for b")
        self.assertEqual(b.got.get(timeout=TIMEOUT).payload, b"for b")
        self.stop_client(b)  # its session ends with the connection: the group's queue goes
        wait_for(lambda: "(share-leave-b): closing" in self.broker.log_text(), TIMEOUT,
                 what="the last member gone")
        self.mosquitto_pub("-q", "1", "-t", "mqtt/leave", "-m", "nobody listens")
        c = self.v5("share-leave-c")
        self.subscribe(c, "$share/g3/mqtt/leave", 1)
        self.mosquitto_pub("-q", "1", "-t", "mqtt/leave", "-m", "after")
        self.assertEqual(c.got.get(timeout=TIMEOUT).payload, b"after")
        self.stop_client(c)

        # A member whose session outlives its connection keeps the queue for the group.
        d = self.v5("share-keep", clean=False)
        self.subscribe(d, "$share/g4/mqtt/leave", 1)
        self.stop_client(d)
        wait_for(lambda: "(share-keep): closing" in self.broker.log_text(), TIMEOUT,
                 what="the persistent member gone")
        self.mosquitto_pub("-q", "1", "-t", "mqtt/leave", "-m", "kept for the group")
        d = self.v5("share-keep", clean=False)
        self.assertTrue(d.session_present)
        self.assertEqual(d.got.get(timeout=TIMEOUT).payload, b"kept for the group")

    def test_a_session_ends_its_expiry_interval_after_the_connection(self):
        expiry = b"\x11" + struct.pack(">I", 1)  # Session Expiry Interval 1 s
        raw = RawMqtt5(self.port, "expiring", expiry, clean=False)
        raw.subscribe("mqtt/expiring", 1)
        raw.close()
        self.mosquitto_pub("-q", "1", "-t", "mqtt/expiring", "-m", "while away")
        # Checked every 5 s, as Artemis's mqtt-session-scan-interval.
        wait_for(lambda: "the session of MQTT client expiring expired" in self.broker.log_text(),
                 TIMEOUT, what="the expiry logged")
        raw = RawMqtt5(self.port, "expiring", expiry, clean=False)
        self.addCleanup(raw.close)
        self.assertFalse(raw.session_present)
        # Its queue went with it: nothing waits for a new subscription of the same filter.
        raw.subscribe("mqtt/expiring", 0)
        self.mosquitto_pub("-t", "mqtt/expiring", "-m", "now")
        self.assertEqual(raw.publish_topic_and_alias()[2], b"now")

    def test_a_3_1_1_session_lasts_the_acceptors_default_expiry_interval(self):
        c = self.paho_client("expiring-311", clean=False)
        self.subscribe(c, "mqtt/expiring311", 1)
        self.stop_client(c)
        wait_for(lambda: "the session of MQTT client expiring-311 expired" in
                 self.broker.log_text(), TIMEOUT, what="the expiry logged")
        self.assertFalse(self.paho_client("expiring-311", clean=False).session_present)

    def test_a_persistent_session_without_subscriptions_is_kept(self):
        raw = RawMqtt5(self.port, "kept-empty", b"\x11" + struct.pack(">I", 3600), clean=False)
        raw.close()
        raw = RawMqtt5(self.port, "kept-empty", b"\x11" + struct.pack(">I", 3600), clean=False)
        self.addCleanup(raw.close)
        self.assertTrue(raw.session_present)

    def test_disconnect_cannot_keep_a_session_connect_did_not(self):
        raw = RawMqtt5(self.port, "no-late-expiry")
        self.addCleanup(raw.close)
        raw.sock.sendall(packet(0xE0, b"\x00\x05\x11" + struct.pack(">I", 60)))
        kind, body = raw.next()
        self.assertEqual((kind, body[0]), (0xE0, 0x82))

    def test_a_will_waits_for_its_delay(self):
        watcher = self.v5("will-watcher")
        self.subscribe(watcher, "mqtt/delayed/#", 1)
        keep = b"\x11" + struct.pack(">I", 60)
        raw = RawMqtt5(self.port, "will-delayed", keep, clean=False,
                       will=("mqtt/delayed/will", "late", 2))
        dropped = time.monotonic()
        raw.drop()
        message = watcher.got.get(timeout=TIMEOUT)
        self.assertEqual((message.topic, message.payload), ("mqtt/delayed/will", b"late"))
        self.assertGreaterEqual(time.monotonic() - dropped, 1.5)

    def test_a_client_back_before_the_will_delay_cancels_its_will(self):
        watcher = self.v5("will-watcher-2")
        self.subscribe(watcher, "mqtt/cancelled/#", 1)
        keep = b"\x11" + struct.pack(">I", 60)
        will = ("mqtt/cancelled/will", "never", 30)
        RawMqtt5(self.port, "will-back", keep, clean=False, will=will).drop()
        wait_for(lambda: "will-back" in self.broker.log_text(), TIMEOUT,
                 what="the dropped connection noticed")
        back = RawMqtt5(self.port, "will-back", keep, clean=False)
        self.addCleanup(back.close)
        self.assertTrue(back.session_present)
        wait_for(lambda: "the will of MQTT client will-back is cancelled" in
                 self.broker.log_text(), TIMEOUT, what="the will cancelled")
        # A clean start ends the old session instead: its will goes at once.
        RawMqtt5(self.port, "will-restart", keep, clean=False,
                 will=("mqtt/cancelled/restart", "sent", 30)).drop()
        wait_for(lambda: "will-restart" in self.broker.log_text(), TIMEOUT,
                 what="the dropped connection noticed")
        again = RawMqtt5(self.port, "will-restart", keep, clean=True)
        self.addCleanup(again.close)
        message = watcher.got.get(timeout=TIMEOUT)
        self.assertEqual((message.topic, message.payload), ("mqtt/cancelled/restart", b"sent"))

    def test_a_pubrel_not_confirmed_goes_again_after_a_reconnect_and_a_kill_9(self):
        keep = b"\x11" + struct.pack(">I", 3600)
        closes = lambda: self.broker.log_text().count("(qos2-pubrel): closing")  # noqa: E731
        raw = RawMqtt5(self.port, "qos2-pubrel", keep, clean=False)
        self.assertEqual(raw.subscribe("mqtt/pubrel", 2), 2)
        self.mosquitto_pub("-q", "2", "-t", "mqtt/pubrel", "-m", "once")
        kind, body = raw.next()
        self.assertEqual(kind, 0x30)
        n = struct.unpack(">H", body[:2])[0]
        pid = body[2 + n:4 + n]
        raw.sock.sendall(packet(0x50, pid))  # PUBREC: the client has it
        self.assertEqual(raw.next(), (0x60, pid))  # PUBREL
        raw.drop()  # and no PUBCOMP
        wait_for(lambda: closes() == 1, TIMEOUT, what="the dropped connection noticed")

        back = RawMqtt5(self.port, "qos2-pubrel", keep, clean=False)
        self.assertTrue(back.session_present)
        self.assertEqual(back.next(), (0x60, pid))
        back.drop()
        wait_for(lambda: closes() == 2, TIMEOUT, what="the dropped connection noticed")

        self.broker.kill()
        self.broker.start()
        back = RawMqtt5(self.port, "qos2-pubrel", keep, clean=False)
        self.addCleanup(back.close)
        self.assertTrue(back.session_present)
        self.assertEqual(back.next(), (0x60, pid))
        back.sock.sendall(packet(0x70, pid))  # PUBCOMP: done
        # The message itself never comes again, and nothing else waits.
        self.mosquitto_pub("-t", "mqtt/pubrel", "-m", "fence")
        kind, body = back.next()
        self.assertEqual((kind, body[-5:]), (0x30, b"fence"))

    def test_dots_and_stars_inside_topic_levels_stay_literal(self):
        exact, wrong = self.v5("dots-exact"), self.v5("dots-wrong")
        self.subscribe(exact, "mqtt/v1.2/+", 1)
        self.subscribe(wrong, "mqtt/v1/+/x", 1)  # would match if '.' split the level
        self.subscribe(wrong, "mqtt/v1.2/a", 1)  # would match '*' as a wildcard
        self.mosquitto_pub("-q", "1", "-t", "mqtt/v1.2/x", "-m", "dotted")
        self.mosquitto_pub("-q", "1", "-t", "mqtt/v1.2/*", "-m", "starred")
        got = self.receive(exact, 2)
        self.assertEqual([(m.topic, m.payload) for m in got],
                         [("mqtt/v1.2/x", b"dotted"), ("mqtt/v1.2/*", b"starred")])
        self.assert_nothing_more(wrong, "mqtt/v1.2/a", "only the fence matches these filters")

    def test_a_second_connection_is_refused_where_links_may_not_be_stolen(self):
        first = RawMqtt5(self.broker.stomp_port, "no-stealing")
        self.addCleanup(first.close)
        second = socket.create_connection(("127.0.0.1", self.broker.stomp_port), timeout=TIMEOUT)
        self.addCleanup(second.close)
        second.sendall(packet(0x10, utf8("MQTT") + bytes([5, 0xC2]) + struct.pack(">H", 30) +
                              b"\x00" + utf8("no-stealing") + utf8("admin") + utf8("admin")))
        raw = RawMqtt5.__new__(RawMqtt5)
        raw.sock, raw.buf = second, b""
        kind, connack = raw.next()
        self.assertEqual((kind, connack[1]), (0x20, 0x80))
        self.assertEqual(first.subscribe("mqtt/still/here"), 0)  # the first one stays

    def test_an_unauthorised_3_1_1_publish_is_acknowledged_where_the_acceptor_says_so(self):
        watcher = self.v5("auth-watcher")
        self.subscribe(watcher, "mqtt/noauth", 1)
        for port, kept in ((self.broker.stomp_port, True), (self.port, False)):
            c = paho.Client(client_id=f"reader-{port}", protocol=paho.MQTTv311)
            c.username_pw_set("reader", "reader")
            acks, gone = queue.Queue(), queue.Queue()
            c.on_publish = lambda cl, ud, mid: acks.put(mid)
            c.on_disconnect = lambda cl, ud, rc: gone.put(rc)
            c.connect("127.0.0.1", port, keepalive=30)
            c.loop_start()
            self.addCleanup(c.loop_stop)
            mid = c.publish("mqtt/noauth", b"not allowed", qos=1).mid
            if kept:
                self.assertEqual(acks.get(timeout=TIMEOUT), mid)
                self.assertTrue(c.is_connected())
                c.disconnect()
            else:  # closeMqttConnectionOnPublishAuthorizationFailure's default: closed
                gone.get(timeout=TIMEOUT)
        self.assert_nothing_more(watcher, "mqtt/noauth", "the refused publish was not routed")

    def test_qos2_publishes_past_the_receive_maximum_end_the_connection(self):
        raw = RawMqtt5(self.port, "receive-max")
        self.addCleanup(raw.close)
        self.assertIn(b"\x21\x00\x02", raw.connack)  # Receive Maximum 2, as configured
        for pid in (1, 2, 3):  # PUBRECs come, no PUBREL is sent
            raw.sock.sendall(packet(0x34, utf8("mqtt/rm") + struct.pack(">H", pid) + b"\x00x"))
        self.assertEqual(raw.next()[0], 0x50)
        self.assertEqual(raw.next()[0], 0x50)
        kind, body = raw.next()
        self.assertEqual((kind, body[0]), (0xE0, 0x93))

    def test_deliveries_awaiting_acks_stop_at_the_default_maximum_in_flight(self):
        raw = RawMqtt5(self.port, "in-flight")  # announces no Receive Maximum: the acceptor's 2
        self.addCleanup(raw.close)
        self.assertEqual(raw.subscribe("mqtt/inflight", 1), 1)
        for i in range(3):
            self.mosquitto_pub("-q", "1", "-t", "mqtt/inflight", "-m", f"m{i}")
        ids = []
        for _ in range(2):
            kind, body = raw.next()
            self.assertEqual(kind, 0x30)
            ids.append(body[2 + len("mqtt/inflight"):4 + len("mqtt/inflight")])
        # The third was routed before this PINGREQ, but waits for an ack: PINGRESP comes first.
        raw.sock.sendall(b"\xc0\x00")
        self.assertEqual(raw.next(), (0xD0, b""))
        raw.sock.sendall(packet(0x40, ids[0] + b"\x00"))  # PUBACK the first
        kind, body = raw.next()
        self.assertEqual((kind, body[-2:]), (0x30, b"m2"))

    def test_topic_aliases_from_the_client_are_resolved(self):
        sub = self.v5("alias-sub")
        self.subscribe(sub, "mqtt/alias/#", 1)
        # mosquitto_pub sends the topic with alias 1 first, then the alias alone.
        self.mosquitto_pub("-V", "mqttv5", "-q", "1", "-t", "mqtt/alias/in", "-D", "publish",
                           "topic-alias", "1", "--repeat", "3", "-m", "aliased")
        msgs = self.receive(sub, 3)
        self.assertEqual([(m.topic, m.payload) for m in msgs], [("mqtt/alias/in", b"aliased")] * 3)

    def test_bad_aliases_end_the_connection_with_their_reason(self):
        raw = RawMqtt5(self.port, "alias-bad")
        self.addCleanup(raw.close)
        self.assertIn(b"\x22\x00\x0a", raw.connack)  # Topic Alias Maximum 10, as configured
        # Over the maximum: Topic Alias invalid. 0 is never an alias, and an alias alone that
        # was never set names nothing: both protocol errors.
        for alias, topic, reason in ((11, "mqtt/alias/x", 0x94), (0, "mqtt/alias/x", 0x82),
                                     (3, "", 0x82)):
            raw = RawMqtt5(self.port, f"alias-bad-{alias}")
            self.addCleanup(raw.close)
            body = utf8(topic) + b"\x03\x23" + struct.pack(">H", alias) + b"x"
            raw.sock.sendall(packet(0x30, body))
            kind, disconnect = raw.next()
            self.assertEqual((kind, disconnect[0]), (0xE0, reason), (alias, topic))

    def test_the_broker_uses_aliases_up_to_the_clients_maximum(self):
        props = b"\x22" + struct.pack(">H", 2)  # Topic Alias Maximum 2
        raw = RawMqtt5(self.port, "alias-out", props)
        self.addCleanup(raw.close)
        self.assertEqual(raw.subscribe("mqtt/aliasout/#"), 0)
        for t in ("a", "b", "a", "c", "b", "c"):
            self.mosquitto_pub("-t", f"mqtt/aliasout/{t}", "-m", t)
        seen = [raw.publish_topic_and_alias() for _ in range(6)]
        self.assertEqual(seen, [("mqtt/aliasout/a", 1, b"a"), ("mqtt/aliasout/b", 2, b"b"),
                                ("", 1, b"a"), ("mqtt/aliasout/c", None, b"c"),
                                ("", 2, b"b"), ("mqtt/aliasout/c", None, b"c")])

    def test_management_request_and_reply_over_mqtt5(self):
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties
        c = self.v5("manager")
        self.subscribe(c, "replies/manager", 1)
        props = Properties(PacketTypes.PUBLISH)
        props.ResponseTopic = "replies/manager"
        props.CorrelationData = b"req-1"
        props.UserProperty = [("_AMQ_ResourceName", "broker"),
                              ("_AMQ_OperationName", "getQueueNames")]
        c.publish("activemq/management", b"[]", qos=1, properties=props).wait_for_publish(TIMEOUT)
        reply = c.got.get(timeout=TIMEOUT)
        self.assertEqual(reply.topic, "replies/manager")
        self.assertIn("DLQ", json.loads(reply.payload)[0])
        self.assertEqual(reply.properties.CorrelationData, b"req-1")
        self.assertIn(("_AMQ_OperationSucceeded", "true"), reply.properties.UserProperty)
        # A STOMP header reaches an MQTT 5 subscriber as a user property.
        self.subscribe(c, "mqtt/props", 1)
        with StompClient(self.broker.stomp_port) as s:
            s.send_wait("mqtt.props", "x", colour="blue")
        got = c.got.get(timeout=TIMEOUT)
        self.assertIn(("colour", "blue"), got.properties.UserProperty)
        self.stop_client(c)


class ServerKeepAliveTest(MqttTest):
    """An acceptor with serverKeepAlive=3: clients asking for none or more get 3 s."""

    @classmethod
    def prepare_broker(cls):
        cls.broker.edit_acceptor("mqtt", lambda url: url + ";serverKeepAlive=3")

    def test_a_client_asking_for_no_keep_alive_gets_the_servers_and_is_held_to_it(self):
        raw = RawMqtt5(self.port, "no-keep-alive")  # asks for 30 s: more than 3
        self.addCleanup(raw.close)
        self.assertIn(b"\x13\x00\x03", raw.connack)  # Server Keep Alive 3
        # Silent for one and a half periods: the broker ends the connection, saying why.
        kind, body = raw.next()
        self.assertEqual((kind, body[0]), (0xE0, 0x8D))  # Keep Alive timeout

    def test_our_mqtt_consumer_pings_to_stay_connected(self):
        consumer = subprocess.Popen(
            [artemis_bin(), "consumer", "--protocol", "mqtt", "--user", "admin", "--password",
             "admin", "--url", f"tcp://127.0.0.1:{self.port}", "--destination",
             "topic://ka.idle", "--message-count", "1", "--receive-timeout", "30000"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.addCleanup(consumer.kill)
        # Idle for longer than the 4.5 s the broker waits without pings: still connected.
        with self.assertRaises(subprocess.TimeoutExpired):
            consumer.wait(timeout=7)
        for i in range(50):  # until the consumer, subscribed long ago, has its message
            self.mosquitto_pub("-q", "1", "-t", "ka/idle", "-m", f"after idling {i}")
            try:
                consumer.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                pass
        out, _ = consumer.communicate(timeout=TIMEOUT)
        self.assertEqual(consumer.returncode, 0, out)
        self.assertIn("Consumed: 1 messages", out)


def drain(q, wait=0.0, most=None):
    out = []
    deadline = time.monotonic() + wait
    while most is None or len(out) < most:
        try:
            out.append(q.get(timeout=max(0.0, deadline - time.monotonic())))
        except queue.Empty:
            break
    return out


def load_tests(loader, tests, pattern):
    # Only this module's tests: MqttTest's own run in test_mqtt.
    return loader.loadTestsFromNames(
        [f"{__name__}.{case.__name__}.{n}" for case in (Mqtt5FeaturesTest, ServerKeepAliveTest)
         for n in case.__dict__ if n.startswith("test_")])


if __name__ == "__main__":
    unittest.main()
