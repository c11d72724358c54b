"""The disk monitor (max-disk-usage, disk-scan-period) against real `artemis run` processes and
a real statvfs: when the disk is beyond the limit the broker logs AMQ222210, stops reading
producers (AMQ222212), keeps delivering to consumers, and lets producers go on once the disk
is back under the limit (AMQ222211). Client: Debian's python3-stomp.

Making the disk full without root: the limit is set one or two percent above what the file
system holding the instance uses now, and a filler file (fallocate: blocks reserved at once,
nothing written) pushes the usage beyond it; deleting the filler brings it back.
"""

import math
import os
import re
import unittest

from harness import Instance, StompClient, wait_for

ANYCAST = {"destination-type": "ANYCAST"}
SUB_ANYCAST = {"subscription-type": "ANYCAST"}


def edit_broker_xml(instance, **values):
    """Sets <name>value</name> in etc/broker.xml (underscores become dashes); adds it after
    <max-disk-usage> when broker.xml has none."""
    path = os.path.join(instance.dir, "etc", "broker.xml")
    with open(path) as f:
        xml = f.read()
    for key, value in values.items():
        tag = key.replace("_", "-")
        xml, n = re.subn(rf"<{tag}>[^<]*</{tag}>", f"<{tag}>{value}</{tag}>", xml)
        if n == 0:
            xml, n = re.subn(r"(<max-disk-usage>[^<]*</max-disk-usage>)",
                             rf"\1\n      <{tag}>{value}</{tag}>", xml)
        assert n == 1, f"cannot set {tag} in broker.xml"
    with open(path, "w") as f:
        f.write(xml)


def usage_percent(path):
    """Usage as Artemis (and our monitor) computes it: 1 - usable / total."""
    st = os.statvfs(path)
    return 100.0 * (1.0 - st.f_bavail / st.f_blocks), st.f_blocks * st.f_frsize


def fs_type(path):
    """The type of the file system holding `path` (longest mount point of /proc/mounts)."""
    path = os.path.realpath(path)
    best, kind = "", ""
    with open("/proc/mounts") as f:
        for line in f:
            fields = line.split()
            mount = fields[1].replace("\\040", " ")
            if (path == mount or path.startswith(mount.rstrip("/") + "/")) and len(mount) > len(best):
                best, kind = mount, fields[2]
    return kind


# The filler reserves real blocks; on a memory-backed file system that would be memory, and
# past this size the test would rather skip than reserve more.
MAX_FILLER_BYTES = 8 << 30


class DiskMonitorTest(unittest.TestCase):
    def test_producers_block_beyond_max_disk_usage_and_resume_below_it(self):
        with Instance() as broker:
            usage, total = usage_percent(broker.root)
            # A limit at least 0.3 % above the usage now, so other processes writing a little
            # do not cross it; the filler goes 0.3 % beyond it.
            limit = math.floor(usage) + 1
            if limit - usage < 0.3:
                limit += 1
            filler_bytes = int((limit - usage + 0.3) / 100.0 * total)
            st = os.statvfs(broker.root)
            if limit > 100 or filler_bytes > st.f_bavail * st.f_frsize * 0.25:
                self.skipTest(f"the file system is too full to test ({usage:.1f}% used)")
            if filler_bytes > MAX_FILLER_BYTES or fs_type(broker.root) in ("tmpfs", "ramfs"):
                self.skipTest(f"would reserve {filler_bytes >> 20} MiB on a "
                              f"{fs_type(broker.root)} file system")
            edit_broker_xml(broker, max_disk_usage=limit, disk_scan_period=100)
            broker.start()
            self.assertNotIn("AMQ222210", broker.log_text())
            filler = os.path.join(broker.root, "filler")
            try:
                with StompClient(broker.stomp_port) as producer:
                    producer.send_wait("dq", "before", persistent="true", **ANYCAST)
                    fd = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)
                    try:
                        os.posix_fallocate(fd, 0, filler_bytes)
                    finally:
                        os.close(fd)
                    wait_for(lambda: "AMQ222210" in broker.log_text(), 30,
                             what="AMQ222210 (disk beyond max-disk-usage)")
                    # The send that meets the full disk is taken; then the producer is not read.
                    producer.send_wait("dq", "first-blocked", persistent="true", **ANYCAST)
                    wait_for(lambda: "AMQ222212" in broker.log_text(), 10, what="AMQ222212")
                    self.assertIn("Disk Full! Blocking message production on address 'dq'",
                                  broker.log_text())
                    producer.send("dq", "held", receipt="held", persistent="true", **ANYCAST)
                    # Consumers keep draining while the producer waits.
                    with StompClient(broker.stomp_port) as consumer:
                        consumer.subscribe("dq", "s1", ack="auto", **SUB_ANYCAST)
                        consumer.listener.wait_messages(2, 30)
                        got = [m.body for m in consumer.listener.take_messages()]
                        self.assertEqual(got, ["before", "first-blocked"])
                        with self.assertRaises(TimeoutError):  # bounded check of an absence
                            producer.listener.wait(lambda: "held" in producer.listener.receipts,
                                                   1.0, "no receipt while the disk is full")
                        os.unlink(filler)
                        wait_for(lambda: "AMQ222211" in broker.log_text(), 30,
                                 what="AMQ222211 (disk back under max-disk-usage)")
                        producer.listener.wait_receipt("held", 30)
                        consumer.listener.wait_messages(1, 30)
                        self.assertEqual([m.body for m in consumer.listener.take_messages()],
                                         ["held"])
            finally:
                if os.path.exists(filler):
                    os.unlink(filler)
            broker.stop()
            self.assertNotIn("AMQ222010", broker.log_text())


if __name__ == "__main__":
    unittest.main()
