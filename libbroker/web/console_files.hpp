#pragma once
// The web console's files, compiled into the binary (cmake/embed.cmake): the console's own
// (libbroker/web/console) and the charting library bundled from npm at build time. An empty
// view: no such file (the charting library is absent from a build made without npm).
#include <string_view>

namespace artemis::web::console_files {
std::string_view find(std::string_view path);
}
namespace artemis::web::console_vendor {
std::string_view find(std::string_view path);
}
