#include "management/management_service.hpp"

#include <fmt/core.h>

#include <chrono>

#include "management/compose_message.hpp"
#include "security/audit_log.hpp"

namespace artemis::management {
namespace {

constexpr std::string_view kQueuePrefix = "queue.";
constexpr std::string_view kAddressPrefix = "address.";

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

nlohmann::json parse_arguments(const core::Message& request) {
  std::string body;
  if (core::whole_body(request, body)) throw OperationError("the request's body cannot be read");
  if (body.empty() || body == "null") return nlohmann::json::array();
  auto args = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (args.is_discarded() || !args.is_array())
    throw OperationError(
        "the request's body must be a JSON array of the operation's parameters, e.g. [\"TEST\"]");
  return args;
}

}  // namespace

ManagementService::ManagementService(ManagementContext ctx) : ctx_(std::move(ctx)) {
  add_broker_operations(broker_);
  add_user_operations(broker_);
  add_connection_operations(broker_);
  add_node_operations(broker_);
  add_queue_operations(queue_);
  add_queue_moves(queue_);
  add_address_operations(address_);
}

core::MessagePtr ManagementService::handle(const core::Message& request,
                                           const security::Subject& caller) {
  auto reply = core::make_message();
  reply->record.type = store::BodyType::text;
  reply->record.timestamp = now_ms();
  // A requestor matches replies to requests by correlation id.
  for (std::string_view key :
       {std::string_view("correlation-id"), std::string_view("JMSCorrelationID")})
    if (auto id = request.typed_property(key)) reply->record.properties.set(key, id->to_value());
  bool succeeded = true;
  nlohmann::json result;
  try {
    const auto resource = request.property(kResourceName);
    if (!resource) throw OperationError("the request names no resource (_AMQ_ResourceName)");
    if (const auto operation = request.property(kOperationName)) {
      result = invoke(*resource, *operation, OperationArgs(parse_arguments(request)), caller);
    } else if (const auto name = request.property(kAttribute)) {
      result = attribute(*resource, *name, caller);
    } else {
      throw OperationError(
          "the request names neither an operation (_AMQ_OperationName) nor an attribute "
          "(_AMQ_Attribute)");
    }
  } catch (const std::exception& e) {
    // OperationError, and whatever else an operation met (a file it could not write, a value
    // of the wrong JSON type): the reply says it, the broker goes on.
    succeeded = false;
    result = e.what();
  }
  reply->record.properties.set(kOperationSucceeded, store::PropertyValue(succeeded));
  reply->record.body = json_text(nlohmann::json::array({std::move(result)}));
  return reply;
}

nlohmann::json ManagementService::invoke(std::string_view resource, std::string_view operation,
                                         const OperationArgs& args,
                                         const security::Subject& caller) {
  std::string_view target;
  const OperationTable* table = table_for(resource, target);
  if (table == nullptr)
    throw OperationError(fmt::format("AMQ229067: Cannot find resource with name {}", resource));
  const auto it = table->find(operation);
  if (it == table->end())
    throw OperationError(fmt::format("AMQ229069: no operation {}/{}", operation, args.size()));
  const Operation& op = it->second;
  if (op.audit_code != 0 || op.changes) {
    const auto text =
        fmt::format("User {} is {} on target resource: {} {}", caller.user, op.verb, resource,
                    args.size() == 0 ? ""
                    : op.secret_args ? "****"
                                     : args.dump());
    if (auto* audit = ctx_.security.audit(); audit && op.audit_code != 0)
      audit->management(op.audit_code, text);
    if (op.changes)
      ctx_.log.plain(util::Level::info, "org.apache.activemq.artemis.core.server", "AMQ{}: {}",
                     op.audit_code, text);
  }
  return op.run(Call{ctx_, target, args});
}

ComposedMessage ManagementService::compose(std::string_view resource, const OperationArgs& args,
                                           std::int64_t now_ms, const security::Subject& caller) {
  if (auto* audit = ctx_.security.audit())
    audit->management(601013, fmt::format("User {} is sending a message on target resource: {} {}",
                                          caller.user, resource, "****"));
  return compose_message(ctx_, resource, args, now_ms);
}

const OperationTable* ManagementService::table_for(std::string_view resource,
                                                   std::string_view& target) const {
  if (resource == "broker") return &broker_;
  if (resource.starts_with(kQueuePrefix)) {
    target = resource.substr(kQueuePrefix.size());
    return &queue_;
  }
  if (resource.starts_with(kAddressPrefix)) {
    target = resource.substr(kAddressPrefix.size());
    return &address_;
  }
  return nullptr;
}

bool ManagementService::needs_manage(std::string_view resource, std::string_view operation) const {
  std::string_view target;
  const auto* table = table_for(resource, target);
  if (table == nullptr) return false;
  const auto it = table->find(operation);
  return it != table->end() && (it->second.changes || it->second.sensitive);
}

nlohmann::json ManagementService::attribute(std::string_view resource, std::string_view name,
                                            const security::Subject& caller) {
  const OperationArgs none{nlohmann::json::array()};
  for (const char* prefix : {"get", "is"}) {
    const auto operation = fmt::format("{}{}", prefix, name);
    std::string_view target;
    const auto* table = table_for(resource, target);
    if (table == nullptr || !table->count(operation)) continue;
    try {
      return invoke(resource, operation, none, caller);
    } catch (const OperationError&) {
      // Artemis words every failed attribute read so, whatever the cause (a queue that does
      // not exist, say).
      throw OperationError(fmt::format("Problem while retrieving attribute {}", name));
    }
  }
  throw OperationError(fmt::format("no attribute {} on {}", name, resource));
}

}  // namespace artemis::management
