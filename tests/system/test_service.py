"""bin/artemis-service start|status|stop on a real instance: the pid file names the broker
itself, status answers 0 while it runs and 3 once it is stopped, stop ends the process."""
import os
import subprocess
import unittest

from harness import Instance, port_accepts, wait_for


def service(instance, command):
    if not os.path.isdir(instance.dir):
        return None
    return subprocess.run([os.path.join(instance.dir, "bin", "artemis-service"), command],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class ArtemisServiceTest(unittest.TestCase):
    def test_start_status_stop(self):
        inst = Instance()
        self.addCleanup(inst.close)
        self.addCleanup(service, inst, "force-stop")  # runs first: never leave a broker behind
        r = service(inst, "start")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertRegex(r.stdout, r"is now running \(\d+\)")
        with open(os.path.join(inst.dir, "data", "artemis.pid")) as f:
            pid = int(f.read().strip())
        wait_for(lambda: port_accepts(inst.port()), 60, what="the broker's port")
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            self.assertIn(b"run", f.read().split(b"\0"))  # the broker, not a wrapper shell
        r = service(inst, "status")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn(f"is running ({pid})", r.stdout)
        self.assertEqual(service(inst, "start").stdout.strip(), "Already running.")
        r = service(inst, "stop")
        self.assertEqual(r.returncode, 0, r.stdout)
        wait_for(lambda: not alive(pid), 30, what="the broker to exit")
        r = service(inst, "status")
        self.assertEqual(r.returncode, 3, r.stdout)
        self.assertIn("is stopped", r.stdout)


if __name__ == "__main__":
    unittest.main()
