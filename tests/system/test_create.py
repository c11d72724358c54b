"""System tests of `artemis create`, `help`, `version` and `mask`, running the real binary
(ARTEMIS_BIN) in temp dirs with stdin that is not a terminal.

Golden instances live in tests/data/golden/<name>/ with volatile values masked (absolute paths,
password hashes, measured journal timings). Regenerate them with UPDATE_GOLDEN=1 after an
intended template change, and review the diff.
"""

import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest

from harness import Instance

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "data", "golden")
TIMEOUT = 120  # seconds for any single command (auto-tune included)


def artemis_bin():
    path = os.environ.get("ARTEMIS_BIN")
    if not path:
        raise unittest.SkipTest("ARTEMIS_BIN is not set")
    return os.path.realpath(path)


def run(args, cwd=None, env=None):
    """Runs artemis with stdin not a terminal; returns (exit code, stdout, stderr)."""
    p = subprocess.run([artemis_bin()] + args, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def normalise(text, instance):
    binary = artemis_bin()
    home = os.path.dirname(os.path.dirname(binary)) if os.path.basename(
        os.path.dirname(binary)) == "bin" else os.path.dirname(binary)
    text = text.replace(binary, "@BINARY@")
    text = text.replace(instance, "@INSTANCE@")
    text = text.replace("file:" + instance.replace(" ", "%20"), "file:@INSTANCE@")
    text = text.replace("'" + home + "'", "'@HOME@'")
    text = re.sub(r"ENC\(1024:[0-9A-F]{64}:[0-9A-F]{128}\)", "ENC(@HASH@)", text)
    text = re.sub(r"<journal-buffer-timeout>\d+<", "<journal-buffer-timeout>@NS@<", text)
    text = re.sub(r"<page-sync-timeout>\d+<", "<page-sync-timeout>@NS@<", text)
    text = re.sub(r"took [0-9.]+ synced", "took @RATE@ synced", text)
    text = re.sub(r"write every\n(\s*)\d+ nanoseconds", r"write every\n\1@NS@ nanoseconds", text)
    text = re.sub(r"can make [0-9.]+ writes per millisecond, your journal-buffer-timeout will be \d+",
                  "can make @RATE@ writes per millisecond, your journal-buffer-timeout will be @NS@",
                  text)
    return text


def instance_files(instance):
    out = {}
    for root, _dirs, files in os.walk(instance):
        for f in files:
            full = os.path.join(root, f)
            out[os.path.relpath(full, instance)] = full
    return out


class CreateGoldenTest(unittest.TestCase):
    SEED = {
        "master": ["--name", "master", "--user", "admin", "--password", "admin",
                   "--allow-anonymous"],
        "slave": ["--name", "slave", "--user", "admin", "--password", "admin",
                  "--allow-anonymous", "--port-offset", "1"],
    }

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="artemis-create-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def check_golden(self, name, extra):
        code, out, err = run(["create", "brokers/" + name] + self.SEED[name] + extra, cwd=self.tmp)
        self.assertEqual(code, 0, err)
        self.assertEqual(err, "")
        instance = os.path.realpath(os.path.join(self.tmp, "brokers", name))
        golden_dir = os.path.join(GOLDEN, name)
        produced = {rel: normalise(open(path).read(), instance)
                    for rel, path in instance_files(instance).items()}
        produced["../" + name + ".out"] = normalise(out, instance)
        if os.environ.get("UPDATE_GOLDEN") == "1":
            shutil.rmtree(golden_dir, ignore_errors=True)
            for rel, text in produced.items():
                target = os.path.normpath(os.path.join(golden_dir, rel))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "w") as f:
                    f.write(text)
        expected_files = {os.path.relpath(os.path.join(r, f), golden_dir)
                          for r, _d, fs in os.walk(golden_dir) for f in fs}
        self.assertEqual(sorted(expected_files),
                         sorted(k for k in produced if not k.startswith("../")))
        for rel, text in produced.items():
            with open(os.path.normpath(os.path.join(golden_dir, rel))) as f:
                self.assertEqual(text, f.read(), "golden mismatch: " + name + "/" + rel)
        for d in ("data", "log", "tmp", "lib"):
            self.assertTrue(os.path.isdir(os.path.join(instance, d)), d)
        self.assertTrue(os.access(os.path.join(instance, "bin", "artemis"), os.X_OK))
        self.assertTrue(os.access(os.path.join(instance, "bin", "artemis-service"), os.X_OK))

    def test_master_silent(self):
        self.check_golden("master", ["--silent"])

    def test_master_stdin_not_a_tty(self):
        self.check_golden("master", [])

    def test_slave_silent(self):
        self.check_golden("slave", ["--silent"])

    def test_slave_stdin_not_a_tty(self):
        self.check_golden("slave", [])


class CreateOptionsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="artemis-create-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def create(self, *args):
        return run(["create", os.path.join(self.tmp, "i"), "--silent", "--no-autotune"] + list(args))

    def broker_xml(self):
        with open(os.path.join(self.tmp, "i", "etc", "broker.xml")) as f:
            return f.read()

    def test_shared_store_backup_static_cluster(self):
        code, _out, err = self.create("--shared-store", "--backup", "--failover-on-shutdown",
                                      "--static-cluster", "tcp://localhost:61616",
                                      "--cluster-user", "cu", "--cluster-password", "cp")
        self.assertEqual(code, 0, err)
        xml = self.broker_xml()
        self.assertIn("<ha-policy>\n         <shared-store>\n            <backup>\n"
                      "               <failover-on-shutdown>true</failover-on-shutdown>\n"
                      "            </backup>\n         </shared-store>\n      </ha-policy>", xml)
        self.assertIn('<connector name = "node0">tcp://localhost:61616</connector>', xml)
        self.assertIn("<static-connectors>\n               <connector-ref>node0</connector-ref>\n"
                      "            </static-connectors>", xml)
        self.assertIn("<cluster-user>cu</cluster-user>", xml)
        self.assertIn("<cluster-password>cp</cluster-password>", xml)
        self.assertNotIn("${", xml)

    def test_slave_alias_and_equals_syntax(self):
        code, _out, err = self.create("--shared-store", "--slave", "--host=127.0.0.1",
                                      "--port-offset=3", "--name=node-b")
        self.assertEqual(code, 0, err)
        xml = self.broker_xml()
        self.assertIn("<backup>", xml)
        self.assertIn("<failover-on-shutdown>false</failover-on-shutdown>", xml)
        self.assertIn("<name>node-b</name>", xml)
        self.assertIn("tcp://127.0.0.1:61619?", xml)
        self.assertIn("<discovery-group-ref discovery-group-name=\"dg-group1\"/>", xml)

    def test_replicated_primary(self):
        code, _out, err = self.create("--replicated")
        self.assertEqual(code, 0, err)
        self.assertIn("<replication>\n            <primary>\n               "
                      "<vote-on-replication-failure>true</vote-on-replication-failure>",
                      self.broker_xml())
        # Written as Artemis writes it, but said not to work here: `run` refuses the instance
        # rather than run a node without the replica its broker.xml names.
        self.assertIn("Warning: --replicated wrote <replication> HA", err)
        self.assertIn("Warning: --replicated without --static-cluster wrote UDP discovery", err)
        p = subprocess.run([os.path.join(self.tmp, "i", "bin", "artemis"), "run"],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=TIMEOUT)
        code, out, err = p.returncode, p.stdout, p.stderr
        self.assertEqual(code, 1, out + err)
        self.assertRegex(err, r"broker\.xml:\d+: <replication> HA is not supported by this broker")
        self.assertRegex(err, r"broker\.xml:\d+: <cluster-connection> 'my-cluster': UDP discovery")
        self.assertIn("the broker was not started", err)

    def test_options_that_write_what_run_cannot_honour_say_so(self):
        code, _out, err = self.create("--clustered", "--http-port", "9999")
        self.assertEqual(code, 0, err)
        self.assertIn("Warning: --clustered without --static-cluster wrote UDP discovery", err)
        self.assertNotIn("--http-port", err)  # the web endpoint serves it
        shutil.rmtree(os.path.join(self.tmp, "i"))
        code, _out, err = self.create("--shared-store", "--static-cluster", "tcp://localhost:61617")
        self.assertEqual(code, 0, err)
        self.assertEqual(err, "")  # a pair this broker runs as written

    def test_storage_and_acceptor_options(self):
        code, _out, err = self.create("--aio", "--journal-device-block-size", "1024",
                                      "--global-max-size", "512M", "--blocking", "--no-autocreate",
                                      "--autodelete", "--disable-persistence", "--no-amqp-acceptor",
                                      "--no-mqtt-acceptor", "--no-hornetq-acceptor", "--data", "store")
        self.assertEqual(code, 0, err)
        xml = self.broker_xml()
        self.assertIn("<journal-type>ASYNCIO</journal-type>", xml)
        self.assertIn("<journal-device-block-size>1024</journal-device-block-size>", xml)
        self.assertIn("<global-max-size>512M</global-max-size>", xml)
        self.assertIn("<address-full-policy>BLOCK</address-full-policy>", xml)
        self.assertIn("<auto-create-queues>false</auto-create-queues>", xml)
        self.assertIn("<auto-delete-addresses>true</auto-delete-addresses>", xml)
        self.assertIn("<persistence-enabled>false</persistence-enabled>", xml)
        self.assertIn("<journal-directory>store/journal</journal-directory>", xml)
        self.assertIn('<acceptor name="stomp">', xml)
        for gone in ('name="amqp"', 'name="mqtt"', 'name="hornetq"'):
            self.assertNotIn(gone, xml)
        self.assertTrue(os.path.isdir(os.path.join(self.tmp, "i", "store")))

    def test_autotune_writes_measured_timeouts(self):
        code, out, err = run(["create", os.path.join(self.tmp, "i"), "--silent"])
        self.assertEqual(code, 0, err)
        m = re.search(r"\nAuto tuning journal \.\.\.\ndone! Your system can make ([0-9.]+) writes "
                      r"per millisecond, your journal-buffer-timeout will be (\d+)\n", out)
        self.assertIsNotNone(m, out)
        xml = self.broker_xml()
        self.assertIn("<journal-buffer-timeout>%s</journal-buffer-timeout>" % m.group(2), xml)
        self.assertIn("<journal-max-io>1</journal-max-io>", xml)
        self.assertIn("<page-sync-timeout>%s</page-sync-timeout>" % m.group(2), xml)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "i", "data", "journal-test.tmp")))

    def test_errors_have_message_and_exit_code(self):
        target = os.path.join(self.tmp, "i")
        blocker = os.path.join(self.tmp, "plainfile")
        with open(blocker, "w") as f:
            f.write("x")
        cases = [
            (["create", target, "--foo"], "--foo"),
            (["create"], "directory"),
            (["create", target, "--silent", "--aio", "--nio"],
             "You can only select one journal type (--nio | --aio | --mapped)."),
            (["create", target, "--silent", "--journal-device-block-size", "1000"],
             "The device-block-size must be a multiple of 512"),
            (["create", target, "--silent", "--port-offset", "x"],
             "Invalid value for option '--port-offset': 'x' is not an int"),
            (["create", target, "--silent", "--port-offset", "70000"], "outside 1-65535"),
            (["create", target, "--user"], "--user"),
            (["create", target, "--silent", "--message-load-balancing", "SOMETIMES"],
             "--message-load-balancing"),
            (["create", os.path.join(blocker, "sub"), "--silent"], "Unable to create the path"),
            (["create", target, "--name", "a", "--name", "b"], "--name"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                code, _out, err = run(args)
                self.assertEqual(code, 1, err)
                self.assertIn(message, err)

    def test_existing_instance_needs_force(self):
        code, _out, err = self.create()
        self.assertEqual(code, 0, err)
        code, out, err = self.create()
        self.assertEqual(code, 1)
        login = os.path.realpath(os.path.join(self.tmp, "i", "etc", "login.config"))
        self.assertEqual(err, "The file '%s' already exists.  Use --force to overwrite.\n" % login)
        code, _out, err = self.create("--force", "--require-login")
        self.assertEqual(code, 0, err)
        with open(login) as f:
            self.assertNotIn("GuestLoginModule", f.read())


    def web_binding(self):
        with open(os.path.join(self.tmp, "i", "etc", "bootstrap.xml")) as f:
            return re.search(r"<binding [^\n]*>", f.read()).group(0)

    def test_web_tls_with_client_auth(self):
        key = os.path.join(self.tmp, "keystore.p12")
        open(key, "w").close()  # create only records the path
        code, _out, err = self.create("--http-port", "8443", "--ssl-key", key,
                                      "--ssl-key-password", "keypw", "--use-client-auth",
                                      "--ssl-trust=etc/trust.p12", "--ssl-trust-password", "t&pw")
        self.assertEqual(code, 0, err)
        self.assertEqual(err, "")
        self.assertEqual(self.web_binding(),
                         '<binding name="artemis" uri="https://localhost:8443" keyStorePath="%s" '
                         'keyStorePassword="keypw" clientAuth="true" trustStorePath='
                         '"etc/trust.p12" trustStorePassword="t&amp;pw">' % key)

    def test_web_tls_silent_default_key_password(self):
        code, _out, err = self.create("--ssl-key", "/nonexistent/key.jks")
        self.assertEqual(code, 0, err)
        self.assertIn("'/nonexistent/key.jks' does not exist", err)  # a warning, not a failure
        self.assertEqual(self.web_binding(),
                         '<binding name="artemis" uri="https://localhost:8161" '
                         'keyStorePath="/nonexistent/key.jks" keyStorePassword="password">')

    def test_run_without_its_web_key_store_still_serves_messaging(self):
        with Instance(extra_create_args=["--ssl-key", "/nonexistent/key.jks",
                                         "--use-client-auth"]) as broker:
            broker.start()  # the web endpoint cannot start; the broker does
            self.assertIn("the web endpoint is not started", broker.log_text())
            self.assertEqual(broker.stop(), 128 + signal.SIGTERM)


class InstanceScriptsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="artemis-create-")
        self.instance = os.path.realpath(self.tmp) + "/inst"
        code, _out, err = run(["create", self.instance, "--silent", "--no-autotune"])
        self.assertEqual(code, 0, err)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def script(self, name, *args, env_extra=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARTEMIS_")}
        env.update(env_extra or {})
        p = subprocess.run([os.path.join(self.instance, "bin", name)] + list(args), env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT)
        return p.returncode, p.stdout, p.stderr

    def test_launcher_runs_the_creating_binary_with_the_instance(self):
        code, out, err = self.script("artemis", "version")
        self.assertEqual(code, 0, err)
        self.assertIn("ActiveMQ Artemis instance: " + self.instance + "\n", out)

    def test_launcher_through_a_symlink(self):
        link = os.path.join(self.tmp, "link-to-artemis")
        os.symlink(os.path.join(self.instance, "bin", "artemis"), link)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARTEMIS_")}
        p = subprocess.run([link, "version"], env=env, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=TIMEOUT)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("ActiveMQ Artemis instance: " + self.instance + "\n", p.stdout)

    def test_launcher_without_profile_prints_box_and_fails(self):
        os.remove(os.path.join(self.instance, "etc", "artemis-utility.profile"))
        code, out, _err = self.script("artemis", "version")
        self.assertEqual(code, 1)
        self.assertIn("*" * 80 + "\nError: " + self.instance +
                      "/etc/artemis-utility.profile does not exist.", out)

    def test_service_status_and_usage(self):
        code, out, _err = self.script("artemis-service", "status")
        self.assertEqual(code, 3)
        self.assertEqual(out, "inst is stopped\n")
        code, out, _err = self.script("artemis-service", "bogus")
        self.assertEqual(code, 2)
        self.assertIn("Usage:", out)
        code, out, _err = self.script("artemis-service", "stop")
        self.assertEqual(code, 0)


class HelpVersionMaskTest(unittest.TestCase):
    def test_root_help(self):
        code, out, err = run(["help"])
        self.assertEqual(code, 0, err)
        self.assertTrue(out.startswith("Usage: artemis [COMMAND]\nActiveMQ Artemis Command Line\n"
                                       "Commands:\n"), out)
        for command in ("create", "help", "version", "mask"):
            self.assertRegex(out, r"\n  %s +\S" % command)

    def test_help_create_lists_options_sorted_without_hidden(self):
        code, out, err = run(["help", "create"])
        self.assertEqual(code, 0, err)
        self.assertTrue(out.startswith("Usage: artemis create [--aio] [--allow-anonymous]"), out)
        self.assertIn("Create a new broker instance.\n", out)
        self.assertIn("\n      <directory>  ", out)
        self.assertIn("\n      --port-offset=<portOffset>", out)
        self.assertIn("\n      --static-cluster, --staticCluster=<staticNode>", out)
        self.assertNotIn("--slave", out)
        self.assertNotIn("--help", out)
        # Sorted by option name ("--journal-retention" before "--journal-retention-max-bytes").
        rows = [l.split()[0].rstrip(",").split("=")[0] for l in out.splitlines()
                if l.startswith("      --")]
        self.assertEqual(rows, sorted(rows))
        for line in out.splitlines():
            if len(line.split()) > 1:  # a single word longer than a line cannot wrap
                self.assertLessEqual(len(line), 80, line)

    def test_dash_dash_help_matches_help_command(self):
        _c, via_command, _e = run(["help", "create"])
        code, via_flag, err = run(["create", "--help"])
        self.assertEqual(code, 0, err)
        self.assertEqual(via_flag, via_command)

    def test_help_unknown_command(self):
        code, _out, err = run(["help", "frobnicate"])
        self.assertEqual(code, 1)
        self.assertIn("frobnicate", err)

    def test_version(self):
        env = {k: v for k, v in os.environ.items() if k != "ARTEMIS_INSTANCE"}
        p = subprocess.run([artemis_bin(), "version"], env=env, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=TIMEOUT)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertRegex(lines[0], r"^Apache ActiveMQ Artemis \d+\.\d+\.\d+")
        self.assertTrue(lines[1].startswith("ActiveMQ Artemis home: /"), lines)
        self.assertEqual(lines[2], "ActiveMQ Artemis instance: null")

    def test_mask_hash_is_pbkdf2_sha1(self):
        # As Artemis prints it: bare, to be written ENC(...) in artemis-users.properties. Without
        # --hash, mask prints the two-way value (test_masked_passwords.py).
        code, out, err = run(["mask", "--hash", "s3cret"])
        self.assertEqual(code, 0, err)
        m = re.fullmatch(r"result: 1024:([0-9A-F]{64}):([0-9A-F]{128})\n", out)
        self.assertIsNotNone(m, out)
        expected = hashlib.pbkdf2_hmac("sha1", b"s3cret", bytes.fromhex(m.group(1)), 1024, 64)
        self.assertEqual(m.group(2), expected.hex().upper())


if __name__ == "__main__":
    unittest.main()
