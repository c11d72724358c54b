#pragma once
// Loading etc/broker.xml: pugixml parse, ${name} / ${name:default} substitution from the
// environment, element -> BrokerConfig, defaults, path resolution, validation.
// Errors are collected (every problem is reported, each as "file:line: what is wrong and what
// would be right"); unknown elements are warnings, never silently ignored.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/broker_config.hpp"
#include "config/errors.hpp"

namespace artemis::config {

struct Diagnostic {
  std::filesystem::path file;
  int line = 0;
  std::string message;
  errc code = errc::invalid_value;  // for warnings: what kind of thing was ignored
  std::string to_string() const;  // "broker.xml:42: <journal-file-size>: 'ten' is not a size (e.g. 10M)"
};

struct LoadResult {
  BrokerConfig config;
  std::vector<Diagnostic> errors;    // non-empty => the config must not be used
  std::vector<Diagnostic> warnings;  // ignored/unknown elements, deprecated names
  bool ok() const { return errors.empty(); }
};

// instance_dir: what relative directories resolve against (Artemis resolves data paths against
// the instance directory, i.e. the parent of etc/).
LoadResult load_broker_xml(const std::filesystem::path& file,
                           const std::filesystem::path& instance_dir);
LoadResult load_broker_xml_string(const std::string& xml, const std::filesystem::path& file_name,
                                  const std::filesystem::path& instance_dir);

// Where ${name} values come from. The default reads the process environment, and also knows
// ${artemis.instance} (the instance directory), which Artemis templates may use.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;
LoadResult load_broker_xml_string(const std::string& xml, const std::filesystem::path& file_name,
                                  const std::filesystem::path& instance_dir, const Environment& env);

}  // namespace artemis::config
