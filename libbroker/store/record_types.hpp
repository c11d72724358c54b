#pragma once
// Every journal record type the broker writes, in one place. The journal treats these bytes as
// opaque user types; the store gives them meaning (encodings.hpp). Values are ours, not
// Artemis's: we keep its record kinds, not its bytes. Never reuse a retired value.
//
// Bindings journal (<bindings-directory>/activemq-bindings-<n>.bindings):
//   address_binding   add, id = address id              AddressRecord
//   queue_binding     add, id = queue id                QueueRecord
//   id_counter        add, then updates; one record     IdCounterRecord (highest id reserved)
// Message journal (<journal-directory>/activemq-data-<n>.amq):
//   message           add, id = message id              MessageRecord
//   large_message     add, id = message id              MessageRecord without its body, whose
//                                                      bytes are in large-messages/<id>.msg
//   add_ref           update of the message record      RefRecord (the message is on queue X)
//   ack_ref           update of the message record      RefRecord (acknowledged on queue X)
//   delivery_count    update of the message record      DeliveryCountRecord
//   duplicate_id      add, id = its own id              DuplicateIdRecord
//   page_cursor_ack   add, id = its own id              PageCursorRecord (cursor_records.hpp)
//   page_cursor_complete add, id = its own id           PageCursorRecord
//   page_transaction  add (in a transaction), own id   PageTransactionRecord
// A message record is deleted once every ref it had is acknowledged.
#include <cstdint>
#include <string_view>

namespace artemis::store::record {

// Bindings journal.
inline constexpr std::uint8_t address_binding = 1;
inline constexpr std::uint8_t queue_binding = 2;
inline constexpr std::uint8_t id_counter = 3;

// Message journal.
inline constexpr std::uint8_t message = 20;
inline constexpr std::uint8_t add_ref = 21;
inline constexpr std::uint8_t ack_ref = 22;
inline constexpr std::uint8_t delivery_count = 23;
inline constexpr std::uint8_t duplicate_id = 24;
inline constexpr std::uint8_t page_cursor_ack = 25;
inline constexpr std::uint8_t page_cursor_complete = 26;
inline constexpr std::uint8_t page_transaction = 27;
inline constexpr std::uint8_t large_message = 28;

// Layout version written as the first byte of every record body (encodings.hpp). Only the
// message record has a v2 (typed properties, every body kind) and a v3 (the properties as
// their packed buffer); v1 and v2 messages still decode.
inline constexpr std::uint8_t layout_v1 = 1;
inline constexpr std::uint8_t layout_v2 = 2;
inline constexpr std::uint8_t layout_v3 = 3;

std::string_view name(std::uint8_t type);

}  // namespace artemis::store::record
