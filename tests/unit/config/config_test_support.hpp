#pragma once
// Shared by the config tests: the default broker.xml `artemis create` writes, the lab's hand
// edits applied to it as text, and a loader call with a fixed (empty) environment.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "config/loader.hpp"

namespace artemis::config::test {

inline std::string read_data(const std::string& name) {
  const auto path = std::filesystem::path(__FILE__).parent_path() / "../../data/config" / name;
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string default_broker_xml() { return read_data("default-broker.xml"); }

inline LoadResult load(const std::string& xml, const std::filesystem::path& instance = "/srv/brokers/master") {
  return load_broker_xml_string(xml, "broker.xml", instance,
                                [](std::string_view) { return std::optional<std::string>{}; });
}

// Replaces the one occurrence of `from` (the test fails if there is none or several).
inline std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE_MESSAGE(pos != std::string::npos, "'" << from << "' not found");
  REQUIRE_MESSAGE(text.find(from, pos + 1) == std::string::npos, "'" << from << "' found twice");
  return text.replace(pos, from.size(), to);
}

// Puts `snippet` just before </core>, as the lab says ("anywhere under the <core> element").
inline std::string insert_in_core(std::string text, const std::string& snippet) {
  return replace_once(std::move(text), "</core>", snippet + "\n   </core>");
}

// Loads and fails the test with every diagnostic printed when there are errors.
inline LoadResult load_ok(const std::string& xml, const std::filesystem::path& instance = "/srv/brokers/master") {
  auto r = load(xml, instance);
  for (const auto& e : r.errors) INFO(e.to_string());
  if (!r.ok()) {
    std::string all;
    for (const auto& e : r.errors) all += e.to_string() + "\n";
    FAIL_CHECK(all);
  }
  return r;
}

}  // namespace artemis::config::test
