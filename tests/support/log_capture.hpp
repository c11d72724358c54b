#pragma once
// LogCapture: a util::Logger writing to an anonymous temporary file that the test reads back,
// safe to read while other threads are still logging.
#include <cstdio>
#include <string>
#include <string_view>

#include "util/log.hpp"

namespace artemis::test_support {

class LogCapture {
 public:
  explicit LogCapture(util::Level level = util::Level::debug);
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  const util::Logger& logger() const { return logger_; }
  // Everything logged so far.
  std::string text() const;
  bool contains(std::string_view s) const { return text().find(s) != std::string::npos; }

 private:
  std::FILE* file_;
  util::Logger logger_;
};

}  // namespace artemis::test_support
