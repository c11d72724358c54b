"""`artemis run`, `stop` and `kill` as a user runs them from an instance's bin/artemis
(reference/cli.md §3): start-up lines in order, the instance lock, a port in use, a bad
broker.xml, STOP_ME / KILL_ME and signals."""

import os
import re
import signal
import socket
import subprocess
import unittest

import harness
from harness import Instance, wait_for

START_LINES = [
    "Apache ActiveMQ Artemis ",          # the banner
    "AMQ101000: Starting ActiveMQ Artemis Server version",
    "AMQ221000: Primary Message Broker is starting with configuration Broker Configuration "
    "(clustered=false,journalDirectory=",
    "AMQ221013: Using NIO Journal",
    "AMQ221043: Protocol module found: [artemis-stomp-protocol]. Adding protocol support for: STOMP",
    "AMQ221020: Started EPOLL Acceptor at ",
    "AMQ221007: Server is now active",
    "AMQ221001: Apache ActiveMQ Artemis Message Broker version",
]


def run_process(instance, *args):
    """`bin/artemis run ...` of the instance, output captured to a file we can read while it runs."""
    out = open(os.path.join(instance.root, "extra-run.log"), "wb")
    proc = subprocess.Popen([os.path.join(instance.dir, "bin", "artemis"), "run", *args],
                            cwd=instance.dir, stdout=out, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    out.close()
    return proc


def output_of(instance):
    with open(os.path.join(instance.root, "extra-run.log"), errors="replace") as f:
        return f.read()


def artemis(instance, *args, timeout=30):
    return subprocess.run([os.path.join(instance.dir, "bin", "artemis"), *args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def wait_exit(proc, timeout=30):
    try:
        return proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


class RunTest(unittest.TestCase):
    def setUp(self):
        self.instance = Instance(require_login=False)
        self.addCleanup(self.instance.close)

    def test_start_lines_in_order_and_stomp_connects(self):
        self.instance.start()
        text = self.instance.log_text()
        pos = 0
        for line in START_LINES:
            found = text.find(line, pos)
            self.assertGreaterEqual(found, 0, f"missing or out of order: {line!r}\n{text[-3000:]}")
            pos = found
        self.assertIn(f":{self.instance.port('artemis')} for protocols [", text)
        self.assertRegex(text, r"AMQ221001: .*\[[^,\]]+, nodeID=[0-9a-f-]{36}\]")
        # The same lines go to <instance>/log/artemis.log.
        with open(os.path.join(self.instance.dir, "log", "artemis.log")) as f:
            self.assertIn("AMQ221007: Server is now active", f.read())
        with harness.StompClient(self.instance.stomp_port, "admin", "admin") as c:
            c.send_wait("/queue/run.test", "hello")
        status = self.instance.stop()
        self.assertEqual(status, 128 + signal.SIGTERM)
        self.assertRegex(self.instance.log_text(),
                         r"AMQ221002: Apache ActiveMQ Artemis Message Broker version \S+ "
                         r"\[[0-9a-f-]{36}\] stopped, uptime [0-9.]+ seconds")

    def test_second_run_on_the_same_instance_is_refused(self):
        self.instance.start()
        second = artemis(self.instance, "run")
        self.assertEqual(second.returncode, 1, second.stdout + second.stderr)
        lock_dir = os.path.join(self.instance.dir, "lock")
        self.assertIn(f"Error: There is another process using the server at ", second.stderr)
        self.assertIn("lock. Cannot start the process!", second.stderr)
        self.assertTrue(os.path.exists(os.path.join(lock_dir, "cli.lock")))

    def test_port_in_use_fails_with_a_clear_error(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
            taken.bind(("0.0.0.0", self.instance.port("artemis")))
            taken.listen(1)
            result = artemis(self.instance, "run", timeout=60)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("port in use", result.stderr)
        self.assertIn(str(self.instance.port("artemis")), result.stderr)

    def test_bad_broker_xml_is_reported_with_file_and_line(self):
        path = os.path.join(self.instance.dir, "etc", "broker.xml")
        with open(path) as f:
            xml = f.read()
        xml, n = re.subn(r"<journal-file-size>[^<]*</journal-file-size>",
                         "<journal-file-size>ten</journal-file-size>", xml)
        self.assertEqual(n, 1)
        with open(path, "w") as f:
            f.write(xml)
        line = xml[:xml.index("<journal-file-size>ten")].count("\n") + 1
        result = artemis(self.instance, "run")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f"broker.xml:{line}:", result.stderr)

    def test_artemis_stop_stops_the_broker(self):
        proc = run_process(self.instance)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        wait_for(lambda: proc.poll() is not None or "AMQ221007" in output_of(self.instance),
                 60, what="the broker to start")
        stop = artemis(self.instance, "stop")
        self.assertEqual(stop.returncode, 0, stop.stderr)
        self.assertEqual(wait_exit(proc), 0)
        out = output_of(self.instance)
        self.assertIn("Server stopped!", out)
        self.assertIn("AMQ221002", out)
        self.assertFalse(os.path.exists(os.path.join(self.instance.dir, "etc", "STOP_ME")))

    def test_stale_stop_file_does_not_stop_the_next_run(self):
        open(os.path.join(self.instance.dir, "etc", "STOP_ME"), "w").close()
        self.instance.start()
        # One poll period later the broker still serves.
        wait_for(lambda: not os.path.exists(os.path.join(self.instance.dir, "etc", "STOP_ME")),
                 5, what="the stale STOP_ME to be removed")
        self.assertIsNone(self.instance.process.poll())
        self.assertTrue(harness.port_accepts(self.instance.stomp_port))

    def test_kill_halts_only_with_allow_kill(self):
        proc = run_process(self.instance, "--allow-kill")
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        wait_for(lambda: proc.poll() is not None or "AMQ221007" in output_of(self.instance),
                 60, what="the broker to start")
        self.assertEqual(artemis(self.instance, "kill").returncode, 0)
        self.assertEqual(wait_exit(proc), 0)
        out = output_of(self.instance)
        self.assertIn("Halting by user request", out)
        self.assertNotIn("AMQ221002", out)  # a halt, not a clean stop

    def test_sigint_stops_cleanly(self):
        self.instance.start()
        self.instance.process.send_signal(signal.SIGINT)
        self.assertEqual(self.instance.process.wait(timeout=30), 128 + signal.SIGINT)
        self.assertIn("AMQ221002", self.instance.log_text())


if __name__ == "__main__":
    unittest.main()
