#pragma once
// The link state AmqpConnection keeps (internal to the AMQP module).
#include <proton/delivery.h>
#include <proton/link.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "core/consumer.hpp"
#include "core/large_upload.hpp"
#include "core/server_session.hpp"
#include "protocol/amqp/connection.hpp"
#include "store/large_message.hpp"

namespace artemis::protocol::amqp {

// The AMQP error condition for a refusal of the core (incoming.cpp).
const char* condition_for(std::error_code ec);

// transactions.cpp. The transactional-state delivery state (AMQP 1.0 §4.5.5).
inline constexpr std::uint64_t kTransactionalState = 0x34;
// The transaction a transfer is part of; empty when none.
std::string transaction_of_transfer(pn_delivery_t* d);
// A consumer's transactional disposition: the transaction and the outcome; false when it
// carries no outcome (yet).
bool transactional_settlement(pn_delivery_t* d, std::string& tx, core::Settlement& how);

// A link the client sends on: the broker is its receiver.
struct AmqpConnection::Incoming {
  pn_link_t* link = nullptr;
  core::Target target;
  // No routing capability on the target: a message's annotations may pick the routing type.
  bool capability = false;
  // No target address: the anonymous relay, each message routed by its `to` (reference §7.2).
  bool anonymous = false;
  std::string temporary_queue;  // a dynamic target's queue, deleted with the link
  bool blocked = false;         // address-full-policy BLOCK: no credit until the address drains
  bool coordinator = false;     // the transaction coordinator: declare and discharge
  // The transfer being received: its bytes are taken from Proton as they arrive, so a message
  // of many frames is buffered once, here, and counted against the connection's limit.
  std::string partial;
  // A large message being received (incoming_large.cpp): the payload of its Data body goes to
  // its file as it arrives; the sections around it are kept here.
  struct Large {
    std::unique_ptr<core::LargeUpload> upload;
    std::string head;                // the sections before the body
    std::uint64_t payload_left = 0;  // of the Data section's payload, still to come
    std::string after;               // what follows the payload: a footer
  };
  std::unique_ptr<Large> large;
  bool whole = false;    // this transfer's body is not one Data section: held whole
  bool waiting = false;  // a large message is being synced: the link's next transfers wait
};

// A link the client receives on: a core consumer.
struct AmqpConnection::Outgoing final : core::ConsumerHandler {
  AmqpConnection* owner = nullptr;
  pn_link_t* link = nullptr;
  std::uint64_t consumer_id = 0;
  core::ServerConsumer* consumer = nullptr;
  bool presettled = false;  // the client asked for settled deliveries (at most once)
  std::optional<std::string> durable_name;  // a durable subscription: removed by a close
  bool global = false;                      // ... named without the container id
  std::string temporary_queue;              // a dynamic source's queue, deleted with the link
  bool browser = false;                     // distribution-mode copy: no consumer
  std::deque<core::MessageRef> browse;      // a browser's snapshot, not sent yet

  // A large message on its way: the body goes from its file to Proton a piece at a time, as
  // the connection drains, and nothing else is delivered on the link meanwhile.
  struct Stream {
    pn_delivery_t* delivery = nullptr;
    core::MessageRef ref;  // holds the body's file
    store::LargeBodyReader reader;
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
    std::string tail;  // what follows the body (a footer)
  };
  std::unique_ptr<Stream> stream;

  bool ready(const core::ServerConsumer&) const override {
    return !owner->closed_ && !stream && owner->conn_.pending_bytes() < kHighWaterBytes;
  }
  void deliver(core::ServerConsumer&, const core::MessageRef& ref) override {
    owner->deliver(*this, ref);
  }
};

}  // namespace artemis::protocol::amqp
