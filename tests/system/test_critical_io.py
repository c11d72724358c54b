"""Artemis's critical-IO-error policy against real `artemis run` processes: when a journal write
fails the broker logs AMQ222010 once, stops and exits non-zero; nothing it did not put on disk
was confirmed, and every message that got a RECEIPT is there for the next broker to load (a
restart, or the shared-store backup taking over). Client: Debian's python3-stomp.

The failure is a genuinely full file system, made without root: the broker runs under a file
size limit (RLIMIT_FSIZE) of half a journal file. The kernel refuses every write that reaches
past the limit with EFBIG, even inside a file that is already larger, so the journal fails
exactly as on a full disk once its current file is filled up to the limit. An earlier run
without the limit makes the pre-allocated journal files (creating one under the limit fails).
SIGXFSZ is ignored in the broker, as it must be for the write to fail with EFBIG instead of
killing the process.
"""

import os
import re
import resource
import signal
import subprocess
import time
import unittest

from harness import Instance, StompClient, port_accepts, wait_for
from test_ha_shared_store import Node, SharedStorePair

ANYCAST = {"destination-type": "ANYCAST"}
SUB_ANYCAST = {"subscription-type": "ANYCAST"}
FILE_SIZE = "256K"             # journal-file-size for these tests
FSIZE_LIMIT = 128 * 1024       # writes past 128 KiB of any file fail
BODY = "x" * 8000              # about 16 messages fit below the limit
MAX_SENDS = 500                # far more than two files hold
EXIT_TIMEOUT = 30.0


def under_file_size_limit(limit):
    """preexec_fn for the broker: a file size limit, and SIGXFSZ ignored (an ignored signal
    stays ignored across exec), so writes past the limit fail with EFBIG."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def set_journal_file_size(broker_xml, size):
    with open(broker_xml) as f:
        xml = f.read()
    xml, n = re.subn(r"<journal-file-size>[^<]*</journal-file-size>",
                     f"<journal-file-size>{size}</journal-file-size>", xml)
    assert n == 1, "journal-file-size not found in broker.xml"
    with open(broker_xml, "w") as f:
        f.write(xml)


def send_until_error(port, queue):
    """Durable sends with receipts, one at a time, until one is not answered with a RECEIPT
    (an ERROR, or the connection closing). Returns (receipted bodies, failed body, failed
    receipt id, ERROR frames)."""
    receipted = []
    failed = failed_receipt = None
    with StompClient(port) as producer:
        listener = producer.listener
        for i in range(MAX_SENDS):
            body = f"m{i:04d}-{BODY}"
            receipt = f"r{i}"
            try:
                producer.send(queue, body, receipt=receipt, persistent="true", **ANYCAST)
            except Exception:  # the broker already closed the connection
                failed, failed_receipt = body, receipt
                break
            listener.wait(lambda: receipt in listener.receipts or listener.errors
                          or listener.disconnected, 30, f"receipt {receipt} or an ERROR")
            with listener.cond:
                if receipt in listener.receipts:
                    receipted.append(body)
                    continue
            failed, failed_receipt = body, receipt
            break
        with listener.cond:
            errors = list(listener.errors)
            if failed_receipt in listener.receipts:
                raise AssertionError(f"the failed send {failed_receipt} got a RECEIPT too")
    return receipted, failed, failed_receipt, errors


def drain(port, queue, timeout=60.0):
    """Every message on `queue`: those ahead of a fence sent after subscribing (FIFO)."""
    with StompClient(port) as consumer:
        consumer.subscribe(queue, "s1", ack="auto", **SUB_ANYCAST)
        fence = f"fence-{time.monotonic_ns()}"
        consumer.send_wait(queue, fence, persistent="true", **ANYCAST)
        consumer.listener.wait(lambda: any(m.body == fence for m in consumer.listener.messages),
                               timeout, "the fence message")
        got = [m.body for m in consumer.listener.take_messages()]
    return got[:got.index(fence)]


class LimitedInstance(Instance):
    """An Instance whose broker can run under a file size limit."""

    def start_limited(self, limit):
        """Starts `bin/artemis run` under the limit; waits as Instance.start does."""
        return self.start(preexec_fn=under_file_size_limit(limit))

    def run_log(self):
        """This run's part of the log."""
        return self.log_text()[self._log_pos:]


