#include "cluster/backup_announcer.hpp"

#include <algorithm>
#include <exception>

#include "client/interrupt.hpp"
#include "client/stomp_link.hpp"
#include "cluster/log_codes.hpp"

namespace artemis::cluster {

using std::chrono::milliseconds;

namespace {

std::string describe(const AnnounceTarget& t) {
  return fmt::format("{} ({}:{})", t.name, t.host, t.port);
}

}  // namespace

bool AnnouncerOptions::from(const config::BrokerConfig& config, const std::string& node_id,
                            AnnouncerOptions& out, std::string& error) {
  for (const auto& cc : config.cluster_connections) {
    if (cc.static_connectors.empty()) continue;
    AnnouncerOptions o;
    o.cluster_name = cc.name;
    if (config.cluster_user) o.login = *config.cluster_user;
    if (config.cluster_password) o.passcode = *config.cluster_password;
    o.node_id = node_id;
    o.retry_interval = milliseconds(cc.retry_interval_ms);
    o.retry_multiplier = cc.retry_interval_multiplier;
    o.max_retry_interval = milliseconds(cc.max_retry_interval_ms);
    const auto* own = config.find_connector(cc.connector_ref);
    if (!own) {
      error = "connector-ref '" + cc.connector_ref + "' that names no <connector>";
      return false;
    }
    o.announce_url = own->url;
    for (const auto& name : cc.static_connectors) {
      const auto* c = config.find_connector(name);
      if (!c) {
        error = "static connector '" + name + "' that names no <connector>";
        return false;
      }
      AnnounceTarget target{c->name, c->host, c->port, {}};
      // The connector's parameters as a client reads them (sslEnabled, the trust store), with
      // its passwords as broker.xml resolved them (masked ones decoded with its codec).
      if (auto why = client::tls_from_params(c->params, target.tls); !why.empty()) {
        error = "static connector '" + name + "': " + why;
        return false;
      }
      o.targets.push_back(std::move(target));
    }
    out = std::move(o);
    return true;
  }
  error = "no cluster-connection with static-connectors";
  return false;
}

BackupAnnouncer::BackupAnnouncer(AnnouncerOptions options, const util::Logger& log)
    : options_(std::move(options)), log_(log) {}

BackupAnnouncer::~BackupAnnouncer() { stop(); }

void BackupAnnouncer::start() {
  if (thread_.joinable()) return;
  stop_ = std::make_shared<client::Interrupt>();
  thread_ = std::thread([this] { run(); });
}

void BackupAnnouncer::stop() {
  if (!thread_.joinable()) return;
  stop_->trigger();
  thread_.join();
  announced_ = false;
}

void BackupAnnouncer::run() {
  if (options_.targets.empty()) {
    log_.log(log_codes::no_announce_target, options_.cluster_name, "no static connectors");
    return;
  }
  std::size_t next = 0;
  auto interval = options_.retry_interval;
  bool reported = false;  // AMQ222137 once per failure streak, then at debug level
  while (!stop_->triggered()) {
    const auto& target = options_.targets[next++ % options_.targets.size()];
    const std::uint64_t before = count_.load();
    const std::string why = announce_to(target);
    announced_ = false;
    if (stop_->triggered()) break;
    if (count_.load() != before) {  // it had worked: start the back-off afresh
      interval = options_.retry_interval;
      reported = false;
    }
    const std::string where = describe(target);
    if (!reported) {
      log_.log(log_codes::announce_failed, where, why);
      reported = true;
    } else {
      log_.plain(util::Level::debug, log_codes::server_logger, "backup announce to {} failed: {}",
                 where, why);
    }
    if (stop_->wait_for(interval)) break;
    interval = std::min(options_.max_retry_interval,
                        milliseconds(static_cast<long long>(
                            static_cast<double>(interval.count()) * options_.retry_multiplier)));
  }
}

std::string BackupAnnouncer::announce_to(const AnnounceTarget& target) {
  client::LinkOptions link_options;
  link_options.user = options_.login;
  link_options.password = options_.passcode;
  link_options.connect_timeout = options_.connect_timeout;
  link_options.heartbeat_send = options_.heartbeat;
  link_options.heartbeat_receive = options_.heartbeat;
  // The active node's TTL for us is only twice the agreed period; a late beat would cost the
  // announcement.
  link_options.heartbeats_per_period = 2;
  link_options.connect_headers = {{"cluster-node-id", options_.node_id},
                                  {"cluster-backup-announce", options_.announce_url}};
  link_options.interrupt = stop_;
  link_options.tls = target.tls;
  try {
    const auto link =
        client::StompLink::open(client::Server{target.host, target.port}, link_options);
    log_.log(log_codes::backup_announced, describe(target), options_.announce_url);
    announced_ = true;  // after the log line: observers see both
    ++count_;
    link->hold();
    return {};
  } catch (const std::exception& e) {
    // Thread creation for heart-beats can fail too; nothing may escape this thread.
    return stop_->triggered() ? std::string() : e.what();
  }
}

}  // namespace artemis::cluster
