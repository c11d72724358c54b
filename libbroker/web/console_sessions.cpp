#include "web/console_sessions.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace artemis::web {

std::string ConsoleSessions::open(std::string user, std::string password, Clock::time_point now) {
  std::array<unsigned char, 32> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1)
    throw std::runtime_error("no random bytes for a console session");
  std::string token;
  for (auto b : random) token += fmt::format("{:02x}", b);
  std::lock_guard lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end();)
    it = now - it->second.used > idle_ ? entries_.erase(it) : std::next(it);
  if (entries_.size() >= capacity_)
    entries_.erase(std::min_element(entries_.begin(), entries_.end(), [](auto& a, auto& b) {
      return a.second.used < b.second.used;
    }));
  entries_[token] = {std::move(user), std::move(password), now};
  return token;
}

std::optional<std::pair<std::string, std::string>> ConsoleSessions::find(std::string_view token,
                                                                         Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(token);
  if (it == entries_.end()) return std::nullopt;
  if (now - it->second.used > idle_) {
    entries_.erase(it);
    return std::nullopt;
  }
  it->second.used = now;
  return std::pair{it->second.user, it->second.password};
}

void ConsoleSessions::close(std::string_view token) {
  std::lock_guard lock(mutex_);
  if (const auto it = entries_.find(token); it != entries_.end()) entries_.erase(it);
}

std::size_t ConsoleSessions::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = std::min(header.find(';'), header.size());
    auto pair = header.substr(0, end);
    header.remove_prefix(std::min(end + 1, header.size()));
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name)
      return std::string(pair.substr(eq + 1));
  }
  return {};
}

}  // namespace artemis::web
