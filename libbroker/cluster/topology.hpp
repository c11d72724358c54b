#pragma once
// Topology: the active node's record of the backups that announced themselves to it over a
// cluster link (reference/ha.md §4.1-4.2), and what clients are told about them: the STOMP
// CONNECTED header `failover-servers` (comma-separated connector URLs, announcement order,
// no duplicates).
//
// A backup announces itself by connecting with the cluster credentials and the headers
// cluster-node-id / cluster-backup-announce (see protocol/stomp/stomp_module.hpp); the entry
// lives as long as that connection. Only backups of this node's id are advertised (a node id
// of another cluster member is recorded but not offered for failover).
//
// Thread: broker thread only (STOMP sessions call it), so it needs no lock.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace artemis::cluster {

struct BackupEntry {
  std::string node_id;
  std::string connector_url;
};

class Topology {
 public:
  // The node id this broker serves under (shared with its backup). Until set, every
  // announcement counts as ours.
  void set_node_id(std::string node_id) { node_id_ = std::move(node_id); }
  const std::optional<std::string>& node_id() const { return node_id_; }

  // Records an announcement; the returned function removes it (call when the announcing
  // connection closes). Plugs into stomp::ModuleContext::on_backup_announce.
  std::function<void()> announce_backup(const std::string& node_id,
                                        const std::string& connector_url);

  // Connector URLs of our announced backups, e.g. "tcp://localhost:61617"; "" when none.
  std::string failover_servers() const;
  // {"failover-servers", ...} when there is a backup; plugs into ModuleContext::connected_headers.
  std::vector<std::pair<std::string, std::string>> connected_headers() const;

  std::vector<BackupEntry> backups() const;  // ours only, announcement order
  std::size_t size() const { return entries_.size(); }  // every live announcement
  // Optional: told about every new announcement (broker thread).
  std::function<void(const BackupEntry&)> on_announce;

 private:
  bool is_ours(const BackupEntry& e) const { return !node_id_ || e.node_id == *node_id_; }

  std::optional<std::string> node_id_;
  std::uint64_t next_key_ = 0;
  std::map<std::uint64_t, BackupEntry> entries_;  // key order = announcement order
  // Tells a removal closure whether this Topology still exists.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

 public:
  Topology() = default;
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;
  ~Topology() { *alive_ = false; }
};

}  // namespace artemis::cluster
