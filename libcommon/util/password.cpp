#include "util/password.hpp"
// Implementation pending (artemis create work item).
