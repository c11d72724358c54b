"""MQTT 3.1.1 and 5 against a real `artemis run`, with clients nobody here wrote: Debian's
mosquitto_pub / mosquitto_sub (mosquitto-clients) and python3-paho-mqtt. Publish and subscribe
at every QoS in both versions, retained messages, wills, a persistent session that keeps its
messages while the client is away, wrong passwords, and interop with STOMP both ways.
Every wait is bounded."""

import queue
import socket
import subprocess
import threading
import time
import unittest

import paho.mqtt.client as paho

from harness import BrokerTestCase, StompClient, artemis_bin, wait_for

TIMEOUT = 15.0


class MqttTest(BrokerTestCase):
    @property
    def port(self):
        return self.broker.port("mqtt")

    def paho_client(self, client_id="", clean=True, version=paho.MQTTv311, will=None,
                    max_packet=None):
        """A connected paho client whose messages land in client.got (a Queue)."""
        kwargs = {"client_id": client_id, "protocol": version}
        if version != paho.MQTTv5:
            kwargs["clean_session"] = clean
        c = paho.Client(**kwargs)
        c.username_pw_set("admin", "admin")
        c.got = queue.Queue()
        c.connack = queue.Queue()
        c.subacks = queue.Queue()
        c.on_message = lambda cl, ud, msg: c.got.put(msg)
        c.on_connect = lambda cl, ud, flags, rc, *props: c.connack.put((flags, rc))
        c.on_subscribe = lambda cl, ud, mid, granted, *props: c.subacks.put(granted)
        if will:
            c.will_set(*will)
        if version == paho.MQTTv5:
            from paho.mqtt.properties import Properties
            from paho.mqtt.packettypes import PacketTypes
            props = Properties(PacketTypes.CONNECT)
            if not clean:
                props.SessionExpiryInterval = 3600
            if max_packet:
                props.MaximumPacketSize = max_packet
            c.connect("127.0.0.1", self.port, keepalive=30, clean_start=clean, properties=props)
        else:
            c.connect("127.0.0.1", self.port, keepalive=30)
        c.loop_start()
        self.addCleanup(self.stop_client, c)
        flags, rc = c.connack.get(timeout=TIMEOUT)
        self.assertEqual(rc, 0, f"CONNACK {rc}")
        c.session_present = flags.get("session present")
        return c

    @staticmethod
    def stop_client(c):
        try:
            c.disconnect()
        except OSError:
            pass  # its socket is closed already (a test that drops the connection)
        finally:
            c.loop_stop()

    def subscribe(self, c, topic, qos):
        c.subscribe(topic, qos)
        granted = c.subacks.get(timeout=TIMEOUT)
        return granted

    def receive(self, c, count):
        return [c.got.get(timeout=TIMEOUT) for _ in range(count)]

    def assert_nothing_more(self, c, topic, why):
        """Nothing waits before a fence published to `topic` now (which `c` receives): what
        would have come, a duplicate or a stray copy, comes first."""
        self.mosquitto_pub("-q", "1", "-t", topic, "-m", "fence")
        self.assertEqual(c.got.get(timeout=TIMEOUT).payload, b"fence", why)

    def mosquitto_pub(self, *args, check=True, port=None):
        result = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port or self.port),
                                 "-u", "admin", "-P", "admin", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                timeout=TIMEOUT)
        if check:
            self.assertEqual(result.returncode, 0, result.stdout)
        return result

    def mosquitto_sub(self, *args):
        return subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(self.port),
                               "-u", "admin", "-P", "admin", "-W", "5", *args],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=TIMEOUT)

    def test_a_packet_over_the_clients_maximum_packet_size_is_not_sent(self):
        c = self.paho_client(version=paho.MQTTv5, max_packet=200)
        self.assertEqual([g.value for g in self.subscribe(c, "mqtt/maxpacket", 1)], [1])
        self.mosquitto_pub("-q", "1", "-t", "mqtt/maxpacket", "-m", "x" * 500)
        self.mosquitto_pub("-q", "1", "-t", "mqtt/maxpacket", "-m", "small")
        # The big one is dropped as if sent (MQTT 5 3.1.2.24); the next still comes.
        self.assertEqual(c.got.get(timeout=TIMEOUT).payload, b"small")

    def test_mosquitto_publishes_to_paho_at_every_qos_in_both_versions(self):
        for version in ("mqttv311", "mqttv5"):
            for qos in (0, 1, 2):
                with self.subTest(version=version, qos=qos):
                    topic = f"mqtt/pubsub/{version}/{qos}"
                    sub = self.paho_client()
                    self.assertEqual(self.subscribe(sub, topic, qos), (qos,))
                    # 5 through the all-protocols port, which tells MQTT by its CONNECT.
                    port = self.broker.port("artemis" if version == "mqttv5" else "mqtt")
                    for i in range(3):
                        self.mosquitto_pub("-V", version, "-q", str(qos), "-t", topic,
                                           "-m", f"m{i}", port=port)
                    got = self.receive(sub, 3)
                    self.assertEqual([m.payload for m in got], [b"m0", b"m1", b"m2"])
                    self.assertEqual({m.qos for m in got}, {qos})
                    self.assertEqual({m.topic for m in got}, {topic})

    def test_paho_publishes_to_mosquitto_sub_through_a_wildcard(self):
        pub = self.paho_client(version=paho.MQTTv5)
        reader = subprocess.Popen(
            # Line-buffered, so the SUBACK line arrives while mosquitto_sub runs.
            ["stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", str(self.port),
             "-u", "admin", "-P", "admin", "-V", "mqttv5", "-q", "2", "-t", "mqtt/wild/+/temp",
             "-C", "2", "-v", "-d", "-W", str(int(TIMEOUT))],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.addCleanup(reader.kill)
        lines = []
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:  # the SUBACK says the subscription is in place
            line = reader.stdout.readline()
            lines.append(line)
            if "SUBACK" in line or not line:
                break
        self.assertIn("SUBACK", "".join(lines))
        for room, qos in (("kitchen", 1), ("cellar", 2)):
            pub.publish(f"mqtt/wild/{room}/temp", f"{room}-21", qos=qos).wait_for_publish(TIMEOUT)
        pub.publish("mqtt/wild/kitchen/humidity", "not this", qos=1).wait_for_publish(TIMEOUT)
        out, _ = reader.communicate(timeout=TIMEOUT)
        self.assertIn("mqtt/wild/kitchen/temp kitchen-21", out)
        self.assertIn("mqtt/wild/cellar/temp cellar-21", out)
        self.assertNotIn("not this", out)

    def test_qos2_delivers_exactly_once(self):
        sub = self.paho_client(client_id="qos2-sub")
        self.subscribe(sub, "mqtt/exactly", 2)
        pub = self.paho_client(client_id="qos2-pub")
        for i in range(100):
            pub.publish("mqtt/exactly", f"e{i}", qos=2)
        got = self.receive(sub, 100)
        self.assertEqual([m.payload.decode() for m in got], [f"e{i}" for i in range(100)])
        self.assert_nothing_more(sub, "mqtt/exactly", "a message came twice")

    def test_retained_message_reaches_later_subscribers_until_cleared(self):
        topic = "mqtt/retained/state"
        everything = self.paho_client()
        self.subscribe(everything, "#", 1)
        self.mosquitto_pub("-t", topic, "-m", "on", "-r", "-q", "1")
        # Routed once; the copy kept for later subscribers is no message to anyone.
        self.assertEqual(everything.got.get(timeout=TIMEOUT).payload, b"on")
        result = self.mosquitto_sub("-t", "mqtt/retained/#", "-C", "1", "-v")
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertEqual(result.stdout.strip(), f"{topic} on")
        late = self.paho_client(version=paho.MQTTv5)
        self.subscribe(late, topic, 1)
        message = late.got.get(timeout=TIMEOUT)
        self.assertEqual((message.payload, message.retain), (b"on", True))
        self.mosquitto_pub("-t", topic, "-r", "-n")  # an empty retained message clears it
        result = self.mosquitto_sub("-t", topic, "-C", "1", "-W", "1")
        self.assertEqual(result.stdout.strip(), "Timed out")  # nothing retained any more
        self.assertEqual(everything.got.get(timeout=TIMEOUT).payload, b"")
        self.assert_nothing_more(everything, "mqtt/retained/fence", "a retained copy was routed")

    def test_will_is_published_when_the_connection_drops_not_on_disconnect(self):
        watcher = self.paho_client()
        self.subscribe(watcher, "mqtt/will/#", 1)
        polite = self.paho_client(client_id="will-polite", will=("mqtt/will/polite", "gone", 1))
        polite.disconnect()
        crashed = self.paho_client(client_id="will-crash", will=("mqtt/will/crash", "lost", 1))
        crashed.loop_stop()
        crashed.socket().close()  # no DISCONNECT: the broker sees the connection drop
        message = watcher.got.get(timeout=TIMEOUT)
        self.assertEqual((message.topic, message.payload), ("mqtt/will/crash", b"lost"))
        self.assert_nothing_more(watcher, "mqtt/will/fence",
                                 "a polite DISCONNECT must not publish the will")

    def test_persistent_session_keeps_messages_while_the_client_is_away(self):
        for version in (paho.MQTTv311, paho.MQTTv5):
            with self.subTest(version=version):
                client_id = f"persistent-{version}"
                topic = f"mqtt/persistent/{version}"
                away = self.paho_client(client_id=client_id, clean=False, version=version)
                self.subscribe(away, topic, 1)
                self.stop_client(away)
                with StompClient(self.broker.stomp_port) as stomp:
                    for i in range(5):
                        stomp.send_wait(topic.replace("/", "."), f"s{i}", persistent="true")
                back = self.paho_client(client_id=client_id, clean=False, version=version)
                self.assertTrue(back.session_present)
                got = self.receive(back, 5)
                self.assertEqual([m.payload for m in got], [f"s{i}".encode() for i in range(5)])
                self.stop_client(back)
                fresh = self.paho_client(client_id=client_id, clean=True, version=version)
                self.assertFalse(fresh.session_present)

    def test_stomp_and_mqtt_interoperate_both_ways(self):
        mqtt_sub = self.paho_client()
        self.subscribe(mqtt_sub, "mqtt/interop/#", 1)
        with StompClient(self.broker.stomp_port) as stomp:
            stomp.subscribe("mqtt.interop.from-mqtt", "s1", receipt=True)
            stomp.send_wait("mqtt.interop.from-stomp", "hello mqtt")
            self.assertEqual(mqtt_sub.got.get(timeout=TIMEOUT).payload, b"hello mqtt")
            self.mosquitto_pub("-t", "mqtt/interop/from-mqtt", "-m", "hello stomp", "-q", "1")
            got = stomp.listener.wait_messages(1)
            self.assertEqual(got[0].body, "hello stomp")

    def artemis(self, *args):
        return subprocess.run([artemis_bin(), *args, "--protocol", "mqtt", "--user", "admin",
                               "--password", "admin", "--url", f"tcp://127.0.0.1:{self.port}"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=60)

    def test_artemis_producer_and_consumer_speak_mqtt_with_mosquitto(self):
        # A persistent mosquitto session subscribes (and leaves: -E), artemis producer
        # --protocol mqtt publishes at QoS 1 to the address cli.news, which is the topic
        # cli/news, and mosquitto_sub comes back for the five messages.
        sub = ["-V", "mqttv5", "-i", "cli-sub", "-c", "-x", "3600", "-q", "1", "-t", "cli/news"]
        self.assertEqual(self.mosquitto_sub(*sub, "-E").returncode, 0)
        result = self.artemis("producer", "--destination", "topic://cli.news",
                              "--message-count", "5", "--message", "from artemis")
        self.assertEqual(result.returncode, 0, result.stdout)
        got = self.mosquitto_sub(*sub, "-C", "5")
        self.assertEqual(got.stdout.splitlines(), ["from artemis"] * 5)
        # mosquitto_pub to artemis consumer --protocol mqtt: published until the consumer, once
        # subscribed, has taken three (bounded: 50 tries).
        consumer = subprocess.Popen([artemis_bin(), "consumer", "--protocol", "mqtt", "--user",
                                     "admin", "--password", "admin", "--url",
                                     f"tcp://127.0.0.1:{self.port}", "--destination",
                                     "topic://cli.back", "--message-count", "3"],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.addCleanup(consumer.kill)
        for i in range(50):
            if consumer.poll() is not None:
                break
            self.mosquitto_pub("-V", "mqttv311", "-q", "1", "-t", "cli/back", "-m", f"b{i}")
            try:
                consumer.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
        out, _ = consumer.communicate(timeout=TIMEOUT)
        self.assertEqual(consumer.returncode, 0, out)
        self.assertIn("Consumed: 3 messages", out)

    def test_artemis_durable_consumer_resumes_its_mqtt_session(self):
        # The persistent session cli-durable subscribes and leaves; what is published meanwhile
        # waits in it, and artemis consumer --durable with that client id takes it.
        self.assertEqual(self.mosquitto_sub("-V", "mqttv5", "-i", "cli-durable", "-c", "-x",
                                            "3600", "-q", "1", "-t", "cli/durable",
                                            "-E").returncode, 0)
        result = self.artemis("producer", "--destination", "topic://cli.durable",
                              "--message-count", "3")
        self.assertEqual(result.returncode, 0, result.stdout)
        result = self.artemis("consumer", "--destination", "topic://cli.durable", "--durable",
                              "--clientID", "cli-durable", "--message-count", "3",
                              "--receive-timeout", "5000", "--break-on-null")
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn("Consumed: 3 messages", result.stdout)

    def test_artemis_consumer_refuses_what_mqtt_cannot_do(self):
        result = self.artemis("consumer", "--destination", "queue://cli.q", "--message-count", "1")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("MQTT subscribes to topics only: use --destination topic://cli.q",
                      result.stdout)

    def test_wrong_password_is_refused(self):
        for version in ("mqttv311", "mqttv5"):
            with self.subTest(version=version):
                result = subprocess.run(
                    ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.port), "-V", version,
                     "-u", "admin", "-P", "wrong", "-t", "mqtt/refused", "-m", "x"],
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT)
                self.assertNotEqual(result.returncode, 0)
                self.assertRegex(result.stdout.lower(), "bad user name or password|not authori")

    def test_malformed_packets_close_the_connection_and_nothing_else(self):
        body = bytes([0, 4]) + b"MQTT" + bytes([4, 0xc2, 0, 30, 0, 4]) + b"evil" \
            + bytes([0, 5]) + b"admin" + bytes([0, 5]) + b"admin"
        connect = bytes([0x10, len(body)]) + body
        hostile = {
            "qos 3": bytes([0x36, 5, 0, 1, 0x61, 0, 1]),
            "wildcard topic": bytes([0x30, 3, 0, 1, 0x23]),
            "reserved flags": bytes([0x81, 6, 0, 1, 0, 1, 0x61, 0]),
            "second connect": connect,
            "length of five bytes": bytes([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]),
            "bad utf-8": bytes([0x30, 4, 0, 2, 0xc3, 0x28]),
        }
        healthy = self.paho_client()
        self.subscribe(healthy, "mqtt/hostile/alive", 0)
        for name, packet in hostile.items():
            with self.subTest(name):
                with socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT) as s:
                    s.sendall(connect)
                    self.assertEqual(s.recv(4), bytes([0x20, 2, 0, 0]))  # CONNACK accepted
                    s.sendall(packet)
                    deadline = time.monotonic() + TIMEOUT
                    while time.monotonic() < deadline:  # bounded: EOF or a reset ends it
                        try:
                            if not s.recv(4096):
                                break
                        except ConnectionResetError:
                            break
                    else:
                        self.fail(f"{name}: the connection stayed open")
                healthy.publish("mqtt/hostile/alive", name, qos=0)
                self.assertEqual(healthy.got.get(timeout=TIMEOUT).payload.decode(), name)

    def test_a_second_connection_with_the_same_client_id_takes_over(self):
        first = self.paho_client(client_id="same-id", version=paho.MQTTv5)
        dropped = threading.Event()
        first.on_disconnect = lambda *args: dropped.set()
        self.paho_client(client_id="same-id", version=paho.MQTTv5)
        self.assertTrue(dropped.wait(TIMEOUT))
        wait_for(lambda: "(same-id): closing: session_closed" in self.broker.log_text(), TIMEOUT,
                 what="the first connection closed")


