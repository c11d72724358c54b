#pragma once
// Always-on invariant checks, kept in release builds: a broken invariant in a broker that
// stores other people's data must stop the process loudly, not corrupt state quietly.
#include <fmt/core.h>

#include <cstdio>
#include <cstdlib>

#define BROKER_ASSERT(cond, ...)                                                         \
  do {                                                                                   \
    if (!(cond)) [[unlikely]] {                                                          \
      std::fprintf(stderr, "assertion failed at %s:%d: %s: %s\n", __FILE__, __LINE__, #cond, \
                   fmt::format(__VA_ARGS__).c_str());                                    \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)
