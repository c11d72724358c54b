"""TLS on an acceptor (sslEnabled and Artemis's keyStore/trustStore URL parameters), with
certificates made here by `openssl`: python3-stomp over TLS with the server verified against
the test CA (PKCS12 and PEM key stores), `openssl s_client` handshakes (TLS 1.2 and 1.3
accepted, TLS 1.1 refused by default), mutual TLS with and without a client certificate, and a
broker that refuses to start on a wrong key store password or a Java KeyStore, naming the
acceptor."""

import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import unittest

from proton import Message, SSLDomain
from proton.utils import BlockingConnection

from harness import Instance, StompClient, artemis_bin, frame, port_accepts, wait_for
from test_ha_shared_store import SharedStorePair

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
    pem_bundle(d, "server")


def make_leaf(d, name, cn, alt_names=None):
    """<name>.pem: a key and a certificate for `cn` (and `alt_names`, e.g. "IP:127.0.0.1")
    signed by the test CA."""
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
            f"{name}.csr", "-subj", f"/CN={cn}", cwd=d)
    ext = []
    if alt_names:
        with open(os.path.join(d, f"{name}.ext"), "w") as f:
            f.write(f"subjectAltName={alt_names}\n")
        ext = ["-extfile", f"{name}.ext"]
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", f"{name}.crt", "-days", "2", *ext, cwd=d)
    pem_bundle(d, name)


def pem_bundle(d, name):
    """<name>.pem: the key and the certificate in one file, as a PEM key store holds them."""
    with open(os.path.join(d, f"{name}.pem"), "w") as out:
        for part in (f"{name}.key", f"{name}.crt"):
            with open(os.path.join(d, part)) as f:
                out.write(f.read())


def s_client(port, *args):
    """Runs a handshake; returns (exit status, output)."""
    r = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", *args],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=30)
    return r.returncode, r.stdout


def tls_client(port, ca, cert=None, key=None):
    """python3-stomp over TLS (stomp.py reads on one thread and writes CONNECT on another; the
    broker sends no TLS 1.3 session tickets, which would race with that write)."""
    client = StompClient(port, connect=False)
    client.conn.set_ssl(for_hosts=[("127.0.0.1", port)], ca_certs=ca, cert_file=cert,
                        key_file=key)
    return client.connect()


class WithCertificates(unittest.TestCase):
    """Certificates made once per class, and brokers whose `artemis` acceptor is TLS."""

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


