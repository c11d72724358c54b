"""STOMP authentication and authorisation against a real `artemis run` (an instance created
with --require-login, plus a user whose only role has no permissions)."""

import os
import unittest

from harness import BrokerTestCase, Instance, RawStomp, StompClient, frame, wait_for


class StompSecurityTest(BrokerTestCase):
    require_login = True

    @classmethod
    def prepare_broker(cls):
        # A user that authenticates but whose role appears in no security-setting.
        cls.broker.add_user("viewer", "viewerpw", "viewers")

    def test_wrong_password_is_refused_and_closed(self):
        with RawStomp(self.broker.stomp_port) as raw:
            reply = raw.connect(login="admin", passcode="wrong")
            self.assertIsNotNone(reply, "connection closed without an ERROR frame")
            command, headers, _ = reply
            self.assertEqual(command, "ERROR")
            self.assertIn("Security Error", headers.get("message", ""))
            self.assertTrue(raw.wait_closed(10), "connection left open after a failed login")
        with self.assertRaises(ConnectionRefusedError):
            StompClient(self.broker.stomp_port, passcode="wrong").close()

    def test_unknown_user_and_missing_login_are_refused(self):
        for login, passcode in [("nobody", "x"), ("", "")]:
            with self.subTest(login=login), RawStomp(self.broker.stomp_port) as raw:
                reply = raw.connect(login=login, passcode=passcode)
                self.assertIsNotNone(reply)
                self.assertEqual(reply[0], "ERROR")
                self.assertTrue(raw.wait_closed(10))

    def test_user_without_permission_cannot_send_or_consume(self):
        with StompClient(self.broker.stomp_port, login="viewer", passcode="viewerpw") as viewer:
            viewer.send("secured.queue", "nope", receipt="r1",
                        **{"destination-type": "ANYCAST"})
            error = viewer.listener.wait_error()
            self.assertNotIn("r1", viewer.listener.receipts)
            self.assertTrue(error.headers.get("message"))
        with StompClient(self.broker.stomp_port, login="viewer", passcode="viewerpw") as viewer:
            viewer.conn.subscribe("secured.queue", "s1", ack="auto",
                                  headers={"receipt": "sub1", "subscription-type": "ANYCAST"})
            viewer.listener.wait_error()
            self.assertNotIn("sub1", viewer.listener.receipts)
        # The administrator is still served, and nothing from the viewer reached the queue.
        with StompClient(self.broker.stomp_port) as admin:
            admin.subscribe("secured.queue", "a1", ack="auto",
                            **{"subscription-type": "ANYCAST"})
            admin.send_wait("secured.queue", "fence", **{"destination-type": "ANYCAST"})
            got = admin.listener.wait_messages(1)
            self.assertEqual([m.body for m in got], ["fence"])

    def test_raw_send_without_permission_gets_error_frame(self):
        with RawStomp(self.broker.stomp_port) as raw:
            command, _, _ = raw.connect(login="viewer", passcode="viewerpw")
            self.assertEqual(command, "CONNECTED")
            raw.send(frame("SEND", {"destination": "secured.raw", "destination-type": "ANYCAST",
                                    "receipt": "r1"}, "x"))
            reply = raw.read_frame()
            self.assertIsNotNone(reply)
            self.assertEqual(reply[0], "ERROR")



class FailedLoginBackOffTest(unittest.TestCase):
    """After five failed logins in a row from a host, its logins are refused for a second (then
    two, four ... up to a minute) without being checked; a good login after the pause works."""

    def test_a_host_that_keeps_failing_waits(self):
        broker = Instance()
        self.addCleanup(broker.close)
        broker.start()

        def attempt(passcode):
            raw = RawStomp(broker.stomp_port)
            try:
                return raw.connect(passcode=passcode)
            finally:
                raw.close()

        for _ in range(6):
            command, headers, _ = attempt("wrong")
            self.assertEqual(command, "ERROR")
        command, headers, _ = attempt("admin")
        self.assertEqual(command, "ERROR")
        self.assertIn("Too many failed logins from 127.0.0.1", headers.get("message", ""))
        self.assertIn("6 failed logins in a row from 127.0.0.1", broker.log_text())
        wait_for(lambda: attempt("admin")[0] == "CONNECTED", 10, interval=0.25,
                 what="a good login once the pause is over")



class MaxConnectionsPerUserTest(unittest.TestCase):
    """resource-limit-settings max-connections: a user at its limit is refused with an ERROR
    naming it; a closed connection gives its place back."""

    def test_a_user_at_its_limit_is_refused(self):
        broker = Instance()
        self.addCleanup(broker.close)
        broker.edit_broker_xml(lambda xml: xml.replace("</core>", """
      <resource-limit-settings>
         <resource-limit-setting match="admin">
            <max-connections>2</max-connections>
         </resource-limit-setting>
      </resource-limit-settings>
   </core>""", 1))
        broker.start()
        first, second = RawStomp(broker.stomp_port), RawStomp(broker.stomp_port)
        self.addCleanup(first.close)
        self.assertEqual(first.connect()[0], "CONNECTED")
        self.assertEqual(second.connect()[0], "CONNECTED")
        third = RawStomp(broker.stomp_port)
        self.addCleanup(third.close)
        command, headers, _ = third.connect()
        self.assertEqual(command, "ERROR")
        self.assertIn("User admin has reached the maximum number of connections (2",
                      headers.get("message", ""))
        second.close()

        def connects():
            raw = RawStomp(broker.stomp_port)
            try:
                return raw.connect()[0] == "CONNECTED"
            finally:
                raw.close()

        wait_for(connects, 10, interval=0.1, what="a place given back by the closed connection")


