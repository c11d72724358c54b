// Interactive questions of `artemis create`; runs on the main thread before any file is written.
#include "create_prompt.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <stdexcept>

#include "util/strings.hpp"

namespace artemis::cli {
namespace {

// Turns terminal echo off for its lifetime (password entry); restores it even on exceptions.
class EchoOff {
 public:
  EchoOff() {
    if (::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;
  bool active() const { return active_; }

 private:
  termios saved_{};
  bool active_ = false;
};

// A question is re-asked after an empty answer, but not forever.
constexpr int kMaxAttempts = 20;

}  // namespace

Prompter::Prompter(Interactive interactive, std::istream& in, std::ostream& out)
    : interactive_(interactive), in_(in), out_(out) {}

bool Prompter::stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }

std::string Prompter::read_answer(std::string_view option, bool hide) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    std::string line;
    bool ok;
    if (hide && &in_ == &std::cin && stdin_is_terminal()) {
      EchoOff quiet;
      ok = static_cast<bool>(std::getline(in_, line));
      if (quiet.active()) out_ << "\n";
    } else {
      ok = static_cast<bool>(std::getline(in_, line));
    }
    if (!ok)
      throw std::runtime_error("No input for " + std::string(option) +
                               "; give it on the command line or use --silent");
    std::string answer(util::trim(line));
    if (!answer.empty()) return answer;
    out_ << "Invalid Entry!\n";
    out_.flush();
  }
  throw std::runtime_error("No valid input for " + std::string(option));
}

std::string Prompter::input(std::string_view option, std::string_view question,
                            std::string_view silent_default) {
  if (!interactive()) return std::string(silent_default);
  out_ << "\n" << option << ":\n" << question << "\n";
  out_.flush();
  return read_answer(option, false);
}

std::string Prompter::password(std::string_view option, std::string_view question,
                               std::string_view silent_default) {
  if (!interactive()) return std::string(silent_default);
  out_ << "\n" << option << ": is mandatory with this configuration:\n" << question << "\n";
  out_.flush();
  return read_answer(option, true);
}

bool Prompter::confirm(std::string_view option, std::string_view question, bool silent_default) {
  if (!interactive()) return silent_default;
  out_ << "\n" << option << ":\n" << question << ", valid values are Y, N, True, False\n";
  out_.flush();
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    std::string answer = util::to_upper(read_answer(option, false));
    if (answer == "Y" || answer == "TRUE") return true;
    if (answer == "N" || answer == "FALSE") return false;
    out_ << "Invalid Entry!\n";
    out_.flush();
  }
  throw std::runtime_error("No valid input for " + std::string(option));
}

}  // namespace artemis::cli
