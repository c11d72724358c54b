#include "protocol/mqtt/wills.hpp"

#include "core/broker_core.hpp"
#include "core/server_session.hpp"
#include "protocol/mqtt/durable_slots.hpp"
#include "protocol/mqtt/message_mapping.hpp"
#include "protocol/mqtt/topics.hpp"

namespace artemis::protocol::mqtt {

namespace wire = artemis::mqtt;

namespace {

constexpr const char* kLogger = "org.apache.activemq.artemis.core.protocol.mqtt";

void send_held(ModuleContext& ctx, const std::string& client_id, HeldWill& held) {
  if (auto why = send_will(ctx, *held.session, held.will); !why.empty())
    ctx.log.plain(util::Level::warn, kLogger, "the will of MQTT client {} to {} is refused: {}",
                  client_id, held.will.topic, why);
}

}  // namespace

wire::Publish publish_of_will(const wire::Will& will) {
  wire::Publish p;
  p.topic = will.topic;
  p.payload = will.payload;
  p.qos = will.qos;
  p.retain = will.retain;
  p.properties = will.properties;
  p.properties.will_delay_interval.reset();
  return p;
}

std::string send_will(ModuleContext& ctx, core::ServerSession& session, const wire::Publish& will) {
  auto m = message_from_publish(will, ctx.scheduler.now_ms());
  const auto address = address_of_topic(will.topic);
  m->record.address = address;
  if (will.retain &&
      !keep_retained(ctx.core.post_office(), address, will.payload.empty() ? nullptr : m.get()))
    ctx.log.plain(util::Level::warn, kLogger, "the retained will on {} cannot be kept", address);
  const auto target = session.resolve(address, core::RoutingType::multicast);
  if (auto refused = session.send(std::move(m), target, nullptr, [](std::error_code) {}))
    return refused->detail.empty() ? refused->text : refused->detail;
  return {};
}

void hold_will(ModuleContext& ctx, const std::string& client_id,
               std::shared_ptr<core::ServerSession> session, wire::Publish will,
               std::chrono::seconds delay) {
  auto& held = ctx.shared->wills[client_id];  // one per client id: a newer one replaces it
  if (held.timer != 0) ctx.scheduler.cancel(held.timer);
  held.session = std::move(session);
  held.will = std::move(will);
  held.timer = ctx.scheduler.schedule_after(delay, [&ctx, client_id] {
    auto it = ctx.shared->wills.find(client_id);
    if (it == ctx.shared->wills.end()) return;
    auto held = std::move(it->second);
    ctx.shared->wills.erase(it);
    send_held(ctx, client_id, held);
  });
}

void release_will(ModuleContext& ctx, const std::string& client_id, bool send) {
  auto it = ctx.shared->wills.find(client_id);
  if (it == ctx.shared->wills.end()) return;
  auto held = std::move(it->second);
  ctx.shared->wills.erase(it);
  ctx.scheduler.cancel(held.timer);
  if (send)
    send_held(ctx, client_id, held);
  else
    ctx.log.plain(util::Level::info, kLogger,
                  "the will of MQTT client {} is cancelled: the client is back", client_id);
}

void drop_held_wills(ModuleContext& ctx) {
  for (auto& [client_id, held] : ctx.shared->wills) ctx.scheduler.cancel(held.timer);
  ctx.shared->wills.clear();
}

}  // namespace artemis::protocol::mqtt
