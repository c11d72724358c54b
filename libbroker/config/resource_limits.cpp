// <resource-limit-settings>/<resource-limit-setting match="user">: <max-connections> and
// <max-queues> of a user (match "#": every user without a setting of its own).
#include "config/parse_context.hpp"

namespace artemis::config {

void parse_resource_limits(ParseContext& p, pugi::xml_node list, BrokerConfig& c) {
  for (auto n : list.children()) {
    if (n.type() != pugi::node_element) continue;
    if (local_name(n) != "resource-limit-setting") {
      p.unknown_child(n, list, {"resource-limit-setting"});
      continue;
    }
    ResourceLimitSetting r;
    r.line = p.line_of(n);
    const auto match =
        p.required_attribute(n, "match", "<resource-limit-setting match=\"myUser\">");
    if (!match) continue;
    r.match = *match;
    for (auto child : n.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto name = local_name(child);
      if (name == "max-connections") {
        if (auto v = p.int32(child, minus_one_or_more)) r.max_connections = *v;
      } else if (name == "max-queues") {
        if (auto v = p.int32(child, minus_one_or_more)) r.max_queues = *v;
      } else {
        p.unknown_child(child, n, {"max-connections", "max-queues"});
      }
    }
    c.resource_limits.push_back(std::move(r));
  }
}

}  // namespace artemis::config
