// libFuzzer target for the AMQP input path after the framing: transfer bytes decoded by Qpid
// Proton, then mapped onto a core message (protocol/amqp/message_mapping.hpp). Checked on every
// input:
//  - decoding and mapping never crash, whatever the bytes;
//  - a message the broker keeps goes back out as an AMQP message that encodes, decodes and maps
//    to the same core message again (body, type, header fields, every application property
//    with its type), so what a consumer gets is what the producer's message held.
#include <proton/message.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocol/amqp/message_mapping.hpp"

namespace amqp = artemis::protocol::amqp;
namespace core = artemis::core;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

// The application properties the mapping passes through untouched (not the ones it maps onto
// AMQP fields, which may legitimately change type or vanish when empty).
std::string plain_properties(const artemis::store::Properties& p) {
  artemis::store::Properties kept;
  for (const auto& [name, value] : p) {
    if (name.starts_with("_AMQ") || name.starts_with("__AMQ") || name == amqp::kCorrelationId ||
        name == amqp::kReplyTo || name == amqp::kSubject)
      continue;
    kept.set(name, value.to_value());
  }
  return std::string(kept.packed());
}

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "amqp_message_fuzz: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pn_message_t* in = pn_message();
  pn_message_t* out = pn_message();
  pn_message_t* back = pn_message();
  // The broker refuses an empty transfer before decoding it (Proton asserts on one).
  if (size > 0 && pn_message_decode(in, reinterpret_cast<const char*>(data), size) == 0) {
    std::string why;
    if (auto m = amqp::message_from_amqp(in, kNow, why)) {
      (*m)->record.id = 7;
      (*m)->record.address = "fuzz";
      core::MessageRef ref;
      ref.message = *m;
      amqp::message_to_amqp(ref, kNow, out);
      std::string bytes;
      require(amqp::encode(out, bytes), "a kept message does not encode");
      require(pn_message_decode(back, bytes.data(), bytes.size()) == 0,
              "the encoded message does not decode");
      std::string again_why;
      auto again = amqp::message_from_amqp(back, kNow, again_why);
      require(again.has_value(), "the message sent to consumers is refused when sent back");
      const auto& a = (*m)->record;
      const auto& b = (*again)->record;
      require(a.body == b.body && a.type == b.type, "body changed");
      require(a.durable == b.durable && a.priority == b.priority, "header changed");
      require(a.expiration == b.expiration && a.timestamp == b.timestamp, "times changed");
      require(plain_properties(a.properties) == plain_properties(b.properties),
              "application properties changed");
    } else {
      require(!why.empty(), "a refused message has no reason");
    }
  }
  pn_message_free(back);
  pn_message_free(out);
  pn_message_free(in);
  return 0;
}
