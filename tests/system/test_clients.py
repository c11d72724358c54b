"""System tests for `artemis producer`, `consumer` and `browser` against a real broker
(`artemis create` + `bin/artemis run`), including interop with Debian's python3-stomp and the
output lines people grep (cli.md §4)."""

import os
import re
import subprocess
import unittest
import uuid

import harness

PRODUCED = re.compile(r"^Producer ActiveMQQueue\[(?P<q>[^\]]+)\], thread=(?P<t>\d+) Produced: (?P<n>\d+) messages$", re.M)
CONSUMED = re.compile(r"^Consumer Activemq(?:Queue|Topic)\[(?P<q>[^\]]+)\], thread=(?P<t>\d+) Consumed: (?P<n>\d+) messages$", re.M | re.I)
ELAPSED_S = re.compile(r"^(Producer|Consumer) ActiveMQ(Queue|Topic)\[[^\]]+\], thread=\d+ Elapsed time in second : \d+ s$", re.M)
ELAPSED_MS = re.compile(r"^(Producer|Consumer) ActiveMQ(Queue|Topic)\[[^\]]+\], thread=\d+ Elapsed time in milli second : \d+ milli seconds$", re.M)
CLI_TIMEOUT = 180


class ClientCommandsTest(harness.BrokerTestCase):
    create_args = ("--no-web",)
    protocol_args = ()  # what the client commands are given to pick a protocol

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.url = f"tcp://127.0.0.1:{cls.broker.port()}"

    def cli(self, command, *args, url=True, creds=True, binary=None, check=True, env=None):
        argv = [binary or harness.artemis_bin(), command]
        if url:
            argv += ["--url", self.url]
        if creds:
            argv += ["--user", "admin", "--password", "admin"]
        argv += [str(a) for a in args]
        result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL, env=env)
        if check:
            self.assertEqual(result.returncode, 0,
                             f"{argv} exited {result.returncode}\nstdout:\n{result.stdout[-3000:]}"
                             f"\nstderr:\n{result.stderr[-3000:]}")
        return result

    @staticmethod
    def queue():
        return "Q" + uuid.uuid4().hex[:8]

    def consumed(self, out):
        return [int(m.group("n")) for m in CONSUMED.finditer(out)]

    # --- producer -> consumer -----------------------------------------------------------------

    def test_produce_then_consume_100(self):
        out = self.cli("producer", "--message-count", 100).stdout
        self.assertIn(f"Connection brokerURL = {self.url}\n", out)
        self.assertRegex(out, r"(?m)^Producer ActiveMQQueue\[TEST\], thread=0 Started to calculate elapsed time \.\.\.$")
        self.assertEqual([(m.group("q"), m.group("n")) for m in PRODUCED.finditer(out)], [("TEST", "100")])
        self.assertRegex(out, ELAPSED_S)
        self.assertRegex(out, ELAPSED_MS)
        out = self.cli("consumer", "--message-count", 100, "--verbose").stdout
        self.assertIn("Consumer:: filter = null\n", out)
        self.assertRegex(out, r"(?m)^Consumer ActiveMQQueue\[TEST\], thread=0 wait 3000ms until 100 messages are consumed$")
        bodies = re.findall(r"(?m)^Consumer ActiveMQQueue\[TEST\], thread=0 Received (.*)$", out)
        self.assertEqual(bodies, [f"test message: {i}" for i in range(100)])
        self.assertEqual(self.consumed(out), [100, 100])
        self.assertRegex(out, r"(?m)^Consumer ActiveMQQueue\[TEST\], thread=0 Consumer thread finished$")
        self.assertRegex(out, ELAPSED_MS)

    def test_producer_sets_count_and_thread_properties(self):
        q = self.queue()
        self.cli("producer", "--message-count", 10, "--destination", f"queue://{q}")
        with harness.StompClient(self.broker.port()) as c:
            c.subscribe(q, "s1", **{"subscription-type": "ANYCAST"})
            messages = c.listener.wait_messages(10)
        self.assertEqual([m.body for m in messages], [f"test message: {i}" for i in range(10)])
        self.assertEqual([m.headers.get("count") for m in messages], [str(i) for i in range(10)])
        for m in messages:
            self.assertEqual(m.headers.get("ThreadSent"), f"Producer ActiveMQQueue[{q}], thread=0")
            self.assertEqual(m.headers.get("persistent"), "true")
            self.assertTrue(m.headers.get("_AMQ_DUPL_ID"))

    def test_consumer_data_file_then_producer_data_sends_it_again(self):
        q, q2 = self.queue(), self.queue()
        with harness.StompClient(self.broker.port()) as c:
            c.send_wait(q, "plain <text> & ]]> more", **{"destination-type": "ANYCAST",
                                                         "colour": "blue", "priority": "7"})
        self.cli("producer", "--message-count", 2, "--message-size", 5, "--destination",
                 f"queue://{q}")
        data = os.path.join(self.broker.root, f"{q}.xml")
        out = self.cli("consumer", "--message-count", 3, "--destination", f"queue://{q}",
                       "--data", data).stdout
        self.assertEqual(self.consumed(out), [3, 3])
        with open(data) as f:
            xml = f.read()
        self.assertTrue(xml.startswith('<?xml version="1.0"?>\n<messages>\n   <message id="'), xml)
        self.assertTrue(xml.endswith("</messages>\n"))
        self.assertIn('<property name="colour" value="blue" type="string"/>', xml)
        self.assertIn('priority="7"', xml)
        self.assertIn('type="bytes"', xml)
        self.assertIn("<body><![CDATA[Li4uLi4=]]></body>", xml)  # "....." in base64
        out = self.cli("producer", "--destination", f"queue://{q2}", "--data", data).stdout
        self.assertIn("Sent 3 Messages.", out)
        with harness.StompClient(self.broker.port()) as c:
            c.subscribe(q2, "s1", **{"subscription-type": "ANYCAST"})
            got = c.listener.wait_messages(3)
        self.assertEqual(got[0].body, "plain <text> & ]]> more")
        self.assertEqual(got[0].headers.get("colour"), "blue")
        self.assertEqual(got[0].headers.get("priority"), "7")
        self.assertEqual([m.body for m in got[1:]], [".....", "....."])
        self.assertEqual(got[1].headers.get("persistent"), "true")
        r = self.cli("producer", "--destination", f"queue://{q2}", "--data",
                     os.path.join(self.broker.root, "missing.xml"), check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("Error: Unable to read the messages of", r.stderr)

    def test_python_stomp_to_consumer(self):
        q = self.queue()
        with harness.StompClient(self.broker.port()) as c:
            for i in range(10):
                c.send_wait(q, f"from python {i}", **{"destination-type": "ANYCAST", "persistent": "true"})
        out = self.cli("consumer", "--message-count", 10, "--destination", f"queue://{q}", "--verbose").stdout
        # stomp.py writes content-length, so these are bytes messages: shown by id and size.
        sizes = re.findall(r"(?m)^Received bytes sized at (\d+)$", out)
        self.assertEqual(sizes, [str(len(f"from python {i}")) for i in range(10)])
        self.assertEqual(self.consumed(out), [10, 10])

    def test_threads_4_producers_2_consumers(self):
        q = self.queue()
        out = self.cli("producer", "--threads", 4, "--message-count", 250, "--destination", q).stdout
        self.assertEqual(sorted((m.group("t"), m.group("n")) for m in PRODUCED.finditer(out)),
                         [(str(t), "250") for t in range(4)])
        out = self.cli("consumer", "--threads", 2, "--message-count", 500, "--destination", q,
                       "--receive-timeout", 5000).stdout
        self.assertEqual(self.consumed(out), [500] * 4)
        self.assertNotIn("Duplicates:", out)
        # Nothing left behind.
        out = self.cli("consumer", "--message-count", 1, "--destination", q, "--receive-timeout", 300,
                       "--break-on-null").stdout
        self.assertEqual(self.consumed(out), [0, 0])

    def test_transacted_batches(self):
        q = self.queue()
        out = self.cli("producer", "--message-count", 35, "--commit-interval", 10, "--destination", q).stdout
        self.assertEqual(re.findall(r"(?m)^Producer ActiveMQQueue\[\w+\], thread=0 Committing transaction: (\d+)$", out),
                         ["0", "1", "2"])
        self.assertEqual([m.group("n") for m in PRODUCED.finditer(out)], ["35"])
        out = self.cli("consumer", "--message-count", 35, "--commit-interval", 10, "--destination", q).stdout
        self.assertEqual(re.findall(r"(?m)^Consumer ActiveMQQueue\[\w+\], thread=0 Committing transaction: (\d+)$", out),
                         ["0", "1", "2"])
        self.assertEqual(self.consumed(out), [35, 35])

    def test_durable_topic_subscriber_gets_messages_sent_while_away(self):
        topic = "T" + uuid.uuid4().hex[:8]
        client_id = "cid" + uuid.uuid4().hex[:6]
        args = ("--destination", f"topic://{topic}", "--durable", "--clientID", client_id,
                "--receive-timeout", 500, "--break-on-null")
        out = self.cli("consumer", "--message-count", 1, *args).stdout
        self.assertIn(f"Consumer:: clientID = {client_id}", out)
        self.assertEqual(self.consumed(out), [0, 0])
        self.cli("producer", "--message-count", 10, "--destination", f"topic://{topic}")
        out = self.cli("consumer", "--message-count", 10, "--verbose", *args).stdout
        self.assertEqual(self.consumed(out), [10, 10])
        bodies = re.findall(r"(?m)^Consumer ActiveMQTopic\[\w+\], thread=0 Received (.*)$", out)
        self.assertEqual(bodies, [f"test message: {i}" for i in range(10)])

    def test_filter(self):
        q = self.queue()
        for color in ("red", "blue", "red"):
            self.cli("producer", "--message-count", 3, "--destination", q, "--properties",
                     f'[{{"type":"string","key":"color","value":"{color}"}}]')
        out = self.cli("consumer", "--message-count", 9, "--destination", q, "--filter", "color = 'red'",
                       "--receive-timeout", 1000, "--break-on-null").stdout
        self.assertIn("Consumer:: filter = color = 'red'", out)
        self.assertEqual(self.consumed(out), [6, 6])
        out = self.cli("consumer", "--message-count", 9, "--destination", q, "--receive-timeout", 1000,
                       "--break-on-null").stdout
        self.assertEqual(self.consumed(out), [3, 3])

    def test_browser_leaves_messages_queued(self):
        q = self.queue()
        self.cli("producer", "--message-count", 3, "--destination", q)
        out = self.cli("browser", "--destination", q).stdout
        self.assertEqual(re.findall(rf"(?m)^Browser ActiveMQQueue\[{q}\], thread=0 browsing (.*)$", out),
                         [f"test message: {i}" for i in range(3)])
        self.assertRegex(out, rf"(?m)^Browser ActiveMQQueue\[{q}\], thread=0 browsed: 3 messages$")
        out = self.cli("consumer", "--message-count", 3, "--destination", q).stdout
        self.assertEqual(self.consumed(out), [3, 3])

    def test_url_from_instance_broker_xml(self):
        script = os.path.join(self.broker.dir, "bin", "artemis")
        out = self.cli("producer", "--message-count", 1, "--destination", self.queue(), url=False,
                       binary=script).stdout
        self.assertIn(f"Connection brokerURL = tcp://localhost:{self.broker.port()}\n", out)
        self.assertEqual([m.group("n") for m in PRODUCED.finditer(out)], ["1"])

    # --- failover -----------------------------------------------------------------------------

    def bodies_from(self, port, q):
        out = self.cli("consumer", "--url", f"tcp://127.0.0.1:{port}", "--message-count", 1000,
                       "--destination", q, "--receive-timeout", 1000, "--break-on-null", "--verbose",
                       url=False).stdout
        return re.findall(rf"(?m)^Consumer ActiveMQQueue\[{q}\], thread=0 Received (.*)$", out)

    def test_producer_fails_over_to_the_next_server_of_the_list(self):
        q = self.queue()
        with harness.Instance(extra_create_args=("--no-web",), name="other") as other:
            other.start()
            first, second = other.port(), self.broker.port()
            url = f"(tcp://127.0.0.1:{first},tcp://127.0.0.1:{second})?ha=true&retryInterval=100"
            argv = [harness.artemis_bin(), "producer", *self.protocol_args, "--url", url, "--user",
                    "admin", "--password", "admin", "--message-count", 200, "--sleep", 5, "--destination", q, "--verbose"]
            proc = subprocess.Popen([str(a) for a in argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, stdin=subprocess.DEVNULL)
            try:
                sent = 0
                # Bounded: the producer sends 200 messages and exits, or is killed at the deadline.
                with harness.killed_after(proc, CLI_TIMEOUT):
                    for line in proc.stdout:
                        if " Sent: " in line:
                            sent += 1
                        if sent == 50:
                            other.kill()
                            break
                out, err = proc.communicate(timeout=CLI_TIMEOUT)
            finally:
                if proc.poll() is None:
                    proc.kill()
            self.assertEqual(proc.returncode, 0, err)
            self.assertRegex(out, rf"(?m)^Producer ActiveMQQueue\[{q}\], thread=0 Produced: 200 messages$")
            self.assertIn("failing over", err)
            self.assertIn(f"Reconnected to tcp://127.0.0.1:{second}", err)
            on_second = self.bodies_from(second, q)
            other.start()
            on_first = self.bodies_from(first, q)
        # Every message is somewhere; a send the first broker stored but had not confirmed may
        # exist on both (different brokers share no duplicate-id cache).
        self.assertEqual(set(on_first) | set(on_second), {f"test message: {i}" for i in range(200)})
        self.assertGreater(len(on_first), 0)
        self.assertGreater(len(on_second), 0)

    # --- errors -------------------------------------------------------------------------------

    def assert_one_line_failure(self, result, *fragments):
        self.assertNotEqual(result.returncode, 0)
        lines = [l for l in result.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, result.stderr)
        for f in fragments:
            self.assertIn(f, lines[0])

    def test_connection_refused(self):
        port = harness.BASE_PORTS["artemis"] + harness.free_port_offset()
        result = self.cli("producer", "--message-count", 1, "--url", f"tcp://127.0.0.1:{port}", url=False, check=False)
        self.assert_one_line_failure(result, "AMQ219007", f"tcp://127.0.0.1:{port}", "refused", "is the broker running")

    def test_bad_credentials(self):
        result = self.cli("consumer", "--user", "admin", "--password", "wrong", "--message-count", 1,
                          creds=False, check=False)
        self.assert_one_line_failure(result, "check --user and --password")

    def test_bad_url(self):
        result = self.cli("producer", "--url", "tcp://127.0.0.1:notaport", url=False, check=False)
        self.assert_one_line_failure(result, "invalid --url", "not a port")

    def test_unknown_option(self):
        result = self.cli("producer", "--no-such-option", check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--no-such-option", result.stderr)



class AmqpClientCommandsTest(ClientCommandsTest):
    """Every test above again with --protocol amqp: the same commands and output lines over AMQP
    1.0 on the all-protocols acceptor (transactions on a coordinator link, browsing with
    distribution-mode copy, failover to the next server of the list), and the messages readable
    by Debian's STOMP client where a test checks them that way."""

    protocol_args = ("--protocol", "amqp")

    def cli(self, command, *args, **kwargs):
        if command in ("producer", "consumer", "browser"):
            args = (*self.protocol_args, *args)
        return super().cli(command, *args, **kwargs)


if __name__ == "__main__":
    unittest.main()
