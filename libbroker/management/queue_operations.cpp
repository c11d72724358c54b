// The `queue.<name>` resource (Artemis's QueueControl).
#include <fmt/core.h>

#include "management/resources.hpp"
#include "management/views.hpp"

namespace artemis::management {
namespace {

using nlohmann::json;

json remove_all(const Call& c) {
  return static_cast<std::int64_t>(queue_resource(c).remove_matching(std::nullopt));
}

// removeMessages(filter) and removeMessages(flushLimit, filter).
json remove_messages(const Call& c) {
  if (c.args.size() < 1 || c.args.size() > 2) throw no_operation("removeMessages", c.args);
  auto& q = queue_resource(c);
  const auto filter = parse_filter(c.args.text_or(c.args.size() - 1, ""));
  return static_cast<std::int64_t>(q.remove_matching(filter));
}

json count_messages(const Call& c) {
  if (c.args.size() > 1) throw no_operation("countMessages", c.args);
  auto& q = queue_resource(c);
  const auto filter = parse_filter(c.args.text_or(0, ""));
  return static_cast<std::int64_t>(filter ? q.count_matching(filter) : q.message_count());
}

// pause() and pause(persist): a persisted pause outlives a restart.
json pause_queue(const Call& c) {
  if (c.args.size() > 1) throw no_operation("pause", c.args);
  c.ctx.post_office.pause_queue(queue_resource(c).name(), c.args.boolean_or(0, false));
  return nullptr;
}
json resume_queue(const Call& c) {
  c.ctx.post_office.resume_queue(queue_resource(c).name());
  return nullptr;
}
json persisted_pause(const Call& c) {
  return queue_resource(c).definition().persisted_pause;
}

// browse(), browse(filter), browse(page, pageSize): the waiting messages, highest priority
// first, as message views; at most kBrowseLimit unless paged (Artemis's
// management-browse-page-size).
constexpr std::int64_t kBrowseLimit = 200;
constexpr std::size_t kBrowseTextLimit = 1024;

json browse(const Call& c) {
  if (c.args.size() > 2) throw no_operation("browse", c.args);
  auto& q = queue_resource(c);
  const bool paged = c.args.size() == 2;
  const auto filter = paged ? std::nullopt : parse_filter(c.args.text_or(0, ""));
  const std::int64_t page = paged ? c.args.integer(0) : 1;
  const std::int64_t size = paged ? c.args.integer(1) : kBrowseLimit;
  if (page < 1 || size < 1) throw OperationError("page and pageSize must be 1 or more");
  const std::int64_t first = (page - 1) * size;
  std::int64_t seen = 0;
  json out = json::array();
  q.for_each_waiting([&](const core::MessageRef& ref) {
    if (static_cast<std::int64_t>(out.size()) >= size || !core::matches(filter, *ref.message))
      return;
    if (seen++ >= first) out.push_back(message_view(ref, kBrowseTextLimit));
  });
  return out;
}

template <auto Getter>
json read_queue(const Call& c) {
  return (queue_resource(c).*Getter)();
}

json queue_routing_type(const Call& c) {
  return config::to_string(queue_resource(c).routing_type());
}
json queue_filter(const Call& c) {
  const auto& f = queue_resource(c).definition().filter;
  return f ? json(f->text()) : json(nullptr);
}
json queue_temporary(const Call& c) {
  return queue_resource(c).definition().temporary;
}
json queue_name(const Call& c) {
  return queue_resource(c).name();
}
json queue_address(const Call& c) {
  return queue_resource(c).address();
}

}  // namespace

void add_queue_operations(OperationTable& t) {
  t["removeAllMessages"] = {remove_all, 601196, "removing messages", true};
  t["removeMessages"] = {remove_messages, 601196, "removing messages", true};
  t["browse"] = {browse, 601215, "browsing a queue", false, false, true};
  t["countMessages"] = {count_messages, 601193, "counting messages", false};
  t["pause"] = {pause_queue, 601212, "pausing", true};
  t["resume"] = {resume_queue, 601213, "resuming", true};
  t["isPersistedPause"] = {persisted_pause, 0, "", false};
  t["isPaused"] = {read_queue<&core::Queue::paused>, 601214, "getting paused property", false};
  t["getMessageCount"] = {read_queue<&core::Queue::message_count>, 601018, "getting message count",
                          false};
  t["getConsumerCount"] = {read_queue<&core::Queue::consumer_count>, 601162,
                           "getting consumer count", false};
  t["getDeliveringCount"] = {read_queue<&core::Queue::delivering_count>, 601163,
                             "getting delivering count", false};
  t["getScheduledCount"] = {read_queue<&core::Queue::scheduled_count>, 601172,
                            "getting scheduled count", false};
  t["getMessagesAdded"] = {read_queue<&core::Queue::messages_added>, 601167,
                           "getting messages added", false};
  t["getMessagesAcknowledged"] = {read_queue<&core::Queue::messages_acknowledged>, 601168,
                                  "getting messages acknowledged", false};
  t["getMessagesExpired"] = {read_queue<&core::Queue::messages_expired>, 601169,
                             "getting messages expired", false};
  t["getMessagesKilled"] = {read_queue<&core::Queue::messages_killed>, 601170,
                            "getting messages killed", false};
  t["isDurable"] = {read_queue<&core::Queue::durable>, 601017, "getting durable property", false};
  t["isTemporary"] = {queue_temporary, 601158, "getting temporary property", false};
  t["getRoutingType"] = {queue_routing_type, 601157, "getting routing type property", false};
  t["getFilter"] = {queue_filter, 601016, "getting filter", false};
  t["getName"] = {queue_name, 601014, "getting name", false};
  t["getAddress"] = {queue_address, 601015, "getting address", false};
}

}  // namespace artemis::management
