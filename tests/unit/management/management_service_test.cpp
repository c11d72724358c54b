// ManagementService: requests to the management address through a ServerSession, and the
// operations on a PostOffice over in-memory journals.
#include <doctest/doctest.h>

#include "management_fixture.hpp"

namespace artemis::testing {
namespace {

using nlohmann::json;

TEST_CASE("a request to the management address is answered at its reply-to, never queued") {
  ManagementFixture f;
  f.anycast_queue("replies");
  f.send("orders", f.message("a"));
  auto s = f.session();
  REQUIRE(session_text(f.send(*s, "activemq.management",
                              f.request("queue.orders", "getMessageCount", "[]", "replies"))) ==
          "ok");
  f.scheduler.run_posted();
  auto* replies = f.po->find_queue("replies");
  REQUIRE(replies->message_count() == 1);
  replies->for_each_waiting([](const core::MessageRef& r) {
    CHECK(r.message->record.body == "[1]");
    CHECK(r.message->typed_property(management::kOperationSucceeded)->to_value() ==
          store::PropertyValue(true));
  });
  CHECK(f.events == std::vector<std::string>{"sent"});
  CHECK(f.po->find_address("activemq.management") == nullptr);  // nothing was auto-created
}

TEST_CASE("a request needs the manage permission and no other") {
  ManagementFixture f;
  auto s = f.session();
  f.security.denied = {security::Permission::send};
  CHECK(session_text(f.send(*s, "activemq.management",
                            f.request("broker", "getQueueNames", "[]", ""))) == "ok");
  f.security.denied = {security::Permission::manage};
  f.security.gen++;
  CHECK(session_text(
            f.send(*s, "activemq.management", f.request("broker", "getQueueNames", "[]", ""))) ==
        "User: alice does not have permission='manage' on address activemq.management");
}

TEST_CASE("a failed operation replies with its error and a malformed body is refused") {
  ManagementFixture f;
  const auto reply = f.service.handle(*f.request("queue.nosuch", "pause", "[]", ""), f.admin);
  CHECK(reply->record.body == R"(["AMQ229067: Cannot find resource with name queue.nosuch"])");
  CHECK(reply->typed_property(management::kOperationSucceeded)->to_value() ==
        store::PropertyValue(false));
  const auto bad = f.service.handle(*f.request("broker", "getQueueNames", "{", ""), f.admin);
  CHECK(bad->record.body.find("JSON array") != std::string::npos);
  CHECK(f.failure("broker", "destroyQueue", json::array({"nosuch"})) ==
        "AMQ229017: Queue nosuch does not exist");
  CHECK(f.failure("broker", "noSuch") == "AMQ229069: no operation noSuch/0");
}

TEST_CASE("listQueues filters, sorts and pages as Artemis's views do") {
  ManagementFixture f;
  f.anycast_queue("alpha");
  f.anycast_queue("beta");
  for (int i = 0; i < 3; ++i) f.send("beta", f.message("m"));
  auto list = [&](json options, int page = 1, int size = 10) {
    return json::parse(
        f.call("broker", "listQueues", {options.dump(), page, size}).get<std::string>());
  };
  auto names = [](const json& r) {
    std::vector<std::string> out;
    for (const auto& q : r["data"]) out.push_back(q["name"]);
    return out;
  };
  CHECK(names(list({{"field", ""}, {"operation", ""}, {"value", ""}})) ==
        std::vector<std::string>{"alpha", "beta", "orders"});
  const auto busy =
      list({{"field", "MESSAGE_COUNT"}, {"operation", "GREATER_THAN"}, {"value", "2"}});
  CHECK(names(busy) == std::vector<std::string>{"beta"});
  CHECK(busy["data"][0]["messageCount"] == "3");
  CHECK(busy["count"] == 1);
  CHECK(names(list({{"field", "name"},
                    {"operation", "CONTAINS"},
                    {"value", "a"},
                    {"sortField", "name"},
                    {"sortOrder", "desc"}})) == std::vector<std::string>{"beta", "alpha"});
  const auto paged = list({{"field", ""}, {"operation", ""}, {"value", ""}}, 2, 2);
  CHECK(names(paged) == std::vector<std::string>{"orders"});
  CHECK(paged["count"] == 3);
  CHECK(f.failure("broker", "listQueues",
                  {R"({"field":"nope","operation":"EQUALS","value":"1"})", 1, 1})
            .starts_with("No field named nope"));
}

TEST_CASE("queues made, changed and removed by management survive a restart as they were left") {
  ManagementFixture f;
  CHECK(f.call("broker", "createQueue",
               {"events", "MULTICAST", "events.audit", "level > 2", true, 5, false, true}) ==
        "Queue [name=events.audit, address=events, routingType=MULTICAST, filter=level > 2, "
        "durable=true, maxConsumers=5, purgeOnNoConsumers=false, autoCreateAddress=false, "
        "exclusive=false, lastValue=false, lastValueKey=null, nonDestructive=false, "
        "consumersBeforeDispatch=0, delayBeforeDispatch=-1, autoCreateAddress=false]");
  f.call("broker", "updateQueue", {"events.audit", nullptr, 7, true});
  f.call("broker", "createAddress", {"gone", "ANYCAST"});
  f.call("broker", "deleteAddress", {"gone"});
  CHECK(f.failure("broker", "deleteAddress", {"events"}) ==
        "AMQ229205: Address events has bindings");
  f.po->set_management(nullptr);
  f.restart();
  const auto* q = f.po->find_queue("events.audit");
  REQUIRE(q != nullptr);
  CHECK(q->definition().max_consumers == 7);
  CHECK(q->definition().purge_on_no_consumers);
  CHECK(q->definition().filter->text() == "level > 2");
  CHECK(f.po->find_address("gone") == nullptr);
}

TEST_CASE("removeMessages takes the matching messages; pause holds deliveries until resume") {
  ManagementFixture f;
  for (int i = 0; i < 4; ++i) {
    auto m = f.message("m" + std::to_string(i));
    m->record.properties.set("n", store::PropertyValue(std::int32_t{i}));
    f.send("orders", m);
  }
  CHECK(f.call("queue.orders", "countMessages", {"n >= 2"}) == 2);
  CHECK(f.call("queue.orders", "removeMessages", {"n >= 2"}) == 2);
  CHECK(f.call("queue.orders", "getMessageCount") == 2);
  CHECK(f.call("queue.orders", "getMessagesKilled") == 2);
  f.call("queue.orders", "pause");
  RecordingHandler h;
  auto s = f.session();
  f.consume(*s, h, "orders");
  CHECK(h.got.empty());
  CHECK(f.service.attribute("queue.orders", "Paused", f.admin) == true);
  f.call("queue.orders", "resume");
  CHECK(h.bodies() == std::vector<std::string>{"m0", "m1"});
}

TEST_CASE("bad input is a failed reply, never an exception out of the service") {
  ManagementFixture f;
  f.anycast_queue("bad\xff name");  // not UTF-8: replaced in the JSON, still listed
  const auto list =
      f.service.handle(*f.request("broker", "listQueues", R"(["", 1, 10])", ""), f.admin);
  CHECK(list->typed_property(management::kOperationSucceeded)->to_value() ==
        store::PropertyValue(true));
  CHECK(list->record.body.find("bad\xEF\xBF\xBD name") != std::string::npos);
  const auto bad_json = f.service.handle(
      *f.request("broker", "createQueue", R"(["{\"name\":\"q\",\"max-consumers\":\"x\"}"])", ""),
      f.admin);
  CHECK(bad_json->typed_property(management::kOperationSucceeded)->to_value() ==
        store::PropertyValue(false));
  const auto wrong_type =
      f.service.handle(*f.request("broker", "listQueues", R"([{"field": 1}, 1, 10])", ""), f.admin);
  CHECK(wrong_type->typed_property(management::kOperationSucceeded)->to_value() ==
        store::PropertyValue(false));
}

}  // namespace
}  // namespace artemis::testing
