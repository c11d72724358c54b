// PostOffice: the changes management makes to queues and addresses that live on, and its
// moves of messages between queues, and the dead-letter and expiry moves a queue asks for.
#include <map>
#include <memory>

#include "core/errors.hpp"
#include "core/log_codes.hpp"
#include "core/post_office.hpp"
#include "core/server_session.hpp"

namespace artemis::core {

std::error_code PostOffice::update_queue(const std::string& name, std::optional<int> max_consumers,
                                         std::optional<bool> purge_on_no_consumers,
                                         std::optional<std::string> user) {
  Queue* q = find_queue(name);
  if (q == nullptr) return errc::queue_not_found;
  const auto& d = q->definition();
  q->redefine(max_consumers.value_or(d.max_consumers),
              purge_on_no_consumers.value_or(d.purge_on_no_consumers), user.value_or(d.user));
  if (d.durable && !d.temporary) storage_.update_queue(queue_record(d));
  return {};
}

std::error_code PostOffice::set_routing_types(const std::string& name, bool anycast,
                                              bool multicast) {
  Address* a = find_address(name);
  if (a == nullptr) return errc::address_not_found;
  for (const auto& queue : a->queues) {
    const Queue* q = find_queue(queue);
    if (q == nullptr) continue;
    const bool kept = q->routing_type() == RoutingType::anycast ? anycast : multicast;
    if (!kept) return errc::address_has_queues;
  }
  a->anycast = anycast;
  a->multicast = multicast;
  storage_.update_address({a->id, a->name, a->anycast, a->multicast, a->auto_created});
  return {};
}

bool PostOffice::close_connections(const std::function<bool(const ServerSession&)>& matches) {
  // The closers are copied first: closing one may end its session.
  std::map<std::uint64_t, std::function<void()>> closers;
  for (const ServerSession* s : sessions_)
    if (s->options().close_connection && matches(*s))
      closers.emplace(s->connection_id(), s->options().close_connection);
  for (auto& [id, close] : closers) close();
  return !closers.empty();
}

void PostOffice::delete_queue_closing_consumers(const std::string& name,
                                                std::chrono::milliseconds wait,
                                                std::function<void(std::error_code)> done) {
  Queue* q = find_queue(name);
  if (q == nullptr) return done(errc::queue_not_found);
  close_connections([q](const ServerSession& s) {
    bool consumes = false;
    s.for_each_consumer(
        [&](std::uint64_t, const ServerConsumer& c) { consumes = consumes || &c.queue() == q; });
    return consumes;
  });
  const auto deadline = scheduler_.now_ms() + wait.count();
  // Polled: a pending timer holds the attempt, the attempt only a weak reference to itself.
  auto attempt = std::make_shared<std::function<void()>>();
  std::weak_ptr<std::function<void()>> weak = attempt;
  *attempt = [this, alive = alive_, name, id = q->id(), deadline, done = std::move(done), weak] {
    if (!*alive) return;
    Queue* queue = find_queue(name);
    if (queue == nullptr || queue->id() != id) return done({});  // gone with its last consumer
    if (queue->consumer_count() == 0) return done(delete_queue(name));
    if (scheduler_.now_ms() >= deadline) return done(errc::subscription_in_use);
    if (auto self = weak.lock())
      scheduler_.schedule_after(std::chrono::milliseconds(10), [self] { (*self)(); });
  };
  (*attempt)();
}

std::error_code PostOffice::pause_queue(const std::string& name, bool persist) {
  return change_pause(name, [persist](Queue& q) { q.pause(persist); });
}

std::error_code PostOffice::resume_queue(const std::string& name) {
  return change_pause(name, [](Queue& q) { q.resume(); });
}

// The queue's record is written again when the change turned its persisted pause on or off.
std::error_code PostOffice::change_pause(const std::string& name,
                                         const std::function<void(Queue&)>& change) {
  Queue* q = find_queue(name);
  if (q == nullptr) return errc::queue_not_found;
  const bool was = q->definition().persisted_pause;
  change(*q);
  const auto& d = q->definition();
  if (d.persisted_pause != was && d.durable && !d.temporary) storage_.update_queue(queue_record(d));
  return {};
}

std::size_t PostOffice::move_messages(
    Queue& from, const std::function<std::optional<Destination>(const Message&)>& to, bool retry) {
  std::vector<std::pair<MessageRef, Destination>> moves;
  auto taken = from.take_matching([&](const MessageRef& r) {
    auto d = to(*r.message);
    if (!d) return false;
    moves.emplace_back(MessageRef{}, std::move(*d));
    return true;
  });
  for (std::size_t i = 0; i < taken.size(); ++i) moves[i].first = std::move(taken[i]);
  for (auto& [ref, d] : moves) {
    auto copy = copy_for_move(from, ref, d.address, false);
    if (retry) {
      auto& p = copy->record.properties;
      for (auto name : {props::orig_address, props::orig_queue, props::orig_message_id,
                        props::orig_routing_type})
        p.erase(name);
    }
    // The queue may be gone, or another of the same name made, by the time the copy is on disk;
    // a copy that reached no queue (a filter refused it) leaves the original in place too.
    auto routed = std::make_shared<RoutedMessage>();
    route(copy, d, *routed,
          [this, alive = alive_, routed, name = from.name(), id = from.id(),
           ref = ref](std::error_code ec) {
            if (!*alive) return;
            ec = stored_error(ec);
            ec ? discard(*routed) : publish(*routed);
            Queue* q = find_queue(name);
            if (q == nullptr || q->id() != id) return;
            if (ec || routed->queue_ids.empty())
              q->put_back(ref);
            else
              q->moved_out(ref);
          });
  }
  return moves.size();
}

void PostOffice::move_copy(Queue& queue, const MessageRef& ref, const std::string& target,
                           bool expiry) {
  // The original is deleted only once the copy is on disk: the copy may go to a page file
  // (another writer thread) or to a queue whose record is not synced yet, and a paged original's
  // page file may go at once, so deleted first, a crash in between would lose the message.
  // Until then it still weighs on its address and keeps its page.
  // A copy that failed (its body file could not be linked, its store failed) leaves the original
  // gone from its queue, as before, and said in the log: put back, an expired message would be
  // expired again by the same dispatch, forever. A failed store is a critical error: the journal
  // then writes nothing more, so the original's record stays on disk for the next start.
  send(copy_for_move(queue, ref, target, expiry), Destination{target, std::nullopt},
       [this, alive = alive_, id = queue.id(), queue_name = queue.name(), target,
        durable_ref = queue.durable() && !queue.definition().temporary, ref](std::error_code ec) {
         if (!*alive) return;
         if (ec)
           log_.plain(util::Level::warn, log_codes::server_logger,
                      "message {} could not be moved from queue {} to {}: {}", ref.message->id(),
                      queue_name, target, ec.message());
         removed_from(id, durable_ref, ref);
       });
}

MessagePtr PostOffice::copy_for_move(const Queue& queue, const MessageRef& ref,
                                     const std::string& target, bool expiry) {
  auto copy = make_message();
  copy->record = ref.message->record;
  copy->large = ref.message->large;  // linked to a file of its own when routed
  copy->record.id = 0;
  copy->record.expiration = 0;
  copy->record.scheduled = 0;
  copy->record.routing_type.reset();
  // Typed as Artemis types them (long, long, byte), so a selector compares them as numbers.
  auto& p = copy->record.properties;
  p.set(props::orig_address, ref.message->record.address);
  p.set(props::orig_queue, queue.name());
  p.set(props::orig_message_id, static_cast<std::int64_t>(ref.message->id()));
  if (ref.message->record.routing_type)
    p.set(props::orig_routing_type, static_cast<std::int8_t>(*ref.message->record.routing_type));
  // A copy must not be mistaken for a resend of the original.
  p.erase(props::duplicate_id);
  if (expiry) p.set(props::actual_expiry, static_cast<std::int64_t>(scheduler_.now_ms()));
  copy->record.address = target;
  return copy;
}

void PostOffice::dead_letter(Queue& queue, const MessageRef& ref) {
  const auto& s = settings_for(queue.address());
  Address* dla = s.dead_letter_address ? find_address(*s.dead_letter_address) : nullptr;
  if (dla == nullptr || dla->queues.empty()) {
    log_.log(log_codes::no_dead_letter_address, ref.message->id(), queue.name());
    return removed(queue, ref);
  }
  move_copy(queue, ref, dla->name, false);
}

void PostOffice::expire(Queue& queue, const MessageRef& ref) {
  const auto& s = settings_for(queue.address());
  Address* ea = s.expiry_address ? find_address(*s.expiry_address) : nullptr;
  if (ea == nullptr || ea->queues.empty()) {
    if (s.expiry_address)
      log_.log(log_codes::no_expiry_address, ref.message->id(), *s.expiry_address);
  } else if (queue.address() != ea->name) {
    return move_copy(queue, ref, ea->name, true);
  }
  removed(queue, ref);
}

}  // namespace artemis::core
