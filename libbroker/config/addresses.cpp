// <addresses> (addressing-protocols.md §1.3) and <wildcard-addresses> (§1.8).
//   <address name="orders"><anycast><queue name="orders" max-consumers="1"/></anycast></address>
// An empty <multicast/> declares the routing type without queues.
#include <fmt/core.h>

#include "config/parse_context.hpp"

namespace artemis::config {
namespace {

void read_queue_attributes(ParseContext& p, pugi::xml_node n, QueueConfig& q) {
  for (auto a : n.attributes()) {
    const std::string_view name = a.name();
    if (name == "name") continue;
    if (name == "max-consumers") {
      if (auto v = p.attribute(n, "max-consumers"))
        set(q.max_consumers,
            p.integer_value(n, "<queue> attribute max-consumers", *v,
                            {-1, std::numeric_limits<std::int32_t>::max()}));
    } else if (name == "purge-on-no-consumers") {
      if (auto v = p.attribute(n, "purge-on-no-consumers"))
        set(q.purge_on_no_consumers,
            p.boolean_value(n, "<queue> attribute purge-on-no-consumers", *v));
    } else if (name == "exclusive" || name == "group-rebalance" ||
               name == "group-rebalance-pause-dispatch" || name == "group-buckets" ||
               name == "group-first-key" || name == "last-value" || name == "last-value-key" ||
               name == "non-destructive" || name == "consumers-before-dispatch" ||
               name == "delay-before-dispatch" || name == "ring-size" || name == "enabled") {
      p.warning(n, errc::unsupported,
                fmt::format("<queue name=\"{}\"> attribute {} is not supported by this broker yet; "
                            "ignored",
                            q.name, name));
    } else {
      p.warning(n, errc::unsupported,
                fmt::format("<queue name=\"{}\"> has unknown attribute {}; ignored", q.name, name));
    }
  }
}

void read_queue(ParseContext& p, pugi::xml_node n, RoutingType rt, AddressConfig& addr) {
  QueueConfig q;
  q.line = p.line_of(n);
  q.routing_type = rt;
  const auto name = p.required_attribute(n, "name", "<queue name=\"orders\"/>");
  if (!name) return;
  q.name = *name;
  read_queue_attributes(p, n, q);
  for (auto child : n.children()) {
    if (child.type() != pugi::node_element) continue;
    const auto cn = local_name(child);
    if (cn == "filter") {
      set(q.filter, p.required_attribute(child, "string", "<filter string=\"color='red'\"/>"));
    } else if (cn == "durable") {
      set(q.durable, p.boolean(child));
    } else if (cn == "user") {
      set(q.user, p.text(child));
    } else {
      p.unknown_child(child, n, {"filter", "durable", "user"});
    }
  }
  addr.queues.push_back(std::move(q));
}

}  // namespace

void parse_addresses(ParseContext& p, pugi::xml_node list, BrokerConfig& c) {
  for (auto n : list.children()) {
    if (n.type() != pugi::node_element) continue;
    if (local_name(n) != "address") {
      p.unknown_child(n, list, {"address"});
      continue;
    }
    AddressConfig addr;
    addr.line = p.line_of(n);
    const auto name = p.required_attribute(n, "name", "<address name=\"orders\">");
    if (!name) continue;
    addr.name = *name;
    for (auto block : n.children()) {
      if (block.type() != pugi::node_element) continue;
      const auto bn = local_name(block);
      if (bn != "anycast" && bn != "multicast") {
        p.unknown_child(block, n, {"anycast", "multicast"});
        continue;
      }
      const auto rt = bn == "anycast" ? RoutingType::anycast : RoutingType::multicast;
      (rt == RoutingType::anycast ? addr.anycast : addr.multicast) = true;
      for (auto q : block.children()) {
        if (q.type() != pugi::node_element) continue;
        if (local_name(q) != "queue") p.unknown_child(q, block, {"queue"});
        else read_queue(p, q, rt, addr);
      }
    }
    c.addresses.push_back(std::move(addr));
  }
}

void parse_wildcards(ParseContext& p, pugi::xml_node n, WildcardConfig& w) {
  for (auto child : n.children()) {
    if (child.type() != pugi::node_element) continue;
    const auto name = local_name(child);
    if (name == "routing-enabled") {
      set(w.routing_enabled, p.boolean(child));
      continue;
    }
    char* dst = name == "delimiter"     ? &w.delimiter
                : name == "any-words"   ? &w.any_words
                : name == "single-word" ? &w.single_word
                                        : nullptr;
    if (dst == nullptr) {
      p.unknown_child(child, n, {"routing-enabled", "delimiter", "any-words", "single-word"});
      continue;
    }
    if (auto v = p.text(child)) {
      if (v->size() != 1)
        p.error(child, errc::invalid_value,
                fmt::format("{}: '{}' is not a single character (e.g. {})", tag(child), *v, *dst));
      else
        *dst = (*v)[0];
    }
  }
}

}  // namespace artemis::config
