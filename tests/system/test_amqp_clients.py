"""AMQP 1.0 clients nobody here wrote, run unmodified against a real `artemis run`:

- Debian's Qpid Proton example programs (package libqpid-proton11-dev-examples): the Python ones
  from /usr/share/proton/examples/python run with Debian's /usr/bin/python3, the C++ ones
  compiled once per class from /usr/share/proton/examples/cpp against libqpid-proton-cpp12-dev;
- npm's rhea (pinned in tests/system/rhea/package-lock.json, installed by scripts/setup) through
  the small node programs beside that lock;
- Debian's python3-qpid-proton (BlockingConnection) and python3-stomp on the other end.

The examples name no routing type, and Artemis auto-creates an address without one as MULTICAST,
so the brokers here make `examples` and `examples.#` ANYCAST (default-address-routing-type): the
examples' links then get queue semantics. (helloworld.py and queue_browser.py are left out:
they connect to the fixed port 5672, and these tests use free ports only.) The C++ examples
log in anonymously (Proton C++ offers PLAIN only over TLS), so the example brokers allow
anonymous logins.

Every program runs under a deadline; the two that never stop by themselves (the C++
selected_recv and queue_browser) are read until they printed what is expected, then killed."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest
import uuid

from proton import Data, Message, symbol
from proton.reactor import LinkOption
from proton.utils import BlockingConnection

from harness import BrokerTestCase, StompClient, killed_after

PYTHON_EXAMPLES = "/usr/share/proton/examples/python"
CPP_EXAMPLES = "/usr/share/proton/examples/cpp"
CPP_PROGRAMS = ("simple_send", "simple_recv", "selected_recv", "queue_browser")
RHEA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rhea")
DEADLINE = 40.0  # seconds for any one client program or blocking call (rhea's own: 30 s)
COMPILE_DEADLINE = 180.0  # seconds for compiling the C++ examples (in parallel)
GREENS = [f"green {i}" for i in (1, 3, 5, 7, 9)]  # what colour_send -m 10 sends, by colour
REDS = [f"red {i}" for i in (2, 4, 6, 8, 10)]


class QueueCapability(LinkOption):
    """The `queue` capability on a receiver's source or a sender's target (ANYCAST)."""

    def apply(self, link):
        terminus = link.target if link.is_sender else link.source
        terminus.capabilities.put_array(False, Data.SYMBOL)
        terminus.capabilities.enter()
        terminus.capabilities.put_symbol(symbol("queue"))
        terminus.capabilities.exit()


def close_quietly(connection):
    try:
        connection.close()
    except Exception:  # the broker may have closed it already; nothing left to release
        pass


def edit_broker_xml(broker, anchor, addition):
    """Inserts `addition` right after the first `anchor` in the instance's etc/broker.xml."""
    path = os.path.join(broker.dir, "etc", "broker.xml")
    with open(path) as f:
        text = f.read()
    assert anchor in text, f"{anchor} not in {path}"
    with open(path, "w") as f:
        f.write(text.replace(anchor, anchor + addition, 1))


ANYCAST_EXAMPLES = """
         <address-setting match="examples.#">
            <default-address-routing-type>ANYCAST</default-address-routing-type>
            <default-queue-routing-type>ANYCAST</default-queue-routing-type>
         </address-setting>"""


