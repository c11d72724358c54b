#pragma once
// Message: one routed message, shared (by pointer) between every queue it reached; the body is
// never copied per queue. Its persisted fields are a store::MessageRecord. Broker thread only.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "config/broker_config.hpp"
#include "core/filter.hpp"
#include "store/encodings.hpp"
#include "store/large_message.hpp"

namespace artemis::core {

using RoutingType = config::RoutingType;

// Reserved property names (reference §5.2).
namespace props {
inline constexpr std::string_view duplicate_id = "_AMQ_DUPL_ID";
inline constexpr std::string_view orig_address = "_AMQ_ORIG_ADDRESS";
inline constexpr std::string_view orig_queue = "_AMQ_ORIG_QUEUE";
inline constexpr std::string_view orig_message_id = "_AMQ_ORIG_MESSAGE_ID";
inline constexpr std::string_view orig_routing_type = "_AMQ_ORIG_ROUTING_TYPE";
inline constexpr std::string_view actual_expiry = "_AMQ_ACTUAL_EXPIRY";
inline constexpr std::string_view group_id = "_AMQ_GROUP_ID";
inline constexpr std::string_view connection_id = "__AMQ_CID";
// Properties named so are the broker's own (the connection id, a protocol's kept sections): no
// protocol shows them to a client as properties or headers.
inline constexpr std::string_view internal_prefix = "__AMQ";
constexpr bool is_internal(std::string_view name) {
  return name.starts_with(internal_prefix);
}
// A protocol's content type (STOMP content-type, AMQP properties content-type).
inline constexpr std::string_view content_type = "_AMQ_CONTENT_TYPE";
}  // namespace props

class MessagePtr;

// How many MessagePtrs hold a message, kept in the message: no control block of its own (a
// std::shared_ptr's costs 16 bytes, and queues hold messages by the hundred thousand). Atomic:
// a journal or page completion that holds a message may be dropped on its writer's thread.
class MessageUses {
 public:
  MessageUses() = default;
  MessageUses(const MessageUses&) {}  // a copy of a message is a new one, held by nobody yet
  MessageUses& operator=(const MessageUses&) { return *this; }

 private:
  friend class MessagePtr;
  std::atomic<std::uint32_t> count_{0};
};

// A large message's body file, boxed: almost no message has one, and a queue holds messages by
// the hundred thousand, so the empty case costs one pointer instead of a shared_ptr's two.
// Reads as the shared_ptr it holds.
class LargeBodyLink {
 public:
  LargeBodyLink() = default;
  LargeBodyLink(const LargeBodyLink& o) { *this = o.get_shared(); }
  LargeBodyLink(LargeBodyLink&&) noexcept = default;
  LargeBodyLink& operator=(const LargeBodyLink& o) {
    if (this != &o) *this = o.get_shared();
    return *this;
  }
  LargeBodyLink& operator=(LargeBodyLink&&) noexcept = default;
  LargeBodyLink& operator=(std::shared_ptr<store::LargeBody> body) {
    if (body.use_count() == 0) {  // owns nothing; an owner of a null pointer is kept
      box_.reset();
    } else if (box_) {
      *box_ = std::move(body);
    } else {
      box_ = std::make_unique<std::shared_ptr<store::LargeBody>>(std::move(body));
    }
    return *this;
  }

  std::shared_ptr<store::LargeBody> get_shared() const {
    return box_ ? *box_ : std::shared_ptr<store::LargeBody>();
  }
  operator std::shared_ptr<store::LargeBody>() const { return get_shared(); }
  store::LargeBody* get() const { return box_ ? box_->get() : nullptr; }
  store::LargeBody* operator->() const { return get(); }
  store::LargeBody& operator*() const { return *get(); }
  explicit operator bool() const { return get() != nullptr; }
  friend bool operator==(const LargeBodyLink& a, std::nullptr_t) { return a.get() == nullptr; }
  void reset() { box_.reset(); }

