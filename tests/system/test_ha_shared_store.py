"""System tests of shared-store HA with real `artemis run` processes: the master/slave lab of
shared/seed/master-slave-shared-store.md (create, hand edits of broker.xml, Ctrl-C failover,
failback), a kill -9 crash (with STOMP and with AMQP clients), failover-on-shutdown=false,
allow-failback=false, the slave started first and both started at once.

Every wait is bounded by a deadline. A check that something does NOT happen (the backup stays
passive) watches for a bounded window that is many times the backup's 50 ms state poll.
"""

import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from proton import Data, Message, symbol
from proton.reactor import LinkOption
from proton.utils import BlockingConnection

from harness import (BASE_PORTS, RawStomp, StompClient, artemis_bin, frame, killed_after,
                     offset_is_usable, port_accepts, wait_for)

START_TIMEOUT = 60.0
PASSIVE_WINDOW = 1.5  # seconds a passive backup is watched to stay passive (30 state polls)


def free_pair_offset(attempts=200):
    """An offset O such that every port `create` writes is free at O and O+1."""
    import random
    rng = random.Random(os.getpid() ^ time.monotonic_ns())
    for _ in range(attempts):
        offset = rng.randrange(100, 3800)
        if offset_is_usable(offset) and offset_is_usable(offset + 1):
            return offset
    raise RuntimeError("no free port offsets found")


def edit_broker_xml(path, role, me, other, master_port, slave_port, policy_xml):
    """The lab's edits, made the way a person makes them in an editor."""
    with open(path) as f:
        xml = f.read()
    for element, sub in [("paging-directory", "paging"), ("bindings-directory", "bindings"),
                         ("journal-directory", "journal"),
                         ("large-messages-directory", "large-messages")]:
        xml, n = re.subn(rf"<{element}>[^<]*</{element}>",
                         f"<{element}>../sharedstore/data/{sub}</{element}>", xml)
        assert n == 1, element
    block = f"""
      <connectors>
        <connector name="master-connector">tcp://localhost:{master_port}</connector>
        <connector name="slave-connector">tcp://localhost:{slave_port}</connector>
      </connectors>

      <cluster-user>admin</cluster-user>
      <cluster-password>admin</cluster-password>

      <cluster-connections>
        <cluster-connection name="static-cluster">
          <connector-ref>{me}</connector-ref>
          <static-connectors>
            <connector-ref>{other}</connector-ref>
          </static-connectors>
        </cluster-connection>
      </cluster-connections>

      <ha-policy>
        <shared-store>
          {policy_xml}
        </shared-store>
      </ha-policy>
"""
    xml = xml.replace("</core>", block + "   </core>", 1)
    with open(path, "w") as f:
        f.write(xml)


class Node:
    """One `bin/artemis run` of an instance; its output goes to a log file we can search."""

    def __init__(self, name, directory, port, root):
        self.name, self.dir, self.port = name, directory, port
        self.log_path = os.path.join(root, f"{name}.log")
        self.process = None
        self._log = None

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def count(self, code):
        return self.log_text().count(code)

    def start(self, preexec_fn=None):
        """preexec_fn goes to subprocess.Popen (e.g. to lower the node's limits)."""
        assert self.process is None or self.process.poll() is not None
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen([os.path.join(self.dir, "bin", "artemis"), "run"],
                                        cwd=self.dir, stdout=self._log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True,
                                        preexec_fn=preexec_fn)
        return self

    def running(self):
        return self.process is not None and self.process.poll() is None

    def wait_log(self, code, times=1, timeout=START_TIMEOUT):
        """Waits until `code` appears `times` times in this node's log."""
        def seen():
            if self.count(code) >= times:
                return True
            if not self.running():
                raise RuntimeError(f"{self.name} exited ({self.process.returncode}) before "
                                   f"'{code}' x{times}:\n{self.log_text()[-3000:]}")
            return False
        try:
            wait_for(seen, timeout, interval=0.02, what=f"{code} x{times} in {self.name}'s log")
        except TimeoutError as e:
            raise TimeoutError(f"{e}\n{self.name} log:\n{self.log_text()[-3000:]}") from None

    def signal(self, sig, timeout=30.0):
        self.process.send_signal(sig)
        self.process.wait(timeout=timeout)
        self._close_log()
        return self.process.returncode

    def kill(self):
        if self.running():
            self.process.kill()
            self.process.wait(timeout=10)
        self._close_log()

    def _close_log(self):
        if self._log is not None:
            self._log.close()
            self._log = None


