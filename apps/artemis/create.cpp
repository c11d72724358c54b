// `artemis create`: the steps in Artemis's order (cli reference §2.1), so prompts, console output
// and the state left behind by a failure match what users of Artemis expect.
#include "create.hpp"

#include <unistd.h>

#include <iostream>
#include <memory>

#include "create_autotune.hpp"
#include "create_error.hpp"
#include "create_files.hpp"
#include "create_placeholders.hpp"
#include "util/password.hpp"

namespace artemis::cli {
namespace fs = std::filesystem;

namespace {

fs::path under(const fs::path& instance, const std::string& dir) {
  fs::path p(dir);
  return p.is_absolute() ? p : instance / p;
}

JournalType choose_journal(CreateOptions& o, Prompter& prompt) {
  if (o.no_fsync && !o.mapped &&
      prompt.confirm("--mapped",
                     "With fsync off, the memory-mapped journal is the better choice. "
                     "Use the mapped journal?",
                     true)) {
    o.mapped = true;
    o.aio = false;
    o.nio = false;
  }
  if (int(o.aio) + int(o.nio) + int(o.mapped) > 1)
    throw CreateError("You can only select one journal type (--nio | --aio | --mapped).",
                      Usage::yes);
  if (o.aio) return JournalType::asyncio;
  if (o.mapped) return JournalType::mapped;
  // One journal engine serves every type here and it needs no libaio: NIO is what Artemis
  // writes when libaio is unavailable.
  return JournalType::nio;
}

void check_ports(const CreateOptions& o) {
  for (int base : {o.default_port, 5672, 61613, 5445, 1883, o.http_port}) {
    long long p = static_cast<long long>(base) + o.port_offset;
    if (p < 1 || p > 65535)
      throw CreateError("The port offset " + std::to_string(o.port_offset) + " moves port " +
                            std::to_string(base) + " to " + std::to_string(p) +
                            ", outside 1-65535",
                        Usage::yes);
  }
}

ResolvedCreate resolve(const CreateOptions& o, const Context& ctx, const fs::path& instance,
                       JournalType journal, Prompter& prompt, std::ostream& err) {
  ResolvedCreate r;
  r.instance = instance;
  r.etc = fs::weakly_canonical(under(instance, o.etc));
  r.data = fs::weakly_canonical(under(instance, o.data));
  r.home = o.home ? fs::absolute(*o.home).lexically_normal() : ctx.home;
  r.binary = ctx.binary;
  r.journal = journal;
  r.clustered = o.clustered || o.static_cluster || o.replicated || o.shared_store;
  // Artemis asks for the web server's stores before the user and password.
  r.web = resolve_web_tls(o, prompt, err);
  r.host = o.host.value_or("0.0.0.0");
  if (r.clustered && r.host == "0.0.0.0")
    r.host = prompt.input("--host", "Host " + r.host +
                          " is not valid for clustering, please provide a valid IP or hostname",
                          "localhost");
  r.name = o.name.value_or(r.host);
  r.user = o.user ? *o.user : prompt.input("--user", "What is the default username?", "admin");
  std::string plain = o.password
                          ? *o.password
                          : prompt.password("--password", "What is the default password?", "admin");
  try {
    r.password = util::hash_password(plain);
  } catch (const std::exception& e) {
    err << "Could not hash the password (" << e.what() << "); it is stored as plain text\n";
    r.password = plain;
  }
  if (r.clustered) {
    r.cluster_user = o.cluster_user ? *o.cluster_user
                                    : prompt.input("--cluster-user",
                                                   "What is the cluster user?", "cluster-admin");
    r.cluster_password = o.cluster_password
                             ? *o.cluster_password
                             : prompt.password("--cluster-password",
                                               "What is the cluster password?", "password-admin");
  }
  return r;
}

void write_files(const CreateOptions& o, ResolvedCreate& r, Placeholders& map, Prompter& prompt,
                 std::ostream& out, std::ostream& err) {
  for (const char* dir : {"bin", "tmp", "lib", "log"}) make_directory(r.instance / dir);
  make_directory(r.etc);
  make_directory(r.data);
  if (!o.allow_anonymous && !o.require_login)
    r.allow_anonymous = prompt.confirm("--allow-anonymous | --require-login",
                                       "Allow anonymous access?", true);
  else
    r.allow_anonymous = o.allow_anonymous && !o.require_login;

  Overwrite overwrite = o.force ? Overwrite::yes : Overwrite::no;
  auto write = [&](const fs::path& target, std::string_view source, FileMode mode) {
    write_instance_file(target, map.render(template_text(source)), overwrite, mode);
  };
  write(r.etc / "login.config",
        r.allow_anonymous ? "snippets/login-with-guest.config" : "snippets/login-without-guest.config",
        FileMode::regular);
  write(r.etc / "artemis-roles.properties", "etc/artemis-roles.properties", FileMode::regular);
  write(r.instance / "bin" / "artemis", "bin/artemis", FileMode::executable);
  write(r.instance / "bin" / "artemis-service", "bin/artemis-service", FileMode::executable);
  write(r.etc / "artemis.profile", "etc/artemis.profile", FileMode::regular);
  write(r.etc / "artemis-utility.profile", "etc/artemis-utility.profile", FileMode::regular);
  // Copied as is: their ${sys:...} lookups belong to the logging configuration.
  for (const char* f : {"log4j2.properties", "log4j2-utility.properties"})
    write_instance_file(r.etc / f, template_text(std::string("etc/") + f), overwrite,
                        FileMode::regular);
  if (!o.no_autotune) autotune_journal(map, o, r.journal, r.data, out, err);
  write(r.etc / "broker.xml", "etc/broker.xml", FileMode::regular);
  write(r.etc / "artemis-users.properties", "etc/artemis-users.properties", FileMode::regular);
  write(r.etc / "bootstrap.xml", "etc/bootstrap.xml", FileMode::regular);
  write(r.etc / "management.xml", "etc/management.xml", FileMode::regular);
  write(r.etc / "jolokia-access.xml", "etc/jolokia-access.xml", FileMode::regular);
}

// What the instance asks for that this broker does not do yet, said on stderr with what to use
// instead, so that nobody counts on HA or a web server that is not there.
void warn_unsupported(const CreateOptions& o, const ResolvedCreate& r, std::ostream& err) {
  if (o.replicated)
    err << "Warning: --replicated wrote <replication> HA into etc/broker.xml, which this broker "
           "does not support yet: `artemis run` will refuse the instance. Use --shared-store "
           "with --static-cluster for a primary/backup pair.\n";
  if (r.clustered && !o.static_cluster) {
    const char* flag = o.clustered      ? "--clustered"
                       : o.shared_store ? "--shared-store"
                                        : "--replicated";
    err << "Warning: " << flag << " without --static-cluster wrote UDP discovery "
        << "(<broadcast-groups>, <discovery-groups>) into etc/broker.xml, which this broker does "
           "not support yet: `artemis run` will refuse the instance. Name the other node with "
           "--static-cluster tcp://host:port.\n";
  }
}

fs::path prepare_directory(const std::string& directory) {
  fs::path dir(directory);
  std::error_code ec;
  if (!fs::exists(dir, ec)) make_directory(dir);
  if (!fs::is_directory(dir, ec))
    throw CreateError("Unable to create the path '" + dir.string() + "'.", Usage::yes);
  if (::access(dir.c_str(), W_OK) != 0)
    throw CreateError("The path '" + dir.string() + "' is not writable.", Usage::yes);
  return fs::canonical(dir);
}

}  // namespace

int run_create(CreateOptions o, const Context& ctx, Interactive interactive, std::istream& in,
               std::ostream& out, std::ostream& err) {
  Prompter prompt(o.silent ? Interactive::no : interactive, in, out);
  try {
    fs::path instance = prepare_directory(o.directory);
    JournalType journal = choose_journal(o, prompt);
    out << "Creating ActiveMQ Artemis instance at: " << instance.string() << "\n";
    out.flush();
    if (o.journal_device_block_size <= 0 || o.journal_device_block_size % 512 != 0)
      throw CreateError("The device-block-size must be a multiple of 512", Usage::yes);
    check_ports(o);
    ResolvedCreate r = resolve(o, ctx, instance, journal, prompt, err);
    Placeholders map = build_placeholders(o, r, err);
    write_files(o, r, map, prompt, out, err);
    out.flush();
    warn_unsupported(o, r, err);
    out << "\nYou can now start the broker by executing:  \n\n   \""
        << (r.instance / "bin" / "artemis").string() << "\" run\n\n"
        << "Or you can run the broker in the background using:\n\n   \""
        << (r.instance / "bin" / "artemis-service").string() << "\" start\n\n";
    out.flush();
    return 0;
  } catch (const CreateError& e) {
    out.flush();
    err << e.what() << "\n";
    if (e.usage == Usage::yes) err << "\nRun 'artemis help create' for usage.\n";
    return 1;
  } catch (const std::exception& e) {
    out.flush();
    err << e.what() << "\n";
    return 1;
  }
}

void register_create(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<CreateOptions>();
  auto* cmd = app.add_subcommand("create", "Create a new broker instance.");
  add_create_options(*cmd, *options);
  cmd->callback([options, &ctx] {
    Interactive interactive = Prompter::stdin_is_terminal() ? Interactive::yes : Interactive::no;
    ctx.exit_code = run_create(*options, ctx, interactive, std::cin, std::cout, std::cerr);
  });
}

}  // namespace artemis::cli
