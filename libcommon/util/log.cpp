#include "util/log.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace artemis::util {

std::string_view to_string(Level level) {
  switch (level) {
    case Level::trace: return "TRACE";
    case Level::debug: return "DEBUG";
    case Level::info: return "INFO";
    case Level::warn: return "WARN";
    case Level::error: return "ERROR";
  }
  return "?";
}

Logger::Logger(std::FILE* out, Level min_level) : out_(out), min_level_(min_level) {}

Logger::~Logger() {
  if (file_ != nullptr) std::fclose(file_);
}

bool Logger::add_file(const std::string& path) {
  std::lock_guard lock(mutex_);
  if (file_ != nullptr) std::fclose(file_);
  file_ = std::fopen(path.c_str(), "a");
  return file_ != nullptr;
}

void Logger::keep_recent(std::size_t lines) {
  std::lock_guard lock(mutex_);
  keep_ = lines;
  while (recent_.size() > keep_) recent_.pop_front();
}

std::vector<std::string> Logger::recent(std::size_t max) const {
  std::lock_guard lock(mutex_);
  const auto n = std::min(max, recent_.size());
  return {recent_.end() - static_cast<std::ptrdiff_t>(n), recent_.end()};
}

std::string log_timestamp() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto t = system_clock::to_time_t(now);
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  localtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
  return fmt::format("{},{:03}", stamp, ms);
}

void Logger::write(Level level, std::string_view logger, std::string_view message) const {
  const std::string line =
      fmt::format("{} {:<5} [{}] {}\n", log_timestamp(), to_string(level), logger, message);
  std::lock_guard lock(mutex_);
  if (out_ != nullptr) {
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fflush(out_);
  }
  if (file_ != nullptr) {
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fflush(file_);
  }
  if (keep_ > 0) {
    if (recent_.size() == keep_) recent_.pop_front();
    recent_.emplace_back(line, 0, line.size() - 1);  // without the newline
  }
}

}  // namespace artemis::util
