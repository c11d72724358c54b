#include "protocol/mqtt/saved_sessions.hpp"

#include <algorithm>
#include <charconv>

#include "core/broker_core.hpp"
#include "core/post_office.hpp"
#include "mqtt/codec.hpp"
#include "protocol/mqtt/durable_slots.hpp"
#include "protocol/mqtt/topics.hpp"

namespace artemis::protocol::mqtt {

namespace {

namespace wire = artemis::mqtt;

constexpr std::string_view kExpiresProperty = "mqtt.session.expires";
constexpr std::string_view kReleasedProperty = "mqtt.session.released";  // "3,17,..."

std::string slot_of(std::string_view client_id) {
  return std::string(kSessionPrefix) + std::string(client_id);
}

std::optional<SavedSession> decode(const core::Message& m) {
  SavedSession s;
  if (const auto v = m.record.properties.find(kExpiresProperty)) s.expires_ms = v->as_integer();
  if (const auto v = m.record.properties.find(kReleasedProperty)) {
    const auto text = v->as_string();
    for (std::size_t at = 0; at < text.size();) {
      const auto comma = std::min(text.find(',', at), text.size());
      std::uint16_t id = 0;
      const auto* end = text.data() + comma;
      if (std::from_chars(text.data() + at, end, id).ptr == end && id != 0)
        s.released.push_back(id);
      at = comma + 1;
    }
  }
  if (m.record.body.empty()) return s;  // kept without subscriptions
  wire::Decoder d;
  d.set_version(wire::Version::v5);
  d.feed(m.record.body);
  wire::Packet p;
  if (d.next(p) != wire::Decoder::Status::packet || !std::holds_alternative<wire::Subscribe>(p))
    return std::nullopt;
  s.subscriptions = std::move(std::get<wire::Subscribe>(p).subscriptions);
  return s;
}

}  // namespace

SavedSessions::SavedSessions(const ModuleContext& ctx)
    : SavedSessions(ctx.core.post_office(), *ctx.shared, ctx.persist_sessions) {}

std::optional<SavedSession> SavedSessions::find(const std::string& client_id) {
  if (auto it = shared_.sessions.find(client_id); it != shared_.sessions.end()) return it->second;
  if (!persist_) return std::nullopt;
  // After a restart only the slot knows.
  const auto m = DurableSlots(po_).get(slot_of(client_id));
  return m ? decode(*m) : std::nullopt;
}

bool SavedSessions::save(const std::string& client_id, SavedSession session) {
  core::Message m;
  m.record.type = store::BodyType::bytes;
  if (!session.subscriptions.empty() && !wire::encode(wire::Subscribe{1, session.subscriptions, {}},
                                                      wire::Version::v5, m.record.body))
    return false;
  if (session.expires_ms)
    m.record.properties.set(std::string(kExpiresProperty), *session.expires_ms);
  if (!session.released.empty()) {
    std::string ids;
    for (const auto id : session.released) ids += (ids.empty() ? "" : ",") + std::to_string(id);
    m.record.properties.set_text(std::string(kReleasedProperty), ids);
  }
  shared_.sessions[client_id] = std::move(session);
  return !persist_ || DurableSlots(po_).put(slot_of(client_id), m);
}

void SavedSessions::forget(const std::string& client_id) {
  shared_.sessions.erase(client_id);
  DurableSlots(po_).clear(slot_of(client_id));
}

std::vector<std::string> SavedSessions::expire(std::int64_t now_ms) {
  std::vector<std::pair<std::string, SavedSession>> due;
  auto check = [&](const std::string& client_id, const std::optional<SavedSession>& s) {
    if (shared_.connected.count(client_id) != 0) return;
    if (s && s->expires_ms && *s->expires_ms <= now_ms) due.emplace_back(client_id, *s);
  };
  // The cache holds the newest save; a slot's message may still be the one before it (visible
  // once on disk), with an older deadline. Sessions saved before a restart are in slots only.
  for (const auto& [client_id, s] : shared_.sessions) check(client_id, s);
  if (persist_)
    DurableSlots(po_).each(kSessionPrefix, [&](std::string_view slot, const core::MessagePtr& m) {
      const std::string client_id(slot.substr(kSessionPrefix.size()));
      if (shared_.sessions.count(client_id) == 0) check(client_id, decode(*m));
    });
  std::vector<std::string> ended;
  for (auto& [client_id, session] : due) {
    for (const auto& sub : session.subscriptions) {
      const auto named = subscription_name(sub.filter);
      const auto queue = named.global ? named.name : client_id + "." + named.name;
      const core::Queue* q = po_.find_queue(queue);
      if (q != nullptr && (!named.global || q->consumer_count() == 0)) po_.delete_queue(queue);
    }
    forget(client_id);
    ended.push_back(client_id);
  }
  return ended;
}

}  // namespace artemis::protocol::mqtt
