// PostOffice routing: queue selection (reference §1.1), duplicate detection (§5.8),
// durable writes before confirmation and transactions. Address limits: post_office_limits.cpp.
#include <fmt/core.h>

#include <algorithm>

#include "core/errors.hpp"
#include "core/log_codes.hpp"
#include "core/post_office.hpp"
#include "journal/errors.hpp"

namespace artemis::core {

std::error_code stored_error(std::error_code ec) {
  if (!ec || ec.category() == core_category()) return ec;
  // A journal refusing a record larger than its files is the message's fault (the broker goes
  // on); anything else is the disk's.
  if (ec == journal::errc::record_too_large) return errc::message_too_large;
  return errc::storage_failed;
}

void PostOffice::select_queues(const Message& m, const Destination& d, RoutedMessage& out) {
  auto take = [&](Queue* q) {
    if (m.durable() && q->durable() && !q->definition().temporary) {
      const auto at = out.queue_ids.begin() + static_cast<std::ptrdiff_t>(out.durable_count);
      out.queue_ids.insert(at, q->id());
      ++out.durable_count;
    } else {
      out.queue_ids.push_back(q->id());
    }
  };
  if (d.queue) {
    Queue* q = find_queue(*d.queue);
    if (q != nullptr && q->address() == d.address && q->accepts(m)) take(q);
    return;
  }
  const auto rt = to_core(m.record.routing_type);
  // Candidate addresses: the address itself and every wildcard address matching it.
  auto& sources = route_sources_;
  sources.clear();
  if (Address* a = find_address(d.address)) sources.push_back(a);
  for (const auto& w : wildcard_addresses_) {
    if (w == d.address) continue;
    if (match::matches(w, d.address, wildcards_))
      if (Address* a = find_address(w)) sources.push_back(a);
  }
  for (Address* a : sources) {
    // The anycast group: one queue, round-robin from where the last message went.
    auto& anycast = route_anycast_;
    anycast.clear();
    for (const auto& name : a->queues) {
      Queue* q = find_queue(name);
      if (q == nullptr) continue;
      if (rt && q->routing_type() != *rt) continue;
      if (q->routing_type() == RoutingType::anycast) {
        anycast.push_back(q);
      } else if (q->accepts(m)) {
        take(q);
      }
    }
    for (std::size_t i = 0; i < anycast.size(); ++i) {
      Queue* q = anycast[(a->anycast_next + i) % anycast.size()];
      if (!q->accepts(m)) continue;
      a->anycast_next = (a->anycast_next + i + 1) % anycast.size();
      take(q);
      break;
    }
  }
}

bool PostOffice::duplicate(const Message& m, std::optional<std::string_view> id) {
  if (!id) return false;
  auto it = duplicates_.find(m.record.address);
  return it != duplicates_.end() && it->second.contains(*id);
}

std::optional<std::string_view> PostOffice::duplicate_id_to_store(
    const Message& m, std::optional<std::string_view> id) {
  if (!id || !config_.persist_id_cache) return std::nullopt;
  return settings_for(m.record.address).id_cache_size > 0 ? id : std::nullopt;
}

// `record_id`: the journal record already written for it (0: none yet; a non-durable message's
// id is then written on its own).
void PostOffice::remember_duplicate(const Message& m, std::optional<std::string_view> id,
                                    std::uint64_t record_id) {
  if (!id) return;
  const auto& s = settings_for(m.record.address);
  if (s.id_cache_size <= 0) return;
  auto& cache = duplicates_.try_emplace(m.record.address, static_cast<std::size_t>(s.id_cache_size))
                    .first->second;
  if (record_id == 0 && config_.persist_id_cache)
    record_id = storage_.add_duplicate_id(m.record.address, *id);
  if (const auto evicted = cache.add(*id, record_id); evicted != 0)
    storage_.delete_duplicate_id(evicted);
}

void PostOffice::apply_expiry_delay(Message& m) {
  // expiry-delay applies only to messages that do not expire on their own (reference §3.2).
  if (m.record.expiration != 0) return;
  const auto delay = settings_for(m.record.address).expiry_delay;
  if (delay > 0) m.record.expiration = scheduler_.now_ms() + delay;
}

void PostOffice::forget_duplicate(const Message& m) {
  const auto id = m.property(props::duplicate_id);
  if (!id) return;
  auto it = duplicates_.find(m.record.address);
  if (it != duplicates_.end()) it->second.remove(*id);
}

RouteStatus PostOffice::route(MessagePtr m, const Destination& d, RoutedMessage& out,
                              SendCompletion stored) {
  if (m->record.id == 0) m->record.id = storage_.next_id();
  m->record.address = d.address;
  apply_expiry_delay(*m);
  out = RoutedMessage{m, {}, {}};
  if (!own_large_body(*m)) {
    stored(std::make_error_code(std::errc::io_error));
    return RouteStatus::routed;  // the completion says it failed: nothing was written
  }
  // Complete now: the property buffer, built one property at a time by the protocol and the
  // session, gives back its spare capacity (before dup_id points into it).
  m->record.properties.shrink_to_fit();
  const auto dup_id = m->property(props::duplicate_id);
  if (duplicate(*m, dup_id)) {
    log_.log(log_codes::duplicate_message,
             fmt::format("id={}, address={}, _AMQ_DUPL_ID={}", m->id(), d.address, *dup_id));
    stored({});
    return RouteStatus::duplicate;
  }
  select_queues(*m, d, out);
  if (out.queue_ids.empty()) {
    const auto& s = settings_for(d.address);
    remember_duplicate(*m, dup_id, 0);
    if (s.send_to_dla_on_no_route && s.dead_letter_address && *s.dead_letter_address != d.address) {
      auto copy = make_message(*m);
      copy->record.id = 0;
      copy->record.properties.set(props::orig_address, d.address);
      copy->record.properties.erase(props::duplicate_id);
      copy->record.address = *s.dead_letter_address;
      route(copy, Destination{*s.dead_letter_address, std::nullopt}, out, std::move(stored));
      return RouteStatus::no_route;
    }
    stored({});
    return RouteStatus::no_route;
  }
  // A durable message is confirmed only once the records of the queues it reached are on disk
  // too (StorageManager::after_bindings).
  if (m->durable()) stored = storage_.after_bindings(std::move(stored));
  if (PagingStore* ps = paging_for_send(d.address)) {
    // To the current page (durable or not), with every queue it was routed to.
    out.paged = ps;
    keep_large_body(*m, true);  // named by the page record now; the page removes it
    const auto to_store = duplicate_id_to_store(*m, dup_id);
    if (!to_store) {
      remember_duplicate(*m, dup_id, 0);
      out.page = ps->page(m, out.queue_ids, std::move(stored));
      return RouteStatus::routed;
    }
    // The duplicate id is cached now (a resend racing this send is caught) but written only
    // once the page write is on disk: written first, a crash in between would keep the id of
    // a message the disk lost, and the client's resend would be dropped.
    const std::uint64_t record = storage_.next_id();
    remember_duplicate(*m, dup_id, record);
    out.page =
        ps->page(m, out.queue_ids,
                 [this, alive = alive_, record, address = d.address, dup = std::string(*to_store),
                  stored = std::move(stored)](std::error_code ec) mutable {
                   if (ec || !*alive) return stored(ec);
                   storage_.add_duplicate_id(record, address, dup, std::move(stored));
                 });
    return RouteStatus::routed;
  }
  reserve(out);
  m->durable_refs = static_cast<int>(out.durable_count);
  if (out.durable_count == 0) {
    remember_duplicate(*m, dup_id, 0);
    stored({});
    return RouteStatus::routed;
  }
  keep_large_body(*m, true);
  // Captures no `this`: the completion may run after the PostOffice is gone (deactivation).
  const auto dup = storage_.store_message(m->record, out.durable_ids(),
                                          duplicate_id_to_store(*m, dup_id), std::move(stored));
  remember_duplicate(*m, dup_id, dup);
  return RouteStatus::routed;
}

void PostOffice::publish(RoutedMessage& r) {
  if (r.settled) return;
  r.settled = true;
  if (r.paged != nullptr) {
    r.paged->visible(r.page);
    return;
  }
  const MessagePtr& m = r.message;
  for (std::size_t i = 0; i < r.queue_ids.size(); ++i) {
    const auto id = r.queue_ids[i];
    const auto it = queues_by_id_.find(id);
    if (it != queues_by_id_.end()) {
      Queue* q = it->second;
      hold(*m);
      q->add(MessageRef{m});
    } else if (i < r.durable_count && m->durable_refs > 0) {
      // Its ref was written; the queue is gone, so is the ref.
      drop_durable_ref(*m, id);
    }
  }
  end_reservation(r);  // the queues hold it now (or none is left to)
}

void PostOffice::reserve(RoutedMessage& r) {
  hold(*r.message);
  r.reserved = true;
}

void PostOffice::end_reservation(RoutedMessage& r) {
  if (!r.reserved) return;
  r.reserved = false;
  release(*r.message);
}

void PostOffice::drop_durable_ref(Message& m, std::uint64_t queue_id) {
  --m.durable_refs;
  storage_.ack(m.id(), queue_id, m.durable_refs == 0);
  // The record is gone with its last ref: nothing names the body file any more.
  if (m.durable_refs == 0) keep_large_body(m, false);
}

void PostOffice::discard(RoutedMessage& r) {
  if (r.settled) return;
  r.settled = true;
  if (r.paged != nullptr) r.paged->failed(r.page);
  end_reservation(r);
  if (r.message) {
    forget_duplicate(*r.message);
    // Not stored: nothing names its body file, which goes with the message.
    if (r.paged == nullptr) keep_large_body(*r.message, false);
  }
}

RouteResult PostOffice::send(MessagePtr m, const Destination& d, SendCompletion done) {
  auto r = std::make_shared<RoutedMessage>();
  const auto status = route(std::move(m), d, *r,
                            [this, alive = alive_, r, done = std::move(done)](std::error_code ec) {
                              ec = stored_error(ec);
                              if (*alive) ec ? discard(*r) : publish(*r);
                              done(ec);
                            });
  return {status, r->queue_ids.size()};
}

RouteStatus PostOffice::route_transaction(std::vector<PendingSend> sends,
                                          std::vector<RoutedMessage>& out, SendCompletion stored) {
  out.clear();
  for (auto& s : sends) {
    s.message->record.address = s.destination.address;
    if (duplicate(*s.message, s.message->property(props::duplicate_id))) {
      log_.log(log_codes::duplicate_message,
               fmt::format("transaction of {} messages ignored: address={}, _AMQ_DUPL_ID={}",
                           sends.size(), s.destination.address,
                           *s.message->property(props::duplicate_id)));
      stored({});
      return RouteStatus::duplicate;
    }
  }
  for (auto& s : sends) {
    if (s.message->record.id == 0) s.message->record.id = storage_.next_id();
    if (!own_large_body(*s.message)) {
      stored(std::make_error_code(std::errc::io_error));
      return RouteStatus::routed;  // nothing was written: the completion says it failed
    }
  }
  const std::uint64_t tx = storage_.next_id();
  // Messages for paging addresses go to their pages, marked with the transaction; the journal
  // transaction commits only once those writes are on disk, with a page_transaction record per
  // page, so after a crash they count exactly when the rest of the transaction does.
  struct Paged {
    std::vector<std::pair<PagingStore*, std::uint32_t>> pages;
    struct DuplicateId {
      std::uint64_t record;
      std::string address;
      std::string id;
    };
    std::vector<DuplicateId> duplicate_ids;
    int waiting = 1;  // one for the loop below, so no write completes the batch early
    std::error_code ec;
    std::function<void(std::error_code)> commit;  // set after the loop; captures no Paged
  };
  auto paged = std::make_shared<Paged>();
  auto page_written = [paged](std::error_code ec) {
    if (ec && !paged->ec) paged->ec = ec;
    if (--paged->waiting == 0) paged->commit(paged->ec);
  };
  bool any_durable = false, any_paged = false;
  for (auto& s : sends) {
    apply_expiry_delay(*s.message);
    auto& r = out.emplace_back();
    r.message = s.message;
    select_queues(*s.message, s.destination, r);
    s.message->record.properties.shrink_to_fit();
    const auto dup_id = s.message->property(props::duplicate_id);
    if (PagingStore* ps = r.queue_ids.empty() ? nullptr : paging_for_send(s.destination.address)) {
      ++paged->waiting;
      any_paged = true;
      r.paged = ps;
      keep_large_body(*s.message, true);
      r.page = ps->page(s.message, r.queue_ids, page_written, static_cast<std::int64_t>(tx));
      const std::pair<PagingStore*, std::uint32_t> at{ps, r.page.page};
      if (r.page.paged() &&
          std::find(paged->pages.begin(), paged->pages.end(), at) == paged->pages.end())
        paged->pages.push_back(at);
      // Its duplicate id goes into the journal transaction, committed after the page writes.
      std::uint64_t record = 0;
      if (const auto to_store = duplicate_id_to_store(*s.message, dup_id)) {
        record = storage_.next_id();
        paged->duplicate_ids.push_back({record, s.destination.address, std::string(*to_store)});
      }
      remember_duplicate(*s.message, dup_id, record);
      continue;
    }
    if (!r.queue_ids.empty()) reserve(r);
    s.message->durable_refs = static_cast<int>(r.durable_count);
    std::uint64_t dup = 0;
    if (r.durable_count > 0) {
      any_durable = true;
      keep_large_body(*s.message, true);
      dup = storage_.store_message_tx(tx, s.message->record, r.durable_ids(),
                                      duplicate_id_to_store(*s.message, dup_id));
    }
    remember_duplicate(*s.message, dup_id, dup);
  }
  if (!any_paged) {
    if (!any_durable) {
      stored({});
      return RouteStatus::routed;
    }
    storage_.commit_tx(tx, storage_.after_bindings(std::move(stored)));
    return RouteStatus::routed;
  }
  // Runs once the last page write of the batch completed (page_written counts them down).
  paged->commit = [this, alive = alive_, pages = paged->pages,
                   duplicate_ids = std::move(paged->duplicate_ids), tx, any_durable,
                   stored = std::move(stored)](std::error_code ec) mutable {
    if (!*alive) return stored(errc::storage_failed);
    if (ec) {
      if (any_durable) storage_.rollback_tx(tx);
      return stored(ec);
    }
    for (auto& [ps, page] : pages)
      ps->note_transaction(page, storage_.add_page_transaction(tx, ps->id(), page));
    for (const auto& d : duplicate_ids) storage_.add_duplicate_id_tx(tx, d.record, d.address, d.id);
    storage_.commit_tx(tx, storage_.after_bindings(std::move(stored)));
  };
  if (--paged->waiting == 0) paged->commit(paged->ec);
  return RouteStatus::routed;
}

}  // namespace artemis::core
