#include "client/stomp_link.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "util/strings.hpp"

namespace artemis::client {

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

// "1000,2000" -> {1000, 2000}; anything unreadable counts as 0 (no heart-beat).
std::pair<std::int64_t, std::int64_t> parse_heartbeat(const std::string& text) {
  const auto comma = text.find(',');
  if (comma == std::string::npos) return {0, 0};
  const auto a = util::parse_int(std::string_view(text).substr(0, comma));
  const auto b = util::parse_int(std::string_view(text).substr(comma + 1));
  return {a.value_or(0), b.value_or(0)};
}

bool looks_like_auth_failure(const std::string& message) {
  const auto m = util::to_lower(message);
  return m.find("security") != std::string::npos || m.find("password") != std::string::npos ||
         m.find("credential") != std::string::npos || m.find("authenticat") != std::string::npos ||
         m.find("user name") != std::string::npos || m.find("username") != std::string::npos;
}

}  // namespace

StompLink::StompLink(const Server& server, Socket socket)
    : server_(server), socket_(std::move(socket)), last_read_(Clock::now()), last_write_(Clock::now()) {}

StompLink::~StompLink() {
  {
    std::lock_guard lock(write_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  // A beat blocked on a peer that stopped reading must not hold up the join.
  socket_.shutdown();
  if (heartbeat_thread_.joinable()) heartbeat_thread_.join();
  socket_.close();
}

std::unique_ptr<StompLink> StompLink::open(const Server& server, const LinkOptions& options) {
  Socket socket;
  std::string error;
  if (!socket.connect(server.host, server.port, options.connect_timeout, error,
                      options.interrupt.get(), &options.tls))
    throw ClientError(ErrorKind::connect_failed, error);
  std::unique_ptr<StompLink> link(new StompLink(server, std::move(socket)));
  link->interrupt_ = options.interrupt;
  stomp::Limits limits;
  limits.max_frame_size = options.max_frame_size;
  link->decoder_ = stomp::Decoder(limits);
  link->handshake(options);
  return link;
}

void StompLink::handshake(const LinkOptions& options) {
  stomp::Frame connect;
  connect.command = "CONNECT";
  connect.add("accept-version", "1.2");
  connect.add("host", server_.host);
  if (!options.user.empty()) connect.add("login", options.user);
  if (!options.password.empty()) connect.add("passcode", options.password);
  if (!options.client_id.empty()) connect.add("client-id", options.client_id);
  connect.add("heart-beat", fmt::format("{},{}", options.heartbeat_send.count(),
                                        options.heartbeat_receive.count()));
  for (const auto& [name, value] : options.connect_headers) connect.add(name, value);
  try {
    write(stomp::encode(connect, stomp::Version::v1_2));
  } catch (const LinkLost& e) {
    throw ClientError(ErrorKind::connect_failed, e.what());
  }
  const auto deadline = Clock::now() + options.connect_timeout;
  std::optional<stomp::Frame> reply;
  try {
    reply = receive(deadline);
  } catch (const LinkLost& e) {
    throw ClientError(ErrorKind::connect_failed,
                      fmt::format("{}: the connection closed during the STOMP handshake ({}); is "
                                  "this a broker port that accepts STOMP?",
                                  server_.to_string(), e.what()));
  }
  if (!reply && interrupted())
    throw ClientError(
        ErrorKind::connect_failed,
        fmt::format("{}: interrupted during the STOMP handshake", server_.to_string()));
  if (!reply)
    throw ClientError(ErrorKind::connect_failed,
                      fmt::format("{}: no CONNECTED answer within {} ms", server_.to_string(),
                                  options.connect_timeout.count()));
  if (reply->command == "ERROR") {
    const auto message = reply->header_or("message", reply->body);
    throw ClientError(looks_like_auth_failure(message) ? ErrorKind::auth_failed : ErrorKind::broker_error,
                      fmt::format("{}: {}", server_.to_string(), message));
  }
  if (reply->command != "CONNECTED")
    throw ClientError(ErrorKind::protocol_error,
                      fmt::format("{}: expected CONNECTED, got {}", server_.to_string(), reply->command));
  connected_ = *reply;
  // STOMP 1.2 "Heart-beating": each side sends at the larger of what it offers and what the
  // other side asks for; 0 on either side switches that direction off.
  const auto [sx, sy] = parse_heartbeat(connected_.header_or("heart-beat", "0,0"));
  const auto cx = options.heartbeat_send.count();
  const auto cy = options.heartbeat_receive.count();
  const std::chrono::milliseconds send_period{cx > 0 && sy > 0 ? std::max(cx, sy) : 0};
  const std::chrono::milliseconds recv_period{cy > 0 && sx > 0 ? std::max(cy, sx) : 0};
  start_heartbeats(send_period / std::max(options.heartbeats_per_period, 1), recv_period);
}

void StompLink::start_heartbeats(std::chrono::milliseconds send_period,
                                 std::chrono::milliseconds recv_period) {
  // The broker is declared silent after twice its period plus a margin for scheduling.
  silence_limit_ = recv_period.count() > 0 ? recv_period * 2 + std::chrono::milliseconds(1000)
                                           : std::chrono::milliseconds(0);
  last_read_ = Clock::now();
  if (send_period.count() <= 0) return;
  send_period_ = send_period;
  heartbeat_thread_ = std::thread([this] { heartbeat_loop(); });
}

// Heart-beat thread: sleeps until the link has been quiet for send_period_, then writes one EOL.
void StompLink::heartbeat_loop() {
  std::unique_lock lock(write_mutex_);
  while (!stopping_) {
    const auto due = last_write_ + send_period_;
    if (Clock::now() >= due) {
      std::string error;
      // Held frames are a beat too.
      const std::string_view beat = held_.empty() ? std::string_view("\n") : held_;
      if (!broken_ && !socket_.write_all(beat, error)) broken_ = true;
      held_.clear();
      last_write_ = Clock::now();
      continue;
    }
    wake_.wait_until(lock, due);
  }
}

void StompLink::write(const std::string& bytes) {
  std::lock_guard lock(write_mutex_);
  if (hold_ && !broken_) {
    held_ += bytes;
    if (held_.size() < kHeldWriteBytes) return;
    write_locked({});
    return;
  }
  write_locked(bytes);
}

void StompLink::write_locked(std::string_view bytes) {
  std::string error;
  bool ok = !broken_ && (held_.empty() || socket_.write_all(held_, error));
  held_.clear();
  ok = ok && (bytes.empty() || socket_.write_all(bytes, error));
  if (!ok) {
    broken_ = true;
    throw LinkLost(fmt::format("{}: write failed: {}", server_.to_string(),
                               error.empty() ? "connection broken" : error));
  }
  last_write_ = Clock::now();
}

void StompLink::set_hold(bool on) {
  {
    std::lock_guard lock(write_mutex_);
    hold_ = on;
  }
  if (!on) release();
}

void StompLink::release() {
  std::lock_guard lock(write_mutex_);
  if (!held_.empty()) write_locked({});
}

void StompLink::send(const stomp::Frame& frame) { write(stomp::encode(frame, stomp::Version::v1_2)); }

std::optional<stomp::Frame> StompLink::receive(Clock::time_point deadline) {
  for (;;) {
    stomp::Frame frame;
    switch (decoder_.next(frame)) {
      case stomp::Decoder::Status::frame: return frame;
      case stomp::Decoder::Status::heartbeat: continue;
      case stomp::Decoder::Status::error:
        throw ClientError(ErrorKind::protocol_error,
                          fmt::format("{}: undecodable data from the broker: {}", server_.to_string(),
                                      decoder_.error().message()));
      case stomp::Decoder::Status::need_more: break;
      case stomp::Decoder::Status::body_start:  // stream_body_above is not set here
      case stomp::Decoder::Status::body_piece:
      case stomp::Decoder::Status::body_end:
        throw ClientError(ErrorKind::protocol_error, "unexpected streamed STOMP body");
    }
    auto until = deadline;
    if (silence_limit_.count() > 0) until = std::min(until, last_read_ + silence_limit_);
    release();  // what the broker's answer may depend on
    read_buffer_.clear();
    std::string error;
    const auto st = socket_.read_some(read_buffer_, kReadChunk, until, error, interrupt_.get());
    if (st == Socket::ReadStatus::interrupted) return std::nullopt;
    if (st == Socket::ReadStatus::data) {
      last_read_ = Clock::now();
      decoder_.feed(read_buffer_);
      continue;
    }
    if (st == Socket::ReadStatus::timeout) {
      if (silence_limit_.count() > 0 && Clock::now() >= last_read_ + silence_limit_)
        throw LinkLost(fmt::format("{}: no data or heart-beat from the broker for {} ms",
                                   server_.to_string(), silence_limit_.count()));
      if (Clock::now() >= deadline) return std::nullopt;
      continue;
    }
    {
      std::lock_guard lock(write_mutex_);
      broken_ = true;
    }
    throw LinkLost(fmt::format("{}: {}", server_.to_string(), error));
  }
}

void StompLink::hold() {
  while (!interrupted()) {
    const auto frame = receive(Clock::time_point::max());
    if (frame && frame->command == "ERROR")
      throw ClientError(
          ErrorKind::broker_error,
          fmt::format("{}: {}", server_.to_string(), frame->header_or("message", frame->body)));
  }
}

void StompLink::close(std::chrono::milliseconds wait) {
  try {
    stomp::Frame disconnect;
    disconnect.command = "DISCONNECT";
    disconnect.add("receipt", "disconnect");
    send(disconnect);
    const auto deadline = Clock::now() + wait;
    while (auto f = receive(deadline)) {
      if (f->command == "RECEIPT" || f->command == "ERROR") break;
    }
  } catch (const ClientError&) {
    // Closing a broken link is not an error.
  }
  socket_.shutdown();
}

std::vector<Server> StompLink::advertised_servers() const {
  const auto* header = connected_.header("failover-servers");
  return header ? parse_server_list(*header) : std::vector<Server>{};
}

}  // namespace artemis::client
