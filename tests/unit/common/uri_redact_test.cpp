// What a log line or an error may show of a URL: every password-like parameter hidden, the
// rest as written.
#include <doctest/doctest.h>

#include "uri/uri.hpp"

using artemis::uri::redact_secrets;

TEST_CASE("uri: redact_secrets hides password parameters wherever they are") {
  CHECK(redact_secrets("tcp://h:61617?sslEnabled=true;keyStorePassword=s3cret;"
                       "trustStorePath=/t.p12&trustStorePassword=ENC(-5a2376c61c668aaf)") ==
        "tcp://h:61617?sslEnabled=true;keyStorePassword=****;trustStorePath=/t.p12&"
        "trustStorePassword=****");
  CHECK(redact_secrets("(tcp://a:1?password=x,tcp://b:2)?ha=true") ==
        "(tcp://a:1?password=****,tcp://b:2)?ha=true");
  CHECK(redact_secrets("tcp://h:1?user=admin") == "tcp://h:1?user=admin");
  CHECK(redact_secrets("tcp://h:1") == "tcp://h:1");
  CHECK(redact_secrets("") == "");
}
