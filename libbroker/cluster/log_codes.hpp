#pragma once
// Log lines of the cluster layer, declared once. Ids are Artemis's; the wording is ours.
#include "util/log.hpp"

namespace artemis::cluster::log_codes {

inline constexpr std::string_view server_logger = "org.apache.activemq.artemis.core.server";

inline constexpr util::LogCode backup_announced{221031, util::Level::info, server_logger,
                                                "backup announced to {} as {}"};
inline constexpr util::LogCode announce_failed{222137, util::Level::warn, server_logger,
                                               "Unable to announce backup to {}, retrying: {}"};
inline constexpr util::LogCode no_announce_target{
    224087, util::Level::error, server_logger,
    "Unable to announce backup: cluster-connection '{}' has {}"};

}  // namespace artemis::cluster::log_codes
