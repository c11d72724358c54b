// The server side of SASL for AmqpConnection, as a Proton SASL implementation: Proton frames
// the exchange, the verdict comes from the core's login (reference §4.4).
#include <proton/sasl.h>
#include <proton/sasl_plugin.h>

#include <string>

#include "protocol/amqp/connection.hpp"

namespace artemis::protocol::amqp {
namespace {

AmqpConnection& sasl_connection_of(pn_transport_t* t) {
  return *static_cast<AmqpConnection*>(pnx_sasl_get_context(t));
}

void sasl_free_nothing(pn_transport_t*) {}  // the context is the connection, which owns itself

const char* sasl_list_mechanisms(pn_transport_t* t) {
  return sasl_connection_of(t).sasl_mechanisms();
}

bool sasl_init_server(pn_transport_t* t) {
  pnx_sasl_set_desired_state(t, SASL_POSTED_MECHANISMS);
  return true;
}

bool sasl_init_client(pn_transport_t*) {
  return false;
}  // the broker is never a SASL client here
void sasl_prepare_write(pn_transport_t*) {}

void sasl_process_init(pn_transport_t* t, const char* mechanism, const pn_bytes_t* response) {
  std::string user;
  const std::string_view bytes = response != nullptr && response->start != nullptr
                                     ? std::string_view(response->start, response->size)
                                     : std::string_view();
  if (sasl_connection_of(t).sasl_login(mechanism, bytes, user))
    pnx_sasl_set_succeeded(t, user.c_str(), nullptr);
  else
    pnx_sasl_set_failed(t);
  pnx_sasl_set_desired_state(t, SASL_POSTED_OUTCOME);
}

// PLAIN and ANONYMOUS finish with the initial response: a response frame is out of turn.
void sasl_process_response(pn_transport_t* t, const pn_bytes_t*) {
  pnx_sasl_set_failed(t);
  pnx_sasl_set_desired_state(t, SASL_POSTED_OUTCOME);
}

bool sasl_process_mechanisms(pn_transport_t*, const char*) {
  return false;
}
void sasl_process_challenge(pn_transport_t*, const pn_bytes_t*) {}
void sasl_process_outcome(pn_transport_t*, const pn_bytes_t*) {}
bool sasl_can_encrypt(pn_transport_t*) {
  return false;
}
ssize_t sasl_max_encrypt_size(pn_transport_t*) {
  return 0;
}
ssize_t sasl_encode(pn_transport_t*, pn_bytes_t, pn_bytes_t*) {
  return 0;
}
ssize_t sasl_decode(pn_transport_t*, pn_bytes_t, pn_bytes_t*) {
  return 0;
}

const pnx_sasl_implementation kServerSasl = {sasl_free_nothing,
                                             sasl_list_mechanisms,
                                             sasl_init_server,
                                             sasl_init_client,
                                             sasl_prepare_write,
                                             sasl_process_init,
                                             sasl_process_response,
                                             sasl_process_mechanisms,
                                             sasl_process_challenge,
                                             sasl_process_outcome,
                                             sasl_can_encrypt,
                                             sasl_max_encrypt_size,
                                             sasl_encode,
                                             sasl_decode};

}  // namespace

void install_sasl(pn_transport_t* transport, AmqpConnection& connection) {
  pnx_sasl_set_implementation(transport, &kServerSasl, &connection);
}

bool AmqpConnection::sasl_login(std::string_view mechanism, std::string_view response,
                                std::string& user) {
  if (!core_ || mechanisms_.find(mechanism) == std::string::npos) return false;
  std::string_view password;
  if (mechanism == "EXTERNAL") {
    // The TLS client certificate is the credential (the login module maps its subject); the
    // response, an optional authorisation identity, is not used.
    if (conn_.certificate_subject().empty()) return false;
  } else if (mechanism == "PLAIN") {
    // [authzid] NUL authcid NUL passwd (RFC 4616).
    const auto first = response.find('\0');
    const auto second = first == std::string_view::npos ? first : response.find('\0', first + 1);
    if (second == std::string_view::npos) return false;
    user = std::string(response.substr(first + 1, second - first - 1));
    password = response.substr(second + 1);
  } else if (mechanism != "ANONYMOUS") {
    return false;
  }
  if (core_->login(user, password)) return false;  // refused
  authenticated_ = true;
  if (mechanism == "EXTERNAL") user = core_->subject().user;
  if (user.empty()) user = "anonymous";
  return true;
}

}  // namespace artemis::protocol::amqp
