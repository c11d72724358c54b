#pragma once
// Every AMQ-coded log line of the core layer, declared once (STYLE.md §10). Texts follow
// Artemis's wording so operators recognise them.
#include <array>

#include "util/log.hpp"

namespace artemis::core::log_codes {

inline constexpr std::string_view server_logger = "org.apache.activemq.artemis.core.server";

inline constexpr util::LogCode deploy_queue{221003, util::Level::info, server_logger,
                                            "Deploying {} queue {} on address {}"};
inline constexpr util::LogCode deploy_address{221080, util::Level::info, server_logger,
                                              "Deploying address {} supporting {}"};
inline constexpr util::LogCode duplicate_message{
    222059, util::Level::warn, server_logger,
    "Duplicate message detected - message will not be routed. Message information: {}"};
inline constexpr util::LogCode no_dead_letter_address{
    222150, util::Level::warn, server_logger,
    "Message {} has exceeded max delivery attempts. No Dead Letter Address configured for "
    "queue {} so dropping it"};
inline constexpr util::LogCode no_expiry_address{
    222146, util::Level::warn, server_logger,
    "Message {} has expired. No bindings for Expiry Address {} so dropping it"};
// `{}` after the address: PostOffice::limits_text, the sizes and limits as Artemis prints them.
inline constexpr util::LogCode address_full_blocking{
    222183, util::Level::warn, server_logger, "Blocking message production on address '{}'; {}"};
inline constexpr util::LogCode address_unblocked{
    221046, util::Level::info, server_logger, "Unblocking message production on address '{}'; {}"};
inline constexpr util::LogCode address_full_dropping{
    222039, util::Level::warn, server_logger,
    "Messages sent to address '{}' are being dropped; {}"};
inline constexpr util::LogCode message_for_missing_queue{
    222043, util::Level::warn, server_logger,
    "Message for queue {} which does not exist. This message will be ignored."};
inline constexpr util::LogCode paging_started{222038, util::Level::warn, server_logger,
                                              "Starting paging on address '{}'; {}"};
inline constexpr util::LogCode paging_stopped{224108, util::Level::info, server_logger,
                                              "Stopped paging on address '{}'; {}"};
// Artemis takes half of the JVM's maximum heap; without a JVM it is a share of the memory.
inline constexpr util::LogCode global_max_size_default{
    221057, util::Level::info, server_logger,
    "Global Max Size is being adjusted to {}% of the memory available to the broker ({} bytes). "
    "being defined as {}"};
// Artemis logs it per address when a send meets a full disk (PagingStoreImpl).
inline constexpr util::LogCode disk_full_blocking{
    222212, util::Level::warn, server_logger,
    "Disk Full! Blocking message production on address '{}'. Clients will report blocked."};

inline constexpr util::LogCode auto_remove_queue{
    224112, util::Level::info, server_logger,
    "Auto removing queue {} with queueID={} on address={}"};
inline constexpr util::LogCode auto_remove_address{224113, util::Level::info, server_logger,
                                                   "Auto removing address {}"};

inline constexpr std::array all{
    &deploy_queue,      &deploy_address,        &duplicate_message,     &no_dead_letter_address,
    &no_expiry_address, &address_full_blocking, &address_unblocked,     &disk_full_blocking,
    &auto_remove_queue, &auto_remove_address,   &address_full_dropping, &global_max_size_default,
    &paging_started,    &paging_stopped};

}  // namespace artemis::core::log_codes
