#pragma once
// UserConnections: the connections each user holds against <resource-limit-settings>
// max-connections (the user's own <resource-limit-setting match="user">, else match "#").
// A login past the limit is refused; a closed session gives its place back. The same setting's
// max-queues is answered here too (the queues themselves are counted by the core session).
// Broker thread only.
#include <map>
#include <string>
#include <vector>

#include "config/broker_config.hpp"

namespace artemis::security {

class UserConnections {
 public:
  explicit UserConnections(std::vector<config::ResourceLimitSetting> limits)
      : limits_(std::move(limits)) {}

  // -1: no limit.
  int limit_of(const std::string& user) const;
  int max_queues_of(const std::string& user) const;
  // False, counting nothing, when the user already holds its limit.
  bool acquire(const std::string& user);
  void release(const std::string& user);
  int held(const std::string& user) const;

 private:
  std::vector<config::ResourceLimitSetting> limits_;
  std::map<std::string, int, std::less<>> held_;
};

}  // namespace artemis::security
