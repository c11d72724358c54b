// The operations the web console reads with (browse, listConsumers, getHAState, getLogTail) and
// the message sendMessage composes.
#include <doctest/doctest.h>

#include "management/compose_message.hpp"
#include "management_fixture.hpp"

namespace artemis::testing {
namespace {

using nlohmann::json;

struct ConsoleOpsFixture : ManagementFixture {
  ConsoleOpsFixture()
      : ManagementFixture([] {
          management::NodeState n{"node-1"};
          n.live_connector = "localhost:61616";
          n.backup_connector = "localhost:61617";
          return n;
        }) {}
};

TEST_CASE("browse shows the waiting messages with their typed properties, paged or filtered") {
  ConsoleOpsFixture f;
  for (int i = 0; i < 5; ++i) {
    auto m = f.message("body " + std::to_string(i));
    m->record.properties.set("n", store::PropertyValue(std::int32_t{i}));
    m->record.properties.set("tag", store::PropertyValue(std::string("t") + std::to_string(i)));
    f.send("orders", m);
  }
  const auto all = f.call("queue.orders", "browse");
  REQUIRE(all.size() == 5);
  CHECK(all[0]["text"] == "body 0");
  CHECK(all[0]["properties"]["n"] == 0);
  CHECK(all[0]["properties"]["tag"] == "t0");
  CHECK(all[0]["address"] == "orders");
  const auto page = f.call("queue.orders", "browse", {2, 2});
  REQUIRE(page.size() == 2);
  CHECK(page[0]["text"] == "body 2");
  CHECK(page[1]["text"] == "body 3");
  const auto filtered = f.call("queue.orders", "browse", {"n >= 3"});
  REQUIRE(filtered.size() == 2);
  CHECK(filtered[1]["text"] == "body 4");
  CHECK(f.call("queue.orders", "getMessageCount") == 5);  // browsing takes nothing
  CHECK_THROWS_AS(f.call("queue.orders", "browse", {0, 10}), management::OperationError);
  // Reading messages needs manage on the web, as changing the broker does; listing does not.
  CHECK(f.service.needs_manage("queue.orders", "browse"));
  CHECK(f.service.needs_manage("broker", "getLogTail"));
  CHECK_FALSE(f.service.needs_manage("broker", "listQueues"));
}

TEST_CASE("listConsumers shows each consumer with its session's protocol and user") {
  ConsoleOpsFixture f;
  core::SessionOptions o;
  o.protocol = "STOMP";
  o.remote_address = "127.0.0.1:5000";
  auto s = f.session(7, o);
  RecordingHandler h;
  f.consume(*s, h, "orders");
  const auto listed =
      json::parse(f.call("broker", "listConsumers", {"", 1, 10}).get<std::string>());
  REQUIRE(listed["count"] == 1);
  const auto& c = listed["data"][0];
  CHECK(c["queue"] == "orders");
  CHECK(c["connection"] == "7");
  CHECK(c["protocol"] == "STOMP");
  CHECK(c["user"] == "alice");
  CHECK(c["remoteAddress"] == "127.0.0.1:5000");
  CHECK(c["messagesInTransit"] == "0");
}

TEST_CASE("getHAState and getLogTail describe the node and its log") {
  ConsoleOpsFixture f;
  const auto ha = f.call("broker", "getHAState");
  CHECK(ha["nodeID"] == "node-1");
  CHECK(ha["backupConnector"] == "localhost:61617");
  CHECK(ha["policy"] == "none");
  util::Logger quiet{nullptr};
  management::ManagementService service{management::ManagementContext{
      *f.po, f.config, f.security, quiet, [] { return management::NodeState{}; }}};
  auto call = [&](json args) {
    return service.invoke("broker", "getLogTail", management::OperationArgs(std::move(args)),
                          f.admin);
  };
  quiet.keep_recent(3);
  for (int i = 0; i < 5; ++i) quiet.write(util::Level::error, "test", "line " + std::to_string(i));
  const auto tail = call({2});
  REQUIRE(tail.size() == 2);
  CHECK(tail[0].get<std::string>().ends_with("line 3"));
  CHECK(tail[1].get<std::string>().ends_with("line 4"));
  CHECK(call({10}).size() == 3);
  CHECK_THROWS_AS(call({0}), management::OperationError);
}

TEST_CASE("sendMessage composes a text message for a queue or an address; bad input is refused") {
  ConsoleOpsFixture f;
  management::ManagementContext ctx{*f.po, f.config, f.security, f.log,
                                    [] { return management::NodeState{}; }};
  auto composed = management::compose_message(
      ctx, "queue.orders",
      management::OperationArgs(json::array({{{"colour", "red"}, {"n", 3}}, 3, "hi", true})), 42);
  CHECK(composed.destination.address == "orders");
  CHECK(composed.destination.queue == "orders");
  CHECK(composed.message->record.body == "hi");
  CHECK(composed.message->record.durable);
  CHECK(composed.message->record.timestamp == 42);
  CHECK(composed.message->property("colour") == "red");
  CHECK(composed.message->typed_property("n")->as_integer() == 3);
  auto to_address = management::compose_message(
      ctx, "address.orders", management::OperationArgs(json::array({nullptr, 0, "", false})), 1);
  CHECK_FALSE(to_address.destination.queue);
  CHECK(to_address.message->record.type == store::BodyType::default_type);
  auto refused = [&](json args, std::string resource = "queue.orders") {
    try {
      management::compose_message(ctx, resource, management::OperationArgs(std::move(args)), 1);
    } catch (const management::OperationError& e) {
      return std::string(e.what());
    }
    return std::string("composed");
  };
  CHECK(refused(json::array({nullptr, 4, "AAAA", true})).find("message type 4") == 0);
  CHECK(refused(json::array({{{"__AMQ_CID", "x"}}, 3, "", true})) ==
        "header '__AMQ_CID' cannot be set");
  CHECK(refused(json::array({{{"list", json::array()}}, 3, "", true})) ==
        "header list must be a string, a number or a boolean");
  CHECK(refused(json::array({nullptr, 3, "", true}), "queue.nope") ==
        "AMQ229017: Queue nope does not exist");
  CHECK(refused(json::array({nullptr, 3})) == "AMQ229069: no operation sendMessage/2");
}

}  // namespace
}  // namespace artemis::testing
