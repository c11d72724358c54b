"""System tests for `artemis perf client | producer | consumer` against a real broker: options,
the per-second blocks, the summary and the --json file (their shape, never their speed)."""

import json
import os
import re
import select
import signal
import subprocess
import tempfile
import time
import unittest
import uuid

import harness

CLI_TIMEOUT = 180
TOTAL = re.compile(r"^--- total (?P<what>sent|blocked|completed|received):\s+(?P<n>\d+)$", re.M)
PERCENTILES = re.compile(r"mean:\s+[\d.]+ us - 50\.00%:\s+[\d.]+ us - 90\.00%:\s+[\d.]+ us - 99\.00%:\s+[\d.]+ us"
                         r" - 99\.90%:\s+[\d.]+ us - 99\.99%:\s+[\d.]+ us - max:\s+[\d.]+ us$")
HISTOGRAM_KEYS = {"mean", "50", "90", "99", "99.9", "99.99", "max", "count"}


class PerfTest(harness.BrokerTestCase):
    create_args = ("--no-web",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.url = f"tcp://127.0.0.1:{cls.broker.port()}"
        cls.tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.tmp.cleanup)

    def argv(self, role, *args):
        return [harness.artemis_bin(), "perf", role, "--url", self.url, "--user", "admin", "--password", "admin",
                *[str(a) for a in args]]

    def perf(self, role, *args, expect=0):
        argv = self.argv(role, *args)
        result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL)
        self.assertEqual(result.returncode, expect,
                         f"{argv} exited {result.returncode}\nstdout:\n{result.stdout[-3000:]}"
                         f"\nstderr:\n{result.stderr[-3000:]}")
        return result

    @staticmethod
    def totals(out):
        return {m.group("what"): int(m.group("n")) for m in TOTAL.finditer(out)}

    @staticmethod
    def name(prefix="P"):
        return prefix + uuid.uuid4().hex[:8]

    def json_path(self):
        return os.path.join(self.tmp.name, uuid.uuid4().hex + ".json")

    def test_client_durable_with_latency_and_json(self):
        path = self.json_path()
        out = self.perf("client", f"queue://{self.name()}", "--persistent", "--message-count", 500,
                        "--max-pending", 10, "--show-latency", "--json", path).stdout
        self.assertIn("--- SUMMARY", out)
        self.assertRegex(out, r"--- result:\s+success")
        self.assertEqual(self.totals(out), {"sent": 500, "blocked": self.totals(out)["blocked"],
                                            "completed": 500, "received": 500})
        for label in ("aggregated send time:", "aggregated transfer time:"):
            line = next(l for l in out.splitlines() if l.startswith("--- " + label))
            self.assertRegex(line, PERCENTILES)
        with open(path) as f:
            samples = json.load(f)
        summary = samples[-1]
        self.assertEqual(summary["sampleType"], "summary")
        self.assertEqual(summary["result"], "success")
        self.assertEqual((summary["totalSent"], summary["totalCompleted"], summary["totalReceived"]), (500, 500, 500))
        self.assertEqual(summary["sendTime"]["count"], 500)
        self.assertEqual(summary["transferTime"]["count"], 500)
        self.assertEqual(set(summary["sendTime"]), HISTOGRAM_KEYS)
        self.assertLessEqual(summary["sendTime"]["50"], summary["sendTime"]["99"])
        self.assertLessEqual(summary["sendTime"]["99"], summary["sendTime"]["max"])
        for sample in samples[:-1]:
            self.assertEqual(sample["sampleType"], "interval")
            self.assertEqual(set(sample["transferTime"]), HISTOGRAM_KEYS)

    def test_producer_then_consumer(self):
        queue = f"queue://{self.name()}"
        out = self.perf("producer", queue, "--persistent", "--message-count", 300, "--max-pending", 50).stdout
        self.assertEqual(self.totals(out), {"sent": 300, "blocked": self.totals(out)["blocked"], "completed": 300})
        self.assertNotIn("received", out)
        out = self.perf("consumer", queue, "--message-count", 300).stdout
        self.assertEqual(self.totals(out), {"received": 300})
        self.assertNotIn("total sent", out)

    def test_topic_fan_out_and_num_destinations(self):
        out = self.perf("client", f"topic://{self.name('T')}", "--consumers", 3, "--message-count", 200).stdout
        self.assertEqual(self.totals(out)["received"], 600)
        out = self.perf("client", f"queue://{self.name()}", "--num-destinations", 2, "--message-count", 100).stdout
        totals = self.totals(out)
        self.assertEqual((totals["sent"], totals["completed"], totals["received"]), (100, 100, 100))

    def test_every_protocol_delivers_every_batched_send(self):
        # Sends and acknowledgements are written in batches; each batch must still go out at
        # the end of a run and before each pause of a --rate schedule.
        for protocol, dest in (("stomp", "queue"), ("amqp", "queue"), ("mqtt", "topic")):
            for extra in (("--persistent", "--max-pending", 100), (), ("--rate", 400)):
                with self.subTest(protocol=protocol, options=extra):
                    count = 300 if "--rate" in extra else 2000
                    out = self.perf("client", "--protocol", protocol, f"{dest}://{self.name()}",
                                    "--message-count", count, *extra).stdout
                    totals = self.totals(out)
                    self.assertEqual((totals["sent"], totals["completed"], totals["received"]),
                                     (count, count, count), out[-2000:])

    def test_duration_warmup_rate_blocks(self):
        path = self.json_path()
        out = self.perf("client", f"queue://{self.name()}", "--duration", 2, "--warmup", 1, "--rate", 200,
                        "--show-latency", "--json", path).stdout
        self.assertIn("--- warmup true", out)
        self.assertIn("--- warmup false", out)
        for label in ("sent:", "blocked:", "completed:", "received:"):
            self.assertRegex(out, rf"(?m)^--- {label}\s+\d+ msg/sec ?$")
        self.assertRegex(out, r"(?m)^--- send delay time:\s+mean:")
        self.assertRegex(out, r"(?m)^--- aggregated delay send time:\s+mean:")
        sent = self.totals(out)["sent"]
        # --rate 200 for about 3 s: the schedule caps what is sent.
        self.assertGreater(sent, 50)
        self.assertLess(sent, 1000)
        with open(path) as f:
            samples = json.load(f)
        self.assertTrue(any(s.get("warmup") for s in samples[:-1]))
        measured = sum(s["sent"] for s in samples[:-1] if not s["warmup"])
        self.assertGreater(samples[-1]["delaySendTime"]["count"], 0)
        self.assertGreater(measured, 0)

    def test_ctrl_c_ends_an_unbounded_consumer_with_a_summary(self):
        proc = subprocess.Popen(self.argv("consumer", f"queue://{self.name()}"), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        try:
            seen = ""
            deadline = time.monotonic() + 60
            while "--- received:" not in seen and time.monotonic() < deadline:
                ready, _, _ = select.select([proc.stdout], [], [], 1.0)
                if ready:
                    line = proc.stdout.readline()
                    if not line:
                        break
                    seen += line
            self.assertIn("--- received:", seen)
            proc.send_signal(signal.SIGINT)
            rest, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn("--- SUMMARY", rest)
        self.assertEqual(self.totals(rest), {"received": 0})

    def test_bad_input(self):
        result = subprocess.run([harness.artemis_bin(), "perf", "client", "--url", "tcp://127.0.0.1:1",
                                 "--message-count", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL)
        self.assertEqual(result.returncode, 1)
        self.assertIn("127.0.0.1:1", result.stderr)
        self.perf("client", "--producers", 0, expect=1)
        result = subprocess.run([harness.artemis_bin(), "perf"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL)
        self.assertEqual(result.returncode, 1)


if __name__ == "__main__":
    unittest.main()
