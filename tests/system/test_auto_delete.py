"""Auto-delete of auto-created queues and addresses against a real `artemis run`, driven by
python3-stomp. The instance is made with `create --autodelete` (create writes auto-delete
false otherwise) and scans every 100 ms (<address-queue-scan-period>), so what the broker
logs (AMQ224112 / AMQ224113) shows the deletions within a short deadline; after a stop,
`artemis data print` shows they were written to the bindings journal."""

import os
import subprocess
import unittest

from harness import Instance, StompClient, wait_for

ANYCAST = {"destination-type": "ANYCAST"}
SUB_ANYCAST = {"subscription-type": "ANYCAST"}
SUB_MULTICAST = {"subscription-type": "MULTICAST"}
DEADLINE = 20.0


class AutoDeleteTest(unittest.TestCase):
    def setUp(self):
        self.broker = Instance(extra_create_args=("--autodelete",))
        xml_path = os.path.join(self.broker.dir, "etc", "broker.xml")
        with open(xml_path) as f:
            xml = f.read()
        self.assertIn("</core>", xml)
        xml = xml.replace("</core>", "   <address-queue-scan-period>100"
                                     "</address-queue-scan-period>\n   </core>", 1)
        with open(xml_path, "w") as f:
            f.write(xml)
        self.broker.start()
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.close()
        self.broker.close()

    def client(self):
        c = StompClient(self.broker.stomp_port)
        self.clients.append(c)
        return c

    def wait_log(self, text):
        wait_for(lambda: text in self.broker.log_text(), DEADLINE, what=f"log line '{text}'")

    def data_print(self):
        result = subprocess.run([os.path.join(self.broker.dir, "bin", "artemis"), "data",
                                 "print"], cwd=self.broker.dir, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout)
        return result.stdout

    def test_unsubscribed_queue_and_topic_disappear_and_stay_gone(self):
        # Auto-created by a send, never consumed: not "used", so it stays.
        producer = self.client()
        producer.send_wait("auto.keep", "kept", persistent="true", **ANYCAST)

        consumer = self.client()
        consumer.subscribe("auto.q", "q", **SUB_ANYCAST)
        consumer.subscribe("auto.t", "t", **SUB_MULTICAST)
        producer.send_wait("auto.q", "one", persistent="true", **ANYCAST)
        self.assertEqual(consumer.listener.wait_messages(1)[0].body, "one")
        consumer.conn.unsubscribe("q")
        consumer.conn.unsubscribe("t")

        self.wait_log("AMQ224112: Auto removing queue auto.q with queueID=")
        self.wait_log("AMQ224113: Auto removing address auto.q")
        self.wait_log("AMQ224113: Auto removing address auto.t")
        log = self.broker.log_text()
        self.assertNotIn("Auto removing queue auto.keep", log)
        self.assertNotIn("Auto removing queue DLQ", log)
        self.assertNotIn("Auto removing address DLQ", log)

        # Sending again re-creates the queue on demand.
        producer.send_wait("auto.q", "two", persistent="true", **ANYCAST)
        consumer.subscribe("auto.q", "q2", **SUB_ANYCAST)
        self.assertEqual(consumer.listener.wait_messages(2)[1].body, "two")
        consumer.conn.unsubscribe("q2")
        wait_for(lambda: self.broker.log_text().count("Auto removing queue auto.q ") >= 2,
                 DEADLINE, what="the re-created auto.q removed again")
        wait_for(lambda: self.broker.log_text().count("Auto removing address auto.q") >= 2,
                 DEADLINE, what="its address removed again")

        for c in self.clients:
            c.close()
        self.clients = []
        self.assertIn(self.broker.stop(), (0, 143))  # SIGTERM: 143, as Artemis
        printed = self.data_print()
        self.assertNotIn("name=auto.q,", printed)
        self.assertNotIn("name=auto.t,", printed)
        self.assertIn("name=auto.keep,", printed)
        self.assertIn("name=DLQ,", printed)

        # After a restart the removed queue does not come back; the kept one (with its
        # message) does.
        self.broker.start()
        consumer = self.client()
        consumer.subscribe("auto.keep", "k", **SUB_ANYCAST)
        self.assertEqual(consumer.listener.wait_messages(1)[0].body, "kept")


if __name__ == "__main__":
    unittest.main()
