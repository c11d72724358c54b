#include "store/storage_manager.hpp"

#include <algorithm>
#include <map>

#include "store/record_types.hpp"
#include "util/assert.hpp"

namespace artemis::store {
namespace {

// Ids are reserved in blocks so the counter is written once per block, not once per message.
constexpr std::uint64_t id_block = 1000;

std::span<const std::uint8_t> span_of(const std::vector<std::uint8_t>& v) { return {v.data(), v.size()}; }

// The body's bytes, written by the journal right after the record head (encode_head_into).
std::span<const std::uint8_t> body_of(const MessageRecord& m) {
  return {reinterpret_cast<const std::uint8_t*>(m.body.data()), m.body.size()};
}

void ignore(std::error_code) {}

}  // namespace

StorageManager::StorageManager(std::unique_ptr<journal::Journal> bindings,
                               std::unique_ptr<journal::Journal> messages,
                               const util::Logger& log)
    : bindings_(std::move(bindings)), messages_(std::move(messages)), log_(log) {
  BROKER_ASSERT((bindings_ == nullptr) == (messages_ == nullptr),
                "storage needs both journals or neither");
  if (persistent()) {
    // The journals drop their handler in close(), which runs before this object goes away.
    bindings_->on_failure([this](std::error_code ec) { report_critical(ec); });
    messages_->on_failure([this](std::error_code ec) { report_critical(ec); });
  }
}

void StorageManager::on_critical_error(std::function<void(std::error_code)> fn) {
  on_critical_ = std::move(fn);
  if (critical_ && !critical_reported_) report_critical(critical_);
}

void StorageManager::report_critical(std::error_code ec) {
  if (closed_ || critical_reported_) return;
  if (!critical_) critical_ = ec;
  if (!on_critical_) return;  // reported when a handler is installed
  critical_reported_ = true;
  auto fn = on_critical_;  // a copy: the handler may replace or destroy ours
  fn(critical_);
}

StorageManager::~StorageManager() { close(); }

std::uint64_t StorageManager::next_id() {
  const std::uint64_t id = next_id_++;
  if (persistent() && id > reserved_up_to_) {
    reserved_up_to_ = id + id_block;
    const auto body = encode_id_counter(reserved_up_to_);
    if (counter_record_id_ == 0) {
      // The counter record takes an id from the block it reserves.
      counter_record_id_ = next_id_++;
      bindings_->append_add(counter_record_id_, record::id_counter, span_of(body),
                            journal::Sync::no, ignore);
    } else {
      bindings_->append_update(counter_record_id_, record::id_counter, span_of(body),
                               journal::Sync::no, ignore);
    }
  }
  return id;
}

void StorageManager::add_address(const AddressRecord& r) {
  if (!persistent()) return;
  bindings_->append_add(r.id, record::address_binding, span_of(encode(r)), journal::Sync::yes,
                        binding_written());
}

void StorageManager::update_address(const AddressRecord& r) {
  if (!persistent()) return;
  bindings_->append_update(r.id, record::address_binding, span_of(encode(r)), journal::Sync::yes,
                           binding_written());
}

void StorageManager::delete_address(std::uint64_t id) {
  if (!persistent()) return;
  bindings_->append_delete(id, journal::Sync::yes, binding_written());
}

void StorageManager::add_queue(const QueueRecord& r) {
  if (!persistent()) return;
  bindings_->append_add(r.id, record::queue_binding, span_of(encode(r)), journal::Sync::yes,
                        binding_written());
}

void StorageManager::update_queue(const QueueRecord& r) {
  if (!persistent()) return;
  bindings_->append_update(r.id, record::queue_binding, span_of(encode(r)), journal::Sync::yes,
                           binding_written());
}

void StorageManager::delete_queue(std::uint64_t id) {
  if (!persistent()) return;
  bindings_->append_delete(id, journal::Sync::yes, binding_written());
}

journal::Completion StorageManager::binding_written() {
  ++*bindings_unsynced_;
  return [unsynced = bindings_unsynced_](std::error_code) { --*unsynced; };
}

journal::Completion StorageManager::after_bindings(journal::Completion done) {
  if (!persistent() || *bindings_unsynced_ == 0) return done;
  // Both completions run on the broker thread (the poster), so the join needs no lock.
  struct Join {
    journal::Completion done;
    int waiting = 2;
    std::error_code first;
  };
  auto join = std::make_shared<Join>(Join{std::move(done)});
  auto arrive = [join](std::error_code ec) {
    if (ec && !join->first) join->first = ec;
    if (--join->waiting == 0) join->done(join->first);
  };
  bindings_->flush(arrive);
  return arrive;
}

std::uint64_t StorageManager::store_message(const MessageRecord& m,
                                           std::span<const std::uint64_t> queue_ids,
                                           std::optional<std::string_view> duplicate_id,
                                           journal::Completion done) {
  if (!persistent() || queue_ids.empty()) {
    done({});
    return 0;
  }
  if (duplicate_id) {
    // One transaction, as Artemis does for a send with a duplicate id: after a crash the
    // message, its refs and its duplicate id are all there or none is. Appended one by one, a
    // crash between two journal writes can keep the message without its duplicate id; the
    // client then sends the unconfirmed message again and nothing drops the copy.
    const std::uint64_t tx = next_id();
    const std::uint64_t dup_id = store_message_tx(tx, m, queue_ids, duplicate_id);
    commit_tx(tx, std::move(done));
    return dup_id;
  }
  // Completions run in append order, so each append's error is known when the flush's runs.
  auto failed = std::make_shared<std::error_code>();
  auto note = [failed](std::error_code ec) {
    if (ec && !*failed) *failed = ec;
  };
  const auto type = encode_message_record(m);
  messages_->append_add(m.id, type, {span_of(encode_buffer_), body_of(m)}, journal::Sync::no, note);
  for (auto q : queue_ids) {
    const auto ref = encode_ref_bytes(q);
    messages_->append_update(m.id, record::add_ref, ref, journal::Sync::no, note);
  }
  // One sync point after everything: group commit makes it cover every append before it.
  messages_->flush([failed, done = std::move(done)](std::error_code ec) {
    done(*failed ? *failed : ec);
  });
  return 0;
}

std::uint8_t StorageManager::encode_message_record(const MessageRecord& m) {
  if (m.large_body_size) {
    encode_large_message_into(m, encode_buffer_);
    return record::large_message;
  }
  encode_head_into(m, encode_buffer_);
  return record::message;
}

std::uint64_t StorageManager::store_message_tx(std::uint64_t tx_id, const MessageRecord& m,
                                              std::span<const std::uint64_t> queue_ids,
                                              std::optional<std::string_view> duplicate_id) {
  if (!persistent() || queue_ids.empty()) return 0;
  const auto type = encode_message_record(m);
  messages_->append_add_tx(tx_id, m.id, type, {span_of(encode_buffer_), body_of(m)});
  for (auto q : queue_ids) {
    const auto ref = encode_ref_bytes(q);
    messages_->append_update_tx(tx_id, m.id, record::add_ref, ref);
  }
  if (!duplicate_id) return 0;
  const std::uint64_t dup_id = next_id();
  // The journal has copied the message record: the buffer is free again.
  encode_duplicate_id_into(m.address, *duplicate_id, encode_buffer_);
  messages_->append_add_tx(tx_id, dup_id, record::duplicate_id, span_of(encode_buffer_));
  return dup_id;
}

void StorageManager::commit_tx(std::uint64_t tx_id, journal::Completion done) {
  if (!persistent()) {
    done({});
    return;
  }
  messages_->append_commit(tx_id, journal::Sync::yes, std::move(done));
}

void StorageManager::rollback_tx(std::uint64_t tx_id) {
  if (!persistent()) return;
  messages_->append_rollback(tx_id, journal::Sync::no, ignore);
}

void StorageManager::ack(std::uint64_t message_id, std::uint64_t queue_id, bool last_ref) {
  if (!persistent()) return;
  // Acks need no fdatasync of their own: a lost ack means a redelivery, never a lost message,
  // and the next synced append (or close) makes it durable.
  // No completion either: nothing waits on an ack, and a failed write stops the server.
  if (last_ref) {
    messages_->append_delete(message_id, journal::Sync::no, {});
  } else {
    const auto ref = encode_ref_bytes(queue_id);
    messages_->append_update(message_id, record::ack_ref, ref, journal::Sync::no, {});
  }
}

void StorageManager::update_delivery_count(std::uint64_t message_id, std::uint64_t queue_id,
                                           std::uint32_t count) {
  if (!persistent()) return;
  messages_->append_update(message_id, record::delivery_count,
                           span_of(encode_delivery_count(queue_id, count)), journal::Sync::no,
                           ignore);
}

std::uint64_t StorageManager::add_cursor_ack(std::uint64_t store_id, std::uint64_t queue_id,
                                             std::uint32_t page, std::uint32_t index) {
  const std::uint64_t id = next_id();
  if (persistent())
    messages_->append_add(id, record::page_cursor_ack,
                          span_of(encode_cursor_ack(store_id, queue_id, page, index)),
                          journal::Sync::no, ignore);
  return id;
}

std::uint64_t StorageManager::complete_page(std::uint64_t store_id, std::uint64_t queue_id,
                                            std::uint32_t page,
                                            std::span<const std::uint64_t> ack_records) {
  const std::uint64_t id = next_id();
  if (!persistent()) return id;
  const std::uint64_t tx = next_id();
  messages_->append_add_tx(tx, id, record::page_cursor_complete,
                           span_of(encode_page_complete(store_id, queue_id, page)));
  for (auto ack : ack_records) messages_->append_delete_tx(tx, ack);
  messages_->append_commit(tx, journal::Sync::no, ignore);
  return id;
}

std::uint64_t StorageManager::add_page_transaction(std::uint64_t tx_id, std::uint64_t store_id,
                                                   std::uint32_t page) {
  const std::uint64_t id = next_id();
  if (persistent())
    messages_->append_add_tx(tx_id, id, record::page_transaction,
                             span_of(encode_page_transaction(store_id, page, tx_id)));
  return id;
}

void StorageManager::delete_paging_record(std::uint64_t id) {
  if (persistent()) messages_->append_delete(id, journal::Sync::no, ignore);
}

void StorageManager::add_duplicate_id(std::uint64_t record_id, const std::string& address,
                                      std::string_view duplicate_id, journal::Completion done) {
  if (!persistent()) {
    done({});
    return;
  }
  encode_duplicate_id_into(address, duplicate_id, encode_buffer_);
  messages_->append_add(record_id, record::duplicate_id, span_of(encode_buffer_),
                        journal::Sync::yes, std::move(done));
}

void StorageManager::add_duplicate_id_tx(std::uint64_t tx_id, std::uint64_t record_id,
                                         const std::string& address,
                                         std::string_view duplicate_id) {
  if (!persistent()) return;
  encode_duplicate_id_into(address, duplicate_id, encode_buffer_);
  messages_->append_add_tx(tx_id, record_id, record::duplicate_id, span_of(encode_buffer_));
}

std::uint64_t StorageManager::add_duplicate_id(const std::string& address,
                                               std::string_view duplicate_id) {
  const std::uint64_t id = next_id();
  if (persistent()) {
    const DuplicateIdRecord d{id, address, std::string(duplicate_id)};
    // No sync of its own: the message it belongs to is appended after it and synced.
    messages_->append_add(id, record::duplicate_id, span_of(encode(d)), journal::Sync::no, ignore);
  }
  return id;
}

void StorageManager::delete_duplicate_id(std::uint64_t record_id) {
  if (!persistent()) return;
  messages_->append_delete(record_id, journal::Sync::no, ignore);
}

void StorageManager::flush(journal::Completion done) {
  if (!persistent()) {
    done({});
    return;
  }
  messages_->flush(std::move(done));
}

void StorageManager::close() {
  if (closed_ || !persistent()) return;
  closed_ = true;
  messages_->close();
  bindings_->close();
}

journal::Stats StorageManager::message_stats() const {
  return persistent() ? messages_->stats() : journal::Stats{};
}

}  // namespace artemis::store
