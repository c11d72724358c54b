"""Large messages against real `artemis run` processes: a STOMP body over
stompMinLargeMessageSize (100 KiB) goes to data/large-messages/<id>.msg as it arrives and is
streamed back from there, so the broker never holds it whole. A 200 MiB message passes intact
(hash) through Debian's python3-stomp; a confirmed large message survives kill -9; the file of
a send cut off by a crash is removed at the next start; a consumed message's file is deleted."""

import glob
import hashlib
import os
import subprocess
import unittest

from proton import Message
from proton.utils import BlockingConnection

from test_amqp import Capability
from harness import Instance, RawStomp, StompClient, frame, peak_rss_mib, wait_for

ANYCAST = {"destination-type": "ANYCAST"}
SUB_ANYCAST = {"subscription-type": "ANYCAST"}
MIB = 1024 * 1024


def large_files(broker):
    return glob.glob(os.path.join(broker.dir, "data", "large-messages", "*.msg"))


def body_of(size, seed):
    """Bytes that differ everywhere (a hash catches any byte out of place), cheaply made."""
    block = hashlib.sha256(seed.encode()).digest() * (MIB // 32)
    return (block * (size // len(block) + 1))[:size]


class LargeMessageTest(unittest.TestCase):
    def setUp(self):
        self.broker = Instance()
        self.addCleanup(self.broker.close)
        # Under AddressSanitizer (the test build) freed memory waits in a quarantine of 256 MiB
        # by default, which would make any peak look like the message size; a small one keeps
        # the peak about what the broker itself holds. A release build ignores this.
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"),
                                                     "quarantine_size_mb=8"]))
        self.broker.start(env=env)
        # What the broker holds before any message: the memory limits below are on top of it,
        # so they measure what a transfer costs and not the size of the binary.
        self.idle_mib = peak_rss_mib(self.broker.process.pid)

    def assert_transfer_memory_below(self, mib):
        self.assertLess(peak_rss_mib(self.broker.process.pid) - self.idle_mib, mib)

    def test_200_mib_message_passes_intact_without_being_held_in_memory(self):
        body = body_of(200 * MIB, "two hundred")
        digest = hashlib.sha256(body).hexdigest()
        with StompClient(self.broker.stomp_port, timeout=60) as producer:
            producer.send("large.q", body, receipt="big", persistent="true",
                          **ANYCAST)
            producer.listener.wait_receipt("big", timeout=300)
        files = large_files(self.broker)
        self.assertEqual(len(files), 1)
        self.assertEqual(os.path.getsize(files[0]), len(body))
        del body
        with StompClient(self.broker.stomp_port, timeout=60, auto_decode=False) as consumer:
            consumer.subscribe("large.q", "s1", ack="client-individual", **SUB_ANYCAST)
            got = consumer.listener.wait_messages(1, timeout=300)[0]
            self.assertEqual(got.headers["content-length"], str(200 * MIB))
            self.assertEqual(len(got.body), 200 * MIB)
            body = got.body
            self.assertEqual(hashlib.sha256(body).hexdigest(), digest)
            consumer.conn.ack(got.headers["ack"], receipt="acked")
            consumer.listener.wait_receipt("acked", timeout=60)
        wait_for(lambda: not large_files(self.broker), 30, what="the consumed file deleted")
        # Neither the upload nor the delivery held the body: the broker's peak stays far below
        # it (the bound leaves room for the sanitizers of the test build).
        self.assert_transfer_memory_below(76)

    def test_an_amqp_consumer_gets_a_large_message_streamed(self):
        # 64 MiB from STOMP to a Proton consumer: the delivery is many transfer frames, sent from
        # the file as the connection drains, and the body arrives as one Data section, intact.
        body = body_of(64 * MIB, "sixty-four")
        digest = hashlib.sha256(body).hexdigest()
        with StompClient(self.broker.stomp_port, timeout=60) as producer:
            producer.send("large.amqp", body, receipt="big", persistent="true",
                          **{**ANYCAST, "content-type": "application/octet-stream"})
            producer.listener.wait_receipt("big", timeout=120)
        del body
        amqp = BlockingConnection(f"amqp://127.0.0.1:{self.broker.stomp_port}", user="admin",
                                  password="admin", timeout=120)
        try:
            receiver = amqp.create_receiver("large.amqp")
            got = receiver.receive(timeout=120)
            self.assertEqual(len(got.body), 64 * MIB)
            self.assertEqual(hashlib.sha256(bytes(got.body)).hexdigest(), digest)
            receiver.accept()
        finally:
            amqp.close()
        wait_for(lambda: not large_files(self.broker), 30, what="the consumed file deleted")
        self.assert_transfer_memory_below(36)

    def test_an_amqp_client_sends_a_large_message_into_its_file(self):
        # 48 MiB from a Proton sender (a Data body, `inferred`) to a queue: the payload is
        # written to its file as the frames arrive and the send is confirmed once it is synced;
        # a Proton receiver then gets it streamed back, intact, with its properties.
        body = body_of(48 * MIB, "forty-eight")
        digest = hashlib.sha256(body).hexdigest()
        amqp = BlockingConnection(f"amqp://127.0.0.1:{self.broker.stomp_port}", user="admin",
                                  password="admin", timeout=120)
        try:
            sender = amqp.create_sender("large.from.amqp", options=Capability("queue"))
            sender.send(Message(body=body, inferred=True, durable=True,
                                properties={"colour": "blue"}), timeout=120)
            del body
            files = large_files(self.broker)
            self.assertEqual(len(files), 1)
            self.assertEqual(os.path.getsize(files[0]), 48 * MIB)
            receiver = amqp.create_receiver("large.from.amqp", options=Capability("queue"))
            got = receiver.receive(timeout=120)
            self.assertEqual(hashlib.sha256(bytes(got.body)).hexdigest(), digest)
            self.assertEqual(got.properties, {"colour": "blue"})
            receiver.accept()
        finally:
            amqp.close()
        wait_for(lambda: not large_files(self.broker), 30, what="the consumed file deleted")
        self.assert_transfer_memory_below(66)

    def test_an_mqtt_subscriber_gets_a_large_message_streamed(self):
        # 32 MiB from STOMP to Debian's mosquitto_sub through a persistent QoS 1 session: one
        # PUBLISH whose payload is sent from the file as the connection drains.
        port = self.broker.stomp_port

        def mosquitto_sub(*args, out=subprocess.PIPE):
            return subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-u",
                                   "admin", "-P", "admin", "-V", "mqttv311", "-c", "-i",
                                   "big-sub", "-q", "1", "-t", "large/mqtt", *args],
                                  stdout=out, stderr=subprocess.PIPE, timeout=120)

        mosquitto_sub("-W", "1")  # makes the durable subscription, then leaves (timeout)
        body = body_of(32 * MIB, "thirty-two")
        digest = hashlib.sha256(body).hexdigest()
        with StompClient(port, timeout=60) as producer:
            producer.send("large.mqtt", body, receipt="big", persistent="true")
            producer.listener.wait_receipt("big", timeout=120)
        del body
        path = os.path.join(self.broker.root, "received.bin")
        with open(path, "wb") as out:
            r = mosquitto_sub("-C", "1", "-N", "-W", "60", out=out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.path.getsize(path), 32 * MIB)
        with open(path, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), digest)
        wait_for(lambda: not large_files(self.broker), 30, what="the consumed file deleted")
        self.assert_transfer_memory_below(26)

    def test_a_confirmed_large_message_survives_kill_9(self):
        body = body_of(3 * MIB, "kill")
        with StompClient(self.broker.stomp_port) as producer:
            producer.send("large.kill", body, receipt="r", persistent="true", **ANYCAST)
            producer.listener.wait_receipt("r", timeout=60)
        self.broker.kill()
        self.broker.start()
        with StompClient(self.broker.stomp_port, auto_decode=False) as consumer:
            consumer.subscribe("large.kill", "s1", **SUB_ANYCAST)
            got = consumer.listener.wait_messages(1, timeout=60)[0]
            self.assertEqual(hashlib.sha256(got.body).digest(), hashlib.sha256(body).digest())
        wait_for(lambda: not large_files(self.broker), 30, what="the consumed file deleted")

    def test_the_file_of_a_send_cut_off_by_a_crash_is_removed_at_start(self):
        raw = RawStomp(self.broker.stomp_port)
        self.assertEqual(raw.connect()[0], "CONNECTED")
        head = frame("SEND", {"destination": "large.cut", "destination-type": "ANYCAST",
                              "persistent": "true", "receipt": "never",
                              "content-length": str(8 * MIB)})[:-1]
        raw.send(head + b"y" * (2 * MIB))  # the headers and a quarter of the body
        wait_for(lambda: large_files(self.broker), 30, what="the file of the body being sent")
        self.broker.kill()
        raw.sock.close()
        self.broker.start()
        self.assertEqual(large_files(self.broker), [])
        self.assertIn("no message names it", self.broker.log_text())
        with StompClient(self.broker.stomp_port) as c:
            c.subscribe("large.cut", "s1", **SUB_ANYCAST)
            c.send_wait("large.cut", "after", **ANYCAST)
            got = c.listener.wait_messages(1, timeout=30)
            self.assertEqual(got[0].body, "after")  # the cut send never arrives

    def test_a_large_body_without_content_length_is_streamed_too(self):
        body = b"z" * (300 * 1024)
        raw = RawStomp(self.broker.stomp_port)
        self.assertEqual(raw.connect()[0], "CONNECTED")
        raw.send(frame("SEND", {"destination": "large.nul", "destination-type": "ANYCAST",
                                "persistent": "true", "receipt": "r"}, body))
        command, headers, _ = raw.read_frame(timeout=60)
        self.assertEqual((command, headers.get("receipt-id")), ("RECEIPT", "r"))
        self.assertEqual([os.path.getsize(f) for f in large_files(self.broker)], [len(body)])
        raw.send(frame("SUBSCRIBE", {"destination": "large.nul", "id": "1",
                                     "subscription-type": "ANYCAST"}))
        command, headers, got = raw.read_frame(timeout=60)
        raw.close()
        self.assertEqual(command, "MESSAGE")
        self.assertEqual(got, body)


if __name__ == "__main__":
    unittest.main()
