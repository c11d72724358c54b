"""Shared pieces for system tests: broker instances in temp dirs, a base class for test classes
that share one broker, free ports, waiting with deadlines, a stomp.py client wrapper and raw
STOMP sockets.

Every wait here is bounded by a deadline; nothing sleeps a fixed time to "let things settle".
Run with Debian's /usr/bin/python3 (python3-stomp lives in its dist-packages). The artemis
binary comes from the ARTEMIS_BIN environment variable (ctest sets it).
"""

import contextlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

# Ports `artemis create` writes, before --port-offset: artemis (all protocols), amqp, stomp,
# hornetq, mqtt, and the web console.
BASE_PORTS = {"artemis": 61616, "amqp": 5672, "stomp": 61613, "hornetq": 5445, "mqtt": 1883,
              "http": 8161}
# Ports above 1024 that Chromium refuses to load (net::ERR_UNSAFE_PORT); the web console and
# WebSocket tests drive a browser against the HTTP port, so an offset never lands on one.
BROWSER_UNSAFE_PORTS = {1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665,
                        6666, 6667, 6668, 6669, 6679, 6697, 10080}
STARTED_LINE = "AMQ221007"
DEFAULT_START_TIMEOUT = 60.0


def artemis_bin():
    path = os.environ.get("ARTEMIS_BIN")
    if not path:
        raise RuntimeError("ARTEMIS_BIN is not set (path of the built artemis binary)")
    return path