class ClientTestCase(BrokerTestCase):
    """Running client programs and checking what a queue holds afterwards."""

    def run_program(self, args, cwd=None):
        """Runs a program that stops by itself; its stdout lines (exit status 0 asserted)."""
        result = subprocess.run(args, capture_output=True, text=True, timeout=DEADLINE,
                                stdin=subprocess.DEVNULL, cwd=cwd)
        self.assertEqual(result.returncode, 0,
                         f"{' '.join(args)} exited {result.returncode}:\n"
                         f"{result.stdout[-1000:]}{result.stderr[-2000:]}")
        return result.stdout.splitlines()

    def first_lines(self, args, count):
        """Runs a program that never stops by itself until it printed `count` lines, then
        kills it; those lines."""
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, text=True)
        lines = []
        with killed_after(process, DEADLINE):
            while len(lines) < count:
                line = process.stdout.readline()
                if not line:
                    break
                lines.append(line.rstrip("\n"))
            process.kill()
            _, err = process.communicate(timeout=DEADLINE)
        self.assertEqual(len(lines), count, f"{' '.join(args)} printed {lines} before it "
                         f"stopped or its deadline passed; stderr:\n{err[-2000:]}")
        return lines

    def example(self, program, *args):
        """A Python example program's output lines."""
        return self.run_program(["/usr/bin/python3", os.path.join(PYTHON_EXAMPLES, program),
                                 *map(str, args)])

    def proton(self, port=None):
        port = port or self.broker.port("amqp")
        conn = BlockingConnection(f"amqp://127.0.0.1:{port}", user="admin", password="admin",
                                  timeout=DEADLINE)
        self.addCleanup(close_quietly, conn)
        return conn

    def rest_of_queue(self, address, port=None):
        """Everything the queue `address` holds, consumed: a fence message is sent last and
        the bodies received before it are returned (so the check needs no quiet period)."""
        conn = self.proton(port)
        fence = f"fence-{uuid.uuid4()}"
        conn.create_sender(address, options=QueueCapability()).send(Message(body=fence))
        receiver = conn.create_receiver(address, options=QueueCapability())
        bodies = []
        for _ in range(1000):
            message = receiver.receive(timeout=DEADLINE)
            receiver.accept()
            if message.body == fence:
                return bodies
            bodies.append(message.body)
        self.fail(f"no fence among 1000 messages of {address}")


