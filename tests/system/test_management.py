"""System tests for management (cli.md §5): request/reply messages to `activemq.management`
from a client nobody here wrote (python3-stomp), and the `queue`, `address` and `check`
commands against a real broker."""

import json
import os
import subprocess
import uuid

import harness
from harness import StompClient

CLI_TIMEOUT = 120


class ManagementTest(harness.BrokerTestCase):
    create_args = ("--no-web",)

    @classmethod
    def prepare_broker(cls):
        # A user whose role appears in no security-setting: no `manage` permission.
        cls.broker.add_user("viewer", "viewerpw", "viewers")

    def cli(self, *args, user="admin", password="admin", code=0):
        argv = [harness.artemis_bin()] + [str(a) for a in args] + [
            "--url", f"tcp://127.0.0.1:{self.broker.port()}", "--user", user,
            "--password", password]
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, code, f"{argv}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}")
        return r

    def etc_file(self, name):
        with open(f"{self.broker.dir}/etc/{name}") as f:
            return f.read()

    @staticmethod
    def name(prefix="Q"):
        return prefix + uuid.uuid4().hex[:8]

    def request(self, client, resource, operation=None, args=None, attribute=None):
        """One management request over STOMP; the reply's (succeeded, result)."""
        reply = self.name("reply.")
        client.subscribe(reply, reply, **{"subscription-type": "ANYCAST"})
        headers = {"_AMQ_ResourceName": resource, "reply-to": reply}
        if operation:
            headers["_AMQ_OperationName"] = operation
        if attribute:
            headers["_AMQ_Attribute"] = attribute
        client.send_wait("activemq.management", json.dumps(args or []), **headers)
        [msg] = client.listener.wait_messages(1)
        client.listener.take_messages()
        client.conn.unsubscribe(reply)
        body = json.loads(msg.body) if msg.body else [None]
        return msg.headers["_AMQ_OperationSucceeded"] == "true", body[0]

    # --- the management address --------------------------------------------------------------

    def test_stomp_request_reply(self):
        q = self.name()
        with StompClient(self.broker.stomp_port) as c:
            for i in range(3):
                c.send_wait(q, f"m{i}", **{"destination-type": "ANYCAST"})
            self.assertEqual(self.request(c, f"queue.{q}", "getMessageCount"), (True, 3))
            self.assertEqual(self.request(c, f"queue.{q}", attribute="MessageCount"), (True, 3))
            ok, names = self.request(c, "broker", "getQueueNames")
            self.assertTrue(ok)
            self.assertIn(q, names)
            ok, listing = self.request(c, "broker", "listQueues",
                                       [json.dumps({"field": "name", "operation": "EQUALS",
                                                    "value": q}), 1, 10])
            listing = json.loads(listing)
            self.assertEqual(listing["count"], 1)
            self.assertEqual(listing["data"][0]["messageCount"], "3")
            self.assertEqual(listing["data"][0]["routingType"], "ANYCAST")
            self.assertEqual(self.request(c, f"queue.{q}", "removeAllMessages"), (True, 3))
            self.assertEqual(self.request(c, f"queue.{q}", "getMessageCount"), (True, 0))
            # Failures are replies too, with Artemis's texts.
            self.assertEqual(self.request(c, "queue.nosuch", "getMessageCount"),
                             (False, "AMQ229067: Cannot find resource with name queue.nosuch"))
            self.assertEqual(self.request(c, "broker", "noSuchOperation"),
                             (False, "AMQ229069: no operation noSuchOperation/0"))
            # The request itself reaches no queue of the management address.
            self.assertEqual(self.request(c, "broker", "getAddressInfo", ["activemq.management"])[0],
                             False)

    def test_amqp_request_reply_through_a_dynamic_queue(self):
        from proton import Message
        from proton.utils import BlockingConnection
        q = self.name()
        with StompClient(self.broker.stomp_port) as c:
            c.send_wait(q, "x", **{"destination-type": "ANYCAST"})
        conn = BlockingConnection(f"amqp://127.0.0.1:{self.broker.port()}", user="admin",
                                  password="admin", timeout=30)
        try:
            replies = conn.create_receiver(None, dynamic=True)
            sender = conn.create_sender("activemq.management")
            sender.send(Message(body=json.dumps([]), reply_to=replies.remote_source.address,
                                correlation_id="req-1",
                                properties={"_AMQ_ResourceName": f"queue.{q}",
                                            "_AMQ_OperationName": "countMessages"}))
            reply = replies.receive(timeout=30)
            replies.accept()
            self.assertEqual(reply.correlation_id, "req-1")
            self.assertIs(reply.properties["_AMQ_OperationSucceeded"], True)
            self.assertEqual(json.loads(reply.body), [1])
        finally:
            conn.close()

    def test_without_manage_permission_the_request_is_refused(self):
        with StompClient(self.broker.stomp_port, login="viewer", passcode="viewerpw") as c:
            c.send("activemq.management", "[]", receipt="r1",
                   _AMQ_ResourceName="broker", _AMQ_OperationName="getQueueNames")
            error = c.listener.wait_error()
            self.assertIn("User: viewer does not have permission='manage' on address "
                          "activemq.management", error.headers.get("message", ""))

    def test_pause_and_resume_hold_deliveries(self):
        q = self.name()
        with StompClient(self.broker.stomp_port) as c:
            c.send_wait(q, "before", **{"destination-type": "ANYCAST"})
            self.assertEqual(self.request(c, f"queue.{q}", "pause"), (True, None))
            self.assertEqual(self.request(c, f"queue.{q}", attribute="Paused"), (True, True))
            with StompClient(self.broker.stomp_port) as consumer:
                consumer.subscribe(q, "s1", **{"subscription-type": "ANYCAST"})
                self.assertEqual(self.request(c, f"queue.{q}", "getDeliveringCount"), (True, 0))
                self.assertEqual(self.request(c, f"queue.{q}", "resume"), (True, None))
                [m] = consumer.listener.wait_messages(1)
                self.assertEqual(m.body, "before")

    # --- the CLI -----------------------------------------------------------------------------

    def test_queue_commands(self):
        q = self.name()
        out = self.cli("queue", "create", "--name", q, "--anycast", "--durable",
                       "--auto-create-address").stdout
        self.assertIn(f"Queue [name={q}, address={q}, routingType=ANYCAST, durable=true, "
                      f"purgeOnNoConsumers=false", out)
        self.assertIn("] created successfully.\n", out)
        r = self.cli("queue", "create", "--name", q, "--anycast", "--auto-create-address")
        self.assertIn(f"Failed to create queue {q}. Reason: AMQ229019: Queue {q} already exists "
                      f"on address {q}", r.stderr)
        self.cli("producer", "--destination", f"queue://{q}", "--message-count", 7)
        out = self.cli("queue", "stat", "--queueName", q).stdout
        lines = [line for line in out.splitlines() if line.startswith("|")]
        self.assertTrue(lines[0].startswith("|NAME"), out)
        self.assertIn("|CONSUMER|MESSAGE|MESSAGES|DELIVERING|MESSAGES|SCHEDULED|ROUTING|INTERNAL|",
                      lines[0])
        self.assertIn("| COUNT  | COUNT | ADDED  |  COUNT   | ACKED  |  COUNT  | TYPE  |        |",
                      lines[1])
        [row] = [line for line in lines if line.startswith(f"|{q}")]
        cells = [c.strip() for c in row.strip("|").split("|")]
        self.assertEqual(cells, [q, q, "0", "7", "7", "0", "0", "0", "ANYCAST", "false"])
        # --json: one object per queue; the CLI's own reply queue is hidden.
        out = self.cli("queue", "stat", "--json", "--field", "MESSAGE_COUNT", "--operation",
                       "GREATER_THAN", "--value", "6").stdout
        rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        self.assertIn(q, [r["name"] for r in rows])
        self.assertFalse([r for r in rows if r["name"].startswith("activemq.management")])
        out = self.cli("queue", "stat", "--clustered", "--queueName", q).stdout
        self.assertRegex(out, r">>> Queue stats on node [0-9a-f-]{36}, url=tcp://127.0.0.1:\d+\n")
        r = self.cli("queue", "stat", "--field", "NAME", "--queueName", q)
        self.assertIn("'--field' and '--queueName' cannot be specified together.", r.stderr)
        self.assertIn(f"Queue {q} purged successfully.", self.cli("queue", "purge", "--name", q).stdout)
        out = self.cli("queue", "update", "--name", q, "--max-consumers", 3).stdout
        self.assertIn("maxConsumers=3", out)
        self.assertIn("updated successfully.", out)
        self.assertIn(f"Queue {q} deleted successfully.", self.cli("queue", "delete", "--name", q).stdout)
        r = self.cli("queue", "delete", "--name", q)  # Artemis exits 0 here too
        self.assertIn(f"Failed to delete queue {q}. Reason: AMQ229017: Queue {q} does not exist",
                      r.stderr)

    def test_queue_delete_with_consumers(self):
        q = self.name()
        self.cli("queue", "create", "--name", q, "--anycast", "--durable", "--auto-create-address",
                 "--silent")
        with StompClient(self.broker.stomp_port) as c:
            c.subscribe(q, "s1", **{"subscription-type": "ANYCAST"})
            r = self.cli("queue", "delete", "--name", q)
            self.assertIn("AMQ229025: Cannot delete queue", r.stderr)
            # --removeConsumers: the consumer's connection is closed, then the queue goes.
            out = self.cli("queue", "delete", "--name", q, "--removeConsumers").stdout
            self.assertIn(f"Queue {q} deleted successfully.", out)
            c.listener.wait(lambda: c.listener.disconnected, 30, "the consumer's disconnection")

        def gone():
            with StompClient(self.broker.stomp_port) as m:
                return q not in self.request(m, "broker", "getQueueNames")[1]
        harness.wait_for(gone, 30, what=f"{q} deleted")

    def test_created_queue_survives_a_restart(self):
        q = self.name()
        self.cli("queue", "create", "--name", q, "--anycast", "--durable", "--auto-create-address",
                 "--max-consumers", 2)
        self.broker.stop()
        self.broker.start()
        out = self.cli("queue", "stat", "--json", "--queueName", q).stdout
        [row] = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        self.assertEqual((row["durable"], row["maxConsumers"], row["routingType"]),
                         ("true", "2", "ANYCAST"))

    def test_address_commands(self):
        a = self.name("A")
        out = self.cli("address", "create", "--name", a, "--anycast", "--multicast").stdout
        self.assertIn(f"Address [name={a}, routingTypes={{MULTICAST,ANYCAST}}, autoCreated=false] "
                      "created successfully.", out)
        self.assertIn(a, self.cli("address", "show").stdout.splitlines())
        self.assertIn(f"Address [name={a}, routingTypes={{MULTICAST,ANYCAST}}",
                      self.cli("address", "show", "--name", a).stdout)
        self.cli("queue", "create", "--name", a + ".q", "--address", a, "--anycast")
        self.assertIn(f"queue=QueueImpl[name={a}.q",
                      self.cli("address", "show", "--name", a, "--bindings").stdout)
        out = self.cli("address", "update", "--name", a, "--no-anycast", "--multicast")
        self.assertIn("AMQ229209", out.stderr)
        r = self.cli("address", "delete", "--name", a)
        self.assertIn(f"Failed to delete address {a}. Reason: AMQ229205: Address {a} has bindings",
                      r.stderr)
        self.assertIn(f"Address {a} deleted successfully.",
                      self.cli("address", "delete", "--name", a, "--force").stdout)
        shown = self.cli("address", "show").stdout.splitlines()
        self.assertNotIn(a, shown)
        # Each command removes its reply address when done: only the running one's is listed.
        self.assertEqual(len([x for x in shown if x.startswith("activemq.management.")]), 1,
                         shown)

    def test_check_commands(self):
        out = self.cli("check", "node").stdout
        self.assertIn("Running NodeCheck\nChecking that the node is started ... success\n", out)
        self.assertRegex(out, r"Checks run: 1, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: "
                              r"\d+\.\d{3} sec - NodeCheck")
        out = self.cli("check", "node", "--diskUsage", -1, "--memoryUsage", 100).stdout
        self.assertIn("Checking that the disk usage is less then the max-disk-usage ... success", out)
        q = self.name()
        self.cli("queue", "create", "--name", q, "--anycast", "--auto-create-address")
        out = self.cli("check", "queue", "--name", q, "--produce", 5, "--browse", 5, "--consume",
                       5).stdout
        self.assertIn(f"Checking that a producer can send 5 messages to the queue {q} ... success", out)
        self.assertIn(f"Checking that a consumer can consume 5 messages from the queue {q} ... "
                      "success", out)
        self.assertIn("Checks run: 3, Failures: 0", out)
        r = self.cli("check", "queue", "--name", "nosuch", code=1)
        self.assertIn("QueueCheck failed. Reason: error: Failed to get queue.nosuch.Paused. "
                      "Reason: Problem while retrieving attribute Paused", r.stderr)
        r = self.cli("check", "node", "--backup", code=1)
        self.assertIn("Checking that the node has a backup ... failure: No backup found for the "
                      "node", r.stdout)

    def test_user_commands(self):
        out = self.cli("user", "add", "--user-command-user", "ops1", "--user-command-password",
                       "s3cret", "--role", "amq,ops").stdout
        self.assertIn("ops1 added successfully.", out)
        r = self.cli("user", "add", "--user-command-user", "ops1", "--user-command-password", "x",
                     "--role", "amq")
        self.assertIn("Failed to add user ops1. Reason: AMQ229223: User ops1 already exists",
                      r.stderr)
        out = self.cli("user", "list", "--user-command-user", "ops1").stdout
        self.assertIn('--- "user"(roles) ---\n"ops1"(amq,ops)\n\n Total: 1', out)
        # The new user logs in at once, with a hashed password on disk.
        users = self.etc_file("artemis-users.properties")
        self.assertRegex(users, r"(?m)^ops1 = ENC\(1024:[0-9A-F]+:[0-9A-F]+\)$")
        self.assertIn("Checks run: 1, Failures: 0",
                      self.cli("check", "node", user="ops1", password="s3cret").stdout)
        self.assertIn("ops1 reset successfully.",
                      self.cli("user", "reset", "--user-command-user", "ops1",
                               "--user-command-password", "n3w", "--role", "amq").stdout)
        self.assertIn('"ops1"(amq)', self.cli("user", "list").stdout)
        self.cli("check", "node", user="ops1", password="n3w")
        # The password never reaches a log.
        self.assertNotIn("n3w", self.broker.log_text())
        self.assertIn("ops1 removed successfully.",
                      self.cli("user", "rm", "--user-command-user", "ops1").stdout)
        self.assertNotIn("ops1", self.etc_file("artemis-roles.properties"))
        r = self.cli("user", "rm", "--user-command-user", "ops1")
        self.assertIn("AMQ229224: User ops1 does not exist", r.stderr)

    def test_activation_list_as_artemis_answers_for_shared_store_and_no_ha(self):
        def activation(*args, binary=os.path.join(self.broker.dir, "bin", "artemis")):
            return subprocess.run([binary, "activation", "list", *args], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, timeout=CLI_TIMEOUT)
        r = activation()
        self.assertEqual((r.returncode, r.stderr), (1, "This command support just <primary> or "
                                                        "<backup> replication configuration\n"))
        r = activation("--local", "--remote")
        self.assertEqual(r.returncode, 1)
        self.assertIn("--local and --remote cannot be both present", r.stderr)
        self.assertIn("--node-id must be used just with --remote",
                      activation("--node-id", "x").stderr)
        r = activation(binary=harness.artemis_bin())
        self.assertEqual(r.returncode, 1)
        self.assertIn("reads a broker instance's configuration", r.stderr)

    def test_connection_list_and_close(self):
        with StompClient(self.broker.stomp_port, client_id="conn-test-1") as c:
            out = self.cli("connection", "list").stdout
            self.assertTrue(out.splitlines()[1].startswith("|CONNECTION_ID|REMOTE_ADDRESS"), out)
            rows = [json.loads(line) for line in
                    self.cli("connection", "list", "--json").stdout.splitlines()]
            [mine] = [r for r in rows if r["clientID"] == "conn-test-1"]
            self.assertEqual((mine["protocol"], mine["users"], mine["sessionCount"]),
                             ("STOMP", "admin", 1))
            self.assertTrue(mine["remoteAddress"].startswith("127.0.0.1:"))
            out = self.cli("connection", "close", "--address", mine["remoteAddress"]).stdout
            self.assertIn(f"Connections of {mine['remoteAddress']} closed.", out)
            harness.wait_for(lambda: c.listener.disconnected, 10, what="the client closed")
        self.assertIn("closing: closed_by_management", self.broker.log_text())
