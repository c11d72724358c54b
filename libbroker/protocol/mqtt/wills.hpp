#pragma once
// Wills (reference §8.5): published when a connection ends without DISCONNECT. With an MQTT 5
// Will Delay Interval the will waits, held by client id, for that interval or until its session
// ends, whichever comes first; a client that comes back to its session in the meantime cancels
// it, one that starts clean ends the old session and so sends it. A held will keeps the ended
// connection's core session, so it is sent with that client's rights. Broker thread only.
#include <chrono>
#include <memory>
#include <string>

#include "mqtt/packets.hpp"
#include "protocol/mqtt/mqtt_module.hpp"

namespace artemis::core {
class ServerSession;
}

namespace artemis::protocol::mqtt {

// The PUBLISH a will makes.
artemis::mqtt::Publish publish_of_will(const artemis::mqtt::Will& will);

// Sends `will` through `session`, kept first as its topic's retained message when it asks to
// be. Empty when sent, else why not.
std::string send_will(ModuleContext& ctx, core::ServerSession& session,
                      const artemis::mqtt::Publish& will);

void hold_will(ModuleContext& ctx, const std::string& client_id,
               std::shared_ptr<core::ServerSession> session, artemis::mqtt::Publish will,
               std::chrono::seconds delay);
// The client is back: a will held for it is sent now (`send`, its session ended) or dropped.
void release_will(ModuleContext& ctx, const std::string& client_id, bool send);
// The module stops: held wills are dropped with their timers.
void drop_held_wills(ModuleContext& ctx);

}  // namespace artemis::protocol::mqtt
