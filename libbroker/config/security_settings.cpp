// <security-settings>/<security-setting match="...">/<permission type="send" roles="a, b"/>
// (addressing-protocols.md §4.1). Only the most specific block applies at run time; that
// choice is the security layer's, this file only reads the blocks.
#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "config/parse_context.hpp"
#include "util/strings.hpp"

namespace artemis::config {
namespace {

constexpr std::array<std::string_view, 12> kPermissionTypes{
    "createAddress",         "deleteAddress", "createDurableQueue", "deleteDurableQueue",
    "createNonDurableQueue", "deleteNonDurableQueue", "send", "consume", "browse", "manage",
    "view",                  "edit"};

std::optional<Permission> read_permission(ParseContext& p, pugi::xml_node n) {
  const auto type =
      p.required_attribute(n, "type", "<permission type=\"send\" roles=\"amq\"/>");
  const auto roles = p.attribute(n, "roles");
  if (!type) return std::nullopt;
  if (std::find(kPermissionTypes.begin(), kPermissionTypes.end(), *type) ==
      kPermissionTypes.end()) {
    std::string known;
    for (auto t : kPermissionTypes) known += (known.empty() ? "" : ", ") + std::string(t);
    p.error(n, errc::invalid_value,
            fmt::format("<permission>: type '{}' is not a permission (one of {})", *type, known));
    return std::nullopt;
  }
  if (!roles) {
    p.error(n, errc::missing_required,
            fmt::format("<permission type=\"{}\"> needs a roles=\"...\" attribute (e.g. roles=\"amq\")",
                        *type));
    return std::nullopt;
  }
  Permission perm{*type, {}};
  for (const auto& r : util::split(*roles, ',')) {
    const auto role = util::trim(r);
    if (!role.empty()) perm.roles.emplace_back(role);
  }
  return perm;
}

}  // namespace

void parse_security_settings(ParseContext& p, pugi::xml_node list, BrokerConfig& c) {
  for (auto n : list.children()) {
    if (n.type() != pugi::node_element) continue;
    const auto name = local_name(n);
    if (name == "role-mapping") {
      p.warning(n, errc::unsupported, "<role-mapping> is not supported by this broker yet; ignored");
      continue;
    }
    if (name != "security-setting") {
      p.unknown_child(n, list, {"security-setting", "role-mapping"});
      continue;
    }
    SecuritySetting s;
    s.line = p.line_of(n);
    const auto match = p.required_attribute(n, "match", "<security-setting match=\"#\">");
    if (!match) continue;
    s.match = *match;
    for (auto perm : n.children()) {
      if (perm.type() != pugi::node_element) continue;
      if (local_name(perm) != "permission") {
        p.unknown_child(perm, n, {"permission"});
        continue;
      }
      if (auto pm = read_permission(p, perm)) s.permissions.push_back(std::move(*pm));
    }
    c.security_settings.push_back(std::move(s));
  }
}

}  // namespace artemis::config
