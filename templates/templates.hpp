#pragma once
// Files under templates/files/, compiled in. Path relative to templates/files, e.g. "etc/broker.xml".
#include <string_view>

namespace artemis::templates {
std::string_view find(std::string_view path);  // empty when absent
}
