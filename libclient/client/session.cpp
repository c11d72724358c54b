#include "client/session.hpp"

namespace artemis::client {

void Producer::send(Message& message) {
  session_->send(destination_, message);
}

std::optional<Message> Consumer::receive(std::chrono::milliseconds timeout) {
  return session_->receive(id_, timeout);
}

}  // namespace artemis::client
