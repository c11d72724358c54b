"""Malformed and hostile STOMP input against a real `artemis run`. Every case must end in an
ERROR frame or a clean close of that connection, never a crash or a hang, while a well-behaved
client on another connection keeps being served. One test method per case (generated from
CASES below) so a report names the input that failed."""

import random
import socket
import time
import unittest

from harness import BrokerTestCase, RawStomp, StompClient, frame

DEST = {"destination": "hostile.queue", "destination-type": "ANYCAST"}
OUTCOME_TIMEOUT = 20.0


def connect_frame(version="1.2", **extra):
    headers = {"accept-version": version, "host": "localhost", "login": "admin",
               "passcode": "admin"}
    headers.update(extra)
    return frame("CONNECT", headers)


# name -> (connect first?, payload bytes). A payload may also be a callable taking the
# RawStomp, for inputs that need pacing (never sending, single bytes).
CASES = {
    # Before CONNECT.
    "unknown_command_before_connect": (False, frame("FOO", {"a": "b"})),
    "send_before_connect": (False, frame("SEND", DEST, "x")),
    "subscribe_before_connect": (False, frame("SUBSCRIBE", {"destination": "q", "id": "1"})),
    "unsupported_version": (False, connect_frame(version="9.9")),
    "heart_beat_not_numbers": (False, connect_frame(**{"heart-beat": "abc,def"})),
    "oversize_command_line": (False, b"CONNECT" + b"A" * (1024 * 1024)),
    "random_bytes_then_eof": (False, "random_then_eof"),
    "http_request": (False, b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
    "tls_client_hello": (False, bytes.fromhex("16030100a5010000a10303") + bytes(160)),
    # After CONNECT.
    "unknown_command": (True, frame("FROB", {"a": "b"})),
    "random_bytes": (True, "random"),
    "nul_in_command": (True, b"SE\x00ND\ndestination:q\n\nx\x00"),
    "invalid_utf8_command": (True, b"\xff\xfe\xfd\ndestination:q\n\nx\x00"),
    "header_without_colon": (True, b"SEND\ndestination\n\nbody\x00"),
    "oversize_header_value": (True, frame("SEND", {**DEST, "big": "v" * (2 * 1024 * 1024)}, "x")),
    "oversize_header_name": (True, frame("SEND", {**DEST, "h" * (256 * 1024): "v"}, "x")),
    "too_many_headers": (True, frame("SEND", {**DEST, **{f"h{i}": "v" for i in range(100_000)}},
                                     "x")),
    "send_missing_destination": (True, frame("SEND", {"receipt": "r"}, "x")),
    "subscribe_missing_destination": (True, frame("SUBSCRIBE", {"id": "1", "receipt": "r"})),
    "content_length_not_a_number": (True, frame("SEND", {**DEST, "content-length": "abc"}, "x")),
    "content_length_negative": (True, frame("SEND", {**DEST, "content-length": "-5"}, "x")),
    "content_length_too_short": (True, b"SEND\ndestination:q\ncontent-length:2\n\nhello\x00"),
    "content_length_without_nul": (True, b"SEND\ndestination:q\ncontent-length:5\n\nhelloX"
                                         + b"SEND\ndestination:q\n\nx\x00"),
    "bad_escape_in_header": (True, b"SEND\ndestination:q\nfoo:bar\\x\n\nx\x00"),
    "ack_missing_id": (True, frame("ACK", {"receipt": "r"})),
    "ack_unknown_id": (True, frame("ACK", {"id": "no-such-message", "receipt": "r"})),
    "nack_unknown_id": (True, frame("NACK", {"id": "no-such-message", "receipt": "r"})),
    "begin_without_transaction": (True, frame("BEGIN", {"receipt": "r"})),
    "commit_unknown_transaction": (True, frame("COMMIT", {"transaction": "nope", "receipt": "r"})),
    "abort_unknown_transaction": (True, frame("ABORT", {"transaction": "nope", "receipt": "r"})),
    "begin_twice": (True, frame("BEGIN", {"transaction": "t1"})
                    + frame("BEGIN", {"transaction": "t1", "receipt": "r"})),
    "unsubscribe_unknown_id": (True, frame("UNSUBSCRIBE", {"id": "nope", "receipt": "r"})),
    "invalid_selector": (True, frame("SUBSCRIBE", {"destination": "hostile.sel", "id": "1",
                                                   "selector": "color = ", "receipt": "r"})),
    "deeply_nested_selector": (True, frame("SUBSCRIBE", {"destination": "hostile.sel", "id": "1",
                                                         "selector": "(" * 50_000 + "a=1",
                                                         "receipt": "r"})),
    "duplicate_subscription_id": (True, frame("SUBSCRIBE", {"destination": "hostile.dup",
                                                            "id": "same"})
                                  + frame("SUBSCRIBE", {"destination": "hostile.dup",
                                                        "id": "same", "receipt": "r"})),
    "frames_after_disconnect": (True, frame("DISCONNECT", {"receipt": "bye"})
                                + frame("SEND", DEST, "late")),
    "send_invalid_destination_type": (True, frame("SEND", {"destination": "hostile.rt",
                                                           "destination-type": "SIDEWAYS",
                                                           "receipt": "r"}, "x")),
    "subscribe_invalid_subscription_type": (True, frame("SUBSCRIBE", {
        "destination": "hostile.rt", "id": "1", "subscription-type": "SIDEWAYS",
        "receipt": "r"})),
    "nul_bytes_after_connect": (False, connect_frame() + b"\x00" * 64),
    "nul_bytes_between_frames": (True, frame("SEND", DEST, "x") + b"\x00" * 64
                                 + frame("SEND", DEST, "y")),
}


class StompMalformedInputTest(BrokerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Opened first, checked last: the handshake timeout must close them.
        cls.silent = RawStomp(cls.broker.stomp_port)
        cls.addClassCleanup(cls.silent.close)
        cls.partial = RawStomp(cls.broker.stomp_port)
        cls.addClassCleanup(cls.partial.close)
        cls.partial.send(b"CONN")
        cls.silent_opened = time.monotonic()
        cls.healthy = StompClient(cls.broker.stomp_port)
        cls.addClassCleanup(cls.healthy.close)
        cls.healthy.subscribe("hostile.healthy", "h", ack="auto",
                              **{"subscription-type": "ANYCAST"})
        cls.round_trips = 0

    def assert_healthy_client_served(self):
        self.assertIsNone(self.broker.process.poll(), "the broker process died")
        cls = type(self)
        cls.round_trips += 1
        body = f"alive-{cls.round_trips}"
        self.healthy.send_wait("hostile.healthy", body, **{"destination-type": "ANYCAST"})
        self.healthy.listener.wait(
            lambda: any(m.body == body for m in self.healthy.listener.messages), 15,
            f"round trip {body}")

    def assert_error_or_close(self, raw, name):
        deadline = time.monotonic() + OUTCOME_TIMEOUT
        seen = []
        while time.monotonic() < deadline:
            try:
                reply = raw.read_frame(timeout=max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                break
            except OSError:
                return  # reset: the broker closed
            if reply is None:
                return  # clean close
            command, headers, _ = reply
            if command == "ERROR":
                self.assertTrue(headers.get("message"), f"{name}: ERROR frame without message")
                return
            seen.append(command)
        self.fail(f"{name}: neither an ERROR frame nor a close within {OUTCOME_TIMEOUT}s "
                  f"(frames seen: {seen})")

    def run_case(self, name):
        connect_first, payload = CASES[name]
        with RawStomp(self.broker.stomp_port) as raw:
            if connect_first:
                reply = raw.connect()
                self.assertIsNotNone(reply)
                self.assertEqual(reply[0], "CONNECTED")
            if payload in ("random", "random_then_eof"):
                rng = random.Random(name)
                data = bytes(rng.randrange(256) for _ in range(8192))
                raw.send_quietly(data)
                if payload == "random_then_eof":
                    try:
                        raw.sock.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
            else:
                raw.send_quietly(payload)
            self.assert_error_or_close(raw, name)
        self.assert_healthy_client_served()

    def test_frame_split_into_single_bytes(self):
        with RawStomp(self.broker.stomp_port) as raw:
            def trickle(data):
                for i in range(len(data)):
                    raw.send(data[i:i + 1])
            trickle(connect_frame())
            reply = raw.read_frame()
            self.assertEqual(reply[0], "CONNECTED")
            trickle(frame("SEND", {**DEST, "receipt": "split"}, "one byte at a time"))
            reply = raw.read_frame()
            self.assertIsNotNone(reply)
            self.assertEqual(reply[0], "RECEIPT")
            self.assertEqual(reply[1].get("receipt-id"), "split")
        self.assert_healthy_client_served()

    def assert_error_then_close(self, raw, name, expected_text):
        """The next frame is an ERROR whose message names `expected_text`; then the broker
        closes the connection."""
        reply = raw.read_frame(timeout=OUTCOME_TIMEOUT)
        self.assertIsNotNone(reply, f"{name}: closed without an ERROR frame")
        command, headers, body = reply
        self.assertEqual(command, "ERROR", f"{name}: {reply}")
        self.assertIn(expected_text, headers.get("message", "") + body.decode(errors="replace"))
        self.assertTrue(raw.wait_closed(OUTCOME_TIMEOUT), f"{name}: still open after the ERROR")

    def test_invalid_routing_type_headers_are_named_in_the_error(self):
        for command, header in (("SEND", "destination-type"),
                                ("SUBSCRIBE", "subscription-type")):
            with RawStomp(self.broker.stomp_port) as raw:
                self.assertEqual(raw.connect()[0], "CONNECTED")
                raw.send(frame(command, {"destination": "hostile.rt", "id": "rt",
                                         header: "SIDEWAYS", "receipt": "r"}, "x"))
                self.assert_error_then_close(raw, command, "SIDEWAYS")
        self.assert_healthy_client_served()

    def test_nul_bytes_after_connect_end_in_error_not_a_hang(self):
        # Only EOLs may separate frames; a stray NUL cannot start a command.
        with RawStomp(self.broker.stomp_port) as raw:
            raw.send(connect_frame() + b"\x00" * 64)
            reply = raw.read_frame(timeout=OUTCOME_TIMEOUT)
            self.assertIsNotNone(reply)
            self.assertEqual(reply[0], "CONNECTED")
            self.assert_error_then_close(raw, "NULs", "command line")
        self.assert_healthy_client_served()

    def test_eols_between_frames_are_heart_beats(self):
        with RawStomp(self.broker.stomp_port) as raw:
            raw.send(b"\n\r\n" + connect_frame() + b"\n" * 64 + b"\r\n" * 8
                     + frame("SEND", {**DEST, "receipt": "eol"}, "after EOLs"))
            self.assertEqual(raw.read_frame()[0], "CONNECTED")
            reply = raw.read_frame()
            self.assertIsNotNone(reply)
            self.assertEqual((reply[0], reply[1].get("receipt-id")), ("RECEIPT", "eol"))
        self.assert_healthy_client_served()

    def test_zz_silent_connections_are_closed_by_handshake_timeout(self):
        # Named to run last: the other cases give the 10 s handshake timeout time to pass.
        remaining = max(1.0, self.silent_opened + 25.0 - time.monotonic())
        self.assertTrue(self.silent.wait_closed(remaining),
                        "a connection that never sent a byte is still open")
        self.assertTrue(self.partial.wait_closed(5.0),
                        "a connection that sent 4 bytes and went silent is still open")
        self.assert_healthy_client_served()


def _make_case(name):
    def test(self):
        self.run_case(name)
    test.__name__ = f"test_{name}"
    return test


for _name in CASES:
    setattr(StompMalformedInputTest, f"test_{_name}", _make_case(_name))


class StompFrameLimitTest(BrokerTestCase):
    """stompMaxFrameSize on the acceptor, with large messages off: a larger frame is answered
    with an ERROR naming the limit, which the client gets to read although it is still writing
    the frame. (With large messages on, a body over the limit is a large message:
    test_large_messages.)"""

    @classmethod
    def prepare_broker(cls):
        cls.broker.edit_acceptor(
            "artemis", lambda url: url + ";stompMaxFrameSize=1M;stompMinLargeMessageSize=-1")

    def test_a_frame_over_the_limit_gets_an_error_naming_it(self):
        anycast = {"destination-type": "ANYCAST"}
        with StompClient(self.broker.stomp_port) as client:
            client.send("limits.frame", "x" * (8 << 20), receipt="r-big", **anycast)
            error = client.listener.wait_error(timeout=OUTCOME_TIMEOUT)
            self.assertEqual(error.headers.get("message"), "Frame too large")
            self.assertIn("at most 1048576 bytes (parameter stompMaxFrameSize of acceptor "
                          "'artemis')", error.body)
        with StompClient(self.broker.stomp_port) as client:
            client.send_wait("limits.frame", "y" * 1_000_000, **anycast)
            client.subscribe("limits.frame", "s", **{"subscription-type": "ANYCAST"})
            self.assertEqual(len(client.listener.wait_messages(1)[0].body), 1_000_000)


if __name__ == "__main__":
    unittest.main()
