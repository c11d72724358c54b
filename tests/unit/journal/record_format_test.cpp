#include "journal/record_format.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <vector>

using namespace artemis::journal;

TEST_CASE("journal: record round-trips with its file sequence") {
  const std::vector<std::uint8_t> payload{1, 2, 3, 4, 5};
  for (auto type : {RecordType::add, RecordType::update_tx, RecordType::prepare, RecordType::del}) {
    RecordView r{type, 45, 1234, 99, payload};
    std::vector<std::uint8_t> buf(encoded_size(type, payload.size()) + 10, 0);
    encode_record(r, 17, buf.data());
    const auto d = decode_record(buf, 17);
    REQUIRE(d.status == Decode::ok);
    CHECK(d.record.type == type);
    CHECK(d.record.id == 1234);
    CHECK(d.record.tx_id == (has_tx_field(type) ? 99u : 1234u));
    CHECK(d.record.user_type == 45);
    CHECK(std::vector<std::uint8_t>(d.record.payload.begin(), d.record.payload.end()) == payload);
    CHECK(d.size == encoded_size(type, payload.size()));
  }
}

TEST_CASE("journal: a record from an earlier incarnation of the file reads as stale") {
  std::vector<std::uint8_t> buf(64, 0);
  encode_record(RecordView{RecordType::add, 1, 5, 5, {}}, 3, buf.data());
  CHECK(decode_record(buf, 4).status == Decode::stale);
  CHECK(decode_record(buf, 3).status == Decode::ok);
  std::vector<std::uint8_t> zeros(64, 0);
  CHECK(decode_record(zeros, 3).status == Decode::end_zero);
}

TEST_CASE("journal: every single-bit flip in a record is detected") {
  const std::vector<std::uint8_t> payload{9, 8, 7, 6, 5, 4, 3};
  std::vector<std::uint8_t> buf(encoded_size(RecordType::add_tx, payload.size()), 0);
  encode_record(RecordView{RecordType::add_tx, 2, 77, 88, payload}, 12, buf.data());
  for (std::size_t i = 0; i < buf.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto copy = buf;
      copy[i] ^= static_cast<std::uint8_t>(1u << bit);
      CHECK_MESSAGE(decode_record(copy, 12).status != Decode::ok, "byte ", i, " bit ", bit);
    }
  }
}

TEST_CASE("journal: decoding random bytes never reads out of bounds") {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 20000; ++round) {
    std::vector<std::uint8_t> buf(rng() % 80);
    for (auto& b : buf) b = static_cast<std::uint8_t>(rng() % 4 == 0 ? 0 : rng());
    if (buf.size() >= 16 && rng() % 2) {
      std::uint64_t seq = 5;
      std::memcpy(buf.data() + 12 % buf.size(), &seq, std::min<std::size_t>(8, buf.size() - 12));
    }
    const auto d = decode_record(buf, 5);
    if (d.status == Decode::ok) CHECK(d.size <= buf.size());
  }
}

TEST_CASE("journal: file header round-trips and rejects damage") {
  std::uint8_t buf[kFileHeaderSize];
  encode_file_header(FileHeader{42, FileState::data, 4096}, buf);
  std::string why;
  auto h = decode_file_header(std::span<const std::uint8_t>(buf, kFileHeaderSize), why);
  REQUIRE(h);
  CHECK(h->seq == 42);
  CHECK(h->state == FileState::data);
  buf[9] ^= 1;
  CHECK_FALSE(decode_file_header(std::span<const std::uint8_t>(buf, kFileHeaderSize), why));
  CHECK(why == "header CRC mismatch");
}