class MaxQueuesPerUserTest(unittest.TestCase):
    """resource-limit-settings max-queues: the queue past the user's limit is refused with
    Artemis's AMQ229111, whether auto-created by a send or made for a subscription."""

    def test_the_queue_past_the_limit_is_refused(self):
        broker = Instance()
        self.addCleanup(broker.close)
        broker.edit_broker_xml(lambda xml: xml.replace("</core>", """
      <resource-limit-settings>
         <resource-limit-setting match="admin">
            <max-queues>1</max-queues>
         </resource-limit-setting>
      </resource-limit-settings>
   </core>""", 1))
        broker.start()
        with StompClient(broker.stomp_port) as c:
            c.send_wait("limited.one", "m", **{"destination-type": "ANYCAST"})
            c.send("limited.two", "m", receipt="r2", **{"destination-type": "ANYCAST"})
            error = c.listener.wait_error()
            self.assertIn("AMQ229111: Too many queues created by user 'admin'. Queues allowed: 1.",
                          error.headers.get("message", "") + error.body)
            self.assertNotIn("r2", c.listener.receipts)


class AuditLogTest(unittest.TestCase):
    """log/audit.log as Artemis writes it once an audit logger of etc/log4j2.properties is set to
    INFO: nothing while they are OFF (as created), then, without a restart, logins, failed
    logins, refused permissions and messages sent and acknowledged."""

    def test_audit_lines_follow_the_loggers_turned_on(self):
        broker = Instance()
        self.addCleanup(broker.close)
        etc = os.path.join(broker.dir, "etc")
        with open(os.path.join(etc, "artemis-users.properties"), "a") as f:
            f.write("\nviewer = viewerpw\n")
        broker.start()
        audit = os.path.join(broker.dir, "log", "audit.log")
        props = os.path.join(broker.dir, "etc", "log4j2.properties")

        with StompClient(broker.stomp_port) as c:
            c.send_wait("audited", "before", **{"destination-type": "ANYCAST"})
        self.assertFalse(os.path.exists(audit), "audit.log written while every audit logger is OFF")

        with open(props) as f:
            text = f.read()
        for name in ("base", "resource", "message"):
            text = text.replace(f"logger.audit_{name}.level = OFF",
                                f"logger.audit_{name}.level = INFO")
        with open(props, "w") as f:
            f.write(text)
        wait_for(lambda: "audit logging (log4j2.properties): base on, resource on, message on"
                 in broker.log_text(), 20, interval=0.2, what="the audit levels read again")

        raw = RawStomp(broker.stomp_port)
        self.assertEqual(raw.connect(passcode="wrong")[0], "ERROR")
        raw.close()
        with StompClient(broker.stomp_port) as c:
            c.send_wait("audited", "after", persistent="true", **{"destination-type": "ANYCAST"})
            c.subscribe("audited", "s1", ack="client-individual",
                        **{"subscription-type": "ANYCAST"})
            messages = c.listener.wait_messages(2)
            for m in messages:
                c.conn.ack(m.headers["ack"], receipt=f"ack-{m.body}")
                c.listener.wait_receipt(f"ack-{m.body}")
        with StompClient(broker.stomp_port, login="viewer", passcode="viewerpw") as viewer:
            viewer.send("audited", "nope", **{"destination-type": "ANYCAST"})
            viewer.listener.wait_error()

        def lines():
            try:
                with open(audit) as f:
                    return f.read()
            except OSError:
                return ""

        wait_for(lambda: "AMQ601502" in lines() and "AMQ601264" in lines(), 10,
                 what="the acknowledgements and the refusal audited")
        text = lines()
        self.assertRegex(text, r"\[AUDIT\]\(broker\) AMQ601716: User admin@127\.0\.0\.1:\d+ "
                               r"failed authentication on connection \d+, reason: AMQ229031")
        self.assertRegex(text, r"AMQ601715: User admin\(amq\)@127\.0\.0\.1:\d+ successfully "
                               r"authenticated on connection \d+")
        self.assertRegex(text, r"AMQ601500: User admin\(amq\)@127\.0\.0\.1:\d+ sent a message "
                               r"Message\[durable=true, address=audited, ")
        self.assertRegex(text, r"AMQ601264: User viewer\(\)@[^ ]+ gets security check failure, "
                               r"reason = AMQ229032: User: viewer does not have permission='send'")
        self.assertRegex(text, r"AMQ601501: User admin\(amq\)@[^ ]+ is consuming a message from "
                               r"audited: Message\[messageID=\d+\]")
        self.assertRegex(text, r"AMQ601502: User admin\(amq\)@[^ ]+ acknowledged message from "
                               r"audited: Message\[messageID=\d+\]")


if __name__ == "__main__":
    unittest.main()