class TlsTest(WithCertificates):

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

    def test_raw_tls_connections_all_complete(self):
        b = self.broker(f"keyStorePath={self.path('server.p12')};keyStorePassword=secret")
        b.start()
        context = ssl.create_default_context(cafile=self.path("ca.pem"))
        for _ in range(100):
            with socket.create_connection(("127.0.0.1", b.stomp_port), timeout=10) as s:
                with context.wrap_socket(s, server_hostname="127.0.0.1") as t:
                    t.sendall(frame("CONNECT", {"accept-version": "1.2", "host": "x",
                                                "login": "admin", "passcode": "admin"}))
                    self.assertTrue(t.recv(4096).startswith(b"CONNECTED"))

    def stomp_with_sni(self, port, server_name):
        """Whether a STOMP CONNECT over TLS, asking for `server_name` by SNI, is answered."""
        context = ssl.create_default_context(cafile=self.path("ca.pem"))
        context.check_hostname = False  # the certificate is checked; the name is the test
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            try:
                with context.wrap_socket(s, server_hostname=server_name) as t:
                    t.sendall(frame("CONNECT", {"accept-version": "1.2", "host": "x",
                                                "login": "admin", "passcode": "admin"}))
                    return t.recv(4096).startswith(b"CONNECTED")
            except (ssl.SSLError, OSError):
                return False

    def test_sni_host_refuses_a_client_asking_for_another_host(self):
        b = self.broker(f"keyStorePath={self.path('server.p12')};keyStorePassword=secret;"
                        "sniHost=localhost")
        b.start()
        self.assertTrue(self.stomp_with_sni(b.stomp_port, "localhost"))
        # An address: Python sends no SNI at all.
        self.assertTrue(self.stomp_with_sni(b.stomp_port, "127.0.0.1"))
        self.assertFalse(self.stomp_with_sni(b.stomp_port, "elsewhere.example"))
        self.assertIn("the client asked for host 'elsewhere.example', this acceptor's sniHost "
                      "is 'localhost'", b.log_text())

    def test_sni_host_is_a_regular_expression_matching_the_whole_name_in_any_case(self):
        b = self.broker(f"keyStorePath={self.path('server.p12')};keyStorePassword=secret;"
                        r"sniHost=broker[0-9]+\.example\.com")
        b.start()
        self.assertTrue(self.stomp_with_sni(b.stomp_port, "broker7.example.com"))
        self.assertTrue(self.stomp_with_sni(b.stomp_port, "BROKER12.Example.COM"))
        self.assertFalse(self.stomp_with_sni(b.stomp_port, "broker.example.com"))
        # The whole name, not a part of it.
        self.assertFalse(self.stomp_with_sni(b.stomp_port, "x.broker7.example.com"))

    def test_an_sni_host_that_is_not_a_regular_expression_stops_the_broker(self):
        b = self.broker(f"keyStorePath={self.path('server.p12')};keyStorePassword=secret;"
                        "sniHost=broker(")
        with self.assertRaises(RuntimeError) as caught:
            b.start(timeout=30)
        self.assertIn("acceptor 'artemis'", str(caught.exception))
        self.assertIn("sniHost 'broker(' is not a regular expression", str(caught.exception))

    def test_verify_host_needs_a_client_certificate_naming_the_client_address(self):
        make_leaf(self.certs, "here", "here", "IP:127.0.0.1")
        make_leaf(self.certs, "there", "there", "IP:192.0.2.7,DNS:there.example")
        b = self.broker(f"keyStorePath={self.path('server.p12')};keyStorePassword=secret;"
                        f"needClientAuth=true;trustStorePath={self.path('ca.pem')};"
                        "verifyHost=true")
        b.start()
        with tls_client(b.stomp_port, self.path("ca.pem"), self.path("here.crt"),
                        self.path("here.key")) as c:
            c.send_wait("tls.verifyhost", "from 127.0.0.1", **ANYCAST)
        for name in ("there", "client"):  # another address; no subjectAltName at all
            status, out = s_client(b.stomp_port, "-tls1_2", "-CAfile", self.path("ca.pem"),
                                   "-cert", self.path(f"{name}.crt"), "-key",
                                   self.path(f"{name}.key"))
            self.assertNotEqual(status, 0, out[-2000:])
        wait_for(lambda: "(client certificate: IP address mismatch)" in b.log_text(), 10,
                 what="the refusal naming the mismatch")

    def test_tls_to_a_plain_port_is_closed_and_named_in_the_log(self):
        b = Instance()
        self.addCleanup(b.close)
        b.start()
        status, out = s_client(b.stomp_port, "-CAfile", self.path("ca.pem"))
        self.assertNotEqual(status, 0, out[-2000:])
        wait_for(lambda: "client speaks TLS, but acceptor 'artemis' is not sslEnabled"
                 in b.log_text(), 10, what="the log line naming TLS")
        with StompClient(b.stomp_port) as c:  # and the broker serves on
            c.send_wait("after.tls", "still here", **ANYCAST)

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

    def test_certificate_login_maps_the_client_certificate_to_a_user(self):
        b = self.broker(f"keyStorePath={self.path('server.p12')};keyStorePassword=secret;"
                        f"wantClientAuth=true;trustStorePath={self.path('ca.pem')}")
        etc = os.path.join(b.dir, "etc")
        with open(os.path.join(etc, "login.config"), "w") as f:
            f.write("""activemq {
   org.apache.activemq.artemis.spi.core.security.jaas.PropertiesLoginModule sufficient
       org.apache.activemq.jaas.properties.user="artemis-users.properties"
       org.apache.activemq.jaas.properties.role="artemis-roles.properties";
   org.apache.activemq.artemis.spi.core.security.jaas.TextFileCertificateLoginModule sufficient
       org.apache.activemq.jaas.textfiledn.user="cert-users.properties"
       org.apache.activemq.jaas.textfiledn.role="cert-roles.properties";
};
""")
        with open(os.path.join(etc, "cert-users.properties"), "w") as f:
            f.write("certuser=CN=client\n")
        with open(os.path.join(etc, "cert-roles.properties"), "w") as f:
            f.write("amq=certuser\n")
        b.start()

        def connect(cert):
            client = StompClient(b.stomp_port, login=None, passcode=None, connect=False)
            client.conn.set_ssl(for_hosts=[("127.0.0.1", b.stomp_port)],
                                ca_certs=self.path("ca.pem"),
                                cert_file=self.path("client.crt") if cert else None,
                                key_file=self.path("client.key") if cert else None)
            return client.connect()

        # No user name or password: the certificate is the login (role amq may send).
        with connect(cert=True) as c:
            c.send_wait("tls.certlogin", "as certuser", **ANYCAST)
        with self.assertRaises(ConnectionRefusedError):
            connect(cert=False)

        # AMQP: SASL EXTERNAL, offered to a client that presented a certificate (Proton).
        domain = SSLDomain(SSLDomain.MODE_CLIENT)
        domain.set_trusted_ca_db(self.path("ca.pem"))
        domain.set_peer_authentication(SSLDomain.VERIFY_PEER)
        domain.set_credentials(self.path("client.crt"), self.path("client.key"), None)
        amqp = BlockingConnection(f"amqps://127.0.0.1:{b.stomp_port}", ssl_domain=domain,
                                  allowed_mechs="EXTERNAL", timeout=15)
        try:
            amqp.create_sender("tls.certlogin").send(Message(body="over EXTERNAL"))
            receiver = amqp.create_receiver("tls.certlogin")
            bodies = []
            for _ in range(2):
                body = receiver.receive(timeout=10).body
                bodies.append(bytes(body).decode() if not isinstance(body, str) else body)
                receiver.accept()
            self.assertEqual(sorted(bodies), ["as certuser", "over EXTERNAL"])
        finally:
            amqp.close()
        # Without a certificate EXTERNAL is not offered, so the client has nothing to use.
        plain = SSLDomain(SSLDomain.MODE_CLIENT)
        plain.set_trusted_ca_db(self.path("ca.pem"))
        plain.set_peer_authentication(SSLDomain.VERIFY_PEER)
        with self.assertRaises(Exception):
            BlockingConnection(f"amqps://127.0.0.1:{b.stomp_port}", ssl_domain=plain,
                               allowed_mechs="EXTERNAL", timeout=15).close()

    def test_ssl_auto_reload_gives_new_connections_the_changed_key_store(self):
        store = self.path("reloaded.pem")
        shutil.copy(self.path("server.pem"), store)
        b = self.broker(f"keyStorePath={store};sslAutoReload=true")
        b.start()

        def subject():
            status, out = s_client(b.stomp_port, "-CAfile", self.path("ca.pem"))
            match = re.search(r"^subject=(.*)$", out, re.M)
            return match.group(1) if match else out[-500:]

        self.assertIn("CN = server", subject())
        make_leaf(self.certs, "renewed", "renewed.example")
        shutil.copy(self.path("renewed.pem"), store)
        wait_for(lambda: "renewed.example" in subject(), 15, what="the renewed certificate")
        self.assertIn("key and trust stores changed; new connections use them", b.log_text())

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