class MqttRestartTest(MqttTest):
    """A broker of its own, killed with SIGKILL while a persistent session is away. It inherits
    MqttTest's helpers; load_tests runs only its own test here."""

    def test_persistent_session_loses_nothing_through_kill_9(self):
        for qos in (1, 2):
            with self.subTest(qos=qos):
                client_id, topic = f"restart-q{qos}", f"mqtt/restart/q{qos}"
                away = self.paho_client(client_id=client_id, clean=False)
                self.subscribe(away, topic, qos)
                self.stop_client(away)
                for i in range(50):
                    self.mosquitto_pub("-q", str(qos), "-t", topic, "-m", f"r{i}")
                self.broker.kill()
                self.broker.start()
                # The session, its subscription and its messages all come back: no SUBSCRIBE.
                back = self.paho_client(client_id=client_id, clean=False)
                self.assertTrue(back.session_present)
                got = self.receive(back, 50)
                self.assertEqual([m.payload.decode() for m in got], [f"r{i}" for i in range(50)])
                self.assert_nothing_more(back, topic, "a message came twice")

    def test_retained_messages_survive_kill_9(self):
        # Acknowledged (QoS 1 and 2), a retained message is on disk: a QoS 0 one may not be yet.
        self.mosquitto_pub("-t", "mqtt/restart/retained", "-m", "kept", "-r", "-q", "1")
        self.mosquitto_pub("-t", "mqtt/restart/retained", "-m", "newest", "-r", "-q", "2")
        self.broker.kill()
        self.broker.start()
        result = self.mosquitto_sub("-t", "mqtt/restart/#", "-C", "1", "-v")
        self.assertEqual(result.stdout.strip(), "mqtt/restart/retained newest")


