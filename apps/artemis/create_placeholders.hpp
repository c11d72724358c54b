#pragma once
// Builds the token map that every instance file is rendered with (cli reference §2.5), from the
// options once prompts and defaults are settled. The journal auto-tune keys are added later by
// create_autotune, because Artemis measures the disk between writing the scripts and broker.xml.
#include <filesystem>
#include <iosfwd>
#include <string>

#include "create_options.hpp"
#include "create_template.hpp"
#include "create_web.hpp"

namespace artemis::cli {

// Values settled before the map is built: answers to prompts, canonical paths, the journal type.
struct ResolvedCreate {
  std::filesystem::path instance;  // canonical
  std::filesystem::path etc;       // canonical (absolute --etc or instance/etc)
  std::filesystem::path data;      // canonical (absolute --data or instance/data)
  std::filesystem::path home;      // recorded as ARTEMIS_HOME
  std::filesystem::path binary;    // the executable bin/artemis runs
  JournalType journal = JournalType::nio;
  bool clustered = false;
  bool allow_anonymous = true;
  std::string name;
  std::string host;
  std::string user;
  std::string password;  // as stored: ENC(...) or, if hashing failed, plain
  std::string cluster_user;
  std::string cluster_password;
  WebTls web;
};

// `err` receives "Invalid routing type: X" warnings for --queues/--addresses.
Placeholders build_placeholders(const CreateOptions& o, const ResolvedCreate& r, std::ostream& err);

// "file:" URI of a directory, with a trailing '/' and unsafe characters percent-encoded.
std::string directory_uri(const std::filesystem::path& dir);

}  // namespace artemis::cli
