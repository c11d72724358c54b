// `artemis user list|add|rm|reset` (cli.md §5.7): the broker's properties login module through
// its management address (addUser, removeUser, resetUser, listUser).
#include <fmt/core.h>

#include "management_commands.hpp"

namespace artemis::cli {
namespace {

struct UserOptions {
  ClientOptions common;
  std::string user;  // --user-command-user (--user is the connection's)
  std::string password;
  std::string role;
  bool plaintext = false;
};

CLI::App* user_command(CLI::App& parent, const char* name, const char* help, UserOptions& o,
                       bool user_required) {
  auto* cmd = parent.add_subcommand(name, help);
  add_connection_options(*cmd, o.common);
  auto* u = cmd->add_option("--user-command-user", o.user, "The user to act on");
  if (user_required) u->required();
  return cmd;
}

void add_password_options(CLI::App& cmd, UserOptions& o, bool role_required) {
  cmd.add_option("--user-command-password", o.password, "The user's password");
  auto* r = cmd.add_option("--role", o.role, "The user's roles, comma separated");
  if (role_required) r->required();
  cmd.add_flag("--plaintext", o.plaintext, "Store the password in plaintext (default: hashed)");
}

}  // namespace

void register_user(CLI::App& app, Context& ctx) {
  auto* user = app.add_subcommand("user", "Manage the broker's users: list, add, rm, reset.");
  user->require_subcommand(1);

  auto list = std::make_shared<UserOptions>();
  auto* l =
      user_command(*user, "list", "List users (or one, with --user-command-user).", *list, false);
  l->callback([&ctx, o = list] {
    with_management("user list", ctx, o->common, [&](ManagementClient& m, Printer& out) {
      const auto r = m.invoke("broker", "listUser", {o->user});
      if (!r.succeeded) {
        out.error(fmt::format("Failed to list user {}. Reason: {}", o->user, r.text()));
        return;
      }
      std::string text = "--- \"user\"(roles) ---\n";
      int count = 0;
      for (const auto& u : nlohmann::json::parse(r.text(), nullptr, false)) {
        std::string roles;
        for (const auto& role : u.value("roles", nlohmann::json::array()))
          roles += (roles.empty() ? "" : ",") + role.get<std::string>();
        text += fmt::format("\"{}\"({})\n", u.value("username", ""), roles);
        ++count;
      }
      out.line(fmt::format("{}\n Total: {}", text, count));
    });
  });

  auto add = std::make_shared<UserOptions>();
  auto* a = user_command(*user, "add", "Add a user.", *add, true);
  add_password_options(*a, *add, true);
  a->callback([&ctx, o = add] {
    with_management("user add", ctx, o->common, [&](ManagementClient& m, Printer& out) {
      const auto r = m.invoke("broker", "addUser", {o->user, o->password, o->role, o->plaintext});
      report(r, o->user + " added successfully.", "add user " + o->user, out);
    });
  });

  auto rm = std::make_shared<UserOptions>();
  auto* d = user_command(*user, "rm", "Remove an existing user.", *rm, true);
  d->callback([&ctx, o = rm] {
    with_management("user rm", ctx, o->common, [&](ManagementClient& m, Printer& out) {
      const auto r = m.invoke("broker", "removeUser", {o->user});
      report(r, o->user + " removed successfully.", "remove user " + o->user, out);
    });
  });

  auto reset = std::make_shared<UserOptions>();
  auto* s = user_command(*user, "reset", "Reset a user's password or roles.", *reset, true);
  add_password_options(*s, *reset, false);
  s->callback([&ctx, o = reset] {
    with_management("user reset", ctx, o->common, [&](ManagementClient& m, Printer& out) {
      const auto r = m.invoke(
          "broker", "resetUser",
          {o->user, o->password,
           o->role.empty() ? nlohmann::json(nullptr) : nlohmann::json(o->role), o->plaintext});
      report(r, o->user + " reset successfully.", "reset user " + o->user, out);
    });
  });
}

}  // namespace artemis::cli
