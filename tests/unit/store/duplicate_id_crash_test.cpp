// A kill -9 (or a power loss before the sync) keeps any prefix of what the journal thread was
// writing. Whatever prefix of a durable send with a duplicate id survives, a load must never
// return the message without its duplicate id: the send was not confirmed, so the client sends
// it again after failover, and only the duplicate id can stop the copy.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "journal/journal.hpp"
#include "store/storage_manager.hpp"
#include "support/manual_scheduler.hpp"
#include "support/temp_dir.hpp"

using namespace artemis;
using namespace artemis::store;
namespace fs = std::filesystem;

namespace {

journal::Options small(const fs::path& dir) {
  journal::Options o;
  o.directory = dir;
  o.file_size = 64 * 1024;
  o.datasync = false;  // the cuts below model the crash
  return o;
}

struct Store {
  test_support::ManualScheduler loop;
  util::Logger log{stderr, util::Level::error};
  std::unique_ptr<StorageManager> storage;
  LoadedState state;

  explicit Store(const fs::path& dir) {
    storage = std::make_unique<StorageManager>(
        journal::make_journal(small(dir / "bindings"), loop.poster(), log),
        journal::make_journal(small(dir / "journal"), loop.poster(), log), log);
    REQUIRE_FALSE(storage->load(state));
  }
  void send(std::uint64_t queue, const std::string& duplicate_id) {
    MessageRecord m;
    m.id = storage->next_id();
    m.address = "orders";
    m.durable = true;
    m.properties = {{"_AMQ_DUPL_ID", duplicate_id}};
    m.body = "body of " + duplicate_id;
    bool done = false;
    const std::uint64_t queues[] = {queue};
    storage->store_message(m, queues, duplicate_id, [&](std::error_code ec) {
      REQUIRE_FALSE(ec);
      done = true;
    });
    REQUIRE(loop.run_until([&] { return done; }));
  }
  ~Store() { storage->close(); }
};

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST_CASE("store: a cut journal never keeps a message without its duplicate id") {
  test_support::TempDir dir;
  std::uint64_t queue = 0;
  {
    Store s(dir.path());
    queue = s.storage->next_id();
    s.send(queue, "producer:1");
  }
  auto files = [&] {
    std::map<fs::path, std::string> out;
    for (const auto& e : fs::directory_iterator(dir.path() / "journal"))
      if (e.path().extension() == ".amq") out[e.path()] = read(e.path());
    return out;
  };
  const auto before = files();
  {
    Store s(dir.path());
    s.send(queue, "producer:2");
  }
  // The second send's bytes: one file (a load starts a fresh one), one changed range.
  fs::path file;
  for (const auto& [path, bytes] : files())
    if (!before.count(path) || before.at(path) != bytes) file = path;
  REQUIRE_FALSE(file.empty());
  const std::string after = read(file);
  const std::string old = before.count(file) ? before.at(file) : std::string(after.size(), '\0');
  REQUIRE(old.size() == after.size());
  std::size_t from = 0;
  std::size_t to = after.size();
  while (from < to && after[from] == old[from]) ++from;
  while (to > from && after[to - 1] == old[to - 1]) --to;
  REQUIRE(from < to);
  int whole = 0;
  for (std::size_t cut = from; cut <= to; ++cut) {
    // The bytes from `cut` on never reached the file.
    test_support::TempDir copy;
    fs::copy(dir.path(), copy.path(), fs::copy_options::recursive);
    std::string torn = after;
    std::copy(old.begin() + static_cast<std::ptrdiff_t>(cut),
              old.begin() + static_cast<std::ptrdiff_t>(to),
              torn.begin() + static_cast<std::ptrdiff_t>(cut));
    write(copy.path() / "journal" / file.filename(), torn);
    Store s(copy.path());
    std::set<std::string> ids;
    for (const auto& d : s.state.duplicate_ids) ids.insert(d.duplicate_id);
    for (const auto& m : s.state.messages) {
      const auto id = m.message.properties.at("_AMQ_DUPL_ID").as_string();
      CHECK_MESSAGE(ids.count(id) == 1,
                    "cut at byte " << cut << ": " << id << " loaded without its duplicate id");
      whole += id == "producer:2";
    }
  }
  CHECK(whole > 0);  // the cut past the send's last byte keeps all of it
}
