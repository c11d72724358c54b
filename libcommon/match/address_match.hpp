#pragma once
// Wildcard address matching and match precedence, as broker.xml's `match` attributes and
// wildcard routing use them (<wildcard-addresses> in <core>).
//
// An address is a sequence of words separated by the delimiter ('.'). In a pattern, a word that
// is exactly the any-words character ('#') matches zero or more words and a word that is exactly
// the single-word character ('*') matches exactly one word (which may be empty, as in the MQTT
// topic "/a" -> ".a"). Wildcards act on whole words only: "news*" is a literal word. A
// backslash makes the next character literal: "a\.b" is one word, "\*" no wildcard (how
// MQTT's '.' and '*' inside a topic level reach the broker).
//   news.europe.#  matches  news.europe, news.europe.sport, news.europe.sport.tennis
//   news.*         matches  news.usa, not news, not news.usa.sport
//   #              matches  every address
//
// Precedence (the order in which matching address-settings are merged, and the single winner
// among security-settings):
//   1. a pattern without '#' beats one with '#'; between two with '#', the longer text wins;
//   2. then a pattern without '*' beats one with '*'; between two with '*', compare word by
//      word: at the first position where one has '*' and the other a literal word, the literal
//      wins;
//   3. otherwise the longer text wins (ties are broken by text order so the order is total).
//
// Pure functions, no state: safe from any thread. libcommon does not see libbroker, so callers
// convert config::WildcardConfig into Wildcards.
#include <cstddef>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace artemis::match {

struct Wildcards {
  char delimiter = '.';
  char any_words = '#';
  char single_word = '*';
};

// True if `address` (a concrete name, or itself a pattern treated literally) matches `pattern`.
bool matches(std::string_view pattern, std::string_view address, const Wildcards& w = {});

// True if `pattern` contains an any-words or single-word word (i.e. is not a literal name).
bool has_wildcards(std::string_view pattern, const Wildcards& w = {});

// <0 if `a` takes precedence over `b` (is more specific), >0 if `b` does, 0 only if a == b.
int compare_precedence(std::string_view a, std::string_view b, const Wildcards& w = {});

// Strict weak ordering for std::sort: most specific first.
struct PrecedenceLess {
  Wildcards wildcards;
  bool operator()(std::string_view a, std::string_view b) const {
    return compare_precedence(a, b, wildcards) < 0;
  }
};

// Index of the most specific candidate pattern matching `address`, or nullopt if none matches.
std::optional<std::size_t> most_specific(std::span<const std::string> candidates,
                                         std::string_view address, const Wildcards& w = {});

// Indices of every candidate matching `address`, most specific first (merge order).
std::vector<std::size_t> matching_by_precedence(std::span<const std::string> candidates,
                                                std::string_view address,
                                                const Wildcards& w = {});

// Same, for any range of objects with a pattern: proj(element) -> std::string_view.
// E.g. most_specific_by(settings, addr, w, [](const SecuritySetting& s) { return s.match; }).
template <class Range, class Proj>
auto most_specific_by(const Range& range, std::string_view address, const Wildcards& w,
                      Proj proj) -> decltype(&*std::begin(range)) {
  decltype(&*std::begin(range)) best = nullptr;
  for (const auto& element : range) {
    std::string_view pattern = proj(element);
    if (!matches(pattern, address, w)) continue;
    if (best == nullptr || compare_precedence(pattern, proj(*best), w) < 0) best = &element;
  }
  return best;
}

}  // namespace artemis::match
