"""System test of the web console in headless Chromium (Debian's chromium, driven by npm's
playwright-core through browser/console_driver.js): the shared-store lab's master with its
slave announced, a user logging in, a queue's count following sends from a STOMP client,
browsing the queue, sending a message from the console (received by STOMP), the HA view
showing the backup, the log view. Screenshots go to $ARTEMIS_ARTEFACTS/console (default
build/test-artefacts/console).

Every wait is bounded: the driver's waits by their timeout, the driver itself by a deadline
per command."""

import json
import os
import re
import select
import shutil
import subprocess
import time
import unittest
import uuid

from harness import BASE_PORTS, StompClient
from test_ha_shared_store import SharedStorePair

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(HERE, "browser", "console_driver.js")
ARTEFACTS = os.environ.get("ARTEMIS_ARTEFACTS",
                           os.path.join(HERE, "..", "..", "build", "test-artefacts"))
COMMAND_DEADLINE = 40.0  # seconds for any one driver command (its own timeouts are 15-30 s)


class Browser:
    """console_driver.js as a subprocess: one JSON command a line, one JSON answer a line."""

    def __init__(self):
        self.process = subprocess.Popen(["node", DRIVER], cwd=os.path.dirname(DRIVER),
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, bufsize=1)

    def do(self, op, **args):
        self.process.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], COMMAND_DEADLINE)
        if not ready:
            raise TimeoutError(f"the browser driver did not answer {op} in {COMMAND_DEADLINE} s")
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the browser driver ended: {self.process.stderr.read()[-2000:]}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise AssertionError(f"{op} {args}: {answer['error']}")
        return answer["value"]

    def close(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.write(json.dumps({"op": "close"}) + "\n")
                self.process.stdin.flush()
                self.process.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(timeout=10)


@unittest.skipUnless(shutil.which("node") and os.path.exists("/usr/bin/chromium") and
                     os.path.isdir(os.path.join(HERE, "browser", "node_modules")),
                     "needs node, Debian's chromium and browser/node_modules (scripts/setup)")
class ConsoleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pair = SharedStorePair()
        cls.addClassCleanup(cls.pair.close)
        # The pair allows anonymous logins (a guest for any wrong password, as Artemis's
        # GuestLoginModule does); the master here asks for a real login.
        login_config = os.path.join(cls.pair.master.dir, "etc", "login.config")
        with open(login_config) as f:
            text = f.read()
        guest = re.search(r"\n\s*org\.apache\.activemq\.artemis\.spi\.core\.security\.jaas\."
                          r"GuestLoginModule[^;]*;", text)
        assert guest, text
        with open(login_config, "w") as f:
            f.write(text.replace(guest.group(0), ""))
        cls.pair.master.start().wait_log("AMQ221007")
        cls.pair.slave.start().wait_log("AMQ221109")
        offset = cls.pair.master_port - BASE_PORTS["artemis"]
        cls.url = f"http://localhost:{BASE_PORTS['http'] + offset}"
        cls.pair.master.wait_log(f"AMQ241001: HTTP Server started at {cls.url}")
        cls.shots = os.path.join(ARTEFACTS, "console")
        os.makedirs(cls.shots, exist_ok=True)
        cls.browser = Browser()
        cls.addClassCleanup(cls.browser.close)

    def shot(self, name):
        self.browser.do("screenshot", path=os.path.join(self.shots, f"{name}.png"))

    def test_console(self):
        b = self.browser
        load_ms = b.do("goto", url=f"{self.url}/")
        print(f"console first page: {load_ms:.0f} ms", flush=True)
        b.do("waitText", selector="#login-form h1", pattern="Log in")
        b.do("fill", selector="#login-user", value="admin")
        b.do("fill", selector="#login-password", value="wrong")
        b.do("click", selector="#login-submit")
        b.do("waitText", selector="#login-error", pattern="wrong user name or password")
        self.shot("01-login-refused")
        b.do("fill", selector="#login-password", value="admin")
        b.do("click", selector="#login-submit")
        b.do("waitText", selector="#who", pattern="^admin$")
        b.do("waitText", selector="#broker-name", pattern="^master$")
        self.shot("02-status")

        # A queue's count follows the sends of a STOMP client.
        q = "console." + uuid.uuid4().hex[:8]
        with StompClient(self.pair.master_port) as c:
            for i in range(3):
                c.send_wait(q, f"hello {i}", persistent="true",
                            **{"destination-type": "ANYCAST", "colour": "blue"})
        b.do("click", selector="#nav button[data-view=queues]")
        row = f'#queues-table tr[data-queue="{q}"]'
        b.do("waitText", selector=f"{row} td.count", pattern="^3$")
        with StompClient(self.pair.master_port) as c:
            for i in range(3, 5):
                c.send_wait(q, f"hello {i}", persistent="true", **{"destination-type": "ANYCAST"})
        b.do("waitText", selector=f"{row} td.count", pattern="^5$")

        # Browse it, then send one from the console.
        b.do("click", selector=f"{row} td")
        b.do("waitText", selector="#queue-name", pattern=f"^{q}$")
        b.do("waitText", selector="#browse-table tbody", pattern="hello 0")
        self.assertIn("colour=blue", b.do("text", selector="#browse-table tbody"))
        self.shot("03-queue-browse")
        b.do("fill", selector="#send-body", value="from the console")
        b.do("fill", selector="#send-properties", value="origin=console")
        b.do("click", selector="#send-submit")
        b.do("waitText", selector="#send-result", pattern=r"^sent \(message \d+\)$")
        b.do("waitText", selector=f"{row} td.count", pattern="^6$")
        b.do("waitText", selector="#browse-table tbody", pattern="from the console")
        self.shot("04-queue-sent")
        with StompClient(self.pair.master_port) as c:
            c.subscribe(q, "s1", **{"subscription-type": "ANYCAST"})
            got = c.listener.wait_messages(6)
        bodies = [m.body for m in got]
        self.assertEqual(bodies[-1], "from the console")
        self.assertEqual(got[-1].headers.get("origin"), "console")

        # Connections and consumers, the HA view with its backup, the log.
        b.do("click", selector="#nav button[data-view=connections]")
        b.do("waitText", selector="#connections-table tbody", pattern="STOMP|CORE|AMQP|http")
        self.shot("05-connections")
        b.do("click", selector="#nav button[data-view=ha]")
        b.do("waitText", selector="#ha-backup", pattern=r"localhost:\d+", timeout=30000)
        b.do("waitText", selector="#ha-diagram", pattern="backup")
        self.shot("06-ha")
        b.do("click", selector="#nav button[data-view=log]")
        b.do("waitText", selector="#log-lines", pattern="AMQ221007")
        self.shot("07-log")
        self.assertEqual(b.do("errors"), [], b.do("console"))

        # Logged out, the API refuses the page.
        b.do("click", selector="#logout")
        b.do("waitText", selector="#login-form h1", pattern="Log in")


if __name__ == "__main__":
    unittest.main()
