#pragma once
// Questions `artemis create` asks when an option was not given. With --silent, or when stdin is
// not a terminal (scripts, CI), nothing is asked and the documented silent default is used, so
// create never hangs waiting for input nobody can type.
#include <iosfwd>
#include <string>
#include <string_view>

namespace artemis::cli {

enum class Interactive { no, yes };

class Prompter {
 public:
  Prompter(Interactive interactive, std::istream& in, std::ostream& out);

  static bool stdin_is_terminal();
  bool interactive() const { return interactive_ == Interactive::yes; }

  // Each prints an empty line, "<option>:" and the question, then reads one non-empty line
  // (re-asking after "Invalid Entry!"). End of input is an error naming the option.
  std::string input(std::string_view option, std::string_view question,
                    std::string_view silent_default);
  // As input(), announced as mandatory and read without echo when stdin is a terminal.
  std::string password(std::string_view option, std::string_view question,
                       std::string_view silent_default);
  // Accepts Y, N, TRUE, FALSE in any case.
  bool confirm(std::string_view option, std::string_view question, bool silent_default);

 private:
  std::string read_answer(std::string_view option, bool hide);

  Interactive interactive_;
  std::istream& in_;
  std::ostream& out_;
};

}  // namespace artemis::cli
