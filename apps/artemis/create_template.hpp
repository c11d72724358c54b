#pragma once
// The templating of `artemis create`: an insertion-ordered map from literal token (`${name}`,
// `@artemis.instance@`) to value. Rendering replaces each token in insertion order with plain
// string replacement (no XML escaping), so a snippet rendered early keeps tokens whose keys come
// later and they are filled in when the whole file is rendered. Tokens with no key (shell
// variables such as ${ARTEMIS_HOME}, log4j2's ${sys:artemis.instance}) are left untouched.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace artemis::cli {

class Placeholders {
 public:
  // Sets `${key}`; a key set again keeps its first position and takes the new value.
  void set(std::string_view key, std::string value);
  // Sets a literal token as is (e.g. "@artemis.instance@").
  void set_token(std::string_view token, std::string value);
  // Renders the embedded template at `path` (e.g. "snippets/amqp-acceptor.txt") with the map
  // as it is now and stores the result under `${key}`.
  void set_snippet(std::string_view key, std::string_view path);

  std::string render(std::string_view text) const;
  const std::string* find(std::string_view key) const;  // value of `${key}`, or null
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;  // token -> value, in order
};

// The embedded file (templates/files/<path>); throws std::runtime_error naming it when absent.
std::string_view template_text(std::string_view path);

// Replaces every occurrence of `from` in `text` by `to`, scanning left to right once.
std::string replace_all(std::string_view text, std::string_view from, std::string_view to);

}  // namespace artemis::cli
