#include "cluster/topology.hpp"

#include <algorithm>

namespace artemis::cluster {

std::function<void()> Topology::announce_backup(const std::string& node_id,
                                                 const std::string& connector_url) {
  const std::uint64_t key = next_key_++;
  BackupEntry entry{node_id, connector_url};
  entries_.emplace(key, entry);
  if (on_announce) on_announce(entry);
  std::weak_ptr<bool> alive = alive_;
  return [this, alive, key] {
    if (auto a = alive.lock(); a && *a) entries_.erase(key);
  };
}

std::vector<BackupEntry> Topology::backups() const {
  std::vector<BackupEntry> out;
  for (const auto& [key, e] : entries_) {
    if (!is_ours(e)) continue;
    // Named outside the lambda: clang 14 cannot capture a structured binding.
    const std::string& url = e.connector_url;
    const bool seen = std::any_of(out.begin(), out.end(),
                                  [&](const BackupEntry& o) { return o.connector_url == url; });
    if (!seen) out.push_back(e);
  }
  return out;
}

std::string Topology::failover_servers() const {
  std::string out;
  for (const auto& e : backups()) {
    if (!out.empty()) out += ',';
    out += e.connector_url;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Topology::connected_headers() const {
  std::vector<std::pair<std::string, std::string>> out;
  std::string servers = failover_servers();
  if (!servers.empty()) out.emplace_back("failover-servers", std::move(servers));
  return out;
}

}  // namespace artemis::cluster
