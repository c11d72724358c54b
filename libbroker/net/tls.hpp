#pragma once
// TLS on an acceptor, with Artemis's URL parameters (reference/cli.md's acceptor URLs):
//   sslEnabled=true            the acceptor speaks TLS; protocol detection runs on what the
//                              handshake decrypts
//   keyStorePath, keyStorePassword, keyStoreType
//                              the server's key and certificate chain: PKCS12 (the default) or
//                              PEM (key and certificates in one file; an encrypted key is
//                              opened with keyStorePassword). JKS is refused, naming the keytool
//                              command that converts it.
//   trustStorePath, trustStorePassword, trustStoreType
//                              the CAs a client certificate must chain to (PKCS12 or PEM)
//   needClientAuth / wantClientAuth
//                              a client certificate is required / asked for
//   enabledProtocols           default TLSv1.2,TLSv1.3 (TLSv1 and TLSv1.1 only when listed)
//   enabledCipherSuites        OpenSSL names; TLS 1.3 suites (TLS_AES_…) and the rest apart
//   sslAutoReload              changed stores are read again for the connections that follow
//   sniHost                    a regular expression (as Artemis's SNI matcher: whole name,
//                              case ignored); a client whose SNI it does not match is refused
//                              once its handshake ends (net/tcp_connection.cpp); one without
//                              SNI is not
//   verifyHost                 a client certificate must name the client's address
// A wrong file, password or value is an error naming the acceptor and the parameter: the
// broker refuses to start rather than listen without the TLS it was told to use.
#include <asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "config/broker_config.hpp"

namespace artemis::net {

bool tls_enabled(const config::TransportConfig& acceptor);
// sslAutoReload=true: the acceptor reads its stores again when they change.
bool tls_auto_reload(const config::TransportConfig& acceptor);
// sniHost's pattern against the host name a client sent; a pattern that does not compile
// matches nothing (make_server_tls_context refuses it first).
bool sni_host_matches(const std::string& pattern, const std::string& host);
// nullptr, and `error`, when the acceptor's TLS parameters do not make a usable context.
std::shared_ptr<asio::ssl::context> make_server_tls_context(const config::TransportConfig& acceptor,
                                                            std::string& error);

}  // namespace artemis::net
