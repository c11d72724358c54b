#include "management/views.hpp"

#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>

#include "management/operation_args.hpp"

namespace artemis::management {
namespace {

std::string text(bool b) {
  return b ? "true" : "false";
}
template <class N>
std::string text(N n) {
  return std::to_string(n);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The item key a filter field names: the JSON key (any case), or Artemis's enum constant
// (MESSAGE_COUNT for messageCount).
std::string resolve_field(const nlohmann::json& sample, const std::string& field) {
  auto squash = [](std::string s) {
    std::erase(s, '_');
    return lower(std::move(s));
  };
  for (const auto& [key, value] : sample.items())
    if (squash(key) == squash(field)) return key;
  if (squash(field) == "internal" && sample.contains("internalQueue")) return "internalQueue";
  throw OperationError(fmt::format("No field named {} (fields: {})", field, [&] {
    std::string all;
    for (const auto& [key, value] : sample.items()) all += (all.empty() ? "" : ", ") + key;
    return all;
  }()));
}

std::optional<double> number(const std::string& s) {
  double d = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return d;
}

bool keep(const std::string& actual, const std::string& op, const std::string& value,
          bool numeric) {
  if (op.empty()) return true;
  if (numeric) {
    const auto a = number(actual), v = number(value);
    if (!a || !v) return op.starts_with("NOT_");
    if (op == "EQUALS") return *a == *v;
    if (op == "NOT_EQUALS") return *a != *v;
    if (op == "GREATER_THAN") return *a > *v;
    if (op == "LESS_THAN") return *a < *v;
    return op == "NOT_CONTAINS";
  }
  if (op == "EQUALS") return actual == value;
  if (op == "NOT_EQUALS") return actual != value;
  if (op == "CONTAINS") return actual.find(value) != std::string::npos;
  if (op == "NOT_CONTAINS") return actual.find(value) == std::string::npos;
  return false;  // GREATER_THAN / LESS_THAN on text
}

// A view's value as text, whatever its JSON type (Artemis's connection view has a number).
std::string value_text(const nlohmann::json& item, const std::string& key) {
  const auto it = item.find(key);
  if (it == item.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : json_text(*it);
}

const std::string& string_of(const nlohmann::json& o, const char* key) {
  static const std::string empty;
  auto it = o.find(key);
  if (it == o.end()) return empty;
  if (!it->is_string()) throw OperationError(fmt::format("'{}' must be a JSON string", key));
  return it->get_ref<const std::string&>();
}

nlohmann::json property_json(const store::PropertyView& v) {
  if (v.is_null()) return nullptr;
  if (auto b = v.as_bool()) return *b;
  if (auto i = v.as_integer()) return *i;
  if (auto d = v.as_floating()) return *d;
  return v.as_string();
}

}  // namespace

nlohmann::json message_view(const core::MessageRef& ref, std::size_t text_limit) {
  const auto& r = ref.message->record;
  nlohmann::json properties = nlohmann::json::object();
  for (const auto& [key, value] : r.properties)
    if (!core::props::is_internal(key)) properties[std::string(key)] = property_json(value);
  nlohmann::json view = {{"messageID", r.id},
                         {"address", r.address},
                         {"durable", r.durable},
                         {"priority", r.priority},
                         {"timestamp", r.timestamp},
                         {"expiration", r.expiration},
                         {"deliveryCount", ref.delivery_count},
                         {"largeMessage", ref.message->large != nullptr},
                         {"type", store::body_type_name(r.type)},
                         {"properties", std::move(properties)}};
  if (r.type == store::BodyType::text && !ref.message->large) {
    view["text"] = r.body.substr(0, text_limit);
    if (r.body.size() > text_limit) view["textTruncated"] = true;
  } else {
    // Bytes as Artemis's BodyPreview shows them; as text here (a JSON reply replaces what is
    // not UTF-8), since most bytes bodies that reach a console are text sent without a type.
    view["bodySize"] = r.large_body_size.value_or(r.body.size());
    if (!ref.message->large && r.type != store::BodyType::default_type)
      view["bodyPreview"] = r.body.substr(0, text_limit);
  }
  return view;
}

std::vector<std::string> routing_type_names(const core::Address& a) {
  std::vector<std::string> out;
  if (a.multicast) out.push_back("MULTICAST");
  if (a.anycast) out.push_back("ANYCAST");
  return out;
}

nlohmann::json queue_view(const core::Queue& q, bool internal) {
  const auto& d = q.definition();
  nlohmann::json o = nlohmann::json::object();
  o["id"] = text(q.id());
  o["name"] = q.name();
  o["address"] = q.address();
  o["filter"] = d.filter ? d.filter->text() : "";
  o["durable"] = text(q.durable());
  o["paused"] = text(q.paused());
  o["persistedPause"] = text(d.persisted_pause);
  o["temporary"] = text(d.temporary);
  o["purgeOnNoConsumers"] = text(d.purge_on_no_consumers);
  o["consumerCount"] = text(q.consumer_count());
  o["maxConsumers"] = text(d.max_consumers);
  o["autoCreated"] = text(d.auto_created);
  o["user"] = d.user;
  o["routingType"] = config::to_string(d.routing_type);
  o["messagesAdded"] = text(q.messages_added());
  o["messageCount"] = text(q.message_count());
  o["messagesAcked"] = text(q.messages_acknowledged());
  o["messagesExpired"] = text(q.messages_expired());
  o["deliveringCount"] = text(q.delivering_count());
  o["messagesKilled"] = text(q.messages_killed());
  o["scheduledCount"] = text(q.scheduled_count());
  o["internalQueue"] = text(internal);
  return o;
}

nlohmann::json address_view(const core::Address& a, std::size_t message_count) {
  nlohmann::json o = nlohmann::json::object();
  o["id"] = text(a.id);
  o["name"] = a.name;
  o["routingTypes"] = json_text(nlohmann::json(routing_type_names(a)));
  o["queueCount"] = text(a.queues.size());
  o["internal"] = "false";
  o["temporary"] = "false";
  o["autoCreated"] = text(a.auto_created);
  o["paused"] = "false";
  o["messageCount"] = text(message_count);
  o["addressSize"] = text(a.size_bytes);
  return o;
}

nlohmann::json list_view(std::vector<nlohmann::json> items, const std::string& options,
                         std::int64_t page, std::int64_t page_size,
                         const std::vector<std::string>& numeric) {
  nlohmann::json o;
  if (options.find_first_not_of(" \t\r\n") != std::string::npos) {
    o = nlohmann::json::parse(options, nullptr, false);
    if (o.is_discarded() || !o.is_object())
      throw OperationError(fmt::format("the options are no JSON object: {}", options));
  }
  const std::string field = o.is_object() ? string_of(o, "field") : "";
  const std::string op = o.is_object() ? string_of(o, "operation") : "";
  const std::string value = o.is_object() ? string_of(o, "value") : "";
  static const std::vector<std::string> ops{"CONTAINS",   "NOT_CONTAINS", "EQUALS",
                                            "NOT_EQUALS", "GREATER_THAN", "LESS_THAN"};
  if (!op.empty() && std::find(ops.begin(), ops.end(), op) == ops.end())
    throw OperationError(fmt::format("No operation {} (operations: {})", op,
                                     fmt::format("{}", fmt::join(ops, ", "))));
  if (!field.empty() && !items.empty()) {
    const auto key = resolve_field(items.front(), field);
    const bool is_number = std::find(numeric.begin(), numeric.end(), key) != numeric.end();
    std::erase_if(items, [&](const nlohmann::json& item) {
      return !keep(value_text(item, key), op, value, is_number);
    });
  }
  std::string sort_field = o.is_object() ? string_of(o, "sortColumn") : "";
  if (sort_field.empty() && o.is_object()) sort_field = string_of(o, "sortField");
  const std::string order = o.is_object() ? lower(string_of(o, "sortOrder")) : "";
  if (sort_field.empty() || order.empty()) sort_field = "name";
  if (!items.empty() && items.front().contains(sort_field)) {
    const bool is_number = std::find(numeric.begin(), numeric.end(), sort_field) != numeric.end();
    auto less = [&](const nlohmann::json& a, const nlohmann::json& b) {
      const auto x = value_text(a, sort_field), y = value_text(b, sort_field);
      if (is_number) return number(x).value_or(0) < number(y).value_or(0);
      return x < y;
    };
    std::stable_sort(items.begin(), items.end(), [&](const auto& a, const auto& b) {
      return order == "desc" ? less(b, a) : less(a, b);
    });
  }
  const auto count = static_cast<std::int64_t>(items.size());
  nlohmann::json data = nlohmann::json::array();
  std::int64_t first = 0, last = count;
  if (page > 0 && page_size > 0) {
    first = std::min(count, (page - 1) * page_size);
    last = std::min(count, page * page_size);
  }
  for (auto i = first; i < last; ++i) data.push_back(std::move(items[static_cast<std::size_t>(i)]));
  return {{"data", std::move(data)}, {"count", count}};
}

std::string queue_text(const core::Queue& q) {
  const auto& d = q.definition();
  std::string s = fmt::format("Queue [name={}, address={}, routingType={}", q.name(), q.address(),
                              config::to_string(d.routing_type));
  if (d.filter) s += fmt::format(", filter={}", d.filter->text());
  s += fmt::format(", durable={}", q.durable());
  if (d.max_consumers != -1) s += fmt::format(", maxConsumers={}", d.max_consumers);
  s += fmt::format(
      ", purgeOnNoConsumers={}, autoCreateAddress={}, exclusive=false, "
      "lastValue=false, lastValueKey=null, nonDestructive=false, "
      "consumersBeforeDispatch=0, delayBeforeDispatch=-1, autoCreateAddress={}]",
      d.purge_on_no_consumers, d.auto_created, d.auto_created);
  return s;
}

std::string address_text(const core::Address& a) {
  return fmt::format("Address [name={}, routingTypes={{{}}}, autoCreated={}]", a.name,
                     fmt::join(routing_type_names(a), ","), a.auto_created);
}

}  // namespace artemis::management
