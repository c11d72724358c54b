#pragma once
// The logger name Artemis uses for its remoting layer (acceptors and connections), so log lines
// of this layer read as Artemis's do.
namespace artemis::net {

inline constexpr const char* kLogger = "org.apache.activemq.artemis.core.remoting";

}  // namespace artemis::net
