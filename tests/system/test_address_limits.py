"""Memory limits and address-full-policy against real `artemis run` processes, with Debian's
python3-stomp: DROP takes what does not fit and keeps nothing of it (AMQ222039), FAIL answers
the send with an ERROR naming the address and its limits (AMQ229102), and a broker at its
global-max-size holds BLOCK producers back (AMQ222183) until consumers make room (AMQ221046).
Without a configured global-max-size the broker takes half of its memory, says so (AMQ221057)
and `config print` shows the size it took."""

import json
import os
import subprocess
import unittest

from harness import Instance, StompClient, artemis_bin, wait_for

ANYCAST = {"destination-type": "ANYCAST"}
SUB_ANYCAST = {"subscription-type": "ANYCAST"}

LIMITED = """
         <address-setting match="limits.drop">
            <max-size-messages>5</max-size-messages>
            <address-full-policy>DROP</address-full-policy>
         </address-setting>
         <address-setting match="limits.fail">
            <max-size-messages>3</max-size-messages>
            <address-full-policy>FAIL</address-full-policy>
         </address-setting>"""


def add_address_settings(instance, xml):
    def edit(text):
        assert text.count("<address-settings>") == 1
        return text.replace("<address-settings>", "<address-settings>" + xml, 1)
    instance.edit_broker_xml(edit)


class AddressFullPolicyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = Instance()
        cls.addClassCleanup(cls.broker.close)
        add_address_settings(cls.broker, LIMITED)
        cls.broker.start()

    def test_drop_keeps_what_fits_and_confirms_everything(self):
        with StompClient(self.broker.stomp_port) as producer:
            for i in range(8):
                producer.send_wait("limits.drop", f"m{i}", **ANYCAST)
        log = self.broker.log_text()
        self.assertIn("AMQ222039: Messages sent to address 'limits.drop' are being dropped; "
                      "size=", log)
        self.assertEqual(log.count("AMQ222039"), 1, "one warning per episode")
        with StompClient(self.broker.stomp_port) as consumer:
            consumer.subscribe("limits.drop", "s1", **SUB_ANYCAST)
            got = consumer.listener.wait_messages(5)
            self.assertEqual([m.body for m in got], [f"m{i}" for i in range(5)])
            # Nothing more comes: a receipt for a later frame proves the broker sent all it had.
            consumer.send_wait("limits.other", "marker", **ANYCAST)
            self.assertEqual(len(consumer.listener.messages), 5)

    def test_fail_refuses_with_the_address_and_its_limit(self):
        with StompClient(self.broker.stomp_port) as producer:
            for i in range(3):
                producer.send_wait("limits.fail", f"m{i}", **ANYCAST)
            producer.send("limits.fail", "too many", receipt="r-full", **ANYCAST)
            error = producer.listener.wait_error()
            self.assertEqual(error.headers.get("message"), "Address limits.fail is full")
            self.assertIn('AMQ229102: Address "limits.fail" is full.', error.body)
            self.assertIn("maxSize=-1 bytes (3 messages)", error.body)
        with StompClient(self.broker.stomp_port) as consumer:
            consumer.subscribe("limits.fail", "s1", **SUB_ANYCAST)
            got = consumer.listener.wait_messages(3)
            self.assertEqual([m.body for m in got], ["m0", "m1", "m2"])
            # Room again: the next send is taken.
            consumer.send_wait("limits.fail", "m3", **ANYCAST)
            consumer.listener.wait_messages(4)


class GlobalMaxSizeTest(unittest.TestCase):
    def test_producers_wait_at_global_max_size_until_consumers_make_room(self):
        count, body = 200, "x" * 1024
        with Instance(extra_create_args=("--global-max-size", "64K")) as broker:
            add_address_settings(broker, """
         <address-setting match="limits.block">
            <address-full-policy>BLOCK</address-full-policy>
         </address-setting>""")
            broker.start()
            with StompClient(broker.stomp_port) as producer:
                for i in range(count):
                    producer.send("limits.block", body, receipt=f"r{i}", **ANYCAST)
                wait_for(lambda: "AMQ222183" in broker.log_text(), 15,
                         what="AMQ222183 blocking in the log")
                self.assertIn("AMQ222183: Blocking message production on address 'limits.block'; "
                              "size=", broker.log_text())
                self.assertIn("globalMaxSize=65536 bytes", broker.log_text())
                self.assertNotIn(f"r{count - 1}", producer.listener.receipts)
                with StompClient(broker.stomp_port) as consumer:
                    consumer.subscribe("limits.block", "s1", **SUB_ANYCAST)
                    consumer.listener.wait_messages(count, timeout=60)
                producer.listener.wait_receipt(f"r{count - 1}", timeout=60)
            self.assertIn("AMQ221046: Unblocking message production on address 'limits.block'",
                          broker.log_text())

    def test_global_max_size_defaults_to_half_the_memory(self):
        with Instance() as broker:
            result = subprocess.run(
                [artemis_bin(), "config", "print", "--json", "--broker",
                 os.path.join(broker.dir, "etc", "broker.xml")],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
            self.assertEqual(result.returncode, 0, result.stderr)
            shown = json.loads(result.stdout)["global-max-size"]
            self.assertGreater(shown, 8 << 20)
            broker.start()
            self.assertIn("AMQ221057: Global Max Size is being adjusted to 50% of the memory "
                          f"available to the broker", broker.log_text())
            self.assertIn(f"being defined as {shown}", broker.log_text())


if __name__ == "__main__":
    unittest.main()
