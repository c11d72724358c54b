// moveMessages / moveMessage / retryMessages / retryMessage / removeMessage: a message leaves its
// queue once its copy is durable, and stays when the store refuses the copy.
#include <doctest/doctest.h>

#include "management_fixture.hpp"

namespace artemis::testing {
namespace {

using nlohmann::json;

struct MovesFixture : ManagementFixture {
  MovesFixture() {
    anycast_queue("other");
    for (int i = 0; i < 4; ++i) {
      auto m = message("m" + std::to_string(i), true);
      m->record.properties.set("n", store::PropertyValue(std::int32_t{i}));
      send("orders", m);
    }
  }
  json call(const std::string& resource, const std::string& operation, json args = json::array()) {
    auto result = ManagementFixture::call(resource, operation, std::move(args));
    scheduler.run_posted();  // the copies' journal writes complete
    return result;
  }
  std::vector<std::string> bodies(const std::string& queue) {
    std::vector<std::string> out;
    po->find_queue(queue)->for_each_waiting(
        [&](const core::MessageRef& r) { out.push_back(r.message->record.body); });
    return out;
  }
  std::uint64_t first_id(const std::string& queue) {
    std::uint64_t id = 0;
    po->find_queue(queue)->for_each_waiting([&](const core::MessageRef& r) {
      if (id == 0) id = r.message->id();
    });
    return id;
  }
};

TEST_CASE("moveMessages moves the matching messages to another queue, and they survive a restart") {
  MovesFixture f;
  CHECK(f.call("queue.orders", "moveMessages", {"n >= 2", "other"}) == 2);
  CHECK(f.bodies("orders") == std::vector<std::string>{"m0", "m1"});
  CHECK(f.bodies("other") == std::vector<std::string>{"m2", "m3"});
  CHECK(f.call("queue.orders", "getMessagesAcknowledged") == 2);  // as Artemis counts a move
  CHECK(f.call("queue.orders", "moveMessage", {f.first_id("orders"), "other"}) == true);
  CHECK(f.call("queue.orders", "moveMessage", {999999, "other"}) == false);
  CHECK(f.call("queue.orders", "moveMessages", {10, "", "other", false, 0}) == 0);  // count 0
  CHECK_THROWS_WITH_AS(f.call("queue.orders", "moveMessages", {"", "nope"}),
                       "AMQ229017: Queue nope does not exist", management::OperationError);
  CHECK_THROWS_AS(f.call("queue.orders", "moveMessages", {"", "orders"}),
                  management::OperationError);
  f.restart();  // (the service keeps the PostOffice it was made with: not called again)
  CHECK(f.bodies("orders") == std::vector<std::string>{"m1"});
  CHECK(f.bodies("other") == std::vector<std::string>{"m2", "m3", "m0"});
}

TEST_CASE("a move the store refuses leaves the message where it was") {
  MovesFixture f;
  f.messages_journal->fail_from_now(std::make_error_code(std::errc::io_error));
  f.call("queue.orders", "moveMessages", {"", "other"});
  CHECK(f.bodies("orders").size() == 4);
  CHECK(f.bodies("other").empty());
  CHECK(f.call("queue.orders", "getMessagesAcknowledged") == 0);
}

TEST_CASE("retryMessages sends dead letters back to their queue; removeMessage takes one") {
  MovesFixture f;
  f.anycast_queue("DLQ");
  // Dead-lettered as the broker does it: a copy with _AMQ_ORIG_* on the DLQ.
  f.po->find_queue("orders")->for_each_waiting([&](const core::MessageRef& r) {
    if (r.message->record.body == "m1")
      f.send("DLQ", f.po->copy_for_move(*f.po->find_queue("orders"), r, "DLQ", false));
  });
  f.call("queue.orders", "removeMessage", {f.first_id("orders")});
  CHECK(f.bodies("orders") == std::vector<std::string>{"m1", "m2", "m3"});
  CHECK(f.call("queue.orders", "getMessagesKilled") == 1);
  CHECK(f.call("queue.DLQ", "retryMessages") == 1);
  CHECK(f.bodies("DLQ").empty());
  CHECK(f.bodies("orders") == std::vector<std::string>{"m1", "m2", "m3", "m1"});
  bool orig = false;
  f.po->find_queue("orders")->for_each_waiting([&](const core::MessageRef& r) {
    orig = orig || r.message->property(core::props::orig_queue).has_value();
  });
  CHECK_FALSE(orig);                                    // a retried message is the original again
  CHECK(f.call("queue.orders", "retryMessages") == 0);  // never moved: nowhere to go back to
}

TEST_CASE("pause(true) outlives a restart; pause() and resume do not") {
  MovesFixture f;
  f.call("queue.orders", "pause", {true});
  f.call("queue.other", "pause");
  CHECK(f.call("queue.orders", "isPersistedPause") == true);
  CHECK(f.call("queue.other", "isPersistedPause") == false);
  const auto listed = json::parse(f.call("broker", "listQueues", {"", 1, 10}).get<std::string>());
  for (const auto& q : listed["data"])
    CHECK(q["persistedPause"] == (q["name"] == "orders" ? "true" : "false"));
  f.restart();
  CHECK(f.po->find_queue("orders")->paused());
  CHECK_FALSE(f.po->find_queue("other")->paused());
  management::ManagementService again{management::ManagementContext{
      *f.po, f.config, f.security, f.log, [] { return management::NodeState{"node-1"}; }}};
  again.invoke("queue.orders", "resume", management::OperationArgs(json::array()), f.admin);
  f.restart();
  CHECK_FALSE(f.po->find_queue("orders")->paused());
}

}  // namespace
}  // namespace artemis::testing
