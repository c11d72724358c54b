// Local transactions through the coordinator link (reference §7.4), with a real AMQP client in
// memory: declare, transactional transfers and dispositions, discharge commit and rollback.
#include <doctest/doctest.h>

#include "client_fixture.hpp"

namespace artemis::testing {
namespace {

constexpr std::uint64_t kDeclareCode = 0x31;
constexpr std::uint64_t kDischargeCode = 0x32;
constexpr std::uint64_t kDeclaredCode = 0x33;
constexpr std::uint64_t kTxStateCode = 0x34;

// A client of the broker's transaction coordinator.
struct Coordinator {
  Fixture& fx;
  pn_link_t* link = nullptr;
  int tags = 0;

  explicit Coordinator(Fixture& f) : fx(f) {
    link = pn_sender(fx.session, "txn-ctrl");
    pn_terminus_set_type(pn_link_target(link), PN_COORDINATOR);
    pn_link_open(link);
    REQUIRE(fx.until([&] { return pn_link_credit(link) > 0; }));
  }

  // Sends AmqpValue(described(code, [fields...])); returns the delivery once the broker settled
  // it (run until then).
  pn_delivery_t* control(std::uint64_t code, const std::function<void(pn_data_t*)>& fields) {
    pn_message_t* m = pn_message();
    pn_data_t* body = pn_message_body(m);
    pn_data_put_described(body);
    pn_data_enter(body);
    pn_data_put_ulong(body, code);
    pn_data_put_list(body);
    pn_data_enter(body);
    fields(body);
    pn_data_exit(body);
    pn_data_exit(body);
    std::string bytes;
    REQUIRE(protocol::amqp::encode(m, bytes));
    pn_message_free(m);
    ++tags;
    pn_delivery_t* d = pn_delivery(link, pn_dtag(reinterpret_cast<const char*>(&tags), 4));
    pn_link_send(link, bytes.data(), bytes.size());
    pn_link_advance(link);
    REQUIRE(fx.until([&] { return pn_delivery_remote_state(d) != 0; }));
    return d;
  }

  std::string declare() {
    pn_delivery_t* d = control(kDeclareCode, [](pn_data_t*) {});
    REQUIRE(pn_delivery_remote_state(d) == kDeclaredCode);
    pn_data_t* fields = pn_disposition_data(pn_delivery_remote(d));
    pn_data_rewind(fields);
    REQUIRE(pn_data_next(fields));
    REQUIRE(pn_data_type(fields) == PN_LIST);
    pn_data_enter(fields);
    REQUIRE(pn_data_next(fields));
    REQUIRE(pn_data_type(fields) == PN_BINARY);
    const pn_bytes_t id = pn_data_get_binary(fields);
    return {id.start, id.size};
  }

