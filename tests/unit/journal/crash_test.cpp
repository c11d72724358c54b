// Process-level faults: a child appends and reports each completion over a pipe, and is
// killed with SIGKILL at a random moment; a child whose file size limit (RLIMIT_FSIZE) is
// below the journal file size runs into a "full disk". What was confirmed must survive.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <set>

#include "journal/errors.hpp"
#include "journal/index.hpp"
#include "journal/recovery.hpp"
#include "journal_test_util.hpp"

using namespace artemis::journal;
using namespace artemis::journal::test;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t kFileSize = 64 * 1024;

Options crash_options(const std::filesystem::path& dir, bool datasync) {
  auto o = small_options(dir, kFileSize);
  o.pool_files = -1;
  o.datasync = datasync;
  return o;
}

struct Report {
  std::uint64_t id;
  std::int32_t error;  // 0 ok, else the journal errc value (-1: another category)
  std::int32_t pad = 0;
};

void write_report(int fd, std::uint64_t id, std::error_code ec) {
  Report r{id, 0};
  if (ec) r.error = ec.category() == journal_category() ? ec.value() : -1;
  // A pipe write of at most PIPE_BUF bytes is atomic: the parent sees whole reports only.
  [[maybe_unused]] auto n = ::write(fd, &r, sizeof r);
}

// Child: appends `limit` adds (0 = until killed), 32 in flight, reporting each completion.
[[noreturn]] void child_appender(const Options& o, int fd, std::uint64_t limit) {
  Loop loop;
  auto j = make_journal(o, loop.poster(), quiet_logger());
  LoadResult r;
  if (j->load(r)) ::_exit(3);
  std::uint64_t next = r.max_id + 1;
  const std::uint64_t last = limit == 0 ? UINT64_MAX : next + limit - 1;
  std::uint64_t completed = 0;
  std::uint64_t issued = 0;
  std::mt19937_64 rng(next);
  std::function<void()> issue = [&] {
    if (next > last) return;
    const auto id = next++;
    ++issued;
    j->append_add(id, 45, random_bytes(rng, 100 + rng() % 300), Sync::yes,
                  [&, id](std::error_code ec) {
                    write_report(fd, id, ec);
                    ++completed;
                    issue();
                  });
  };
  for (int i = 0; i < 32; ++i) issue();
  loop.run_until([&] { return completed == issued && next > last; }, 20s);
  j->close();
  ::_exit(0);
}

// Kills the child `kill_after` after its start, or after its first confirmation when
// `after_first_report` (so the kill falls mid-stream however slow the machine is).
std::vector<Report> read_reports(int fd, pid_t child, std::chrono::milliseconds kill_after,
                                 bool after_first_report = false) {
  std::vector<Report> out;
  std::vector<char> buf;
  const auto start = std::chrono::steady_clock::now();
  auto kill_from = start;
  bool killed = kill_after.count() == 0;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    const auto now = std::chrono::steady_clock::now();
    const auto waited = now - start;
    const bool armed = !after_first_report || !buf.empty();
    if (!killed && armed && now - kill_from >= kill_after) {
      ::kill(child, SIGKILL);
      killed = true;
    }
    if (waited > 30s) {
      ::kill(child, SIGKILL);
      FAIL("child did not finish");
    }
    if (::poll(&p, 1, 1) <= 0) continue;
    char chunk[4096];
    const auto n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) break;  // EOF: the child is gone
    if (after_first_report && buf.empty()) kill_from = std::chrono::steady_clock::now();
    buf.insert(buf.end(), chunk, chunk + n);
  }
  for (std::size_t off = 0; off + sizeof(Report) <= buf.size(); off += sizeof(Report)) {
    Report r;
    std::memcpy(&r, buf.data() + off, sizeof r);
    out.push_back(r);
  }
  return out;
}

