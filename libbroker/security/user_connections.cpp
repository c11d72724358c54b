#include "security/user_connections.hpp"

namespace artemis::security {

namespace {

// The user's own setting, else the "#" one, else none.
const config::ResourceLimitSetting* setting_of(const std::vector<config::ResourceLimitSetting>& all,
                                               const std::string& user) {
  const config::ResourceLimitSetting* any = nullptr;
  for (const auto& l : all) {
    if (l.match == user) return &l;
    if (l.match == "#") any = &l;
  }
  return any;
}

}  // namespace

int UserConnections::limit_of(const std::string& user) const {
  const auto* s = setting_of(limits_, user);
  return s != nullptr ? s->max_connections : -1;
}

int UserConnections::max_queues_of(const std::string& user) const {
  const auto* s = setting_of(limits_, user);
  return s != nullptr ? s->max_queues : -1;
}

bool UserConnections::acquire(const std::string& user) {
  const int limit = limit_of(user);
  int& n = held_[user];
  if (limit >= 0 && n >= limit) {
    if (n == 0) held_.erase(user);
    return false;
  }
  ++n;
  return true;
}

void UserConnections::release(const std::string& user) {
  auto it = held_.find(user);
  if (it == held_.end()) return;
  if (--it->second <= 0) held_.erase(it);
}

int UserConnections::held(const std::string& user) const {
  auto it = held_.find(user);
  return it == held_.end() ? 0 : it->second;
}

}  // namespace artemis::security
