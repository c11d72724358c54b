#include "security/user_files.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace artemis::security {
namespace {

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// One line of a properties file: its key and value when it is an entry.
struct Line {
  std::string text;
  std::optional<std::pair<std::string, std::string>> entry;
};

std::vector<Line> read_lines(const std::filesystem::path& p) {
  std::vector<Line> out;
  std::ifstream in(p);
  for (std::string text; std::getline(in, text);) {
    Line l{text, std::nullopt};
    const auto t = trim(text);
    const auto sep = t.find_first_of("=:");
    if (!t.empty() && t[0] != '#' && t[0] != '!' && sep != std::string::npos)
      l.entry = std::pair{trim(t.substr(0, sep)), trim(t.substr(sep + 1))};
    out.push_back(std::move(l));
  }
  return out;
}

void write_lines(const std::filesystem::path& p, const std::vector<Line>& lines) {
  const auto tmp = p.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const auto& l : lines) out << l.text << '\n';
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, p);
}

std::vector<std::string> split_users(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');)
    if (auto t = trim(item); !t.empty()) out.push_back(std::move(t));
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ",") + i;
  return s;
}

bool has_user(const std::vector<Line>& lines, const std::string& user) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const Line& l) { return l.entry && l.entry->first == user; });
}

// The roles file with `user` in exactly `roles` (none: removed from every role; a role left
// without users goes).
void set_roles(const std::filesystem::path& p, const std::string& user,
               const std::vector<std::string>& roles) {
  auto lines = read_lines(p);
  std::vector<std::string> missing = roles;
  std::vector<Line> out;
  for (auto& l : lines) {
    if (!l.entry) {
      out.push_back(std::move(l));
      continue;
    }
    auto users = split_users(l.entry->second);
    std::erase(users, user);
    const bool wanted = std::find(roles.begin(), roles.end(), l.entry->first) != roles.end();
    if (wanted) {
      users.push_back(user);
      std::erase(missing, l.entry->first);
    }
    if (users.empty()) continue;
    out.push_back({l.entry->first + " = " + join(users), std::nullopt});
  }
  for (const auto& role : missing) out.push_back({role + " = " + user, std::nullopt});
  write_lines(p, out);
}

}  // namespace

std::optional<std::string> UserFiles::add(const std::string& user, const std::string& password,
                                          const std::vector<std::string>& roles) {
  auto lines = read_lines(users_);
  if (has_user(lines, user)) return fmt::format("AMQ229223: User {} already exists", user);
  lines.push_back({user + " = " + password, std::nullopt});
  write_lines(users_, lines);
  set_roles(roles_, user, roles);
  return std::nullopt;
}

std::optional<std::string> UserFiles::remove(const std::string& user) {
  auto lines = read_lines(users_);
  if (!has_user(lines, user)) return fmt::format("AMQ229224: User {} does not exist", user);
  std::erase_if(lines, [&](const Line& l) { return l.entry && l.entry->first == user; });
  write_lines(users_, lines);
  set_roles(roles_, user, {});
  return std::nullopt;
}

std::optional<std::string> UserFiles::reset(const std::string& user,
                                            const std::optional<std::string>& password,
                                            const std::optional<std::vector<std::string>>& roles) {
  auto lines = read_lines(users_);
  if (!has_user(lines, user)) return fmt::format("AMQ229224: User {} does not exist", user);
  if (password) {
    for (auto& l : lines)
      if (l.entry && l.entry->first == user) l.text = user + " = " + *password;
    write_lines(users_, lines);
  }
  if (roles) set_roles(roles_, user, *roles);
  return std::nullopt;
}

std::vector<std::pair<std::string, std::vector<std::string>>> UserFiles::list(
    const std::string& user) {
  const auto roles = read_lines(roles_);
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& l : read_lines(users_)) {
    if (!l.entry || (!user.empty() && l.entry->first != user)) continue;
    std::vector<std::string> of;
    for (const auto& r : roles)
      if (r.entry) {
        const auto users = split_users(r.entry->second);
        if (std::find(users.begin(), users.end(), l.entry->first) != users.end())
          of.push_back(r.entry->first);
      }
    out.emplace_back(l.entry->first, std::move(of));
  }
  return out;
}

}  // namespace artemis::security
