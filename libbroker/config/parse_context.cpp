#include "config/parse_context.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <cstdlib>

#include "config/substitute.hpp"
#include "util/strings.hpp"

namespace artemis::config {

std::string_view local_name(pugi::xml_node n) {
  std::string_view name = n.name();
  if (const auto colon = name.find(':'); colon != std::string_view::npos)
    name.remove_prefix(colon + 1);
  return name;
}

std::string tag(pugi::xml_node n) { return fmt::format("<{}>", local_name(n)); }

namespace {

// Digits and a known unit whose value does not fit in 64 bits ("99999999999G"): worth a "too
// large" rather than "not a size", which would send the reader looking for a typo. Negative
// when the digits carry a minus sign.
int size_overflow_sign(std::string_view v) {
  v = util::trim(v);
  const bool negative = !v.empty() && v.front() == '-';
  const std::size_t from = !v.empty() && (v.front() == '-' || v.front() == '+') ? 1 : 0;
  std::size_t i = from;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
  if (i == from || !util::parse_byte_size("1" + std::string(v.substr(i)))) return 0;
  return negative ? -1 : 1;
}

// Levenshtein distance, capped: only used to suggest a close known name for a typo.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

ParseContext::ParseContext(std::filesystem::path file, std::string_view document, Environment env,
                           LoadResult& out)
    : file_(std::move(file)), env_(std::move(env)), out_(out) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < document.size(); ++i)
    if (document[i] == '\n') line_starts_.push_back(i + 1);
}

int ParseContext::line_at_offset(std::ptrdiff_t offset) const {
  if (offset < 0) return 0;
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(),
                                   static_cast<std::size_t>(offset));
  return static_cast<int>(it - line_starts_.begin());
}

int ParseContext::line_of(pugi::xml_node n) const { return line_at_offset(n.offset_debug()); }

void ParseContext::error(pugi::xml_node at, errc code, std::string message) {
  error_at_line(line_of(at), code, std::move(message));
}
void ParseContext::warning(pugi::xml_node at, errc code, std::string message) {
  warning_at_line(line_of(at), code, std::move(message));
}
void ParseContext::error_at_line(int line, errc code, std::string message) {
  out_.errors.push_back(Diagnostic{file_, line, std::move(message), code});
}
void ParseContext::warning_at_line(int line, errc code, std::string message) {
  out_.warnings.push_back(Diagnostic{file_, line, std::move(message), code});
}