class TlsClientAndHaTest(WithCertificates):
    """The client commands and the HA pair over TLS: `artemis producer/consumer` with
    sslEnabled and a trust store, trustAll, verifyHost against a certificate for another host,
    and the seed's shared-store pair whose acceptors and connectors are TLS, through kill -9
    (the backup announces itself over TLS)."""

    def cli(self, *args):
        return subprocess.run([artemis_bin(), *args, "--user", "admin", "--password", "admin"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              stdin=subprocess.DEVNULL, timeout=120)

    def produce_one_to(self, acceptor_params):
        """A broker with these TLS parameters, and one message sent to it trusting the test CA:
        (the URL, the producer's result)."""
        b = self.broker(acceptor_params)
        b.start()
        url = f"tcp://localhost:{b.stomp_port}?sslEnabled=true&trustStorePath={self.path('ca.pem')}"
        return url, self.cli("producer", "--url", url, "--message-count", "1")

    def test_producer_and_consumer_over_tls(self):
        b = self.broker(f"keyStorePath={self.path('server.p12')};keyStorePassword=secret")
        b.start()
        url = f"tcp://localhost:{b.stomp_port}?sslEnabled=true&trustStorePath={self.path('ca.pem')}"
        r = self.cli("producer", "--url", url, "--message-count", "25", "--destination",
                     "queue://tls.cli")
        self.assertEqual(r.returncode, 0, r.stdout)
        r = self.cli("consumer", "--url", url, "--message-count", "25", "--destination",
                     "queue://tls.cli")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("Consumed: 25 messages", r.stdout)
        # Without the CA the broker's certificate is not trusted; trustAll skips the check.
        plain = f"tcp://localhost:{b.stomp_port}?sslEnabled=true"
        r = self.cli("producer", "--url", plain, "--message-count", "1")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("certificate was not accepted", r.stdout)
        r = self.cli("producer", "--url", plain + "&trustAll=true", "--message-count", "1",
                     "--destination", "queue://tls.cli")
        self.assertEqual(r.returncode, 0, r.stdout)

    def test_verify_host_refuses_a_certificate_for_another_host(self):
        make_leaf(self.certs, "other", "elsewhere.example")
        url, r = self.produce_one_to(f"keyStorePath={self.path('other.pem')}")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("certificate was not accepted", r.stdout)
        r = self.cli("producer", "--url", url + "&verifyHost=false", "--message-count", "1",
                     "--destination", "queue://tls.host")
        self.assertEqual(r.returncode, 0, r.stdout)

    def test_an_expired_server_certificate_is_refused(self):
        # `openssl ca` sets any validity period (x509 -req only counts days from now).
        with open(self.path("ca.cnf"), "w") as f:
            f.write("[ca]\ndefault_ca=test\n[test]\ndir=.\ndatabase=index.txt\n"
                    "new_certs_dir=.\nserial=ca.serial\ndefault_md=sha256\npolicy=any\n"
                    "copy_extensions=copy\n[any]\ncommonName=supplied\n")
        open(self.path("index.txt"), "w").close()
        with open(self.path("ca.serial"), "w") as f:
            f.write("1000\n")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "old.key", "-out", "old.csr",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                cwd=self.certs)
        openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key",
                "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-notext",
                "-in", "old.csr", "-out", "old.crt", cwd=self.certs)
        pem_bundle(self.certs, "old")
        url, r = self.produce_one_to(f"keyStorePath={self.path('old.pem')}")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("certificate has expired", r.stdout)

    def test_the_shared_store_pair_fails_over_over_tls(self):
        pair = SharedStorePair()
        self.addCleanup(pair.close)
        tls_acceptor = (f";sslEnabled=true;keyStorePath={self.path('server.p12')};"
                        f"keyStorePassword=secret")
        trust = f"?sslEnabled=true;trustStorePath={self.path('ca.pem')}"
        for node in (pair.master, pair.slave):
            path = os.path.join(node.dir, "etc", "broker.xml")
            with open(path) as f:
                xml = f.read()
            xml = re.sub(r'(<acceptor name="artemis">[^<]*)(</acceptor>)',
                         lambda m: m.group(1) + tls_acceptor + m.group(2), xml, count=1)
            xml = re.sub(r'(<connector name="[a-z]+-connector">tcp://localhost:\d+)(</connector>)',
                         lambda m: m.group(1) + trust + m.group(2), xml)
            with open(path, "w") as f:
                f.write(xml)
        pair.master.start().wait_log("AMQ221007")
        pair.slave.start().wait_log("AMQ221109")
        pair.slave.wait_log("AMQ221031")  # announced to the master over TLS
        with tls_client(pair.master_port, self.path("ca.pem")) as c:
            for i in range(20):
                c.send_wait("tls.ha", f"m-{i}", persistent="true", **ANYCAST)
        pair.master.kill()
        pair.slave.wait_log("AMQ221010")
        wait_for(lambda: port_accepts(pair.slave_port), 30, what="the slave's port")
        with tls_client(pair.slave_port, self.path("ca.pem")) as c:
            c.subscribe("tls.ha", "s1", **{"subscription-type": "ANYCAST"})
            got = [m.body for m in c.listener.wait_messages(20, timeout=30)]
        self.assertEqual(sorted(got), sorted(f"m-{i}" for i in range(20)))


