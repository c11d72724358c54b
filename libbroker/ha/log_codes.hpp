#pragma once
// Log lines of the ha layer, declared once. Ids are Artemis's (reference/ha.md §3.10) so people
// who know Artemis recognise the transitions; the wording is ours.
#include "util/log.hpp"

namespace artemis::ha::log_codes {

inline constexpr std::string_view server_logger = "org.apache.activemq.artemis.core.server";

inline constexpr util::LogCode waiting_for_primary_lock{
    221006, util::Level::info, server_logger, "Waiting to obtain primary lock"};
inline constexpr util::LogCode waiting_for_primary_lock_for{
    221034, util::Level::info, server_logger, "Waiting {} to obtain primary lock"};
inline constexpr util::LogCode obtained_primary_lock{
    221035, util::Level::info, server_logger, "Primary Server Obtained primary lock"};
inline constexpr util::LogCode waiting_to_become_backup{
    221032, util::Level::info, server_logger, "Waiting to become backup node"};
inline constexpr util::LogCode got_backup_lock{
    221033, util::Level::info, server_logger, "** got backup lock"};
inline constexpr util::LogCode backup_started{
    221109, util::Level::info, server_logger,
    "Apache ActiveMQ Artemis Backup Server version {} [{}] started; waiting for primary to fail "
    "before activating"};
inline constexpr util::LogCode backup_active{
    221010, util::Level::info, server_logger, "Backup Server is now active"};
inline constexpr util::LogCode primary_wants_restart{
    221008, util::Level::info, server_logger,
    "primary server wants to restart, restarting server in backup"};
inline constexpr util::LogCode lost_lock{
    222010, util::Level::warn, server_logger,
    "Critical IO Error, shutting down the server. file={}, message=Lost NodeManager lock ({})"};
inline constexpr util::LogCode init_failure{
    224000, util::Level::error, server_logger, "Failure in initialisation: {}"};
inline constexpr util::LogCode restart_failed{
    222008, util::Level::error, server_logger,
    "unable to restart server, please kill and restart manually: {}"};

}  // namespace artemis::ha::log_codes
