// Every AMQ id is declared once per layer (STYLE.md 10).
#include <doctest/doctest.h>

#include <set>

#include "cluster/log_codes.hpp"
#include "ha/log_codes.hpp"

TEST_CASE("ha: log codes of the ha and cluster layers are unique") {
  namespace h = artemis::ha::log_codes;
  namespace c = artemis::cluster::log_codes;
  const artemis::util::LogCode* codes[] = {
      &h::waiting_for_primary_lock, &h::waiting_for_primary_lock_for, &h::obtained_primary_lock,
      &h::waiting_to_become_backup, &h::got_backup_lock, &h::backup_started, &h::backup_active,
      &h::primary_wants_restart, &h::lost_lock, &h::init_failure, &h::restart_failed,
      &c::backup_announced, &c::announce_failed, &c::no_announce_target};
  std::set<int> ids;
  for (const auto* code : codes) {
    CHECK_MESSAGE(ids.insert(code->id).second, "duplicate AMQ id ", code->id);
    CHECK(code->id >= 220000);
    CHECK(code->id < 230000);
  }
}