class SharedStorePair:
    """The lab: brokers/master and brokers/slave made by `artemis create`, edited by hand."""

    MASTER_POLICY = ("<master>\n            <failover-on-shutdown>{fos}</failover-on-shutdown>\n"
                     "          </master>")
    SLAVE_POLICY = ("<slave>\n            <failover-on-shutdown>{fos}</failover-on-shutdown>\n"
                    "            <allow-failback>{fb}</allow-failback>\n          </slave>")

    def __init__(self, master_fos=True, slave_fos=True, allow_failback=True):
        self.root = tempfile.mkdtemp(prefix="artemis-ha-")
        offset = free_pair_offset()
        self.master_port = BASE_PORTS["artemis"] + offset
        self.slave_port = self.master_port + 1
        brokers = os.path.join(self.root, "brokers")
        for name, extra in (("master", offset), ("slave", offset + 1)):
            r = subprocess.run([artemis_bin(), "create", os.path.join(brokers, name), "--name",
                                name, "--user", "admin", "--password", "admin",
                                "--allow-anonymous", "--port-offset", str(extra), "--silent",
                                "--no-autotune"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               stdin=subprocess.DEVNULL, timeout=120)
            if r.returncode != 0:
                raise RuntimeError(f"create {name} failed: {r.stdout}")
        edit_broker_xml(os.path.join(brokers, "master", "etc", "broker.xml"), "master",
                        "master-connector", "slave-connector", self.master_port, self.slave_port,
                        self.MASTER_POLICY.format(fos=str(master_fos).lower()))
        edit_broker_xml(os.path.join(brokers, "slave", "etc", "broker.xml"), "slave",
                        "slave-connector", "master-connector", self.master_port, self.slave_port,
                        self.SLAVE_POLICY.format(fos=str(slave_fos).lower(),
                                                 fb=str(allow_failback).lower()))
        self.master = Node("master", os.path.join(brokers, "master"), self.master_port, self.root)
        self.slave = Node("slave", os.path.join(brokers, "slave"), self.slave_port, self.root)

    def cli(self, *args, timeout=120):
        return subprocess.run([artemis_bin(), *args], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL,
                              timeout=timeout)

    def close(self):
        self.master.kill()
        self.slave.kill()
        if os.environ.get("KEEP_INSTANCES") != "1":
            shutil.rmtree(self.root, ignore_errors=True)


# Without an acceptor prefix a STOMP destination is a plain address whose default routing type is
# MULTICAST (as in Artemis), so the queue is named with destination-type / subscription-type.
def send_durable(port, count, queue="ha.test", prefix="m"):
    with StompClient(port) as c:
        for i in range(count):
            c.send_wait(queue, f"{prefix}-{i}", persistent="true", **{"destination-type": "ANYCAST"})


def receive_all(port, count, queue="ha.test", timeout=30.0):
    with StompClient(port) as c:
        c.subscribe(queue, "s1", ack="auto", **{"subscription-type": "ANYCAST"})
        return [m.body for m in c.listener.wait_messages(count, timeout)]


class QueueCapability(LinkOption):
    """AMQP: the terminus names an ANYCAST queue (capability "queue")."""

    def apply(self, link):
        t = link.target if link.is_sender else link.source
        t.capabilities.put_array(False, Data.SYMBOL)
        t.capabilities.enter()
        t.capabilities.put_symbol(symbol("queue"))
        t.capabilities.exit()


def amqp_send_durable(port, count, queue="ha.amqp", prefix="a"):
    """Each send returns once the broker accepted it, i.e. once it is on disk."""
    conn = BlockingConnection(f"amqp://127.0.0.1:{port}", user="admin", password="admin",
                              timeout=30)
    try:
        sender = conn.create_sender(queue, options=QueueCapability())
        for i in range(count):
            sender.send(Message(body=f"{prefix}-{i}", durable=True), timeout=30)
    finally:
        conn.close()


def amqp_failover_list(port):
    """The `failover-server-list` of the broker's open frame (how Qpid JMS learns a backup)."""
    conn = BlockingConnection(f"amqp://127.0.0.1:{port}", user="admin", password="admin",
                              timeout=30)
    try:
        return (conn.conn.remote_properties or {}).get(symbol("failover-server-list"))
    finally:
        conn.close()


def amqp_receive_all(port, count, queue="ha.amqp"):
    conn = BlockingConnection(f"amqp://127.0.0.1:{port}", user="admin", password="admin",
                              timeout=30)
    try:
        receiver = conn.create_receiver(queue, credit=count, options=QueueCapability())
        got = []
        for _ in range(count):
            got.append(receiver.receive(timeout=30).body)
            receiver.accept()
        return got
    finally:
        conn.close()


def stays_passive(node, window=PASSIVE_WINDOW):
    """True if `node` neither logs AMQ221010 nor opens its port during the window."""
    deadline = time.monotonic() + window
    while time.monotonic() < deadline:
        if node.count("AMQ221010") or port_accepts(node.port):
            return False
        time.sleep(0.05)
    return True


class ServingProbe:
    """Watches two brokers for an instant at which both serve clients.

    Two TCP connects made one after the other do not observe one instant: on a loaded machine
    the probing thread can stall for tens of milliseconds between them, which is as long as a
    kill -9 plus the slave's whole takeover (12-100 ms). A connect test then reports "both
    accept" for a master that was accepting before it died and a slave that accepted after it
    took over, although the slave only listens once the dead master's live lock, and with it
    every descriptor of the master, is gone. What matters is whether both nodes serve at once,
    and a probe can prove that: it holds a STOMP session on each node that answered CONNECTED.
    When node B answers CONNECTED while a session on node A is held, A is asked for a RECEIPT.
    A deactivation closes every connection and a killed node answers nothing, so a RECEIPT
    means A served from its CONNECTED, before B's, until after B's: both served at the instant
    B answered. Held sessions also catch a connection that outlives its node's deactivation,
    which a connect test cannot see.

    Bounded: every connect and read has a timeout, and the thread ends at `deadline`."""

    TIMEOUT = 5.0  # per connect, CONNECTED or RECEIPT; a node that says nothing for this long
                   # is not counted as serving

    def __init__(self, ports, deadline):
        self.ports, self.deadline = list(ports), deadline
        self.both_serving = []     # (monotonic time, node that answered CONNECTED, node held)
        self.sessions_opened = {port: 0 for port in self.ports}
        self.handovers = 0         # sessions seen opening on one node after the other
        self._last_serving = None
        self._sessions = {}
        self._receipts = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=6 * self.TIMEOUT)  # the longest round: two opens, one ask
        for s in self._sessions.values():
            s.sock.close()
        return False

    def _open(self, port):
        """A session answered with CONNECTED, or None."""
        try:
            s = RawStomp(port, timeout=self.TIMEOUT)
        except OSError:
            return None
        try:
            s.send(frame("CONNECT", {"accept-version": "1.2", "host": "localhost",
                                     "login": "admin", "passcode": "admin"}))
            reply = s.read_frame(timeout=self.TIMEOUT)
        except (OSError, TimeoutError):
            reply = None
        if reply is not None and reply[0] == "CONNECTED":
            return s
        s.sock.close()
        return None

    def _answers(self, s):
        """True if the node still answers on this session (a RECEIPT for a frame sent now)."""
        self._receipts += 1
        tx = receipt = f"probe-{self._receipts}"
        try:
            s.send(frame("BEGIN", {"transaction": tx, "receipt": receipt}) +
                   frame("ABORT", {"transaction": tx}))
            deadline = time.monotonic() + self.TIMEOUT
            while time.monotonic() < deadline:
                reply = s.read_frame(timeout=max(deadline - time.monotonic(), 0.001))
                if reply is None or reply[0] == "ERROR":
                    return False
                if reply[0] == "RECEIPT" and reply[1].get("receipt-id") == receipt:
                    return True
        except (OSError, TimeoutError):
            pass
        return False

    def _closed(self, s):
        """True once the node closed the session (checked without waiting)."""
        try:
            if not select.select([s.sock], [], [], 0)[0]:
                return False
            data = s.sock.recv(65536)
        except OSError:
            return True
        s.buf += data
        return not data

    def _run(self):
        while not self._stop.wait(0.003) and time.monotonic() < self.deadline:
            for port in self.ports:
                held = self._sessions.get(port)
                if held is not None and self._closed(held):
                    held.sock.close()
                    del self._sessions[port]
                if port in self._sessions:
                    continue
                s = self._open(port)
                if s is None:
                    continue
                now = time.monotonic()
                self.sessions_opened[port] += 1
                self.handovers += self._last_serving not in (None, port)
                self._last_serving = port
                self._sessions[port] = s
                for other in [p for p in self._sessions if p != port]:
                    if self._answers(self._sessions[other]):
                        self.both_serving.append((now, port, other))
                    else:
                        self._sessions.pop(other).sock.close()


