#include "management_client.hpp"

#include <fmt/core.h>

#include <random>

#include "client/errors.hpp"

namespace artemis::cli {
namespace {

// Where Artemis's CLI sends its requests: the default <management-address>.
constexpr std::string_view kManagementAddress = "activemq.management";

client::Destination management_address() {
  return {client::DestinationKind::queue, std::string(kManagementAddress)};
}

std::string random_uuid() {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  const auto a = gen(), b = gen();
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xffff,
                     b >> 48, b & 0xffffffffffffULL);
}

}  // namespace

std::string ManagementReply::text() const {
  if (result.is_string()) return result.get<std::string>();
  if (result.is_null()) return "";
  return result.dump();
}

std::unique_ptr<ManagementClient> ManagementClient::open(const char* command, Context& ctx,
                                                         const ClientOptions& options,
                                                         Printer& out) {
  std::unique_ptr<ManagementClient> c(new ManagementClient());
  c->setup_ = prepare_client(command, ctx, options, out);
  if (!c->setup_) return nullptr;
  try {
    c->session_ = c->setup_->connection->create_session(client::Transacted::no);
    c->reply_session_ = c->setup_->connection->create_session(client::Transacted::no);
    c->reply_address_ = std::string(kManagementAddress) + "." + random_uuid();
    c->replies_.emplace(c->reply_session_->create_consumer(
        client::Destination{client::DestinationKind::topic, c->reply_address_}));
  } catch (const std::exception& e) {
    out.error(describe_failure(command, e));
    ctx.exit_code = 1;
    return nullptr;
  }
  return c;
}

ManagementClient::~ManagementClient() {
  if (!session_) return;
  try {
    // The reply queue went with the subscription; its auto-created address is removed now
    // rather than at the broker's next auto-delete scan, so `address show` does not list it.
    // No reply-to: the broker runs the request and answers nobody.
    replies_.reset();
    reply_session_->close();
    client::Message m;
    m.properties["_AMQ_ResourceName"] = "broker";
    m.properties["_AMQ_OperationName"] = "deleteAddress";
    m.body = nlohmann::json::array({reply_address_}).dump();
    session_->create_producer(management_address()).send(m);
    session_->flush();
  } catch (const std::exception&) {
    // the connection is gone: the broker's scan removes the address
  }
  session_->close();
}

ManagementReply ManagementClient::invoke(const std::string& resource, const std::string& operation,
                                         const nlohmann::json& args) {
  client::Message m;
  m.properties["_AMQ_ResourceName"] = resource;
  m.properties["_AMQ_OperationName"] = operation;
  m.body = args.dump();
  return request(m);
}

ManagementReply ManagementClient::attribute(const std::string& resource, const std::string& name) {
  client::Message m;
  m.properties["_AMQ_ResourceName"] = resource;
  m.properties["_AMQ_Attribute"] = name;
  return request(m);
}

ManagementReply ManagementClient::request(client::Message& m) {
  m.type = client::BodyType::text;
  m.properties["reply-to"] = reply_address_;
  // Persistent, so the broker confirms the request: a refusal (no `manage` permission) comes
  // back as an error instead of a reply that never arrives.
  m.delivery = client::Delivery::persistent;
  session_->create_producer(management_address()).send(m);
  session_->flush();
  auto reply = replies_->receive(timeout_);
  if (!reply)
    throw client::ClientError(client::ErrorKind::timeout,
                              fmt::format("no management reply within {} ms", timeout_.count()));
  ManagementReply r;
  const auto* ok = reply->property("_AMQ_OperationSucceeded");
  r.succeeded = ok != nullptr && *ok == "true";
  if (!reply->body.empty()) {
    auto array = nlohmann::json::parse(reply->body, nullptr, false);
    if (array.is_array() && !array.empty())
      r.result = array[0];
    else
      r.result = reply->body;
  }
  return r;
}

}  // namespace artemis::cli
