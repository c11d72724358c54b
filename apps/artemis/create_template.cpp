// Ordered token replacement for `artemis create`; see create_template.hpp.
#include "create_template.hpp"

#include <stdexcept>

#include "templates.hpp"

namespace artemis::cli {

std::string replace_all(std::string_view text, std::string_view from, std::string_view to) {
  if (from.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (true) {
    std::size_t hit = text.find(from, pos);
    if (hit == std::string_view::npos) break;
    out.append(text.substr(pos, hit - pos));
    out.append(to);
    pos = hit + from.size();
  }
  out.append(text.substr(pos));
  return out;
}

void Placeholders::set_token(std::string_view token, std::string value) {
  for (auto& [existing, v] : entries_) {
    if (existing == token) {
      v = std::move(value);
      return;
    }
  }
  entries_.emplace_back(std::string(token), std::move(value));
}

void Placeholders::set(std::string_view key, std::string value) {
  set_token("${" + std::string(key) + "}", std::move(value));
}

void Placeholders::set_snippet(std::string_view key, std::string_view path) {
  set(key, render(template_text(path)));
}

std::string Placeholders::render(std::string_view text) const {
  std::string out(text);
  for (const auto& [token, value] : entries_) {
    if (out.find(token) != std::string::npos) out = replace_all(out, token, value);
  }
  return out;
}

const std::string* Placeholders::find(std::string_view key) const {
  std::string token = "${" + std::string(key) + "}";
  for (const auto& [existing, value] : entries_)
    if (existing == token) return &value;
  return nullptr;
}

std::string_view template_text(std::string_view path) {
  auto text = templates::find(path);
  if (text.empty())
    throw std::runtime_error("template '" + std::string(path) + "' is not built into this binary");
  return text;
}

}  // namespace artemis::cli