class ProtonExamplesTest(ClientTestCase):
    """The Python and C++ example programs of Proton, by their -a/-m options, each pair through
    its own ANYCAST address of one broker."""

    require_login = False  # the C++ examples log in anonymously (the Python ones with PLAIN)
    bin_dir = None

    @classmethod
    def prepare_broker(cls):
        edit_broker_xml(cls.broker, "<address-settings>", ANYCAST_EXAMPLES)

    @classmethod
    def setUpClass(cls):
        # The C++ examples compile (in parallel) while the broker is created and started.
        cls.bin_dir = tempfile.mkdtemp(prefix="artemis-proton-cpp-")
        cls.addClassCleanup(shutil.rmtree, cls.bin_dir, ignore_errors=True)
        compiles = {}
        for name in CPP_PROGRAMS:
            compiles[name] = subprocess.Popen(
                ["g++", "-std=c++11", os.path.join(CPP_EXAMPLES, f"{name}.cpp"),
                 "-o", os.path.join(cls.bin_dir, name), "-lqpid-proton-cpp"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                text=True)
            cls.addClassCleanup(lambda p=compiles[name]: p.poll() is None and p.kill())
        super().setUpClass()
        for name, process in compiles.items():
            output, _ = process.communicate(timeout=COMPILE_DEADLINE)
            if process.returncode != 0:
                raise RuntimeError(f"g++ {name}.cpp failed ({process.returncode}):\n"
                                   f"{output[-3000:]}")

    def py_url(self, address):
        return f"admin:admin@127.0.0.1:{self.broker.port('amqp')}/{address}"

    def cpp(self, program, *args):
        return [os.path.join(self.bin_dir, program), *map(str, args)]

    def cpp_url(self, address):
        return f"127.0.0.1:{self.broker.port('amqp')}/{address}"

    def test_simple_send_to_simple_recv_python(self):
        address = "examples.py"
        self.assertEqual(self.example("simple_send.py", "-a", self.py_url(address), "-m", 10),
                         ["all messages confirmed"])
        self.assertEqual(self.example("simple_recv.py", "-a", self.py_url(address), "-m", 10),
                         [f"{{'sequence': {i}}}" for i in range(1, 11)])
        self.assertEqual(self.rest_of_queue(address), [])

    def test_simple_send_to_simple_recv_cpp(self):
        address = "examples.cpp"
        self.assertEqual(self.run_program(self.cpp("simple_send", "-a", self.cpp_url(address),
                                                   "-m", 10)), ["all messages confirmed"])
        self.assertEqual(self.run_program(self.cpp("simple_recv", "-a", self.cpp_url(address),
                                                   "-m", 10)),
                         [f'{{"sequence"={i}}}' for i in range(1, 11)])
        self.assertEqual(self.rest_of_queue(address), [])

    def test_simple_send_cpp_to_simple_recv_python_keeps_the_int_type(self):
        # C++ sends a map<string, int>: the Python receiver must see AMQP int, not long.
        address = "examples.cpp-to-py"
        self.assertEqual(self.run_program(self.cpp("simple_send", "-a", self.cpp_url(address),
                                                   "-m", 5)), ["all messages confirmed"])
        self.assertEqual(self.example("simple_recv.py", "-a", self.py_url(address), "-m", 5),
                         [f"{{'sequence': int32({i})}}" for i in range(1, 6)])
        self.assertEqual(self.rest_of_queue(address), [])

    def test_simple_send_python_to_simple_recv_cpp(self):
        address = "examples.py-to-cpp"
        self.assertEqual(self.example("simple_send.py", "-a", self.py_url(address), "-m", 5),
                         ["all messages confirmed"])
        self.assertEqual(self.run_program(self.cpp("simple_recv", "-a", self.cpp_url(address),
                                                   "-m", 5)),
                         [f'{{"sequence"={i}}}' for i in range(1, 6)])
        self.assertEqual(self.rest_of_queue(address), [])

    def test_selected_recv_python_gets_only_the_green_ones(self):
        address = "examples.colours-py"
        self.assertEqual(self.example("colour_send.py", "-a", self.py_url(address), "-m", 10),
                         ["all messages confirmed"])
        self.assertEqual(self.example("selected_recv.py", "-a", self.py_url(address), "-m", 5),
                         GREENS)
        self.assertEqual(self.rest_of_queue(address), REDS)

    def test_selected_recv_cpp_gets_only_the_green_ones(self):
        address = "examples.colours-cpp"
        self.assertEqual(self.example("colour_send.py", "-a", self.py_url(address), "-m", 10),
                         ["all messages confirmed"])
        self.assertEqual(self.first_lines(self.cpp("selected_recv",
                                                   f"//127.0.0.1:{self.broker.port('amqp')}",
                                                   address), 5), GREENS)
        # It is killed, so its last acknowledgements may not have reached the broker: greens
        # may be back in the queue, but every red one is there, in order.
        rest = self.rest_of_queue(address)
        self.assertEqual([b for b in rest if b not in GREENS], REDS)

    def test_queue_browser_cpp_sees_the_messages_and_leaves_them(self):
        address = "examples.browse-cpp"
        self.assertEqual(self.example("simple_send.py", "-a", self.py_url(address), "-m", 4),
                         ["all messages confirmed"])
        self.assertEqual(self.first_lines(self.cpp("queue_browser",
                                                   f"//127.0.0.1:{self.broker.port('amqp')}",
                                                   address), 4),
                         [f'{{"sequence"={i}}}' for i in range(1, 5)])
        self.assertEqual(self.example("simple_recv.py", "-a", self.py_url(address), "-m", 4),
                         [f"{{'sequence': {i}}}" for i in range(1, 5)])
        self.assertEqual(self.rest_of_queue(address), [])

    def test_tx_send_then_tx_recv_commit_in_batches(self):
        address = "examples.tx"
        self.assertEqual(self.example("tx_send.py", "-a", self.py_url(address), "-m", 20,
                                      "-b", 5), ["all messages committed"])
        self.assertEqual(self.example("tx_recv.py", "-a", self.py_url(address), "-m", 10,
                                      "-b", 5),
                         [f"{{'sequence': {i}}}" for i in range(1, 11)])
        # The two committed batches of acknowledgements consumed exactly the first ten.
        self.assertEqual(self.example("simple_recv.py", "-a", self.py_url(address), "-m", 10),
                         [f"{{'sequence': {i}}}" for i in range(11, 21)])
        self.assertEqual(self.rest_of_queue(address), [])


class RheaTest(ClientTestCase):
    """rhea to and from Proton (the Python engine's BlockingConnection and the examples) and
    Debian's STOMP client, over queues (rhea's links carry the `queue` capability)."""

    require_login = True

    def rhea_send(self, address, count, prefix, durability="durable"):
        self.run_program(["node", os.path.join(RHEA, "send.js"), str(self.broker.port("amqp")),
                          "admin", "admin", address, str(count), prefix, durability], cwd=RHEA)

    def rhea_receive(self, address, count):
        lines = self.run_program(["node", os.path.join(RHEA, "receive.js"),
                                  str(self.broker.port("amqp")), "admin", "admin", address,
                                  str(count)], cwd=RHEA)
        return [json.loads(line) for line in lines]

    def test_rhea_to_proton_durable_and_transient(self):
        address = "rhea.to-proton"
        self.rhea_send(address, 3, "d")
        self.rhea_send(address, 3, "t", "transient")
        receiver = self.proton().create_receiver(address, options=QueueCapability())
        got = []
        for _ in range(6):
            m = receiver.receive(timeout=DEADLINE)
            receiver.accept()
            got.append((m.body, m.properties, m.durable))
        self.assertEqual(got, [(f"d-{i}", {"n": i}, True) for i in range(3)] +
                         [(f"t-{i}", {"n": i}, False) for i in range(3)])
        self.assertEqual(self.rest_of_queue(address), [])

    def test_rhea_to_proton_example_simple_recv(self):
        address = "rhea.to-example"
        self.rhea_send(address, 4, "r")
        url = f"admin:admin@127.0.0.1:{self.broker.port('amqp')}/{address}"
        self.assertEqual(self.example("simple_recv.py", "-a", url, "-m", 4),
                         [f"r-{i}" for i in range(4)])
        self.assertEqual(self.rest_of_queue(address), [])

    def test_proton_to_rhea(self):
        address = "proton.to-rhea"
        sender = self.proton().create_sender(address, options=QueueCapability())
        for i in range(4):
            sender.send(Message(body=f"p-{i}", durable=i % 2 == 0,
                                properties={"colour": "blue", "i": i}), timeout=DEADLINE)
        got = self.rhea_receive(address, 4)
        self.assertEqual([(g["body"], g["properties"], g["durable"]) for g in got],
                         [(f"p-{i}", {"colour": "blue", "i": i}, i % 2 == 0) for i in range(4)])
        self.assertEqual(self.rest_of_queue(address), [])

    def test_proton_example_map_bodies_to_rhea(self):
        address = "example.to-rhea"
        url = f"admin:admin@127.0.0.1:{self.broker.port('amqp')}/{address}"
        # The example names no routing type: the queue must exist before it sends.
        self.proton().create_receiver(address, options=QueueCapability()).close()
        self.assertEqual(self.example("simple_send.py", "-a", url, "-m", 3),
                         ["all messages confirmed"])
        self.assertEqual([g["body"] for g in self.rhea_receive(address, 3)],
                         [{"sequence": i} for i in range(1, 4)])
        self.assertEqual(self.rest_of_queue(address), [])

    def test_stomp_to_rhea(self):
        address = "stomp.to-rhea"
        with StompClient(self.broker.stomp_port) as stomp:
            for i in range(3):
                stomp.send_wait(address, f"s-{i}", colour="green",
                                **{"destination-type": "ANYCAST", "persistent": "true"})
        got = self.rhea_receive(address, 3)
        self.assertEqual([(g["body"], g["properties"].get("colour"), g["durable"]) for g in got],
                         [(f"s-{i}", "green", True) for i in range(3)])
        self.assertEqual(self.rest_of_queue(address), [])

    def test_rhea_to_stomp(self):
        address = "rhea.to-stomp"
        self.rhea_send(address, 3, "r")
        with StompClient(self.broker.stomp_port) as stomp:
            stomp.subscribe(address, "s1", **{"subscription-type": "ANYCAST"})
            frames = stomp.listener.wait_messages(3, timeout=DEADLINE)
        self.assertEqual([(f.body, f.headers.get("n")) for f in frames],
                         [(f"r-{i}", str(i)) for i in range(3)])
        self.assertEqual(self.rest_of_queue(address), [])


if __name__ == "__main__":
    unittest.main()
