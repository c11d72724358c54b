#pragma once
// ConsoleSessions: the web console's logins. A user who logs in on the console gets a random
// token in a cookie (HttpOnly, SameSite=Strict); each request with it is made with the
// credentials the user logged in with, so the broker checks them, and the permission, again
// every time (a user removed or whose roles changed loses access at once). Tokens expire after
// `idle` without use; at most `capacity` are kept (the least recently used goes first).
// Thread-safe: the HTTP server's workers share it.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace artemis::web {

inline constexpr std::string_view kSessionCookie = "ARTEMIS_CONSOLE";

class ConsoleSessions {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ConsoleSessions(std::chrono::seconds idle = std::chrono::minutes(30),
                           std::size_t capacity = 256)
      : idle_(idle), capacity_(capacity) {}

  // A new token for these credentials.
  std::string open(std::string user, std::string password, Clock::time_point now = Clock::now());
  // The credentials of a live token (and it is used now); nullopt: unknown or expired.
  std::optional<std::pair<std::string, std::string>> find(std::string_view token,
                                                          Clock::time_point now = Clock::now());
  void close(std::string_view token);
  std::size_t size() const;

 private:
  struct Entry {
    std::string user, password;
    Clock::time_point used;
  };
  std::chrono::seconds idle_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

// The value of cookie `name` in a Cookie header ("a=1; b=2"); empty when it is not there.
std::string cookie_value(std::string_view header, std::string_view name);

}  // namespace artemis::web
