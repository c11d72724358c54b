// libFuzzer target for the AMQP input path after the framing: transfer bytes decoded by Qpid
// Proton, then mapped onto a core message (protocol/amqp/message_mapping.hpp). Checked on every
// input:
//  - decoding and mapping never crash, whatever the bytes;
//  - a message the broker keeps goes back out as an AMQP message that decodes and maps to the
//    same core message again (body, type, header fields, every application property with its
//    type, the sections kept verbatim), so what a consumer gets is what the producer sent.
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
  {
    std::string why;
    const std::string_view sent(reinterpret_cast<const char*>(data), size);
    // Either way of reading a duplicate id (amqpDuplicateDetection), picked by the input.
    const bool duplicate_detection = size % 2 == 0;
    if (auto m = amqp::message_from_amqp(in, sent, kNow, duplicate_detection, why)) {
      (*m)->record.id = 7;
      (*m)->record.address = "fuzz";
      core::MessageRef ref;
      ref.message = *m;
      std::string bytes;
      require(amqp::encode_delivery(ref, kNow, out, bytes), "a kept message does not encode");
      require(pn_message_decode(back, bytes.data(), bytes.size()) == 0,
              "the encoded message does not decode");
      std::string again_why;
      auto again = amqp::message_from_amqp(back, bytes, kNow, duplicate_detection, again_why);
      require(again.has_value(), "the message sent to consumers is refused when sent back");
      const auto& a = (*m)->record;
      const auto& b = (*again)->record;
      require(a.body == b.body && a.type == b.type, "body changed");
      require(a.durable == b.durable && a.priority == b.priority, "header changed");
      require(a.expiration == b.expiration && a.timestamp == b.timestamp, "times changed");
      require(plain_properties(a.properties) == plain_properties(b.properties),
              "application properties changed");
      for (const auto name : {amqp::kSections, amqp::kFooter}) {
        const auto before = a.properties.find(name);
        const auto after = b.properties.find(name);
        require(!before || (after && before->binary() == after->binary()), "kept sections changed");
      }
    } else {
      require(!why.empty(), "a refused message has no reason");
    }
  }
  pn_message_free(back);
  pn_message_free(out);
  pn_message_free(in);
  return 0;
}