  std::uint64_t discharge(const std::string& tx, bool fail) {
    return pn_delivery_remote_state(control(kDischargeCode, [&](pn_data_t* f) {
      pn_data_put_binary(f, pn_bytes(tx.size(), tx.data()));
      pn_data_put_bool(f, fail);
    }));
  }
};

// Puts [txn-id] (a transfer) or [txn-id, accepted] (a disposition) as `d`'s local state.
void in_transaction(pn_delivery_t* d, const std::string& tx, bool with_accepted) {
  pn_data_t* state = pn_disposition_data(pn_delivery_local(d));
  pn_data_put_list(state);
  pn_data_enter(state);
  pn_data_put_binary(state, pn_bytes(tx.size(), tx.data()));
  if (with_accepted) {
    pn_data_put_described(state);
    pn_data_enter(state);
    pn_data_put_ulong(state, 0x24);
    pn_data_put_list(state);
    pn_data_exit(state);
  }
  pn_data_exit(state);
  pn_delivery_update(d, kTxStateCode);
}

std::size_t waiting(Fixture& fx, const char* queue) {
  const auto* q = fx.core->post_office().find_queue(queue);
  return q == nullptr ? 0 : q->message_count();
}

}  // namespace

TEST_CASE("transactional sends are visible only once the discharge commits them") {
  Fixture fx;
  Coordinator coordinator(fx);
  const std::string tx = coordinator.declare();
  CHECK(!tx.empty());

  pn_link_t* sender = fx.link(true, "s", "orders");
  REQUIRE(fx.until([&] { return pn_link_credit(sender) > 0; }));
  pn_delivery_t* first = fx.send(sender, "one", true, 1);
  in_transaction(first, tx, false);
  pn_delivery_t* second = fx.send(sender, "two", true, 2);
  in_transaction(second, tx, false);
  REQUIRE(fx.until([&] { return pn_delivery_settled(second); }));
  // Accepted as part of the transaction, and not routed yet.
  CHECK(pn_delivery_remote_state(first) == kTxStateCode);
  CHECK(waiting(fx, "orders") == 0);

  CHECK(coordinator.discharge(tx, false) == PN_ACCEPTED);
  CHECK(waiting(fx, "orders") == 2);
  // A discharged transaction is gone: discharging it again is refused.
  CHECK(coordinator.discharge(tx, false) == PN_REJECTED);
}

TEST_CASE("a rolled back transaction drops its sends and returns what it accepted") {
  Fixture fx;
  pn_link_t* sender = fx.link(true, "s", "work");
  REQUIRE(fx.until([&] { return pn_link_credit(sender) > 0; }));
  pn_delivery_t* job = fx.send(sender, "job", true, 1);
  REQUIRE(fx.until([&] { return pn_delivery_remote_state(job) == PN_ACCEPTED; }));

  Coordinator coordinator(fx);
  const std::string tx = coordinator.declare();
  pn_delivery_t* dropped = fx.send(sender, "never", true, 2);
  in_transaction(dropped, tx, false);
  pn_link_t* receiver = fx.link(false, "r", "work");
  pn_link_flow(receiver, 1);
  REQUIRE(fx.until([&] { return pn_link_current(receiver) != nullptr; }));
  pn_delivery_t* got = nullptr;
  CHECK(Fixture::receive(receiver, &got) == "job");
  in_transaction(got, tx, true);
  fx.pump();
  CHECK(waiting(fx, "work") == 0);  // acquired by the transaction's acknowledgement

  CHECK(coordinator.discharge(tx, true) == PN_ACCEPTED);
  // Back in the queue with a delivery counted; the transactional send never arrived.
  CHECK(waiting(fx, "work") == 1);
  pn_link_close(receiver);
  fx.pump();
  pn_link_t* again = fx.link(false, "r2", "work");
  pn_link_flow(again, 5);
  REQUIRE(fx.until([&] { return pn_link_current(again) != nullptr; }));
  CHECK(Fixture::receive(again) == "job");
  fx.pump();
  CHECK(pn_link_current(again) == nullptr);
}

TEST_CASE("a coordinator refuses what is no declare or discharge, and an unknown transaction") {
  Fixture fx;
  Coordinator coordinator(fx);
  CHECK(pn_delivery_remote_state(coordinator.control(0x99, [](pn_data_t*) {})) == PN_REJECTED);
  CHECK(coordinator.discharge("no-such-transaction", false) == PN_REJECTED);
  pn_link_t* sender = fx.link(true, "s", "orders");
  REQUIRE(fx.until([&] { return pn_link_credit(sender) > 0; }));
  pn_delivery_t* d = fx.send(sender, "lost", true, 1);
  in_transaction(d, "no-such-transaction", false);
  REQUIRE(fx.until([&] { return pn_delivery_remote_state(d) != 0; }));
  CHECK(pn_delivery_remote_state(d) == PN_REJECTED);
  CHECK(std::string(pn_condition_get_name(pn_disposition_condition(pn_delivery_remote(d)))) ==
        "amqp:transaction:unknown-id");
  CHECK(waiting(fx, "orders") == 0);
}

}  // namespace artemis::testing