 private:
  std::unique_ptr<std::shared_ptr<store::LargeBody>> box_;
};

struct Message {
  store::MessageRecord record;
  // Durable queues still holding this message; the journal record is deleted at zero.
  int durable_refs = 0;
  // Queues holding it in memory: it weighs on its address's and the broker's limits once,
  // however many queues hold it (PostOffice::hold / release).
  int memory_refs = 0;
  // A large message's body file (record.body is empty and record.large_body_size says its
  // size); shared by the copies a move or a dead-letter makes until they are routed.
  LargeBodyLink large;
  MessageUses uses;

  std::uint64_t id() const { return record.id; }
  bool durable() const { return record.durable; }
  // Size used for consumer windows and address limits: body + properties + a fixed overhead.
  std::size_t memory_size() const;
  // The text of a string property, or the raw bytes of a binary one: how the reserved _AMQ_*
  // properties are read (a duplicate id may arrive as either). nullopt when the property is
  // absent or of another type; typed_property() sees every type. Both point into the message.
  std::optional<std::string_view> property(std::string_view name) const;
  std::optional<store::PropertyView> typed_property(std::string_view name) const;
  bool expired(std::int64_t now_ms) const {
    return record.expiration != 0 && now_ms >= record.expiration;
  }
};

// Shared ownership of a Message, as std::shared_ptr but counted in the message (MessageUses).
class MessagePtr {
 public:
  MessagePtr() = default;
  MessagePtr(std::nullptr_t) {}
  MessagePtr(const MessagePtr& o) noexcept : m_(o.m_) {
    if (m_) m_->uses.count_.fetch_add(1, std::memory_order_relaxed);
  }
  MessagePtr(MessagePtr&& o) noexcept : m_(std::exchange(o.m_, nullptr)) {}
  MessagePtr& operator=(const MessagePtr& o) noexcept {
    MessagePtr(o).swap(*this);
    return *this;
  }
  MessagePtr& operator=(MessagePtr&& o) noexcept {
    MessagePtr(std::move(o)).swap(*this);
    return *this;
  }
  ~MessagePtr() {
    if (m_ && m_->uses.count_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete m_;
  }

  Message* get() const { return m_; }
  Message& operator*() const { return *m_; }
  Message* operator->() const { return m_; }
  explicit operator bool() const { return m_ != nullptr; }
  void reset() { MessagePtr().swap(*this); }
  void swap(MessagePtr& o) noexcept { std::swap(m_, o.m_); }
  friend bool operator==(const MessagePtr& a, const MessagePtr& b) { return a.m_ == b.m_; }
  friend bool operator==(const MessagePtr& a, std::nullptr_t) { return a.m_ == nullptr; }

 private:
  friend MessagePtr make_message();
  friend MessagePtr make_message(const Message& from);
  explicit MessagePtr(Message* adopted) : m_(adopted) { m_->uses.count_.store(1); }
  Message* m_ = nullptr;
};

// A new message, empty or a copy of `from`, held by the returned pointer alone.
inline MessagePtr make_message() {
  return MessagePtr(new Message());
}
inline MessagePtr make_message(const Message& from) {
  return MessagePtr(new Message(from));
}

// Makes `m` the large message whose body is `body`: its id is the one the file is named by.
void attach_large_body(Message& m, std::shared_ptr<store::LargeBody> body);
// The body of a message, read from its file when it is a large one: for a protocol that
// cannot stream a body yet. An error when the file cannot be read.
std::error_code whole_body(const Message& m, std::string& out);

// Where a message read back from a page file sits: page number (from 1) and index in the file.
// A reference with page 0 was routed to its queue in memory.
struct PagePosition {
  std::uint32_t page = 0;
  std::uint32_t index = 0;
  bool paged() const { return page != 0; }
};

std::optional<RoutingType> to_core(std::optional<store::RoutingType> rt);
store::RoutingType to_store(RoutingType rt);

// Presents a Message to a Filter: AMQ* header identifiers and properties as their own types
// (integers as int, float/double as double, bool, string). A binary property reads as NULL:
// no selector literal is binary, so in Artemis too it never compares equal to anything.
class MessageFilterContext : public FilterContext {
 public:
  explicit MessageFilterContext(const Message& m) : m_(m) {}
  std::optional<Value> get(std::string_view identifier) const override;

 private:
  const Message& m_;
};

bool matches(const std::optional<Filter>& filter, const Message& m);

}  // namespace artemis::core
