#pragma once
// Every AMQ-coded log line of the server layer, declared once (STYLE.md §10). Ids and the shape
// of the texts follow Artemis (reference/cli.md §3.2) so people who know it recognise them.
#include <array>

#include "util/log.hpp"

namespace artemis::server::log_codes {

inline constexpr std::string_view server_logger = "org.apache.activemq.artemis.core.server";
inline constexpr std::string_view bootstrap_logger = "org.apache.activemq.artemis.integration.bootstrap";

inline constexpr util::LogCode starting_server{
    101000, util::Level::info, bootstrap_logger, "Starting ActiveMQ Artemis Server version {}"};
inline constexpr util::LogCode broker_starting{
    221000, util::Level::info, server_logger,
    "{} Message Broker is starting with configuration Broker Configuration (clustered={},"
    "journalDirectory={},bindingsDirectory={},largeMessagesDirectory={},pagingDirectory={})"};
inline constexpr util::LogCode using_nio_journal{221013, util::Level::info, server_logger,
                                                 "Using NIO Journal"};
inline constexpr util::LogCode aio_fallback{
    222018, util::Level::warn, server_logger,
    "AIO was not located on this platform, it will fall back to using NIO with fdatasync"};
inline constexpr util::LogCode protocol_module_found{
    221043, util::Level::info, server_logger,
    "Protocol module found: [{}]. Adding protocol support for: {}"};
inline constexpr util::LogCode acceptor_started{
    221020, util::Level::info, server_logger, "Started {} Acceptor at {}:{} for protocols [{}]"};
inline constexpr util::LogCode server_active{221007, util::Level::info, server_logger,
                                             "Server is now active"};
inline constexpr util::LogCode server_started{
    221001, util::Level::info, server_logger,
    "Apache ActiveMQ Artemis Message Broker version {} [{}, nodeID={}] "};
inline constexpr util::LogCode server_stopped{
    221002, util::Level::info, server_logger,
    "Apache ActiveMQ Artemis Message Broker version {} [{}] stopped, uptime {}"};
// A journal write or sync failed (Artemis: ActiveMQServerImpl's IOCriticalErrorListener). The
// same id as the node manager's lost-lock line (ha/log_codes.hpp): one event in Artemis.
inline constexpr util::LogCode critical_io_error{
    222010, util::Level::warn, server_logger, "Critical IO Error, shutting down the server. {}"};
// configuration-file-refresh-period found broker.xml changed (Artemis: "security",
// "address settings", ...).
inline constexpr util::LogCode reloading_configuration{221056, util::Level::info, server_logger,
                                                       "Reloading configuration: {}"};
// server/DiskMonitor (Artemis: ActiveMQServerImpl's disk usage monitor).
inline constexpr util::LogCode max_disk_usage_reached{
    222210, util::Level::warn, server_logger,
    "Free storage space is at {} of {} total. Usage rate is {} which is beyond the configured "
    "<max-disk-usage>. System will start blocking producers."};
inline constexpr util::LogCode max_disk_usage_restored{
    222211, util::Level::info, server_logger,
    "Free storage space is at {} of {} total. Usage rate is {} which is below the configured "
    "<max-disk-usage>. System will unblock producers."};
// The same monitor with <min-disk-free> set: it replaces max-disk-usage (Artemis's
// FileStoreMonitor checks one or the other), and both lines of this pair are WARN in Artemis.
inline constexpr util::LogCode min_disk_free_reached{
    224128, util::Level::warn, server_logger,
    "Free storage space is at {} which is below the configured <min-disk-free>. System will "
    "start blocking producers."};
inline constexpr util::LogCode min_disk_free_restored{
    224129, util::Level::warn, server_logger,
    "Free storage space is at {} which is above the configured <min-disk-free>. System will "
    "unblock producers."};
inline constexpr util::LogCode config_param_override{
    224130, util::Level::info, server_logger,
    "The {} value {} will override the {} value {} since both are set."};
// The web endpoint (bootstrap.xml <web>), as Artemis's web server words it.
inline constexpr std::string_view web_logger = "org.apache.activemq.artemis";
inline constexpr util::LogCode http_server_started{241001, util::Level::info, web_logger,
                                                   "HTTP Server started at {}"};
inline constexpr std::array all{&starting_server,         &broker_starting,
                                &using_nio_journal,       &aio_fallback,
                                &protocol_module_found,   &acceptor_started,
                                &server_active,           &server_started,
                                &server_stopped,          &critical_io_error,
                                &reloading_configuration, &max_disk_usage_reached,
                                &max_disk_usage_restored, &min_disk_free_reached,
                                &min_disk_free_restored,  &config_param_override,
                                &http_server_started};

}  // namespace artemis::server::log_codes