class SharedStoreLab(unittest.TestCase):
    def pair(self, **kwargs):
        p = SharedStorePair(**kwargs)
        self.addCleanup(p.close)
        return p

    def test_lab_ctrl_c_failover_consume_and_failback(self):
        p = self.pair()
        p.master.start().wait_log("AMQ221007")
        p.slave.start().wait_log("AMQ221109")
        r = p.cli("producer", "--verbose", "--user", "admin", "--password", "admin",
                  "--message-count", "100", "--url", f"tcp://localhost:{p.master_port}")
        self.assertEqual(r.returncode, 0, r.stdout)
        t0 = time.monotonic()
        p.master.signal(signal.SIGINT)  # Ctrl-C
        p.slave.wait_log("AMQ221010")
        wait_for(lambda: port_accepts(p.slave_port), 30, what="the slave's port")
        print(f"\nslave active {1000 * (time.monotonic() - t0):.0f} ms after Ctrl-C of the master")
        r = p.cli("consumer", "--verbose", "--user", "admin", "--password", "admin",
                  "--message-count", "100", "--url", f"tcp://localhost:{p.slave_port}")
        self.assertEqual(r.returncode, 0, r.stdout)
        bodies = set(re.findall(r"Received test message: (\d+)", r.stdout))
        self.assertEqual(len(bodies), 100, r.stdout[-2000:])
        # Failback: the master comes back, the slave steps down and is a backup again.
        p.master.start()
        p.slave.wait_log("AMQ221008")
        p.master.wait_log("AMQ221007", times=2)
        p.slave.wait_log("AMQ221109", times=2)
        wait_for(lambda: not port_accepts(p.slave_port), 30, what="the slave's port closed")
        self.assertTrue(port_accepts(p.master_port))

    def test_kill9_of_master_fails_over_with_messages(self):
        p = self.pair()
        p.master.start().wait_log("AMQ221007")
        p.slave.start().wait_log("AMQ221109")
        send_durable(p.master_port, 20)
        t0 = time.monotonic()
        p.master.kill()
        p.slave.wait_log("AMQ221010")
        wait_for(lambda: port_accepts(p.slave_port), 30, what="the slave's port")
        print(f"\nslave serving {1000 * (time.monotonic() - t0):.0f} ms after kill -9")
        self.assertEqual(sorted(receive_all(p.slave_port, 20)),
                         sorted(f"m-{i}" for i in range(20)))

    def test_kill9_of_master_fails_over_amqp_messages(self):
        p = self.pair()
        p.master.start().wait_log("AMQ221007")
        p.slave.start().wait_log("AMQ221109")
        p.slave.wait_log("AMQ221031")  # announced: AMQP clients are told where it is
        self.assertEqual(amqp_failover_list(p.master_port),
                         [{symbol("network-host"): "localhost", symbol("hostname"): "localhost",
                           symbol("port"): p.slave_port, symbol("scheme"): "amqp"}])
        amqp_send_durable(p.master_port, 20)
        p.master.kill()
        p.slave.wait_log("AMQ221010")
        wait_for(lambda: port_accepts(p.slave_port), 30, what="the slave's port")
        self.assertEqual(amqp_receive_all(p.slave_port, 20), [f"a-{i}" for i in range(20)])

    def test_failover_on_shutdown_false_keeps_the_slave_passive(self):
        p = self.pair(master_fos=False)
        p.master.start().wait_log("AMQ221007")
        p.slave.start().wait_log("AMQ221109")
        send_durable(p.master_port, 5)
        # A signal-stopped broker exits with the JVM's status for it, as Artemis does (143).
        self.assertEqual(p.master.signal(signal.SIGTERM), 143)
        self.assertTrue(stays_passive(p.slave), p.slave.log_text()[-2000:])
        self.assertTrue(p.slave.running())
        # The master comes back and still has its messages.
        p.master.start().wait_log("AMQ221007", times=2)
        self.assertEqual(sorted(receive_all(p.master_port, 5)), sorted(f"m-{i}" for i in range(5)))

    def test_allow_failback_false_master_waits_until_the_slave_goes(self):
        p = self.pair(allow_failback=False)
        p.master.start().wait_log("AMQ221007")
        p.slave.start().wait_log("AMQ221109")
        p.master.kill()
        p.slave.wait_log("AMQ221010")
        p.master.start()
        p.master.wait_log("AMQ221034", times=2)
        deadline = time.monotonic() + PASSIVE_WINDOW
        while time.monotonic() < deadline:  # bounded: the master must keep waiting
            self.assertEqual(p.master.count("AMQ221007"), 1)
            self.assertEqual(p.slave.count("AMQ221008"), 0)
            time.sleep(0.05)
        self.assertTrue(port_accepts(p.slave_port))
        p.slave.kill()
        p.master.wait_log("AMQ221007", times=2)
        wait_for(lambda: port_accepts(p.master_port), 30, what="the master's port")

    def test_slave_started_first_waits_for_a_master(self):
        p = self.pair()
        p.slave.start().wait_log("AMQ221109")
        self.assertTrue(stays_passive(p.slave))  # fresh store: nothing to take over
        p.master.start().wait_log("AMQ221007")
        self.assertTrue(stays_passive(p.slave, 0.5))

    def test_slave_started_after_a_master_crash_activates_at_once(self):
        p = self.pair()
        p.master.start().wait_log("AMQ221007")
        send_durable(p.master_port, 3)
        p.master.kill()  # crash with no backup running: the store says 'L'
        p.slave.start().wait_log("AMQ221010")
        self.assertEqual(sorted(receive_all(p.slave_port, 3)), sorted(f"m-{i}" for i in range(3)))

    def test_both_started_at_once_exactly_one_serves(self):
        p = self.pair()
        p.master.start()
        p.slave.start()
        p.master.wait_log("AMQ221007")
        p.slave.wait_log("AMQ221109")
        self.assertTrue(stays_passive(p.slave, 0.5))
        self.assertTrue(port_accepts(p.master_port))

    def test_ha_producer_survives_kill9_and_every_message_arrives_once(self):
        p = self.pair()
        p.master.start().wait_log("AMQ221007")
        p.slave.start().wait_log("AMQ221109")
        p.slave.wait_log("AMQ221031")  # announced: the master advertises it to clients
        url = (f"(tcp://localhost:{p.master_port},tcp://localhost:{p.slave_port})"
               "?ha=true&reconnectAttempts=-1&retryInterval=100")
        producer = subprocess.Popen(
            [artemis_bin(), "producer", "--verbose", "--user", "admin", "--password", "admin",
             "--message-count", "5000", "--url", url], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)
        self.addCleanup(lambda: producer.poll() is None and producer.kill())
        sent = 0
        output = []
        # Bounded: the producer ends, or is killed at the deadline.
        with killed_after(producer, 120):
            for line in producer.stdout:
                output.append(line)
                if "Sent: test message:" in line:
                    sent += 1
                if sent >= 1500:
                    break
        self.assertGreaterEqual(sent, 1500, "".join(output[-20:]))
        p.master.kill()  # kill -9 in the middle of the run
        rest, _ = producer.communicate(timeout=180)
        output.append(rest)
        text = "".join(output)
        self.assertEqual(producer.returncode, 0, text[-3000:])
        self.assertIn("Produced: 5000 messages", text)
        p.slave.wait_log("AMQ221010")
        r = p.cli("consumer", "--verbose", "--user", "admin", "--password", "admin",
                  "--message-count", "6000", "--receive-timeout", "3000", "--break-on-null",
                  "--url", f"tcp://localhost:{p.slave_port}", timeout=300)
        bodies = re.findall(r"Received test message: (\d+)", r.stdout)
        self.assertEqual(len(bodies), 5000, r.stdout[-2000:])      # nothing lost, no copies
        self.assertEqual(len(set(bodies)), 5000, r.stdout[-2000:])

    def test_never_two_active_nodes_through_failover_and_failback_cycles(self):
        p = self.pair()
        p.master.start().wait_log("AMQ221007")
        p.slave.start().wait_log("AMQ221109")
        cycles = 20
        # A cycle is a kill (at most 10 s) and four log waits (START_TIMEOUT each), so the cycles
        # end, and stop the probe, before this; it bounds the probe only if the test thread is
        # stuck.
        probe_deadline = time.monotonic() + cycles * (10 + 4 * START_TIMEOUT) + 30
        with ServingProbe((p.master_port, p.slave_port), probe_deadline) as probe:
            for cycle in range(cycles):
                p.master.kill()                                   # failover
                p.slave.wait_log("AMQ221010", times=cycle + 1)
                p.master.start()                                  # failback
                p.slave.wait_log("AMQ221008", times=cycle + 1)
                p.master.wait_log("AMQ221007", times=cycle + 2)
                p.slave.wait_log("AMQ221109", times=cycle + 2)
        self.assertEqual(probe.both_serving, [], "both nodes served clients at the same instant")
        # Not blind: the probe saw the service move from one node to the other and back.
        self.assertGreaterEqual(probe.handovers, 2, probe.sessions_opened)


if __name__ == "__main__":
    unittest.main()
