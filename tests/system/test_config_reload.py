"""broker.xml edited while the broker runs (Artemis's configuration-file-refresh-period):
security-settings and address-settings take effect without a restart, logged as AMQ221056; a
broken edit is reported and the running configuration stays. Client: Debian's python3-stomp."""

import os
import re
import unittest

from harness import Instance, StompClient, wait_for

ANYCAST = {"destination-type": "ANYCAST"}


class ConfigReloadTest(unittest.TestCase):
    def setUp(self):
        self.broker = Instance(require_login=True)
        self.addCleanup(self.broker.close)
        etc = os.path.join(self.broker.dir, "etc")
        with open(os.path.join(etc, "artemis-users.properties"), "a") as f:
            f.write("\nwriter = writerpw\n")
        with open(os.path.join(etc, "artemis-roles.properties"), "a") as f:
            f.write("\nwriters = writer\n")
        self.xml = os.path.join(etc, "broker.xml")
        # A short period keeps the test quick; the default is 5000 ms.
        self.edit(lambda x: x.replace("<journal-type>", "<configuration-file-refresh-period>200"
                                      "</configuration-file-refresh-period>\n      <journal-type>",
                                      1))
        self.broker.start()

    def edit(self, change):
        with open(self.xml) as f:
            text = f.read()
        new = change(text)
        self.assertTrue(new != text, "the edit changed nothing")
        with open(self.xml, "w") as f:
            f.write(new)

    def reloads(self, what):
        return self.broker.log_text().count(f"AMQ221056: Reloading configuration: {what}")

    def test_security_and_address_settings_apply_while_running(self):
        with StompClient(self.broker.stomp_port, login="writer", passcode="writerpw") as w:
            w.send("reload.orders", "refused", receipt="r0", **ANYCAST)
            error = w.listener.wait_error()
            self.assertIn("permission='send'", error.headers.get("message", ""))

        grant = ('<security-setting match="reload.#">\n'
                 '            <permission type="send" roles="writers,amq"/>\n'
                 '            <permission type="consume" roles="writers,amq"/>\n'
                 '            <permission type="createAddress" roles="writers,amq"/>\n'
                 '            <permission type="createDurableQueue" roles="writers,amq"/>\n'
                 '         </security-setting>\n      </security-settings>')
        self.edit(lambda x: x.replace("</security-settings>", grant, 1))
        wait_for(lambda: self.reloads("security") == 1, 30.0, what="AMQ221056 security")
        with StompClient(self.broker.stomp_port, login="writer", passcode="writerpw") as w:
            w.send_wait("reload.orders", "accepted", **ANYCAST)
            self.assertEqual(w.listener.errors, [])

        # address-settings: FAIL once the address holds anything.
        full = ('<address-setting match="reload.full">\n'
                '            <max-size-bytes>1</max-size-bytes>\n'
                '            <address-full-policy>FAIL</address-full-policy>\n'
                '         </address-setting>\n      </address-settings>')
        self.edit(lambda x: x.replace("</address-settings>", full, 1))
        wait_for(lambda: self.reloads("address settings") == 1, 30.0,
                 what="AMQ221056 address settings")
        with StompClient(self.broker.stomp_port) as admin:
            admin.send_wait("reload.full", "first", **ANYCAST)
            admin.send("reload.full", "second", receipt="r2", **ANYCAST)
            error = admin.listener.wait_error()
            self.assertIn("full", error.headers.get("message", "") + error.body)
            self.assertNotIn("r2", admin.listener.receipts)
        self.assertEqual(self.reloads("security"), 1)  # unchanged sections are not reloaded

    def test_a_broken_edit_is_reported_and_the_running_configuration_stays(self):
        self.edit(lambda x: re.sub(r"<redelivery-delay>\d+</redelivery-delay>",
                                   "<redelivery-delay>soon</redelivery-delay>", x, count=1))
        wait_for(lambda: "does not load; the running configuration is kept" in
                 self.broker.log_text(), 30.0, what="the reload failure")
        self.assertIsNone(self.broker.process.poll(), "the broker stopped")
        with StompClient(self.broker.stomp_port) as admin:
            admin.send_wait("reload.still", "served", **ANYCAST)
        self.assertEqual(self.reloads("address settings"), 0)


if __name__ == "__main__":
    unittest.main()