class LimitedNode(Node):
    """A shared-store node that may run under a file size limit."""

    limit = None

    def start(self):
        return super().start(
            preexec_fn=under_file_size_limit(self.limit) if self.limit else None)


class CriticalIoErrorTest(unittest.TestCase):
    def check_failure(self, receipted, failed, failed_receipt, errors):
        self.assertGreaterEqual(len(receipted), 10, "sends below the limit got receipts")
        self.assertIsNotNone(failed, f"no send failed in {MAX_SENDS} sends")
        self.assertTrue(errors, "the failed send got no ERROR frame")
        rid = errors[0].headers.get("receipt-id")
        if rid is not None:
            self.assertEqual(rid, failed_receipt)
        print(f"\n{len(receipted)} sends receipted, then {failed_receipt}: ERROR "
              f"'{errors[0].headers.get('message')}'")

    def test_full_disk_stops_the_broker_and_a_restart_loads_every_receipted_message(self):
        queue = "critical.io"
        with LimitedInstance() as broker:
            set_journal_file_size(os.path.join(broker.dir, "etc", "broker.xml"), FILE_SIZE)
            broker.start()  # makes the pre-allocated journal files while there is room
            broker.stop()

            broker.start_limited(FSIZE_LIMIT)
            receipted, failed, failed_receipt, errors = send_until_error(broker.stomp_port,
                                                                         queue)
            self.check_failure(receipted, failed, failed_receipt, errors)
            try:
                broker.process.wait(timeout=EXIT_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.fail(f"the broker still runs {EXIT_TIMEOUT}s after the journal failed:\n"
                          f"{broker.run_log()[-3000:]}")
            status = broker.process.returncode
            log = broker.run_log()
            broker._reap()
            self.assertEqual(status, 1, log[-3000:])
            self.assertEqual(log.count("AMQ222010"), 1, log[-3000:])
            self.assertIn("AMQ222010: Critical IO Error, shutting down the server.", log)
            self.assertIn("AMQ221002", log)  # stopped through the server's stop path
            self.assertLess(log.index("AMQ222010"), log.index("AMQ221002"))

            broker.start()  # no limit: the cause is gone
            present = drain(broker.stomp_port, queue)
        self.assertEqual(len(present), len(set(present)), "a message was delivered twice")
        missing = [b[:5] for b in receipted if b not in present]
        self.assertEqual(missing, [], "receipted messages lost")
        # Only the failed send may be there besides them (it may have reached the disk before
        # the round failed; the client was told it failed, so it may send it again).
        extra = [b[:5] for b in present if b not in receipted and b != failed]
        self.assertEqual(extra, [])

    def test_shared_store_backup_takes_over_after_a_critical_io_error(self):
        queue = "critical.ha"
        pair = SharedStorePair()
        self.addCleanup(pair.close)
        for name in ("master", "slave"):
            set_journal_file_size(os.path.join(pair.root, "brokers", name, "etc", "broker.xml"),
                                  FILE_SIZE)
        master = LimitedNode("master", pair.master.dir, pair.master_port, pair.root)
        pair.master = master  # pair.close kills it
        master.start().wait_log("AMQ221007")  # the shared journal's files, made with room
        self.assertNotEqual(master.signal(signal.SIGTERM), None)

        master.limit = FSIZE_LIMIT
        master.start().wait_log("AMQ221007", times=2)
        pair.slave.start().wait_log("AMQ221109")  # passive backup
        receipted, failed, failed_receipt, errors = send_until_error(pair.master_port, queue)
        self.check_failure(receipted, failed, failed_receipt, errors)
        try:
            master.process.wait(timeout=EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(f"the master still runs after the journal failed:\n"
                      f"{master.log_text()[-3000:]}")
        master._close_log()
        self.assertEqual(master.process.returncode, 1, master.log_text()[-3000:])
        self.assertEqual(master.count("AMQ222010"), 1)
        pair.slave.wait_log("AMQ221010")  # the backup is live
        wait_for(lambda: port_accepts(pair.slave_port), 30, what="the backup's port")
        present = drain(pair.slave_port, queue)
        missing = [b[:5] for b in receipted if b not in present]
        self.assertEqual(missing, [], "receipted messages lost in the failover")
        extra = [b[:5] for b in present if b not in receipted and b != failed]
        self.assertEqual(extra, [])


if __name__ == "__main__":
    unittest.main()
