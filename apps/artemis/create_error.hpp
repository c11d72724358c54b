#pragma once
// A failure of `artemis create` that ends it with exit code 1. `usage` says whether the usage
// hint follows the message (option misuse) or not (a refused write, as Artemis does).
#include <stdexcept>
#include <string>

namespace artemis::cli {

enum class Usage { no, yes };

struct CreateError : std::runtime_error {
  CreateError(const std::string& message, Usage u) : std::runtime_error(message), usage(u) {}
  Usage usage;
};

}  // namespace artemis::cli
