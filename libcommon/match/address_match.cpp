// Word-level wildcard matching. Both pattern and address are split into words once; matching
// '#' (zero or more words) uses the classic two-pointer backtracking over words, which runs in
// O(pattern words x address words) at worst and needs no recursion, so a hostile pattern such as
// "#.#.#.#..." cannot blow the stack.
#include "match/address_match.hpp"

#include <algorithm>

namespace artemis::match {
namespace {

// A backslash makes the character after it literal: `a\.b` is one word (an MQTT topic level
// holding a dot), `\*` a word that is no wildcard.
std::vector<std::string_view> words(std::string_view s, char delimiter) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == delimiter) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(s.substr(std::min(start, s.size())));
  return out;
}

bool is_word(std::string_view word, char c) { return word.size() == 1 && word[0] == c; }

bool contains_word(const std::vector<std::string_view>& ws, char c) {
  return std::any_of(ws.begin(), ws.end(), [c](std::string_view w) { return is_word(w, c); });
}

int sign(std::ptrdiff_t v) { return v < 0 ? -1 : (v > 0 ? 1 : 0); }

}  // namespace

bool matches(std::string_view pattern, std::string_view address, const Wildcards& w) {
  if (pattern == address) return true;
  const auto p = words(pattern, w.delimiter);
  const auto a = words(address, w.delimiter);
  std::size_t pi = 0, ai = 0;
  // Where to resume when a literal comparison after the last '#' fails: the '#' position and
  // the address position it has absorbed up to.
  std::optional<std::size_t> star_p;
  std::size_t star_a = 0;
  while (ai < a.size()) {
    if (pi < p.size() && is_word(p[pi], w.any_words)) {
      star_p = pi++;
      star_a = ai;
    } else if (pi < p.size() && (is_word(p[pi], w.single_word) || p[pi] == a[ai])) {
      ++pi;
      ++ai;
    } else if (star_p) {
      pi = *star_p + 1;
      ai = ++star_a;  // let the last '#' absorb one more word
    } else {
      return false;
    }
  }
  while (pi < p.size() && is_word(p[pi], w.any_words)) ++pi;
  return pi == p.size();
}

bool has_wildcards(std::string_view pattern, const Wildcards& w) {
  const auto p = words(pattern, w.delimiter);
  return contains_word(p, w.any_words) || contains_word(p, w.single_word);
}

int compare_precedence(std::string_view a, std::string_view b, const Wildcards& w) {
  if (a == b) return 0;
  const auto aw = words(a, w.delimiter);
  const auto bw = words(b, w.delimiter);
  const bool a_any = contains_word(aw, w.any_words), b_any = contains_word(bw, w.any_words);
  const std::ptrdiff_t longer_first =
      static_cast<std::ptrdiff_t>(b.size()) - static_cast<std::ptrdiff_t>(a.size());
  const int by_text = a < b ? -1 : 1;  // total order for otherwise equal patterns
  if (a_any != b_any) return a_any ? 1 : -1;
  if (a_any) return longer_first != 0 ? sign(longer_first) : by_text;

  const bool a_one = contains_word(aw, w.single_word), b_one = contains_word(bw, w.single_word);
  if (a_one != b_one) return a_one ? 1 : -1;
  if (a_one) {
    const std::size_t n = std::min(aw.size(), bw.size());
    for (std::size_t i = 0; i < n; ++i) {
      const bool as = is_word(aw[i], w.single_word), bs = is_word(bw[i], w.single_word);
      if (as != bs) return as ? 1 : -1;
    }
  }
  return longer_first != 0 ? sign(longer_first) : by_text;
}

std::vector<std::size_t> matching_by_precedence(std::span<const std::string> candidates,
                                                std::string_view address, const Wildcards& w) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < candidates.size(); ++i)
    if (matches(candidates[i], address, w)) out.push_back(i);
  std::stable_sort(out.begin(), out.end(), [&](std::size_t x, std::size_t y) {
    return compare_precedence(candidates[x], candidates[y], w) < 0;
  });
  return out;
}

std::optional<std::size_t> most_specific(std::span<const std::string> candidates,
                                         std::string_view address, const Wildcards& w) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (!matches(candidates[i], address, w)) continue;
    if (!best || compare_precedence(candidates[i], candidates[*best], w) < 0) best = i;
  }
  return best;
}

}  // namespace artemis::match
