#include "management/compose_message.hpp"

#include <fmt/core.h>

#include "management/resources.hpp"

namespace artemis::management {
namespace {

constexpr std::string_view kQueue = "queue.";
constexpr std::string_view kAddress = "address.";
constexpr std::int64_t kDefaultType = 0;
constexpr std::int64_t kTextType = 3;

store::PropertyValue header_value(const std::string& name, const nlohmann::json& v) {
  if (v.is_string()) return store::PropertyValue(v.get<std::string>());
  if (v.is_boolean()) return store::PropertyValue(v.get<bool>());
  if (v.is_number_integer()) return store::PropertyValue(v.get<std::int64_t>());
  if (v.is_number_float()) return store::PropertyValue(v.get<double>());
  throw OperationError(fmt::format("header {} must be a string, a number or a boolean", name));
}

}  // namespace

ComposedMessage compose_message(ManagementContext& ctx, std::string_view resource,
                                const OperationArgs& args, std::int64_t now_ms) {
  if (args.size() < 4 || args.size() > 6)
    throw OperationError(fmt::format("AMQ229069: no operation sendMessage/{}", args.size()));
  ComposedMessage out;
  if (resource.starts_with(kQueue)) {
    const auto& q = queue_of(ctx, std::string(resource.substr(kQueue.size())));
    out.destination = {q.address(), q.name()};
  } else if (resource.starts_with(kAddress)) {
    out.destination = {address_of(ctx, std::string(resource.substr(kAddress.size()))).name,
                       std::nullopt};
  } else {
    throw OperationError(fmt::format("AMQ229067: Cannot find resource with name {}", resource));
  }
  const auto type = args.integer(1);
  if (type != kDefaultType && type != kTextType)
    throw OperationError(fmt::format(
        "message type {} cannot be sent from management: use 3 (text) or 0 (no body)", type));
  auto m = core::make_message();
  auto& r = m->record;
  r.timestamp = now_ms;
  r.durable = args.boolean(3);
  r.type = type == kTextType ? store::BodyType::text : store::BodyType::default_type;
  if (type == kTextType) r.body = args.text_or(2, "");
  if (args.has(0)) {
    const auto& headers = args.raw(0);
    if (!headers.is_object()) throw OperationError("headers must be a JSON object");
    for (const auto& [name, value] : headers.items()) {
      if (name.empty() || core::props::is_internal(name))
        throw OperationError(fmt::format("header '{}' cannot be set", name));
      r.properties.set(name, header_value(name, value));
    }
  }
  out.message = std::move(m);
  return out;
}

}  // namespace artemis::management