class WebEndpointHttpsTest(unittest.TestCase):
    """The web endpoint over https, as `create --ssl-key … [--use-client-auth --ssl-trust …]`
    writes its binding: the server's certificate verified against the test CA, and with client
    auth a client without a certificate refused."""

    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="artemis-web-tls-")
        cls.addClassCleanup(shutil.rmtree, cls.certs, True)
        make_certificates(cls.certs)

    def get(self, port, context):
        import urllib.request
        url = f"https://localhost:{port}/health/live"
        with urllib.request.urlopen(url, context=context, timeout=30) as r:
            return r.status, r.read().decode()

    def context(self, client_cert=False):
        ctx = ssl.create_default_context(cafile=os.path.join(self.certs, "ca.pem"))
        if client_cert:
            ctx.load_cert_chain(os.path.join(self.certs, "client.crt"),
                                os.path.join(self.certs, "client.key"))
        return ctx

    def test_https_endpoint(self):
        args = ["--ssl-key", os.path.join(self.certs, "server.p12"), "--ssl-key-password", "secret"]
        with Instance(extra_create_args=args) as broker:
            broker.start()
            port = broker.port("http")
            wait_for(lambda: f"AMQ241001: HTTP Server started at https://localhost:{port}"
                     in broker.log_text(), 30, what="the https endpoint")
            self.assertEqual(self.get(port, self.context()), (200, '{"status":"UP"}'))
            # Plain http to the https port gets no answer of ours.
            import urllib.error
            import urllib.request
            with self.assertRaises((urllib.error.URLError, ConnectionError, OSError)):
                urllib.request.urlopen(f"http://localhost:{port}/health/live", timeout=10)

    def test_https_with_client_certificates(self):
        args = ["--ssl-key", os.path.join(self.certs, "server.p12"), "--ssl-key-password", "secret",
                "--use-client-auth", "--ssl-trust", os.path.join(self.certs, "ca.pem"),
                "--ssl-trust-password", "unused"]
        with Instance(extra_create_args=args) as broker:
            broker.start()
            port = broker.port("http")
            wait_for(lambda: "AMQ241001" in broker.log_text(), 30, what="the https endpoint")
            self.assertEqual(self.get(port, self.context(client_cert=True))[0], 200)
            with self.assertRaises((ssl.SSLError, ConnectionError, OSError)):
                self.get(port, self.context())


if __name__ == "__main__":
    unittest.main()