def wait_for(condition, timeout, interval=0.02, what="condition"):
    """Polls condition() until it returns a truthy value or the deadline passes.
    Returns the value; raises TimeoutError naming `what` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:.1f}s waiting for {what}")
        time.sleep(interval)


@contextlib.contextmanager
def killed_after(process, timeout):
    """Kills `process` if it still runs `timeout` seconds after entering the block, so a loop
    that reads its output meets EOF by then even if the process hangs without a word."""
    timer = threading.Timer(timeout, lambda: process.poll() is None and process.kill())
    timer.daemon = True
    timer.start()
    try:
        yield process
    finally:
        timer.cancel()


def port_is_free(port):
    for host in ("0.0.0.0", "127.0.0.1"):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((host, port))
            except OSError:
                return False
    return True


def offset_is_usable(offset):
    """Every port `artemis create --port-offset offset` writes is free, and a browser may load
    its HTTP port."""
    if BASE_PORTS["http"] + offset in BROWSER_UNSAFE_PORTS:
        return False
    return all(port_is_free(p + offset) for p in BASE_PORTS.values())


def free_port_offset(attempts=200):
    """A --port-offset for which every port `artemis create` writes is free right now."""
    rng = random.Random(os.getpid() ^ time.monotonic_ns())
    for _ in range(attempts):
        offset = rng.randrange(100, 3800)
        if offset_is_usable(offset):
            return offset
    raise RuntimeError("no free port offset found")


def port_accepts(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class Instance:
    """A broker instance made by `artemis create --no-autotune` in a temp dir and run with
    `bin/artemis run`. The journal sync-rate auto-tune is skipped: it costs time on every
    instance and no test of a running broker depends on its measured value.

    Use as a context manager, or call close() (kills the broker, removes the directory unless
    KEEP_INSTANCES=1 is set)."""

    def __init__(self, user="admin", password="admin", require_login=True, extra_create_args=(),
                 name="broker"):
        self.user = user
        self.password = password
        self.process = None
        self._log_file = None
        self._log_pos = 0
        self.root = tempfile.mkdtemp(prefix="artemis-systest-")
        self.dir = os.path.join(self.root, name)
        self.log_path = os.path.join(self.root, f"{name}-run.log")
        try:
            self.port_offset = free_port_offset()
            args = [artemis_bin(), "create", self.dir, "--silent", "--no-autotune", "--user",
                    user, "--password", password,
                    "--require-login" if require_login else "--allow-anonymous",
                    "--port-offset", str(self.port_offset), *extra_create_args]
            result = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    timeout=120, text=True)
            if result.returncode != 0:
                raise RuntimeError(f"artemis create failed ({result.returncode}): "
                                   f"{result.stdout}")
        except BaseException:
            self.close()  # nobody else holds this half-made instance to clean it up
            raise

    def port(self, acceptor="artemis"):
        return BASE_PORTS[acceptor] + self.port_offset

    @property
    def stomp_port(self):
        """STOMP on the all-protocols acceptor (the one the lab uses)."""
        return self.port("artemis")

    def add_user(self, user, password, role):
        """Appends a plaintext user and its role to the properties login files (before a
        start, or picked up at the next reload)."""
        etc = os.path.join(self.dir, "etc")
        with open(os.path.join(etc, "artemis-users.properties"), "a") as f:
            f.write(f"\n{user} = {password}\n")
        with open(os.path.join(etc, "artemis-roles.properties"), "a") as f:
            f.write(f"\n{role} = {user}\n")

    def edit_broker_xml(self, transform):
        """Rewrites etc/broker.xml as transform(text) returns it (before a start)."""
        path = os.path.join(self.dir, "etc", "broker.xml")
        with open(path) as f:
            xml = f.read()
        with open(path, "w") as f:
            f.write(transform(xml))

    def edit_acceptor(self, name, transform):
        """Rewrites the URL of acceptor `name` as transform(url) returns it."""
        def edit(xml):
            match = re.search(rf'(<acceptor name="{re.escape(name)}">)([^<]*)(</acceptor>)', xml)
            assert match, f"no acceptor {name} in broker.xml"
            return xml[:match.start(2)] + transform(match.group(2)) + xml[match.end(2):]
        self.edit_broker_xml(edit)

    def log_text(self):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def start(self, timeout=DEFAULT_START_TIMEOUT, preexec_fn=None, env=None):
        """Starts `bin/artemis run` and waits for the started line and the STOMP port.
        preexec_fn and env go to subprocess.Popen (e.g. to lower the broker's limits)."""
        assert self.process is None or self.process.poll() is not None, "already running"
        self._log_pos = len(self.log_text())
        self._log_file = open(self.log_path, "ab")
        self.process = subprocess.Popen([os.path.join(self.dir, "bin", "artemis"), "run"],
                                        cwd=self.dir, stdout=self._log_file,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True, preexec_fn=preexec_fn, env=env)

        def started():
            if self.process.poll() is not None:
                raise RuntimeError(f"broker exited with {self.process.returncode} during "
                                   f"start:\n{self.log_text()[self._log_pos:][-4000:]}")
            return STARTED_LINE in self.log_text()[self._log_pos:] and port_accepts(self.stomp_port)

        try:
            wait_for(started, timeout, interval=0.05, what=f"{STARTED_LINE} and port "
                     f"{self.stomp_port}")
        except TimeoutError as e:
            tail = self.log_text()[self._log_pos:][-4000:]
            self.kill()
            raise TimeoutError(f"{e}; log:\n{tail}") from None
        return self

    def stop(self, timeout=30.0):
        """SIGTERM, then SIGKILL if the broker has not exited within `timeout`.
        Returns the exit status (None if it was not running)."""
        if self.process is None or self.process.poll() is not None:
            return self._reap()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        return self._reap()

    def kill(self):
        """SIGKILL: no clean shutdown, as in a crash or power cut of the process."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        return self._reap()

    def _reap(self):
        status = self.process.returncode if self.process is not None else None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        return status

    def close(self):
        self.kill()
        if os.environ.get("KEEP_INSTANCES") != "1":
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class BrokerTestCase(unittest.TestCase):
    """A test class whose tests share one broker, `broker` (an Instance): created and started
    before the first test, stopped and removed (Instance.close) after the last. Each test uses
    its own destinations.

    Subclasses set the create options as class attributes, and may override prepare_broker()
    to edit the instance before its first start. Anything a subclass's setUpClass opens after
    super().setUpClass() is best closed through cls.addClassCleanup: class cleanups run last in,
    first out, so before the broker is closed, and they run as well when setUpClass fails part
    way, which tearDownClass does not."""

    require_login = True
    create_args = ()  # more `artemis create` arguments (Instance's extra_create_args)
    broker = None

    @classmethod
    def prepare_broker(cls):
        """Runs between `artemis create` and the first start; edits of etc/ go here."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.broker = Instance(require_login=cls.require_login,
                              extra_create_args=cls.create_args)
        # A class cleanup rather than tearDownClass, so that a failure in prepare_broker(), in
        # start() or in a subclass's setUpClass still kills the broker and removes its directory.
        cls.addClassCleanup(cls.broker.close)
        cls.prepare_broker()
        cls.broker.start()


