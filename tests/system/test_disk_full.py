"""The disk monitor (max-disk-usage, min-disk-free, disk-scan-period) against real
`artemis run` processes and a real statvfs: when the disk is beyond the limit the broker logs
AMQ222210, stops reading producers (AMQ222212), keeps delivering to consumers, and lets
producers go on once the disk is back under the limit (AMQ222211). With min-disk-free set the
lines are AMQ224128 / AMQ224129 instead. Client: Debian's python3-stomp.

Making the disk full without root: the limit is set one or two percent above what the file
system holding the instance uses now, and a filler file (fallocate: blocks reserved at once,
nothing written) pushes the usage beyond it; deleting the filler brings it back.

A broker restarted on a disk that is full for real (no room left for a journal file, so the
journal cannot make its pre-allocated files) must start anyway, block producers and let
consumers drain. That needs a small file system the test may fill up: as root a loop-mounted
ext4 image made for the test, otherwise the file system of the temp directory if it is a small
real disk.
"""

import contextlib
import errno
import math
import os
import re
import shutil
import subprocess
import tempfile
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


# The image made for the restart test: room for the two journals, a few hundred messages and
# the file system's own blocks.
SMALL_FS_BYTES = 64 << 20


@contextlib.contextmanager
def small_filesystem():
    """Yields a directory on a small real file system the test may fill up.
    As root: a fresh ext4 image, loop-mounted for the test and with no blocks reserved for root
    (the broker runs as root too and could write into them). Otherwise: the file system of the
    temp directory, if it is a real disk with at most MAX_FILLER_BYTES free. Else the test is
    skipped."""
    base = tempfile.mkdtemp(prefix="artemis-smallfs-")
    try:
        if os.geteuid() == 0 and shutil.which("mkfs.ext4") and shutil.which("mount"):
            image, mount = os.path.join(base, "fs.img"), os.path.join(base, "mnt")
            os.mkdir(mount)
            with open(image, "wb") as f:
                f.truncate(SMALL_FS_BYTES)
            made = subprocess.run(["mkfs.ext4", "-q", "-F", "-m", "0", image],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
            if made.returncode == 0 and subprocess.run(
                    ["mount", "-o", "loop", image, mount], stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT, timeout=60).returncode == 0:
                try:
                    yield mount
                finally:
                    if subprocess.run(["umount", mount], timeout=60).returncode != 0:
                        subprocess.run(["umount", "-l", mount], timeout=60)
                return
        st = os.statvfs(base)
        free = st.f_bavail * st.f_frsize
        if fs_type(base) in ("tmpfs", "ramfs") or free > MAX_FILLER_BYTES:
            raise unittest.SkipTest(f"no small file system to fill: not root, and {base} is on "
                                    f"{fs_type(base)} with {free >> 20} MiB free")
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


def fill_up(directory, keep):
    """Takes the free blocks of the file system holding `directory` into one filler file
    (fallocate, halving a request that does not fit) until less than `keep` bytes stay free:
    no room for a journal file, enough for the broker's log if it lives there too. Returns the
    filler's path."""
    path = os.path.join(directory, "filler")
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        st = os.statvfs(directory)
        chunk = max(st.f_bavail * st.f_frsize - keep, 0)
        while chunk >= st.f_frsize:
            try:
                os.posix_fallocate(fd, os.fstat(fd).st_size, chunk)
            except OSError as e:
                if e.errno not in (errno.ENOSPC, errno.EFBIG):
                    raise
            st = os.statvfs(directory)
            chunk = min(chunk // 2, max(st.f_bavail * st.f_frsize - keep, 0))
    finally:
        os.close(fd)
    return path


def room_for(directory, size):
    """Whether a file of `size` bytes can still be made there (the journal's test)."""
    probe = os.path.join(directory, "probe")
    fd = os.open(probe, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        os.posix_fallocate(fd, 0, size)
        return True
    except OSError as e:
        if e.errno not in (errno.ENOSPC, errno.EFBIG):
            raise
        return False
    finally:
        os.close(fd)
        os.unlink(probe)


class RestartOnFullDiskTest(unittest.TestCase):
    QUEUE = "full.restart"
    BODY = "m" * 8000   # ~130 messages make 1 MiB of journal
    COUNT = 190         # more than one journal file, less than two

    def test_a_broker_restarted_on_a_full_disk_starts_blocks_producers_and_drains(self):
        with small_filesystem() as fs_dir, \
                Instance(extra_create_args=("--data", os.path.join(fs_dir, "data"))) as broker:
            edit_broker_xml(broker, journal_file_size="1M", disk_scan_period=100)
            broker.start()
            sent = [f"{i:04d}-{self.BODY}" for i in range(self.COUNT)]
            with StompClient(broker.stomp_port) as producer:
                for body in sent:
                    producer.send(self.QUEUE, body, receipt=body[:4], persistent="true",
                                  **ANYCAST)
                producer.listener.wait(lambda: len(producer.listener.receipts) == self.COUNT,
                                       60, f"{self.COUNT} receipts")
            filler = fill_up(fs_dir, keep=256 << 10)
            try:
                if room_for(fs_dir, 1 << 20):
                    self.skipTest(f"{fs_dir} still has room for a journal file")
                wait_for(lambda: "AMQ222210" in broker.log_text(), 30,
                         what="AMQ222210 (disk beyond max-disk-usage)")
                broker.stop()

                # The journal has no free file left and no room to make one: it opens with
                # what it has, and the disk monitor blocks producers from the start.
                start = len(broker.log_text())
                broker.start()
                run_log = lambda: broker.log_text()[start:]  # noqa: E731
                self.assertIn("AMQ142013", run_log())
                wait_for(lambda: "AMQ222210" in run_log(), 30, what="AMQ222210 after the restart")
                with StompClient(broker.stomp_port) as producer:
                    # The send that meets the full disk is taken; then the producer is not read.
                    producer.send_wait(self.QUEUE, "first-blocked", persistent="true", **ANYCAST)
                    wait_for(lambda: "AMQ222212" in run_log(), 10, what="AMQ222212")
                    self.assertIn(f"Disk Full! Blocking message production on address "
                                  f"'{self.QUEUE}'", run_log())
                    producer.send(self.QUEUE, "held", receipt="held", persistent="true",
                                  **ANYCAST)
                    with StompClient(broker.stomp_port) as consumer:
                        consumer.subscribe(self.QUEUE, "s1", ack="client-individual",
                                           **SUB_ANYCAST)
                        # Each ack goes to the journal (in the room its last file has left)
                        # before its RECEIPT.
                        got = []
                        while len(got) < self.COUNT + 1:
                            consumer.listener.wait(lambda: consumer.listener.messages, 30,
                                                   f"message {len(got) + 1}")
                            for m in consumer.listener.take_messages():
                                got.append(m.body)
                                consumer.conn.ack(m.headers["ack"], receipt=f"ack-{len(got)}")
                        self.assertEqual(got, sent + ["first-blocked"])
                        consumer.listener.wait(
                            lambda: all(f"ack-{n}" in consumer.listener.receipts
                                        for n in range(1, len(got) + 1)), 30,
                            "every ack's receipt")
                        self.assertIsNone(broker.process.poll(), run_log()[-3000:])
                        self.assertNotIn("held", producer.listener.receipts)

                        os.unlink(filler)
                        wait_for(lambda: "AMQ222211" in run_log(), 30,
                                 what="AMQ222211 (disk back under max-disk-usage)")
                        producer.listener.wait_receipt("held", 30)
                        producer.send_wait(self.QUEUE, "after", persistent="true", **ANYCAST)
                        consumer.listener.wait_messages(2, 30)
                        received = consumer.listener.take_messages()
                        self.assertEqual([m.body for m in received], ["held", "after"])
                        for m in received:
                            consumer.conn.ack(m.headers["ack"], receipt=f"ack-{m.body}")
                        for m in received:
                            consumer.listener.wait_receipt(f"ack-{m.body}", 30)
            finally:
                if os.path.exists(filler):
                    os.unlink(filler)
            self.assertIsNone(broker.process.poll(), "the broker stopped by itself")
            broker.stop()
            self.assertNotIn("AMQ222010", broker.log_text())
            # The acks made on the full disk are durable: after another restart the queue
            # holds nothing ahead of a fence sent now.
            broker.start()
            with StompClient(broker.stomp_port) as consumer:
                consumer.subscribe(self.QUEUE, "s2", ack="auto", **SUB_ANYCAST)
                consumer.send_wait(self.QUEUE, "fence", persistent="true", **ANYCAST)
                consumer.listener.wait(
                    lambda: any(m.body == "fence" for m in consumer.listener.messages), 30,
                    "the fence message")
                self.assertEqual([m.body for m in consumer.listener.take_messages()], ["fence"])
            broker.stop()


class MinDiskFreeTest(unittest.TestCase):
    QUEUE = "free.min"

    def test_producers_block_at_min_disk_free_and_resume_above_it(self):
        # min-disk-free (bytes, byte notation) replaces max-disk-usage: on a small file system
        # of its own the broker blocks once no more bytes than that stay usable, though usage
        # is far below 90 %.
        with small_filesystem() as fs_dir, \
                Instance(extra_create_args=("--data", os.path.join(fs_dir, "data"))) as broker:
            st = os.statvfs(fs_dir)
            # Below what is usable now, by more than the broker's start-up takes (1 MiB files).
            limit_mib = (st.f_bavail * st.f_frsize >> 20) - 16
            if limit_mib < 8:
                self.skipTest(f"{fs_dir} has too little room ({limit_mib + 16} MiB)")
            edit_broker_xml(broker, journal_file_size="1M", disk_scan_period=100,
                            min_disk_free=f"{limit_mib}M")
            broker.start()
            self.assertIn(f"AMQ224130: The min-disk-free value {limit_mib << 20} will override "
                          f"the max-disk-usage value 90 since both are set.", broker.log_text())
            filler = os.path.join(fs_dir, "filler")
            try:
                with StompClient(broker.stomp_port) as producer:
                    producer.send_wait(self.QUEUE, "before", persistent="true", **ANYCAST)
                    self.assertNotIn("AMQ224128", broker.log_text())
                    st = os.statvfs(fs_dir)
                    fd = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)
                    try:  # leaves 4 MiB less than the limit
                        os.posix_fallocate(fd, 0,
                                           st.f_bavail * st.f_frsize - ((limit_mib - 4) << 20))
                    finally:
                        os.close(fd)
                    wait_for(lambda: "AMQ224128" in broker.log_text(), 30,
                             what="AMQ224128 (disk below min-disk-free)")
                    self.assertIn("which is below the configured <min-disk-free>. System will "
                                  "start blocking producers.", broker.log_text())
                    self.assertNotIn("AMQ222210", broker.log_text())
                    # The send that meets the full disk is taken; then the producer is not read.
                    producer.send_wait(self.QUEUE, "first-blocked", persistent="true", **ANYCAST)
                    wait_for(lambda: "AMQ222212" in broker.log_text(), 10, what="AMQ222212")
                    producer.send(self.QUEUE, "held", receipt="held", persistent="true", **ANYCAST)
                    with self.assertRaises(TimeoutError):  # bounded check of an absence
                        producer.listener.wait(lambda: "held" in producer.listener.receipts,
                                               1.0, "no receipt while the disk is full")
                    os.unlink(filler)
                    wait_for(lambda: "AMQ224129" in broker.log_text(), 30,
                             what="AMQ224129 (disk back above min-disk-free)")
                    producer.listener.wait_receipt("held", 30)
                with StompClient(broker.stomp_port) as consumer:
                    consumer.subscribe(self.QUEUE, "s1", ack="auto", **SUB_ANYCAST)
                    consumer.listener.wait_messages(3, 30)
                    self.assertEqual([m.body for m in consumer.listener.take_messages()],
                                     ["before", "first-blocked", "held"])
            finally:
                if os.path.exists(filler):
                    os.unlink(filler)
            broker.stop()
            self.assertNotIn("AMQ222010", broker.log_text())


if __name__ == "__main__":
    unittest.main()
