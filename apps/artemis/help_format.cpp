// Usage text generation for `artemis help` and `--help`; see help_format.hpp.
#include "help_format.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

namespace artemis::cli {
namespace {

constexpr std::size_t kWidth = 80;
constexpr std::size_t kDescColumn = 30;  // where option descriptions start, as picocli does
constexpr std::size_t kNameColumn = 6;

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

std::string full_path(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* p = app.get_parent(); p != nullptr; p = p->get_parent())
    path = p->get_name() + " " + path;
  return path;
}

bool hidden(const CLI::Option* opt, const CLI::App& app) {
  return opt->get_group().empty() || opt == app.get_help_ptr() || opt == app.get_help_all_ptr();
}

// "<field>" label of a valued option: ours set it; others get one made from the name.
std::string label(const CLI::Option* opt) {
  std::string t = opt->get_type_name();
  // CLI11 appends a validator's choices ("<x>:{A,B}"); the label is only the "<x>" part.
  if (!t.empty() && t.front() == '<') return t.substr(0, t.find('>') + 1);
  std::string base = opt->get_lnames().empty() ? opt->get_name() : opt->get_lnames().front();
  return "<" + base + ">";
}

bool is_flag(const CLI::Option* opt) { return opt->get_items_expected_max() == 0; }

std::string sort_key(const CLI::Option* opt) {
  if (opt->get_lnames().empty()) return opt->get_name();
  return opt->get_lnames().front();
}

std::string names(const CLI::Option* opt) {
  if (opt->get_lnames().empty()) return label(opt);  // positional
  std::string out;
  for (const auto& n : opt->get_lnames()) {
    if (!out.empty()) out += ", ";
    out += "--" + n;
  }
  if (!is_flag(opt)) out += "=" + label(opt);
  return out;
}

std::vector<const CLI::Option*> visible_options(const CLI::App& app) {
  std::vector<const CLI::Option*> out;
  for (const CLI::Option* opt : app.get_options())
    if (!hidden(opt, app)) out.push_back(opt);
  return out;
}

std::string synopsis(const CLI::App& app) {
  std::vector<const CLI::Option*> flags, valued, positionals;
  for (const CLI::Option* opt : visible_options(app)) {
    if (opt->get_lnames().empty())
      positionals.push_back(opt);
    else if (is_flag(opt))
      flags.push_back(opt);
    else
      valued.push_back(opt);
  }
  auto by_name = [](const CLI::Option* a, const CLI::Option* b) { return sort_key(a) < sort_key(b); };
  std::sort(flags.begin(), flags.end(), by_name);
  std::sort(valued.begin(), valued.end(), by_name);
  std::string items;
  auto add = [&items](const std::string& item) {
    if (!items.empty()) items += ' ';
    items += item;
  };
  for (const auto* f : flags) add("[--" + f->get_lnames().front() + "]");
  for (const auto* v : valued) add("[--" + v->get_lnames().front() + "=" + label(v) + "]");
  if (!app.get_subcommands({}).empty()) add("[COMMAND]");
  for (const auto* p : positionals) add(p->get_required() ? label(p) : "[" + label(p) + "]");
  std::string head = "Usage: " + full_path(app);
  if (items.empty()) return head + "\n";
  // Items never split inside brackets: wrap on spaces between items only.
  std::string out = head;
  std::size_t indent = head.size() + 1;
  std::size_t col = head.size();
  std::istringstream in(items);
  std::string item;
  while (in >> item) {
    if (col + 1 + item.size() > kWidth && col > indent) {
      out += "\n" + std::string(indent, ' ');
      col = indent;
      out += item;
    } else {
      out += ' ' + item;
      col += 1;
    }
    col += item.size();
  }
  return out + "\n";
}

std::string option_rows(const CLI::App& app) {
  auto opts = visible_options(app);
  std::stable_sort(opts.begin(), opts.end(), [](const CLI::Option* a, const CLI::Option* b) {
    bool pa = a->get_lnames().empty(), pb = b->get_lnames().empty();
    if (pa != pb) return pa;  // parameters before options
    return pa ? false : sort_key(a) < sort_key(b);
  });
  std::string out;
  for (const CLI::Option* opt : opts) {
    std::string row = std::string(kNameColumn, ' ') + names(opt);
    if (row.size() + 2 > kDescColumn) {
      out += row + "\n";
      row = std::string(kDescColumn, ' ');
    } else {
      row += std::string(kDescColumn - row.size(), ' ');
    }
    out += row + wrap(opt->get_description(), 0, kDescColumn, kWidth - kDescColumn) + "\n";
  }
  return out;
}

std::string command_rows(const CLI::App& app) {
  auto subs = app.get_subcommands({});
  std::size_t widest = 0;
  for (const CLI::App* s : subs) widest = std::max(widest, s->get_name().size());
  std::size_t column = std::max<std::size_t>(widest + 4, 14);
  std::string out;
  for (const CLI::App* s : subs) {
    std::string desc = s->get_subcommands({}).empty()
                           ? s->get_description()
                           : "use 'help " + s->get_name() + "' for sub commands list";
    std::string row = "  " + s->get_name();
    row += std::string(column - row.size(), ' ');
    out += row + wrap(desc, 0, column, kWidth - column) + "\n";
  }
  return out;
}

}  // namespace

std::string wrap(const std::string& text, std::size_t first_indent, std::size_t indent,
                 std::size_t width) {
  std::string out(first_indent, ' ');
  std::size_t col = 0;
  for (const auto& w : words(text)) {
    if (col > 0 && col + 1 + w.size() > width) {
      out += "\n" + std::string(indent, ' ');
      col = 0;
    } else if (col > 0) {
      out += ' ';
      ++col;
    }
    out += w;
    col += w.size();
  }
  return out;
}

std::string usage_text(const CLI::App& app) {
  std::string out;
  if (app.get_parent() == nullptr) {
    out = "Usage: " + app.get_name() + " [COMMAND]\n";
    if (!app.get_description().empty()) out += app.get_description() + "\n";
    out += "Commands:\n" + command_rows(app);
    return out;
  }
  out = synopsis(app);
  if (!app.get_description().empty()) out += app.get_description() + "\n";
  out += option_rows(app);
  if (!app.get_subcommands({}).empty()) out += "Commands:\n" + command_rows(app);
  return out;
}

}  // namespace artemis::cli
