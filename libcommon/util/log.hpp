#pragma once
// Logger: Artemis-style log lines `2025-01-01 10:00:00,123 INFO  [logger] AMQ221007: text`.
// Thread-safe (the journal and HA threads log too); passed by reference, never global.
// Every line with an AMQ code is declared once as a LogCode in its layer's log_codes.hpp.
#include <fmt/core.h>

#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace artemis::util {

enum class Level { trace, debug, info, warn, error };
std::string_view to_string(Level level);

// Now as every log line starts: "2025-01-01 10:00:00,123" (local time).
std::string log_timestamp();

// A catalogued log message: Artemis id (e.g. 221007), level, logger name and fmt pattern.
struct LogCode {
  int id;
  Level level;
  std::string_view logger;
  std::string_view text;
};

class Logger {
 public:
  explicit Logger(std::FILE* out = stdout, Level min_level = Level::info);
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;
  ~Logger();

  // Also append every line to this file (e.g. <instance>/log/artemis.log).
  bool add_file(const std::string& path);
  // Keeps the last `lines` lines written (0: none), for a console's log view.
  void keep_recent(std::size_t lines);
  // The kept lines, oldest first, at most `max` of the newest; any thread.
  std::vector<std::string> recent(std::size_t max) const;
  void set_level(Level level) { min_level_ = level; }
  bool enabled(Level level) const { return level >= min_level_; }

  void write(Level level, std::string_view logger, std::string_view message) const;

  template <class... Args>
  void log(const LogCode& code, Args&&... args) const {
    if (!enabled(code.level)) return;
    write(code.level, code.logger,
          fmt::format("AMQ{}: {}", code.id,
                      fmt::format(fmt::runtime(code.text), std::forward<Args>(args)...)));
  }
  // Lines without an Artemis code (debug traces, our own additions).
  template <class... Args>
  void plain(Level level, std::string_view logger, fmt::format_string<Args...> f,
             Args&&... args) const {
    if (!enabled(level)) return;
    write(level, logger, fmt::format(f, std::forward<Args>(args)...));
  }

 private:
  std::FILE* out_;
  std::FILE* file_ = nullptr;
  Level min_level_;
  std::size_t keep_ = 0;
  mutable std::deque<std::string> recent_;
  mutable std::mutex mutex_;
};

}  // namespace artemis::util
