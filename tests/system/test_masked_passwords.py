"""Masked passwords (Artemis's two-way DefaultSensitiveStringCodec): `artemis mask` and its
options, a TLS acceptor whose keyStorePassword is ENC(...) (or bare under
<mask-password>true</mask-password> with a <password-codec> key), python3-stomp connecting over
TLS to it, a masked value that does not decode stopping the broker with a message naming the
acceptor, `config print` hiding the passwords, and a client URL with a masked
trustStorePassword."""

import os
import re
import subprocess
import unittest

from harness import artemis_bin
from test_tls import ANYCAST, WithCertificates, openssl, tls_client

CODEC = "org.apache.activemq.artemis.utils.DefaultSensitiveStringCodec"
KEY_ENV = "ARTEMIS_DEFAULT_SENSITIVE_STRING_CODEC_KEY"


def artemis(*args, env=None, cwd=None, command=None):
    env = dict(os.environ if env is None else env)
    r = subprocess.run([command or artemis_bin(), *args], env=env, cwd=cwd,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout, r.stderr


def env_without_key(**extra):
    env = {k: v for k, v in os.environ.items() if k not in (KEY_ENV, "ARTEMIS_INSTANCE")}
    env.update(extra)
    return env


def mask(*args, env=None):
    code, out, err = artemis("mask", *args, env=env or env_without_key())
    assert code == 0, err
    m = re.fullmatch(r"result: (\S+)\n", out)
    assert m, out
    return m.group(1)


class MaskCommandTest(unittest.TestCase):
    """Values printed by Artemis's own `artemis mask`."""

    def test_two_way_is_the_default(self):
        self.assertEqual(mask("password"), "3a34fd21b82bf2a822fa49a8d8fa115d")
        self.assertEqual(mask("keypass"), "-5a2376c61c668aaf")
        self.assertEqual(mask("--algorithm", "two-way", "guest"), "80cf731af62c290")

    def test_key_option_and_environment(self):
        self.assertEqual(mask("--key", "artemisfun", "password"),
                         "-2b8e3b47950b9b481a6f3100968e42e9")
        self.assertEqual(mask("secret", env=env_without_key(**{KEY_ENV: "helloworld"})),
                         "-170b9ef34d79ed12")
        # --key wins over the environment.
        self.assertEqual(mask("--key", "artemisfun", "password",
                              env=env_without_key(**{KEY_ENV: "helloworld"})),
                         "-2b8e3b47950b9b481a6f3100968e42e9")

    def test_hash_ignores_the_key_and_prints_the_bare_pbkdf2_value(self):
        code, out, err = artemis("mask", "--hash", "--key", "k3y!", "s3cret")
        self.assertEqual(code, 0, err)
        lines = out.splitlines()
        self.assertEqual(lines[0], "Option --key ignored in case of hashing")
        self.assertRegex(lines[1], r"^result: 1024:[0-9A-F]{64}:[0-9A-F]{128}$")

    def test_bad_options_fail_with_a_reason(self):
        code, _out, err = artemis("mask", "--algorithm", "rot13", "x")
        self.assertEqual(code, 1)
        self.assertIn("--algorithm 'rot13' is not supported", err)
        code, _out, err = artemis("mask", "--key", "abc", "x")
        self.assertEqual(code, 1)
        self.assertIn("the Blowfish key must be 4 to 56 bytes long", err)
        code, _out, err = artemis("mask", "--password-codec", "x", env=env_without_key())
        self.assertEqual(code, 1)
        self.assertIn("no broker instance", err)


class MaskedTlsTest(WithCertificates):

    def masked_broker(self, key_store_password, core_extra="", env=None):
        b = self.broker(f"keyStorePath={self.path('server.p12')};"
                        f"keyStorePassword={key_store_password}")
        if core_extra:
            b.edit_broker_xml(lambda xml: xml.replace("</core>", core_extra + "\n</core>", 1))
        return b

    def roundtrip(self, b, queue):
        with tls_client(b.stomp_port, self.path("ca.pem")) as c:
            c.subscribe(queue, "s1", **{"subscription-type": "ANYCAST"})
            c.send_wait(queue, "masked", persistent="true", **ANYCAST)
            self.assertEqual(c.listener.wait_messages(1)[0].body, "masked")

    def config_print(self, b):
        code, out, err = artemis("config", "print", command=os.path.join(b.dir, "bin", "artemis"),
                                 cwd=b.dir)
        self.assertEqual(code, 0, err)
        return out

    def test_enc_key_store_password_in_the_acceptor(self):
        b = self.masked_broker(f"ENC({mask('secret')})")
        b.start()
        self.roundtrip(b, "masked.enc")
        printed = self.config_print(b)
        self.assertIn("keyStorePassword: ****", printed)
        self.assertIn("keyStorePassword=****", printed)
        self.assertNotIn("secret", printed)

    def test_mask_password_true_with_a_codec_key(self):
        masked = mask("--key", "artemisfun", "secret")
        b = self.masked_broker(masked, f"<mask-password>true</mask-password>\n"
                                       f"<password-codec>{CODEC};key=artemisfun</password-codec>")
        # The instance's own codec gives the same value.
        code, out, err = artemis("mask", "--password-codec", "secret",
                                 command=os.path.join(b.dir, "bin", "artemis"), cwd=b.dir,
                                 env=env_without_key())
        self.assertEqual((code, out), (0, f"result: {masked}\n"), err)
        b.start()
        self.roundtrip(b, "masked.codec")
        self.assertNotIn("artemisfun", self.config_print(b))

    def test_the_environment_key_reaches_the_broker(self):
        masked = mask("secret", env=env_without_key(**{KEY_ENV: "a-key-from-env"}))
        b = self.masked_broker(f"ENC({masked})")
        b.start(env=env_without_key(**{KEY_ENV: "a-key-from-env"}))
        self.roundtrip(b, "masked.env")

    def test_a_masked_value_that_does_not_decode_stops_the_broker(self):
        b = self.masked_broker(f"ENC({mask('--key', 'some-other-key', 'secret')})")
        with self.assertRaises(RuntimeError) as caught:
            b.start(timeout=30)
        text = str(caught.exception)
        self.assertIn("<acceptor> 'artemis': keyStorePassword could not be unmasked", text)
        self.assertIn("does not decode with this key", text)
        self.assertNotEqual(b.process.returncode, 0)

    def test_a_client_url_with_a_masked_trust_store_password(self):
        openssl("pkcs12", "-export", "-nokeys", "-in", "ca.pem", "-out", "trust.p12",
                "-passout", "pass:trustpass", cwd=self.certs)
        b = self.masked_broker("secret")
        b.start()
        base = (f"tcp://localhost:{b.stomp_port}?sslEnabled=true&"
                f"trustStorePath={self.path('trust.p12')}&trustStorePassword=")
        cli = ("producer", "--user", "admin", "--password", "admin", "--message-count", "1",
               "--destination", "queue://masked.client")
        code, out, err = artemis(*cli, "--url", base + f"ENC({mask('trustpass')})")
        self.assertEqual(code, 0, out + err)
        code, out, err = artemis(*cli, "--url", base + "ENC(12345)")
        self.assertNotEqual(code, 0)
        self.assertIn("trustStorePassword could not be unmasked", out + err)


if __name__ == "__main__":
    unittest.main()
