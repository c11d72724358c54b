"""TLS on an acceptor (sslEnabled and Artemis's keyStore/trustStore URL parameters), with
certificates made here by `openssl`: python3-stomp over TLS with the server verified against
the test CA (PKCS12 and PEM key stores), `openssl s_client` handshakes (TLS 1.2 and 1.3
accepted, TLS 1.1 refused by default), mutual TLS with and without a client certificate, and a
broker that refuses to start on a wrong key store password or a Java KeyStore, naming the
acceptor."""

import os
import shutil
import subprocess
import tempfile
import unittest

from harness import Instance, StompClient, _stomp

ANYCAST = {"destination-type": "ANYCAST"}


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, timeout=60)


def make_certificates(d):
    """A CA, a server certificate for 127.0.0.1/localhost (PKCS12 and PEM) and a client one."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
            "ca.pem", "-days", "2", "-subj", "/CN=Test CA", cwd=d)
    with open(os.path.join(d, "server.ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    for name, ext in (("server", ["-extfile", "server.ext"]), ("client", [])):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
                f"{name}.csr", "-subj", f"/CN={name}", cwd=d)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", f"{name}.crt", "-days", "2", *ext, cwd=d)
    openssl("pkcs12", "-export", "-inkey", "server.key", "-in", "server.crt", "-certfile",
            "ca.pem", "-out", "server.p12", "-passout", "pass:secret", cwd=d)
    with open(os.path.join(d, "server.pem"), "w") as out:
        for part in ("server.key", "server.crt"):
            with open(os.path.join(d, part)) as f:
                out.write(f.read())


def s_client(port, *args):
    """Runs a handshake; returns (exit status, output)."""
    r = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", *args],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=30)
    return r.returncode, r.stdout


def tls_client(port, ca, cert=None, key=None):
    client = StompClient(port, connect=False)
    client.conn.set_ssl(for_hosts=[("127.0.0.1", port)], ca_certs=ca, cert_file=cert,
                        key_file=key)
    return client.connect()


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="artemis-tls-")
        cls.addClassCleanup(shutil.rmtree, cls.certs, True)
        make_certificates(cls.certs)

    def path(self, name):
        return os.path.join(self.certs, name)

    def broker(self, params):
        b = Instance()
        self.addCleanup(b.close)
        b.edit_acceptor("artemis", lambda url: url + ";sslEnabled=true;" + params)
        return b

    def test_stomp_over_tls_with_a_pkcs12_key_store(self):
        b = self.broker(f"keyStorePath={self.path('server.p12')};keyStorePassword=secret")
        b.start()
        with tls_client(b.stomp_port, self.path("ca.pem")) as c:
            c.subscribe("tls.q", "s1", **{"subscription-type": "ANYCAST"})
            c.send_wait("tls.q", "over TLS", persistent="true", **ANYCAST)
            self.assertEqual(c.listener.wait_messages(1)[0].body, "over TLS")
        # Plain STOMP on a TLS port is not STOMP to it: the handshake fails and it closes.
        with self.assertRaises(Exception):
            StompClient(b.stomp_port, timeout=5)
        self.assertIn("TLS handshake failed", b.log_text())

    def test_tls_1_2_and_1_3_are_accepted_and_1_1_refused(self):
        b = self.broker(f"keyStorePath={self.path('server.pem')};keyStoreType=PEM")
        b.start()
        ca = ["-CAfile", self.path("ca.pem"), "-verify_return_error"]
        for version in ("-tls1_2", "-tls1_3"):
            status, out = s_client(b.stomp_port, version, *ca)
            self.assertEqual(status, 0, out[-2000:])
            self.assertIn("Verify return code: 0 (ok)", out)
        # The client allows TLS 1.1 (security level 0): the refusal is the broker's.
        status, out = s_client(b.stomp_port, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")
        self.assertNotEqual(status, 0, out[-2000:])

    def test_mutual_tls_needs_a_client_certificate_from_the_trusted_ca(self):
        b = self.broker(f"keyStorePath={self.path('server.p12')};keyStorePassword=secret;"
                        f"needClientAuth=true;trustStorePath={self.path('ca.pem')}")
        b.start()
        # TLS 1.2: the refusal ends the handshake itself (TLS 1.3 finishes the client's side
        # first and sends the verdict after, which s_client does not wait for).
        status, out = s_client(b.stomp_port, "-tls1_2", "-CAfile", self.path("ca.pem"))
        self.assertNotEqual(status, 0, out[-2000:])
        with self.assertRaises(Exception):
            tls_client(b.stomp_port, self.path("ca.pem"))
        with tls_client(b.stomp_port, self.path("ca.pem"), self.path("client.crt"),
                        self.path("client.key")) as c:
            c.send_wait("tls.mutual", "with a certificate", **ANYCAST)

    def test_a_wrong_key_store_password_stops_the_broker_naming_the_acceptor(self):
        b = self.broker(f"keyStorePath={self.path('server.p12')};keyStorePassword=wrong")
        with self.assertRaises(RuntimeError) as caught:
            b.start(timeout=30)
        self.assertIn("acceptor 'artemis'", str(caught.exception))
        self.assertIn("wrong password", str(caught.exception))
        self.assertNotEqual(b.process.returncode, 0)

    def test_a_java_key_store_is_refused_with_the_command_that_converts_it(self):
        jks = self.path("server.jks")
        with open(jks, "wb") as f:
            f.write(bytes.fromhex("feedfeed00000002") + bytes(64))
        b = self.broker(f"keyStorePath={jks};keyStorePassword=secret")
        with self.assertRaises(RuntimeError) as caught:
            b.start(timeout=30)
        self.assertIn("keytool -importkeystore", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
