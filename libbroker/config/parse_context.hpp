#pragma once
// ParseContext: what every broker.xml section parser shares while one file is loaded — line
// numbers from pugixml offsets, ${} substitution, typed value readers that record a Diagnostic
// instead of guessing, and the error/warning lists. Used on the loading thread only.
#include <pugixml.hpp>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/loader.hpp"

namespace artemis::config {

// Element names are matched without their namespace prefix: <core xmlns="urn:activemq:core">
// and <c:core xmlns:c="..."> read the same.
std::string_view local_name(pugi::xml_node n);
std::string tag(pugi::xml_node n);  // "<journal-file-size>", for messages

struct Bounds {
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
  // Sizes and limits where -1 means "unlimited"/"disabled" though min is above it.
  bool allow_minus_one = false;
};
inline constexpr Bounds non_negative{0};
inline constexpr Bounds positive{1};
inline constexpr Bounds minus_one_or_more{-1};
inline constexpr Bounds int32_non_negative{0, std::numeric_limits<std::int32_t>::max()};

class ParseContext {
 public:
  ParseContext(std::filesystem::path file, std::string_view document, Environment env,
               LoadResult& out);

  const std::filesystem::path& file() const { return file_; }
  int line_of(pugi::xml_node n) const;
  int line_at_offset(std::ptrdiff_t offset) const;

  void error(pugi::xml_node at, errc code, std::string message);
  void warning(pugi::xml_node at, errc code, std::string message);
  void error_at_line(int line, errc code, std::string message);
  void warning_at_line(int line, errc code, std::string message);
  // "<foo> is not a known element of <core>; ignored" (with a did-you-mean when one is close).
  void unknown_child(pugi::xml_node child, pugi::xml_node parent,
                     const std::vector<std::string_view>& known = {});

  // The element's text after ${} substitution, trimmed; nullopt after recording an error.
  std::optional<std::string> text(pugi::xml_node n);
  // An attribute after substitution; nullopt when absent (silently) or on error (recorded).
  std::optional<std::string> attribute(pugi::xml_node n, const char* name);
  // As attribute(), but absence is an error: "<acceptor> needs a name="..." attribute (e.g. ...)".
  std::optional<std::string> required_attribute(pugi::xml_node n, const char* name,
                                                std::string_view example);

  std::optional<bool> boolean(pugi::xml_node n);
  std::optional<std::int64_t> integer(pugi::xml_node n, Bounds b = {});
  std::optional<int> int32(pugi::xml_node n, Bounds b = {});
  std::optional<std::int64_t> byte_size(pugi::xml_node n, Bounds b = non_negative);
  std::optional<double> decimal(pugi::xml_node n, double min = 0.0);

  // Value readers for text that came from somewhere else (attribute, URL parameter).
  std::optional<bool> boolean_value(pugi::xml_node at, std::string_view what, std::string_view v);
  std::optional<std::int64_t> integer_value(pugi::xml_node at, std::string_view what,
                                            std::string_view v, Bounds b = {});

  // One of `choices` (case-insensitive), e.g. ASYNCIO|NIO|MAPPED.
  template <class E>
  std::optional<E> choice(pugi::xml_node n,
                          std::initializer_list<std::pair<std::string_view, E>> choices) {
    const auto v = text(n);
    if (!v) return std::nullopt;
    std::string names;
    for (const auto& [name, value] : choices) {
      if (iequal(*v, name)) return value;
      names += names.empty() ? std::string(name) : ", " + std::string(name);
    }
    error(n, errc::invalid_value, tag(n) + ": '" + *v + "' is not one of " + names);
    return std::nullopt;
  }

 private:
  static bool iequal(std::string_view a, std::string_view b);
  std::optional<std::string> subst(pugi::xml_node at, std::string_view what, std::string_view raw);
  std::optional<std::int64_t> check_bounds(pugi::xml_node at, std::string_view what,
                                           std::string_view raw, std::int64_t v, Bounds b);

  std::filesystem::path file_;
  std::vector<std::size_t> line_starts_;  // offset of the first byte of each line
  Environment env_;
  LoadResult& out_;
};

// Assigns `v` to `dst` when it holds a value (so a bad value leaves the default in place).
template <class T, class U>
void set(T& dst, const std::optional<U>& v) {
  if (v) dst = static_cast<T>(*v);
}
template <class T, class U>
void set(std::optional<T>& dst, const std::optional<U>& v) {
  if (v) dst = static_cast<T>(*v);
}

// Section parsers (one file each); each reads one element of <core> into the config.
void parse_core_option(ParseContext& p, pugi::xml_node n, BrokerConfig& c);  // scalar table
void parse_transports(ParseContext& p, pugi::xml_node list, std::string_view item,
                      std::vector<TransportConfig>& out);
void parse_cluster_connections(ParseContext& p, pugi::xml_node list, BrokerConfig& c);
void parse_ha_policy(ParseContext& p, pugi::xml_node n, HaPolicyConfig& ha);
void parse_security_settings(ParseContext& p, pugi::xml_node list, BrokerConfig& c);
void parse_resource_limits(ParseContext& p, pugi::xml_node list, BrokerConfig& c);
void parse_address_settings(ParseContext& p, pugi::xml_node list, BrokerConfig& c);
void parse_addresses(ParseContext& p, pugi::xml_node list, BrokerConfig& c);
void parse_wildcards(ParseContext& p, pugi::xml_node n, WildcardConfig& w);
// Masked passwords replaced by their plain text (masked_passwords.cpp), once <core> was read.
void resolve_masked_passwords(ParseContext& p, pugi::xml_node core, BrokerConfig& c,
                              const Environment& env);
// Cross-field rules, run once after everything was read (and paths resolved).
void validate(ParseContext& p, const BrokerConfig& c);

}  // namespace artemis::config
