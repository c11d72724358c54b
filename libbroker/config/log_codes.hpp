#pragma once
// Log codes the config layer reports (as warnings in LoadResult; the server logs them).
// Ids are Artemis's, so people who know Artemis recognise them; the wording is ours.
#include "util/log.hpp"

namespace artemis::config::log_codes {

inline constexpr std::string_view server_logger = "org.apache.activemq.artemis.core.server";

// <ha-policy><shared-store><master>/<slave>: the pre-2.31 names of <primary>/<backup>.
inline constexpr util::LogCode deprecated_option{
    221038, util::Level::warn, server_logger,
    "configuration option '{}' is deprecated; use '{}' instead (it behaves the same)"};

}  // namespace artemis::config::log_codes
