#include "security/audit_log.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <system_error>

#include "security/properties_file.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

namespace artemis::security {
namespace {

bool at_least_info(std::string level) {
  for (char& c : level) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return level == "INFO" || level == "DEBUG" || level == "TRACE" || level == "ALL";
}

}  // namespace

AuditLevels audit_levels_from(std::string_view text) {
  // logger.<id>.name names the logger; logger.<id>.level sets it (log4j2's properties format).
  std::vector<std::pair<std::string, std::string>> names;   // id, logger name
  std::vector<std::pair<std::string, std::string>> levels;  // id, level
  for (const auto& p : parse_properties(text)) {
    if (!util::starts_with(p.key, "logger.")) continue;
    const std::string_view rest = std::string_view(p.key).substr(7);
    const auto dot = rest.rfind('.');
    if (dot == std::string_view::npos) continue;
    const std::string id(rest.substr(0, dot));
    const std::string_view field = rest.substr(dot + 1);
    if (field == "name") names.emplace_back(id, util::trim(p.value));
    if (field == "level") levels.emplace_back(id, util::trim(p.value));
  }
  AuditLevels out;
  for (const auto& [id, name] : names) {
    bool on = false;
    for (const auto& [lid, level] : levels)
      if (lid == id) on = at_least_info(level);
    if (name == "org.apache.activemq.audit.base") out.base = on;
    if (name == "org.apache.activemq.audit.resource") out.resource = on;
    if (name == "org.apache.activemq.audit.message") out.message = on;
  }
  return out;
}

AuditLog::~AuditLog() {
  if (file_ != nullptr) std::fclose(file_);
}

std::string AuditLog::caller(const Subject* subject, std::string_view remote) {
  std::string out = subject != nullptr ? subject->user : "anonymous";
  if (subject != nullptr) {
    out += '(';
    bool first = true;
    for (const auto& role : subject->roles) {
      if (!first) out += ',';
      out += role;
      first = false;
    }
    out += ')';
  }
  out += '@';
  out += remote.empty() ? std::string_view("unknown") : remote;
  return out;
}

void AuditLog::write(int code, std::string_view text) {
  if (file_ == nullptr) {
    if (open_failed_) return;
    std::error_code ec;
    std::filesystem::create_directories(path_.parent_path(), ec);
    file_ = std::fopen(path_.c_str(), "a");
    if (file_ == nullptr) {
      open_failed_ = true;
      std::cerr << "Cannot write the audit log " << path_.string() << ": " << std::strerror(errno)
                << "\n";
      return;
    }
  }
  const std::string line =
      fmt::format("{} [AUDIT](broker) AMQ{}: {}\n", util::log_timestamp(), code, text);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

void AuditLog::authenticated(const std::string& caller, std::uint64_t connection_id) {
  if (resource())
    write(601715, fmt::format("User {} successfully authenticated on connection {}", caller,
                              connection_id));
}

void AuditLog::authentication_failed(const std::string& caller, std::uint64_t connection_id,
                                     std::string_view reason) {
  if (resource())
    write(601716, fmt::format("User {} failed authentication on connection {}, reason: {}", caller,
                              connection_id, reason));
}

void AuditLog::address_created(const std::string& caller, std::string_view address,
                               std::string_view routing_types) {
  if (resource())
    write(601701, fmt::format("User {} successfully created address: {} with routing types {}",
                              caller, address, routing_types));
}

void AuditLog::queue_created(const std::string& caller, std::string_view queue,
                             std::string_view address, std::string_view routing_type) {
  if (resource())
    write(601707,
          fmt::format("User {} successfully created queue: {} on address: {} with routing type {}",
                      caller, queue, address, routing_type));
}

void AuditLog::queue_deleted(const std::string& caller, std::string_view queue) {
  if (resource())
    write(601711, fmt::format("User {} successfully deleted queue: {}", caller, queue));
}

void AuditLog::security_check_failed(const std::string& caller, std::string_view reason) {
  if (base())
    write(601264, fmt::format("User {} gets security check failure, reason = {}", caller, reason));
}

void AuditLog::message_sent(const std::string& caller, std::string_view message,
                            std::string_view transaction) {
  if (this->message())
    write(601500, fmt::format("User {} sent a message {}, transaction: {}", caller, message,
                              transaction.empty() ? std::string_view("none") : transaction));
}

void AuditLog::message_consumed(const std::string& caller, std::string_view queue,
                                std::string_view message) {
  if (this->message())
    write(601501,
          fmt::format("User {} is consuming a message from {}: {}", caller, queue, message));
}

void AuditLog::message_acknowledged(const std::string& caller, std::string_view queue,
                                    std::string_view message, std::string_view transaction) {
  if (this->message())
    write(601502,
          fmt::format("User {} acknowledged message from {}: {}, transaction: {}", caller, queue,
                      message, transaction.empty() ? std::string_view("none") : transaction));
}

}  // namespace artemis::security