pid_t spawn(const Options& o, int fds[2], std::uint64_t limit, rlim_t fsize_limit = 0) {
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    if (fsize_limit != 0) {
      ::signal(SIGXFSZ, SIG_IGN);  // get EFBIG from write() instead of a signal
      rlimit rl{fsize_limit, fsize_limit};
      ::setrlimit(RLIMIT_FSIZE, &rl);
    }
    child_appender(o, fds[1], limit);
  }
  ::close(fds[1]);
  return pid;
}

std::set<std::uint64_t> load_ids(const Options& o) {
  Index index;
  LoadResult r;
  RecoveredFiles files;
  REQUIRE_FALSE(recover(o, quiet_logger(), index, r, files));
  std::set<std::uint64_t> ids;
  for (auto& rec : r.records) ids.insert(rec.id);
  return ids;
}

}  // namespace

TEST_CASE("journal: every append confirmed before SIGKILL is there after recovery (50 rounds)") {
  TempDir dir;
  std::set<std::uint64_t> confirmed;
  std::mt19937_64 rng(21);
  for (int round = 0; round < 50; ++round) {
    CAPTURE(round);
    const auto o = crash_options(dir.path(), round % 2 == 0);
    int fds[2];
    const pid_t pid = spawn(o, fds, 0);
    // Odd rounds die at a random point from the start (file creation included), even ones at a
    // random point after the first confirmation, so some always die with appends confirmed.
    const auto reports = read_reports(fds[0], pid, std::chrono::milliseconds(5 + rng() % 60),
                                      round % 2 == 0);
    ::close(fds[0]);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
    for (auto& r : reports) {
      CHECK(r.error == 0);
      confirmed.insert(r.id);
    }
    const auto present = load_ids(o);
    std::size_t lost = 0;
    for (auto id : confirmed) lost += present.count(id) == 0;
    CHECK(lost == 0);
  }
  CHECK(confirmed.size() > 50);
}

TEST_CASE("journal: a full disk fails appends with disk_full, loses nothing confirmed, reopens") {
  TempDir dir;
  const auto o = crash_options(dir.path(), true);
  {
    Loop loop;
    auto j = make_journal(o, loop.poster(), quiet_logger());
    LoadResult r;
    REQUIRE_FALSE(j->load(r));  // creates the files while there is room
    j->close();
  }
  int fds[2];
  const pid_t pid = spawn(o, fds, 400, kFileSize / 2);
  const auto reports = read_reports(fds[0], pid, 0ms);
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  REQUIRE(reports.size() == 400);
  std::set<std::uint64_t> ok;
  std::size_t first_error = reports.size();
  for (std::size_t i = 0; i < reports.size(); ++i) {
    if (reports[i].error == 0) {
      CHECK(i < first_error);  // nothing succeeds after the first failure
      ok.insert(reports[i].id);
    } else if (first_error == reports.size()) {
      first_error = i;
      CHECK(reports[i].error == static_cast<int>(errc::disk_full));
    } else {
      CHECK((reports[i].error == static_cast<int>(errc::disk_full) ||
             reports[i].error == static_cast<int>(errc::journal_failed)));
    }
  }
  CHECK(ok.size() > 10);
  CHECK(first_error < reports.size());
  // Reopened without the limit: everything confirmed is there and appends work again.
  Loop loop;
  auto j = make_journal(o, loop.poster(), quiet_logger());
  LoadResult r;
  REQUIRE_FALSE(j->load(r));
  std::set<std::uint64_t> present;
  for (auto& rec : r.records) present.insert(rec.id);
  for (auto id : ok) CHECK(present.count(id) == 1);
  bool done = false;
  j->append_add(100000, 1, bytes_of("after the disk filled"), Sync::yes, [&](std::error_code ec) {
    CHECK_FALSE(ec);
    done = true;
  });
  REQUIRE(loop.run_until([&] { return done; }));
  j->close();
  CHECK(load_ids(o).count(100000) == 1);
}
