#include "cluster/backup_announcer.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "cluster/log_codes.hpp"
#include "stomp/codec.hpp"

namespace artemis::cluster {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Closes a descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

int ms_until(Clock::time_point t) {
  const auto d = std::chrono::duration_cast<milliseconds>(t - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(d, 0, 60'000));
}

// "sx,sy" of a heart-beat header; {0,0} when absent or malformed.
std::pair<long, long> parse_heartbeat(const std::string* value) {
  if (!value) return {0, 0};
  const auto comma = value->find(',');
  if (comma == std::string::npos) return {0, 0};
  try {
    return {std::stol(value->substr(0, comma)), std::stol(value->substr(comma + 1))};
  } catch (...) {
    return {0, 0};
  }
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
      o.targets.push_back(AnnounceTarget{c->name, c->host, c->port});
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
  stopping_ = false;
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  thread_ = std::thread([this] { run(); });
}

void BackupAnnouncer::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  const std::uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(wake_fd_);
  wake_fd_ = -1;
  announced_ = false;
}

bool BackupAnnouncer::sleep_or_stop(milliseconds d) {
  pollfd p{wake_fd_, POLLIN, 0};
  ::poll(&p, 1, static_cast<int>(d.count()));
  return stopping_.load();
}

void BackupAnnouncer::run() {
  if (options_.targets.empty()) {
    log_.log(log_codes::no_announce_target, options_.cluster_name, "no static connectors");
    return;
  }
  std::size_t next = 0;
  auto interval = options_.retry_interval;
  bool reported = false;  // AMQ222137 once per failure streak, then at debug level
  while (!stopping_) {
    const auto& target = options_.targets[next++ % options_.targets.size()];
    const std::uint64_t before = count_.load();
    const std::string why = session(target);
    announced_ = false;
    if (stopping_) break;
    if (count_.load() != before) {  // it had worked: start the back-off afresh
      interval = options_.retry_interval;
      reported = false;
    }
    const std::string where = fmt::format("{} ({}:{})", target.name, target.host, target.port);
    if (!reported) {
      log_.log(log_codes::announce_failed, where, why);
      reported = true;
    } else {
      log_.plain(util::Level::debug, log_codes::server_logger, "backup announce to {} failed: {}",
                 where, why);
    }
    if (sleep_or_stop(interval)) break;
    interval = std::min(options_.max_retry_interval,
                        milliseconds(static_cast<long long>(
                            static_cast<double>(interval.count()) * options_.retry_multiplier)));
  }
}

std::string BackupAnnouncer::session(const AnnounceTarget& target) {
  // Resolve and connect (non-blocking, bounded by connect_timeout, woken by stop()).
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(target.port);
  if (int rc = ::getaddrinfo(target.host.c_str(), port.c_str(), &hints, &res); rc != 0)
    return std::string("cannot resolve host: ") + ::gai_strerror(rc);
  std::string last_error = "no address";
  Fd sock;
  for (addrinfo* ai = res; ai && sock.fd < 0; ai = ai->ai_next) {
    Fd s{::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol)};
    if (s.fd < 0) continue;
    if (::connect(s.fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last_error = std::strerror(errno);
      continue;
    }
    pollfd p[2] = {{s.fd, POLLOUT, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(p, 2, static_cast<int>(options_.connect_timeout.count())) <= 0) {
      last_error = "connect timed out";
      continue;
    }
    if (stopping_) break;
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      last_error = std::strerror(err);
      continue;
    }
    std::swap(sock.fd, s.fd);
  }
  ::freeaddrinfo(res);
  if (stopping_) return {};
  if (sock.fd < 0) return last_error;

  stomp::Frame connect;
  connect.command = "CONNECT";
  connect.add("accept-version", "1.2");
  connect.add("host", target.host);
  connect.add("login", options_.login);
  connect.add("passcode", options_.passcode);
  const auto hb = options_.heartbeat.count();
  connect.add("heart-beat", fmt::format("{},{}", hb, hb));
  connect.add("cluster-node-id", options_.node_id);
  connect.add("cluster-backup-announce", options_.announce_url);
  std::string out = stomp::encode(connect, stomp::Version::v1_2);

  stomp::Decoder decoder;
  bool connected = false;
  milliseconds send_every{0};   // 0: we send no heart-beats
  milliseconds expect_every{0}; // 0: the peer sends none
  auto next_send = Clock::now();
  auto last_read = Clock::now();
  const auto handshake_deadline = Clock::now() + options_.connect_timeout;
  char buf[4096];
  while (!stopping_) {
    // Write whatever is pending (the CONNECT, then heart-beat EOLs).
    while (!out.empty()) {
      const ssize_t n = ::send(sock.fd, out.data(), out.size(), MSG_NOSIGNAL);
      if (n > 0) {
        out.erase(0, static_cast<std::size_t>(n));
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        break;
      } else {
        return std::string("write failed: ") + std::strerror(errno);
      }
    }
    Clock::time_point wake = connected ? Clock::time_point::max() : handshake_deadline;
    if (connected && send_every.count() > 0) wake = std::min(wake, next_send);
    if (connected && expect_every.count() > 0) wake = std::min(wake, last_read + 3 * expect_every);
    pollfd p[2] = {{sock.fd, static_cast<short>(POLLIN | (out.empty() ? 0 : POLLOUT)), 0},
                   {wake_fd_, POLLIN, 0}};
    const int timeout = wake == Clock::time_point::max() ? 60'000 : ms_until(wake);
    if (::poll(p, 2, timeout) < 0 && errno != EINTR) return std::strerror(errno);
    if (stopping_) return {};
    const auto now = Clock::now();
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::recv(sock.fd, buf, sizeof buf, 0);
      if (n == 0) return connected ? "the link was closed by the peer" : "closed before CONNECTED";
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        return std::string("read failed: ") + std::strerror(errno);
      if (n > 0) {
        last_read = now;
        decoder.feed(std::string_view(buf, static_cast<std::size_t>(n)));
        stomp::Frame frame;
        for (;;) {
          const auto st = decoder.next(frame);
          if (st == stomp::Decoder::Status::need_more) break;
          if (st == stomp::Decoder::Status::error) return "bad frame: " + decoder.error().message();
          if (st == stomp::Decoder::Status::heartbeat) continue;
          if (frame.command == "ERROR")
            return "refused: " + frame.header_or("message", frame.body);
          if (frame.command == "CONNECTED" && !connected) {
            connected = true;
            const auto [sx, sy] = parse_heartbeat(frame.header("heart-beat"));
            // STOMP 1.2 "Heart-beating": each side uses the larger of what one offers and the
            // other asks for; zero on either side means none in that direction.
            // We send at half the agreed interval: the peer's TTL is often only twice it, and
            // a late beat would cost the announcement.
            if (hb > 0 && sy > 0) send_every = milliseconds(std::max<long>(hb, sy) / 2);
            if (hb > 0 && sx > 0) expect_every = milliseconds(std::max<long>(hb, sx));
            next_send = now + send_every;
            log_.log(log_codes::backup_announced,
                     fmt::format("{} ({}:{})", target.name, target.host, target.port),
                     options_.announce_url);
            announced_ = true;  // after the log line: observers see both
            ++count_;
          }
          // Anything else on an announce link (RECEIPT, MESSAGE) is ignored.
        }
      }
    }
    if (!connected && now >= handshake_deadline) return "no CONNECTED frame in time";
    if (connected && expect_every.count() > 0 && now >= last_read + 3 * expect_every)
      return "no heart-beat from the peer";
    if (connected && send_every.count() > 0 && now >= next_send) {
      out += '\n';
      next_send = now + send_every;
    }
  }
  return {};
}

}  // namespace artemis::cluster
