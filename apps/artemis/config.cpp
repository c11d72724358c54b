// `artemis config print [--broker FILE] [--json]`: load etc/broker.xml exactly as `run` does
// and print the effective configuration (after ${} substitution, defaults and path
// resolution). Warnings go to stderr; errors go to stderr and exit 1. JSON keeps the text
// output's order (ordered_json), which follows broker.xml's.
#include <nlohmann/json.hpp>

#include <iostream>

#include "command.hpp"
#include "config/describe.hpp"
#include "config/loader.hpp"

namespace artemis::cli {
namespace {

namespace fs = std::filesystem;

nlohmann::ordered_json to_json(const config::ConfigNode& node) {
  using Kind = config::ConfigNode::Kind;
  switch (node.kind) {
    case Kind::value:
      return std::visit(
          [](const auto& v) -> nlohmann::ordered_json {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) return nullptr;
            else return v;
          },
          node.value);
    case Kind::list: {
      auto out = nlohmann::ordered_json::array();
      for (const auto& c : node.children) out.push_back(to_json(c));
      return out;
    }
    case Kind::object: {
      auto out = nlohmann::ordered_json::object();
      for (const auto& c : node.children) out[c.key] = to_json(c);
      return out;
    }
  }
  return nullptr;
}

struct ConfigPrintOptions {
  std::string broker;
  bool json = false;
};

void print_config(const Context& ctx, const ConfigPrintOptions& opts) {
  fs::path file;
  fs::path instance;
  if (!opts.broker.empty()) {
    // --broker <instance>/etc/broker.xml: relative directories resolve against <instance>.
    file = fs::absolute(opts.broker).lexically_normal();
    instance = file.parent_path().parent_path();
  } else if (ctx.instance) {
    instance = fs::absolute(*ctx.instance).lexically_normal();
    file = instance / "etc" / "broker.xml";
  } else {
    std::cerr << "artemis config print: no broker instance: run it from an instance "
                 "(<instance>/bin/artemis config print) or pass --broker <instance>/etc/broker.xml\n";
    throw CommandExit{1};
  }
  const auto result = config::load_broker_xml(file, instance);
  for (const auto& w : result.warnings) std::cerr << "warning: " << w.to_string() << '\n';
  if (!result.ok()) {
    for (const auto& e : result.errors) std::cerr << "error: " << e.to_string() << '\n';
    std::cerr << "artemis config print: " << result.errors.size() << " error"
              << (result.errors.size() == 1 ? "" : "s") << " in " << file.string() << '\n';
    throw CommandExit{1};
  }
  if (opts.json) std::cout << to_json(config::describe(result.config)).dump(2) << '\n';
  else std::cout << result.config;
}

}  // namespace

void register_config(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("config", "Inspect the broker configuration (etc/broker.xml)");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<ConfigPrintOptions>();
  auto* print = cmd->add_subcommand(
      "print", "Print the effective configuration: after ${} substitution, defaults and path "
               "resolution");
  print->add_option("--broker", opts->broker,
                    "broker.xml to read (default: <instance>/etc/broker.xml); relative directories "
                    "resolve against the parent of its etc/ folder");
  print->add_flag("--json", opts->json, "Print JSON instead of text");
  print->callback([&ctx, opts] { print_config(ctx, *opts); });
}

}  // namespace artemis::cli
