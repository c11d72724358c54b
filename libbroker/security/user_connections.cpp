#include "security/user_connections.hpp"

namespace artemis::security {

int UserConnections::limit_of(const std::string& user) const {
  int any = -1;
  for (const auto& l : limits_) {
    if (l.match == user) return l.max_connections;
    if (l.match == "#") any = l.max_connections;
  }
  return any;
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
