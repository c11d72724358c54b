#pragma once
// Interrupt: lets one thread cut short another thread's blocking client calls — a TCP connect,
// a STOMP handshake, a receive, StompLink::hold() or a wait between retries. To those calls
// it acts as a deadline that has already passed; it never throws at them by itself.
//
// Once triggered it stays triggered, so every present and later wait ends at once; make a new
// one to start over. Thread-safe. Backed by an eventfd, so Socket can poll it with its own fd.
#include <chrono>

namespace artemis::client {

class Interrupt {
 public:
  Interrupt();  // throws std::system_error when no eventfd can be made
  ~Interrupt();
  Interrupt(const Interrupt&) = delete;
  Interrupt& operator=(const Interrupt&) = delete;

  void trigger();  // idempotent
  bool triggered() const;
  // Sleeps for `d` or until triggered; true when triggered.
  bool wait_for(std::chrono::milliseconds d) const;
  // Readable (POLLIN) once triggered.
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

}  // namespace artemis::client