# --- stomp.py wrapper -------------------------------------------------------------------------

def peak_rss_mib(pid):
    """A process's peak resident memory (VmHWM) in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmHWM for process {pid}")


def _stomp():
    import stomp  # Debian python3-stomp; imported lazily so harness imports without it
    return stomp


class Collector:
    """A stomp.py listener that records everything, with bounded waits (used from the test
    thread while stomp.py's receiver thread calls the on_* methods)."""

    def __init__(self):
        self.cond = threading.Condition()
        self.messages = []
        self.receipts = set()
        self.errors = []
        self.connected = False
        self.disconnected = False

    def on_connected(self, frame):
        with self.cond:
            self.connected = True
            self.cond.notify_all()

    def on_message(self, frame):
        with self.cond:
            self.messages.append(frame)
            self.cond.notify_all()

    def on_receipt(self, frame):
        with self.cond:
            self.receipts.add(frame.headers.get("receipt-id"))
            self.cond.notify_all()

    def on_error(self, frame):
        with self.cond:
            self.errors.append(frame)
            self.cond.notify_all()

    def on_disconnected(self):
        with self.cond:
            self.disconnected = True
            self.cond.notify_all()

    def wait(self, predicate, timeout, what):
        with self.cond:
            if not self.cond.wait_for(predicate, timeout):
                raise TimeoutError(f"timed out after {timeout:.1f}s waiting for {what} "
                                   f"(messages={len(self.messages)}, "
                                   f"receipts={len(self.receipts)}, errors="
                                   f"{[e.headers.get('message') for e in self.errors]})")

    def wait_messages(self, count, timeout=30.0):
        self.wait(lambda: len(self.messages) >= count, timeout, f"{count} messages")
        with self.cond:
            return list(self.messages)

    def wait_receipt(self, receipt, timeout=30.0):
        self.wait(lambda: receipt in self.receipts, timeout, f"receipt {receipt}")

    def wait_error(self, timeout=10.0):
        self.wait(lambda: self.errors, timeout, "an ERROR frame")
        with self.cond:
            return self.errors[0]

    def take_messages(self):
        with self.cond:
            out, self.messages = self.messages, []
            return out


class StompClient:
    """A STOMP 1.2 connection made with stomp.py, with deadline-bounded connect."""

    def __init__(self, port, login="admin", passcode="admin", client_id=None, version="1.2",
                 connect=True, timeout=15.0, auto_decode=True, heartbeats=(0, 0)):
        stomp = _stomp()
        cls = {"1.0": stomp.Connection10, "1.1": stomp.Connection11,
               "1.2": stomp.Connection12}[version]
        # auto_decode=False: bodies stay bytes (binary bodies that are not UTF-8).
        kwargs = {"reconnect_attempts_max": 1, "auto_decode": auto_decode}
        if version != "1.0":
            # A client that only receives needs heart-beats to outlive the connection TTL.
            kwargs["heartbeats"] = heartbeats
        self.conn = cls([("127.0.0.1", port)], **kwargs)
        self.listener = Collector()
        self.conn.set_listener("collector", self.listener)
        self.login, self.passcode, self.client_id = login, passcode, client_id
        if connect:
            self.connect(timeout)

    def connect(self, timeout=15.0):
        headers = {"client-id": self.client_id} if self.client_id else {}
        self.conn.connect(self.login, self.passcode, wait=False, headers=headers)
        self.listener.wait(lambda: self.listener.connected or self.listener.errors
                           or self.listener.disconnected, timeout, "CONNECTED")
        if not self.listener.connected:
            errors = [e.headers.get("message") for e in self.listener.errors]
            raise ConnectionRefusedError(f"STOMP connect refused: {errors}")
        return self

    def send(self, destination, body, receipt=None, **headers):
        if receipt is not None:
            headers["receipt"] = receipt
        self.conn.send(destination, body, headers=headers)

    def send_wait(self, destination, body, timeout=30.0, **headers):
        receipt = f"r-{random.getrandbits(48):x}"
        self.send(destination, body, receipt=receipt, **headers)
        self.listener.wait_receipt(receipt, timeout)

    def subscribe(self, destination, sub_id, ack="auto", receipt=True, timeout=15.0, **headers):
        if receipt:
            headers["receipt"] = f"sub-{sub_id}-{random.getrandbits(32):x}"
        self.conn.subscribe(destination, sub_id, ack=ack, headers=headers)
        if receipt:
            self.listener.wait_receipt(headers["receipt"], timeout)

    def close(self):
        try:
            if self.conn.is_connected():
                self.conn.disconnect()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


# --- raw STOMP over a socket ------------------------------------------------------------------

def frame(command, headers=None, body=b""):
    """Encodes one STOMP frame (no escaping: tests choose their header text)."""
    lines = [command]
    for k, v in (headers or {}).items():
        lines.append(f"{k}:{v}")
    head = ("\n".join(lines) + "\n\n").encode()
    if isinstance(body, str):
        body = body.encode()
    return head + body + b"\x00"


class RawStomp:
    """A plain TCP connection for malformed input: send bytes, read frames with deadlines."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        self.closed = False

    def send(self, data):
        self.sock.sendall(data)

    def send_quietly(self, data):
        """Sends, ignoring a reset: the broker may already have closed on earlier bytes."""
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            return False

    def connect(self, login="admin", passcode="admin", version="1.2"):
        self.send(frame("CONNECT", {"accept-version": version, "host": "localhost",
                                    "login": login, "passcode": passcode}))
        return self.read_frame()

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no complete frame before the deadline")
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError("no complete frame before the deadline") from None
        except ConnectionResetError:
            data = b""
        if not data:
            self.closed = True
        self.buf += data
        return bool(data)

    def read_frame(self, timeout=10.0):
        """Returns (command, headers, body), or None if the broker closed the connection.
        Heart-beat newlines between frames are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            self.buf = self.buf.lstrip(b"\r\n")
            end = self.buf.find(b"\x00")
            head_end = self.buf.find(b"\n\n")
            if end >= 0 and head_end >= 0:
                head = self.buf[:head_end].decode(errors="replace").replace("\r", "")
                lines = head.split("\n")
                headers = {}
                for line in lines[1:]:
                    k, _, v = line.partition(":")
                    headers.setdefault(k, v)
                length = headers.get("content-length")
                body_start = head_end + 2
                if length is not None and length.isdigit():
                    body_end = body_start + int(length)
                    if len(self.buf) < body_end + 1:
                        if not self._fill(deadline):
                            return None
                        continue
                else:
                    body_end = end
                body = self.buf[body_start:body_end]
                self.buf = self.buf[body_end + 1:]
                return lines[0], headers, body
            if self.closed or not self._fill(deadline):
                return None

    def wait_closed(self, timeout=10.0):
        """True once the broker has closed the connection (frames before the close are
        discarded)."""
        deadline = time.monotonic() + timeout
        while not self.closed:
            try:
                self._fill(deadline)
            except TimeoutError:
                return False
            except OSError:
                self.closed = True
        return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
