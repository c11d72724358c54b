// The `queue.<name>` resource's operations that take messages out of a queue one by one or by
// filter: moveMessages, moveMessage, retryMessages, retryMessage, removeMessage (Artemis's
// QueueControl). A move leaves the queue once its copy is durable (PostOffice::move_messages).
#include <fmt/core.h>

#include "management/resources.hpp"

namespace artemis::management {
namespace {

using nlohmann::json;

core::Destination queue_destination(const Call& c, const std::string& name) {
  const auto& q = queue_of(c.ctx, name);
  return {q.address(), q.name()};
}

// moveMessages(filter, otherQueue[, rejectDuplicates]) and
// moveMessages(flushLimit, filter, otherQueue, rejectDuplicates[, messageCount]).
json move_messages(const Call& c) {
  const auto n = c.args.size();
  if (n < 2 || n > 5) throw no_operation("moveMessages", c.args);
  const bool limited = n >= 4;  // the forms that start with flushLimit
  const std::size_t first = limited ? 1 : 0;
  auto& q = queue_resource(c);
  const auto filter = parse_filter(c.args.text_or(first, ""));
  const auto to = queue_destination(c, c.args.text(first + 1));
  if (to.queue == q.name())
    throw OperationError(fmt::format("cannot move messages of {} to itself", q.name()));
  std::int64_t left = n == 5 ? c.args.integer(4) : -1;  // messageCount; -1: every one
  return static_cast<std::int64_t>(c.ctx.post_office.move_messages(
      q,
      [&](const core::Message& m) -> std::optional<core::Destination> {
        if (left == 0 || !core::matches(filter, m)) return std::nullopt;
        if (left > 0) --left;
        return to;
      },
      false));
}

std::uint64_t message_id(const Call& c) {
  const auto id = c.args.integer(0);
  if (id < 0) throw OperationError("a message id is not negative");
  return static_cast<std::uint64_t>(id);
}

// moveMessage(messageID, otherQueue[, rejectDuplicates]).
json move_message(const Call& c) {
  if (c.args.size() < 2 || c.args.size() > 3) throw no_operation("moveMessage", c.args);
  auto& q = queue_resource(c);
  const auto id = message_id(c);
  const auto to = queue_destination(c, c.args.text(1));
  return c.ctx.post_office.move_messages(
             q,
             [&](const core::Message& m) -> std::optional<core::Destination> {
               if (m.id() != id) return std::nullopt;
               return to;
             },
             false) == 1;
}

// Where a dead-lettered or expired message came from: its original queue (FQQN) when that still
// exists, else its original address; nullopt for a message that was never moved.
std::optional<core::Destination> origin(const Call& c, const core::Message& m) {
  const auto address = m.property(core::props::orig_address);
  if (!address) return std::nullopt;
  const auto queue = m.property(core::props::orig_queue);
  if (queue) {
    const auto* q = c.ctx.post_office.find_queue(std::string(*queue));
    if (q != nullptr && q->address() == *address)
      return core::Destination{std::string(*address), std::string(*queue)};
  }
  if (c.ctx.post_office.find_address(std::string(*address)) == nullptr) return std::nullopt;
  return core::Destination{std::string(*address), std::nullopt};
}

json retry_messages(const Call& c) {
  if (c.args.size() != 0) throw no_operation("retryMessages", c.args);
  return static_cast<std::int64_t>(c.ctx.post_office.move_messages(
      queue_resource(c), [&](const core::Message& m) { return origin(c, m); }, true));
}

json retry_message(const Call& c) {
  if (c.args.size() != 1) throw no_operation("retryMessage", c.args);
  const auto id = message_id(c);
  return c.ctx.post_office.move_messages(
             queue_resource(c),
             [&](const core::Message& m) -> std::optional<core::Destination> {
               if (m.id() != id) return std::nullopt;
               return origin(c, m);
             },
             true) == 1;
}

json remove_message(const Call& c) {
  if (c.args.size() != 1) throw no_operation("removeMessage", c.args);
  const auto id = message_id(c);
  return queue_resource(c).remove_where(
             [&](const core::MessageRef& r) { return r.message->id() == id; }) == 1;
}

}  // namespace

void add_queue_moves(OperationTable& t) {
  t["moveMessages"] = {move_messages, 601202, "moving messages to another queue", true};
  t["moveMessage"] = {move_message, 601201, "moving a message to another queue", true};
  t["retryMessages"] = {retry_messages, 601200, "retry sending messages", true};
  t["retryMessage"] = {retry_message, 601199, "retry sending message", true};
  t["removeMessage"] = {remove_message, 601196, "removing messages", true};
}

}  // namespace artemis::management