void ParseContext::unknown_child(pugi::xml_node child, pugi::xml_node parent,
                                 const std::vector<std::string_view>& known) {
  const auto name = local_name(child);
  std::string_view best;
  std::size_t best_distance = 3;  // suggest only close names
  for (auto k : known) {
    const auto d = edit_distance(name, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  std::string msg = fmt::format("{} is not a known element of {}; ignored", tag(child), tag(parent));
  if (!best.empty()) msg += fmt::format(" (did you mean <{}>?)", best);
  warning(child, errc::unsupported, std::move(msg));
}

bool ParseContext::iequal(std::string_view a, std::string_view b) { return util::iequals(a, b); }

std::optional<std::string> ParseContext::subst(pugi::xml_node at, std::string_view what,
                                               std::string_view raw) {
  auto s = substitute(raw, env_);
  if (!s.ok()) {
    error(at, errc::unresolved_variable, fmt::format("{}: {}", what, s.error));
    return std::nullopt;
  }
  return std::string(util::trim(s.text));
}

std::optional<std::string> ParseContext::text(pugi::xml_node n) {
  return subst(n, tag(n), n.text().get());
}

std::optional<std::string> ParseContext::attribute(pugi::xml_node n, const char* name) {
  const auto a = n.attribute(name);
  if (!a) return std::nullopt;
  return subst(n, fmt::format("{} attribute {}", tag(n), name), a.value());
}

std::optional<std::string> ParseContext::required_attribute(pugi::xml_node n, const char* name,
                                                            std::string_view example) {
  if (!n.attribute(name)) {
    error(n, errc::missing_required,
          fmt::format("{} needs a {}=\"...\" attribute (e.g. {})", tag(n), name, example));
    return std::nullopt;
  }
  auto v = attribute(n, name);
  if (v && v->empty()) {
    error(n, errc::missing_required,
          fmt::format("{} has an empty {} attribute (e.g. {})", tag(n), name, example));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> ParseContext::boolean_value(pugi::xml_node at, std::string_view what,
                                                std::string_view v) {
  if (auto b = util::parse_bool(v)) return b;
  error(at, errc::invalid_value, fmt::format("{}: '{}' is not true or false", what, v));
  return std::nullopt;
}

std::optional<bool> ParseContext::boolean(pugi::xml_node n) {
  const auto v = text(n);
  if (!v) return std::nullopt;
  return boolean_value(n, tag(n), *v);
}

std::optional<std::int64_t> ParseContext::check_bounds(pugi::xml_node at, std::string_view what,
                                                       std::string_view raw, std::int64_t v,
                                                       Bounds b) {
  if (b.allow_minus_one && v == -1) return v;
  if (v < b.min) {
    error(at, errc::out_of_range,
          fmt::format("{}: '{}' is too small (at least {}{})", what, raw, b.min,
                      b.allow_minus_one ? ", or -1 for no limit" : ""));
    return std::nullopt;
  }
  if (v > b.max) {
    error(at, errc::out_of_range, fmt::format("{}: '{}' is too large (at most {})", what, raw, b.max));
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> ParseContext::integer_value(pugi::xml_node at, std::string_view what,
                                                        std::string_view v, Bounds b) {
  const auto i = util::parse_int(v);
  if (!i) {
    error(at, errc::invalid_value, fmt::format("{}: '{}' is not a whole number (e.g. {})", what, v,
                                               b.min > 0 ? b.min : 0));
    return std::nullopt;
  }
  return check_bounds(at, what, v, *i, b);
}

std::optional<std::int64_t> ParseContext::integer(pugi::xml_node n, Bounds b) {
  const auto v = text(n);
  if (!v) return std::nullopt;
  return integer_value(n, tag(n), *v, b);
}

std::optional<int> ParseContext::int32(pugi::xml_node n, Bounds b) {
  b.min = std::max<std::int64_t>(b.min, std::numeric_limits<std::int32_t>::min());
  b.max = std::min<std::int64_t>(b.max, std::numeric_limits<std::int32_t>::max());
  const auto v = integer(n, b);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

std::optional<std::int64_t> ParseContext::byte_size(pugi::xml_node n, Bounds b) {
  const auto v = text(n);
  if (!v) return std::nullopt;
  const auto size = util::parse_byte_size(*v);
  if (!size) {
    const int overflow = size_overflow_sign(*v);
    constexpr auto kLowest = std::numeric_limits<std::int64_t>::min();
    if (overflow < 0) return check_bounds(n, tag(n), *v, kLowest, b);
    if (overflow > 0) {
      error(n, errc::out_of_range,
            fmt::format("{}: '{}' is too large (at most {})", tag(n), *v, b.max));
    } else {
      error(n, errc::invalid_value,
            fmt::format("{}: '{}' is not a size (e.g. 10M, 512K or 1048576)", tag(n), *v));
    }
    return std::nullopt;
  }
  return check_bounds(n, tag(n), *v, *size, b);
}

std::optional<double> ParseContext::decimal(pugi::xml_node n, double min) {
  const auto v = text(n);
  if (!v) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(v->c_str(), &end);
  if (v->empty() || end != v->c_str() + v->size() || !std::isfinite(d)) {
    error(n, errc::invalid_value, fmt::format("{}: '{}' is not a number (e.g. 1.5)", tag(n), *v));
    return std::nullopt;
  }
  if (d < min) {
    error(n, errc::out_of_range, fmt::format("{}: '{}' is too small (at least {})", tag(n), *v, min));
    return std::nullopt;
  }
  return d;
}

}  // namespace artemis::config