class MqttSessionsInMemoryTest(MqttTest):
    """mqtt-subscription-persistence-enabled false: a persistent session lasts while the broker
    runs; after a restart its client subscribes again, and finds the queue it left."""

    @classmethod
    def prepare_broker(cls):
        cls.broker.edit_broker_xml(lambda xml: xml.replace(
            "<persistence-enabled>",
            "<mqtt-subscription-persistence-enabled>false</mqtt-subscription-persistence-enabled>"
            "\n      <persistence-enabled>", 1))

    def test_a_restart_forgets_the_session_and_keeps_its_queue(self):
        client_id, topic = "in-memory", "mqtt/in-memory"
        away = self.paho_client(client_id=client_id, clean=False)
        self.subscribe(away, topic, 1)
        self.stop_client(away)
        back = self.paho_client(client_id=client_id, clean=False)
        self.assertTrue(back.session_present, "kept while the broker runs")
        self.stop_client(back)
        for i in range(5):
            self.mosquitto_pub("-q", "1", "-t", topic, "-m", f"m{i}")
        self.broker.stop()
        self.broker.start()
        again = self.paho_client(client_id=client_id, clean=False)
        self.assertFalse(again.session_present)
        self.subscribe(again, topic, 1)
        got = self.receive(again, 5)
        self.assertEqual([m.payload.decode() for m in got], [f"m{i}" for i in range(5)])


def load_tests(loader, tests, pattern):
    suite = unittest.TestSuite()
    suite.addTests(loader.loadTestsFromTestCase(MqttTest))
    for name in ("test_persistent_session_loses_nothing_through_kill_9",
                 "test_retained_messages_survive_kill_9"):
        suite.addTest(MqttRestartTest(name))
    suite.addTest(MqttSessionsInMemoryTest("test_a_restart_forgets_the_session_and_keeps_its_queue"))
    return suite


if __name__ == "__main__":
    unittest.main()
