#include "docgen.h"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "certkit/version.h"
#include "commands.h"
#include "common.h"
#include "output.h"

#ifndef CERTKIT_CLI_VERSION
#define CERTKIT_CLI_VERSION "unknown"
#endif

namespace certkit_cli {
namespace {

struct Command {
  std::string path;  // "keystore list"; "" for the root
  CLI::App* app;
  std::vector<std::string> subcommands;
  std::vector<const CLI::Option*> options;  // named options (not positionals)
  std::vector<const CLI::Option*> positionals;
};

std::vector<CLI::App*> Subs(CLI::App* app) {
  return app->get_subcommands([](CLI::App*) { return true; });
}

void Collect(CLI::App* app, const std::string& path, std::vector<Command>* out) {
  Command c{path, app, {}, {}, {}};
  for (CLI::App* s : Subs(app)) c.subcommands.push_back(s->get_name());
  for (const CLI::Option* o : app->get_options()) {
    if (o->get_positional()) {
      c.positionals.push_back(o);
    } else {
      c.options.push_back(o);
    }
  }
  out->push_back(c);
  for (CLI::App* s : Subs(app)) {
    Collect(s, path.empty() ? s->get_name() : absl::StrCat(path, " ", s->get_name()), out);
  }
}

std::vector<Command> Tree(CLI::App& app) {
  std::vector<Command> out;
  Collect(&app, "", &out);
  return out;
}

std::vector<std::string> OptionNames(const CLI::Option* o) {
  std::vector<std::string> names;
  for (const std::string& s : o->get_snames()) names.push_back("-" + s);
  for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
  return names;
}

// Flags (add_flag) expect no value; CLI11 still gives them a type size.
bool TakesValue(const CLI::Option* o) { return o->get_expected_max() > 0 && o->get_type_size() != 0; }

// The type names CLI11 gives options that were not named by their command.
bool IsDefaultTypeName(const std::string& name) {
  static const char* const kDefaults[] = {"", "TEXT", "INT", "UINT", "FLOAT", "NUMBER", "BOOLEAN", "CHAR", "ENUM"};
  for (const char* d : kDefaults) {
    if (name == d) return true;
  }
  return false;
}

// The placeholders of the options that have the same meaning in every
// command; a command names any other (or a different one, such as DIR for
// an output directory) with ->type_name().
const char* UsualPlaceholder(const std::string& long_name) {
  static const std::pair<const char*, const char*> kTable[] = {
      {"key-type", "TYPE"}, {"ca-key-type", "TYPE"}, {"storetype", "TYPE"},
      {"key", "FILE"}, {"ca-key", "FILE"}, {"ca-cert", "FILE"}, {"cert", "FILE"}, {"csr", "FILE"},
      {"file", "FILE"}, {"key-out", "FILE"}, {"profile-file", "FILE"}, {"src", "FILE"}, {"out", "FILE"},
      {"ca", "FILE"}, {"untrusted", "FILE"}, {"crl", "FILE"}, {"dir", "DIR"},
      {"storepass", "SRC"}, {"truststorepass", "SRC"},
      {"days", "DAYS"}, {"ca-days", "DAYS"}, {"pathlen", "N"}, {"max-depth", "N"}, {"jobs", "N"},
      {"timeout", "SECONDS"}, {"within", "WINDOW"}, {"at", "TIME"},
      {"subject", "DN"}, {"dname", "DN"}, {"ca-subject", "DN"}, {"cn", "NAME"}, {"user", "USER"},
      {"org", "ORG"}, {"host", "HOST"}, {"nodes", "HOSTS"}, {"clients", "USERS"}, {"san", "SAN"},
      {"only", "NAMES"}, {"format", "FORMATS"}, {"alias", "ALIAS"}, {"to", "ALIAS"}, {"src-alias", "ALIAS"},
      {"dest-alias", "ALIAS"}, {"key-usage", "USAGES"}, {"permit-dns", "DOMAIN"}, {"exclude-dns", "DOMAIN"},
      {"permit-ip", "CIDR"}, {"exclude-ip", "CIDR"}, {"permit-email", "EMAIL"}, {"exclude-email", "EMAIL"},
      {"stage", "STAGE"}, {"profile", "PROFILE"}, {"serial", "HEX"}, {"reason", "REASON"},
      {"name", "NAME"}, {"identity", "MODE"}, {"servername", "NAME"}, {"starttls", "PROTOCOL"},
      {"ip", "IP"}, {"dns", "NAME"}, {"email", "EMAIL"}, {"purpose", "PURPOSE"},
  };
  for (const auto& [name, placeholder] : kTable) {
    if (long_name == name) return placeholder;
  }
  return nullptr;
}

// TypeName is the option's type name without the validators' descriptions
// CLI11 appends ("DAYS:INT in [1 - 36500]" -> "DAYS").
std::string TypeName(const CLI::Option* o) {
  std::string name = o->get_type_name();
  return name.substr(0, name.find(':'));
}

// Placeholder is what the man page shows after an option taking a value.
std::string Placeholder(const CLI::Option* o) {
  std::string name = TypeName(o);
  return IsDefaultTypeName(name) ? "VALUE" : name;
}

void SetPlaceholdersIn(CLI::App* app) {
  for (CLI::Option* o : app->get_options([](CLI::Option*) { return true; })) {
    if (!TakesValue(o) || !IsDefaultTypeName(TypeName(o))) continue;
    std::string placeholder;
    if (o->get_positional()) {
      placeholder = absl::AsciiStrToUpper(o->get_name(true));
    } else if (!o->get_lnames().empty()) {
      const char* usual = UsualPlaceholder(o->get_lnames().front());
      placeholder = usual != nullptr ? usual : absl::AsciiStrToUpper(o->get_lnames().front());
    }
    if (!placeholder.empty()) o->type_name(placeholder);
  }
  for (CLI::App* s : app->get_subcommands([](CLI::App*) { return true; })) SetPlaceholdersIn(s);
}

std::string ShellQuote(const std::string& s) {
  return absl::StrCat("'", absl::StrReplaceAll(s, {{"'", "'\\''"}}), "'");
}

// The case table shared by the bash and zsh scripts: for each command path,
// its subcommands, its options, and the options that take a value.
std::string WordTable(const std::vector<Command>& tree) {
  std::string subs = "  case \"$1\" in\n", opts = subs, valued = subs;
  for (const Command& c : tree) {
    std::vector<std::string> o, v;
    for (const CLI::Option* opt : c.options) {
      for (const std::string& n : OptionNames(opt)) {
        o.push_back(n);
        if (TakesValue(opt)) v.push_back(n);
      }
    }
    absl::StrAppend(&subs, "    ", ShellQuote(c.path), ") echo ", ShellQuote(absl::StrJoin(c.subcommands, " ")), ";;\n");
    absl::StrAppend(&opts, "    ", ShellQuote(c.path), ") echo ", ShellQuote(absl::StrJoin(o, " ")), ";;\n");
    absl::StrAppend(&valued, "    ", ShellQuote(c.path), ") echo ", ShellQuote(absl::StrJoin(v, " ")), ";;\n");
  }
  return absl::StrCat("_certkit_subs() {\n", subs, "  esac\n}\n", "_certkit_opts() {\n", opts, "  esac\n}\n",
                      "_certkit_valued() {\n", valued, "  esac\n}\n");
}

std::string RoffEscape(const std::string& s) {
  std::string out = absl::StrReplaceAll(s, {{"\\", "\\e"}, {"-", "\\-"}});
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string VersionText() {
  return absl::StrCat("certkit ", CERTKIT_CLI_VERSION, " (library ", certkit::Version(), ")");
}

std::string NearestName(const std::string& word, const std::vector<std::string>& names) {
  if (word.size() > 64) return "";
  std::string best;
  size_t best_d = 4;
  for (const std::string& n : names) {
    size_t d = EditDistance(word, n);
    if (n.rfind(word, 0) == 0 && !word.empty()) d = std::min<size_t>(d, 1);
    if (d < best_d) best_d = d, best = n;
  }
  return best;
}

std::string BashCompletion(CLI::App& app) {
  const std::vector<Command> tree = Tree(app);
  return absl::StrCat(
      "# bash completion for certkit (generated by `certkit completion bash`)\n", WordTable(tree),
      R"SH(_certkit() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="" path="" i w
  (( COMP_CWORD > 1 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
  for (( i = 1; i < COMP_CWORD; i++ )); do
    w="${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    if [[ " $(_certkit_subs "$path") " == *" $w "* ]]; then path="${path:+$path }$w"; fi
  done
  if [[ -n "$prev" && "$prev" == -* && " $(_certkit_valued "$path") " == *" $prev "* ]]; then
    COMPREPLY=( $(compgen -f -- "$cur") )
    return 0
  fi
  local subs="$(_certkit_subs "$path")"
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$(_certkit_opts "$path")" -- "$cur") )
  elif [[ -n "$subs" ]]; then
    COMPREPLY=( $(compgen -W "$subs" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
  return 0
}
complete -o filenames -F _certkit certkit
)SH");
}

std::string ZshCompletion(CLI::App& app) {
  const std::vector<Command> tree = Tree(app);
  return absl::StrCat("#compdef certkit\n# zsh completion for certkit (generated by `certkit completion zsh`)\n",
                      WordTable(tree), R"SH(_certkit() {
  local p="" w i prev=""
  (( CURRENT > 2 )) && prev="${words[CURRENT-1]}"
  for (( i = 2; i < CURRENT; i++ )); do
    w="${words[i]}"
    [[ "$w" == -* ]] && continue
    if [[ " $(_certkit_subs "$p") " == *" $w "* ]]; then p="${p:+$p }$w"; fi
  done
  if [[ "$prev" == -* && " $(_certkit_valued "$p") " == *" $prev "* ]]; then _files; return; fi
  local subs="$(_certkit_subs "$p")"
  if [[ "${words[CURRENT]}" == -* ]]; then
    compadd -- ${=$(_certkit_opts "$p")}
  elif [[ -n "$subs" ]]; then
    compadd -- ${=subs}
  else
    _files
  fi
}
compdef _certkit certkit
)SH");
}

std::string FishCompletion(CLI::App& app) {
  const std::vector<Command> tree = Tree(app);
  std::string out = "# fish completion for certkit (generated by `certkit completion fish`)\n";
  absl::StrAppend(&out, "function __certkit_subs\n  switch \"$argv[1]\"\n");
  for (const Command& c : tree) {
    absl::StrAppend(&out, "    case ", ShellQuote(c.path), "\n");
    for (const std::string& s : c.subcommands) absl::StrAppend(&out, "      echo ", s, "\n");
  }
  absl::StrAppend(&out, R"SH(  end
end
function __certkit_path
  set -l p ''
  for w in (commandline -opc)[2..-1]
    string match -q -- '-*' $w; and continue
    if contains -- $w (__certkit_subs "$p")
      if test -z "$p"; set p $w; else; set p "$p $w"; end
    end
  end
  echo $p
end
function __certkit_at
  test (__certkit_path) = "$argv[1]"
end
complete -c certkit -f -n 'test -n "$(__certkit_subs (__certkit_path))"' -a '(__certkit_subs (__certkit_path))'
)SH");
  for (const Command& c : tree) {
    for (const CLI::Option* o : c.options) {
      std::string line = absl::StrCat("complete -c certkit -n ", ShellQuote("__certkit_at " + ShellQuote(c.path)));
      for (const std::string& s : o->get_snames()) absl::StrAppend(&line, " -s ", s);
      for (const std::string& l : o->get_lnames()) absl::StrAppend(&line, " -l ", l);
      if (TakesValue(o)) absl::StrAppend(&line, " -r -F");
      absl::StrAppend(&line, " -d ", ShellQuote(o->get_description().substr(0, 80)), "\n");
      out += line;
    }
  }
  return out;
}

std::string ManPage(CLI::App& app) {
  const std::vector<Command> tree = Tree(app);
  std::string out = absl::StrCat(".\\\" generated by `certkit man` from the command definitions\n",
                                 ".TH CERTKIT 1 \"\" \"certkit ", CERTKIT_CLI_VERSION, "\" \"User Commands\"\n",
                                 ".SH NAME\ncertkit \\- ", RoffEscape(app.get_description().substr(9)), "\n",
                                 ".SH SYNOPSIS\n.B certkit\n.I command\n[\\fIoptions\\fR]\n.br\n",
                                 ".B certkit help\n[\\fIcommand\\fR]\n.br\n.B certkit \\-\\-version\n",
                                 ".SH DESCRIPTION\n",
                                 "Every command accepts \\fB\\-\\-help\\fR and \\fB\\-\\-json\\fR. A file name of "
                                 "\\fB\\-\\fR means standard input or standard output. Passwords come from "
                                 "\\fBpass:\\fR, \\fBenv:\\fR, \\fBfile:\\fR or \\fBprompt\\fR sources.\n",
                                 ".SH COMMANDS\n");
  for (const Command& c : tree) {
    if (c.path.empty() || !c.subcommands.empty()) continue;
    std::string usage = c.path;
    for (const CLI::Option* p : c.positionals) absl::StrAppend(&usage, " ", p->get_name(true));
    absl::StrAppend(&out, ".SS \"certkit ", RoffEscape(usage), "\"\n", RoffEscape(c.app->get_description()), "\n");
    for (const CLI::Option* o : c.options) {
      std::string names = absl::StrJoin(OptionNames(o), ", ");
      std::string value = TakesValue(o) ? absl::StrCat(" \\fI", RoffEscape(Placeholder(o)), "\\fR") : "";
      absl::StrAppend(&out, ".TP\n.B ", RoffEscape(names), value, "\n",
                      RoffEscape(o->get_description()), "\n");
    }
    std::string footer = c.app->get_footer();
    size_t pos = footer.find("Example:");
    if (pos != std::string::npos) {
      std::string example(absl::StripAsciiWhitespace(footer.substr(pos + 8)));
      absl::StrAppend(&out, ".PP\nExample:\n.PP\n.nf\n.RS\n", RoffEscape(example), "\n.RE\n.fi\n");
    }
  }
  absl::StrAppend(&out, ".SH EXIT STATUS\n.TP\n0\nsuccess\n.TP\n1\na check failed (verify: invalid; expiry: "
                        "something expires)\n.TP\n2\nbad command line\n.TP\n3\nany other error\n",
                  ".SH SEE ALSO\n\\fBkeytool\\fR(1), \\fBopenssl\\fR(1)\n");
  return out;
}

void SetPlaceholders(CLI::App& app) { SetPlaceholdersIn(&app); }

void RegisterDocCommands(CLI::App& app, int* exit_code) {
  auto words = std::make_shared<std::vector<std::string>>();
  CLI::App* help = app.add_subcommand("help", "show the help of certkit or of a command");
  help->add_option("command", *words, "command path, e.g. keystore list");
  SetExample(help, "certkit help keystore merge");
  CLI::App* root = &app;
  help->callback([root, words, exit_code] {
    CLI::App* cur = root;
    for (const std::string& w : *words) {
      CLI::App* next = nullptr;
      for (CLI::App* s : Subs(cur)) {
        if (s->check_name(w)) next = s;
      }
      if (next == nullptr) {
        std::vector<std::string> names;
        for (CLI::App* s : Subs(cur)) names.push_back(s->get_name());
        std::string near = NearestName(w, names);
        std::fprintf(stderr, "certkit: error: unknown command '%s'%s\n", Esc(w).c_str(),
                     near.empty() ? "" : absl::StrCat("; did you mean '", near, "'?").c_str());
        *exit_code = kExitUsage;
        return;
      }
      cur = next;
    }
    // The formatter, not App::help(): that one would describe the parsed
    // subcommand ("help" itself).
    std::string prev = "certkit";
    for (const std::string& w : *words) prev += " " + w;
    std::printf("%s", cur->get_formatter()->make_help(cur, prev, CLI::AppFormatMode::Normal).c_str());
    *exit_code = kExitOk;
  });

  auto shell = std::make_shared<std::string>();
  CLI::App* completion = app.add_subcommand("completion", "print a shell completion script (bash, zsh or fish)");
  completion->add_option("shell", *shell, "bash|zsh|fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  SetExample(completion, "source <(certkit completion bash)");
  completion->callback([root, shell, exit_code] {
    std::string text = *shell == "bash" ? BashCompletion(*root)
                       : *shell == "zsh" ? ZshCompletion(*root)
                                         : FishCompletion(*root);
    std::fwrite(text.data(), 1, text.size(), stdout);
    *exit_code = kExitOk;
  });

  CLI::App* man = app.add_subcommand("man", "print the certkit(1) man page (roff)");
  SetExample(man, "certkit man | man -l -");
  man->callback([root, exit_code] {
    std::string text = ManPage(*root);
    std::fwrite(text.data(), 1, text.size(), stdout);
    *exit_code = kExitOk;
  });
  SetPlaceholders(app);
}

}  // namespace certkit_cli
