// One naming scheme for the certkit CLI (issue 25): --key-type for key types
// and --key for key files, the --key-pass family for key passwords, the old
// spellings kept for one release with a note on stderr, placeholders in the
// man page, and --json on command lines that do not parse.
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "deprecated.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::Describe;
using certkit_test::TempDir;
using nlohmann::json;

namespace {

const std::vector<std::string> kEnv = {"KS=store-pass-1", "KP=key-pass-1", "KP2=key-pass-2"};

std::vector<std::string> With(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string Note(const std::string& old_name, const std::string& new_name) {
  return "certkit: warning: " + old_name + " is deprecated; use " + new_name + " (it will be removed in 0.4)";
}

bool ParsesAsJson(const std::string& text, json* out) {
  *out = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return !out->is_discarded();
}

// InspectText is what `certkit inspect` says about |path| (a key: its type).
std::string InspectText(const std::string& path) { return Certkit({"inspect", path}, kEnv).output(); }

}  // namespace

TEST_CASE("deprecated spellings are rewritten only where they apply (unit)") {
  CLI::App app{"test"};
  std::string s;
  CLI::App* node = app.add_subcommand("node", "");
  node->add_option("--key-type", s);
  CLI::App* csr = app.add_subcommand("csr", "");
  csr->add_option("--key", s);
  csr->add_option("--key-type", s);
  csr->add_option("--key-pass", s);
  CLI::App* ks = app.add_subcommand("keystore", "");
  CLI::App* list = ks->add_subcommand("list", "");
  list->add_option("--key-pass", s);

  std::vector<std::string> args = {"node", "--key", "ed25519"};
  auto w = certkit_cli::RewriteDeprecatedFlags(&app, &args);
  CHECK(args == std::vector<std::string>{"node", "--key-type", "ed25519"});
  REQUIRE(w.size() == 1);
  CHECK(w[0] == "warning: --key is deprecated; use --key-type (it will be removed in 0.4)");

  args = {"node", "--key=rsa:2048", "--", "--key"};
  w = certkit_cli::RewriteDeprecatedFlags(&app, &args);
  CHECK(args == std::vector<std::string>{"node", "--key-type=rsa:2048", "--", "--key"});
  CHECK(w.size() == 1);

  // csr's --key is a key file: untouched, no note; --passin is --key-pass.
  args = {"csr", "--key", "k.pem", "--passin", "env:X", "--passin", "env:Y"};
  w = certkit_cli::RewriteDeprecatedFlags(&app, &args);
  CHECK(args == std::vector<std::string>{"csr", "--key", "k.pem", "--key-pass", "env:X", "--key-pass", "env:Y"});
  REQUIRE(w.size() == 1);  // one note per old spelling
  CHECK(w[0].find("--passin is deprecated; use --key-pass") != std::string::npos);

  args = {"keystore", "list", "s.jks", "--keypass", "env:X"};
  w = certkit_cli::RewriteDeprecatedFlags(&app, &args);
  CHECK(args[3] == "--key-pass");
  CHECK(w.size() == 1);

  // New spellings and commands without the new option: nothing changes.
  args = {"node", "--key-type", "ed25519", "--storepass", "env:X"};
  CHECK(certkit_cli::RewriteDeprecatedFlags(&app, &args).empty());
  CHECK(args[1] == "--key-type");
  args = {"keystore", "list", "--passout", "env:X"};
  CHECK(certkit_cli::RewriteDeprecatedFlags(&app, &args).empty());
  CHECK(args[2] == "--passout");
}

TEST_CASE("key types are --key-type and the old --key TYPE still works with a note on stderr") {
  TempDir tmp;
  auto f = [&](const std::string& name) { return tmp.File(name); };
  const std::vector<std::string> ca = {"--ca-cert", f("ca/ca.crt"), "--ca-key", f("ca/ca-private/ca.key")};

  // New spelling: no note.
  auto r = Certkit({"ca", "create", "--out", f("ca"), "--cn", "Naming CA", "--key-type", "ec:p384"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("deprecated") == std::string::npos);
  CHECK(InspectText(f("ca/ca-private/ca.key")).find("P-384") != std::string::npos);

  struct Case {
    std::vector<std::string> argv;
    std::string key_file;  // what the --key type shows up in
    std::string expect;    // in `inspect` of key_file
  };
  const std::vector<Case> cases = {
      {{"ca", "create", "--out", f("ca2"), "--cn", "Old CA", "--key", "ec:p384"}, f("ca2/ca-private/ca.key"), "P-384"},
      {With({"ca", "intermediate", "--out", f("int"), "--cn", "Old Int", "--key=ed25519"}, ca),
       f("int/ca-private/ca.key"), "Ed25519"},
      {With({"node", "--host", "db1", "--out", f("node"), "--key", "ed25519"}, ca), f("node/node.key"), "Ed25519"},
      {With({"client", "--user", "app", "--out", f("client"), "--key", "ec:p384"}, ca), f("client/client.app.key"),
       "P-384"},
      {{"cluster", "init", "--nodes", "db1", "--out", f("cl"), "--format", "pem", "--quiet", "--key", "ec:p384"},
       f("cl/nodes/db1/node.key"), "P-384"},
      {{"cluster", "add", "--dir", f("cl"), "--nodes", "db2", "--quiet", "--key", "ed25519"},
       f("cl/nodes/db2/node.key"), "Ed25519"},
      {{"cluster", "renew", "--dir", f("cl"), "--within", "36500d", "--quiet", "--key", "rsa:2048"},
       f("cl/nodes/db1/node.key"), "RSA"},
  };
  for (const Case& c : cases) {
    r = Certkit(c.argv, kEnv);
    INFO(Describe(r));
    CHECK(r.exit_code == 0);
    CHECK(r.err.find(Note("--key", "--key-type")) != std::string::npos);
    CHECK(r.out.find("deprecated") == std::string::npos);
    CHECK(InspectText(c.key_file).find(c.expect) != std::string::npos);
  }

  // Under --json the note stays on stderr; stdout is the one JSON document.
  r = Certkit(With({"node", "--host", "db3", "--out", f("node3"), "--key", "ec:p256", "--json"}, ca), kEnv);
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.err.find(Note("--key", "--key-type")) != std::string::npos);
  json j;
  REQUIRE(ParsesAsJson(r.out, &j));
  CHECK(j["ok"] == true);
  CHECK(r.out.find("deprecated") == std::string::npos);

  // csr's --key is still a key file (no note), and reads an encrypted one
  // with --key-pass.
  REQUIRE(Certkit({"keystore", "genkeypair", f("k.jks"), "--alias", "n1", "--dname", "CN=n1", "--storepass", "env:KS"},
                  kEnv)
              .exit_code == 0);
  r = Certkit({"keystore", "export-key", f("k.jks"), "--alias", "n1", "--out", f("n1.key"), "--storepass", "env:KS",
               "--new-key-pass", "env:KP"},
              kEnv);
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("deprecated") == std::string::npos);
  r = Certkit({"csr", "--key", f("n1.key"), "--key-pass", "env:KP", "--cn", "n1", "--out", f("n1.csr")}, kEnv);
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("deprecated") == std::string::npos);
}

TEST_CASE("the key password family --key-pass --new-key-pass --src-key-pass and the old spellings with a note") {
  TempDir tmp;
  auto f = [&](const std::string& name) { return tmp.File(name); };
  REQUIRE(Certkit({"keystore", "genkeypair", f("k.jks"), "--alias", "n1", "--dname", "CN=n1", "--storepass", "env:KS"},
                  kEnv)
              .exit_code == 0);

  // export-key: --passout is --new-key-pass.
  auto r = Certkit({"keystore", "export-key", f("k.jks"), "--alias", "n1", "--out", f("old.key"), "--storepass",
                    "env:KS", "--passout", "env:KP"},
                   kEnv);
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.err.find(Note("--passout", "--new-key-pass")) != std::string::npos);
  r = Certkit({"keystore", "export-key", f("k.jks"), "--alias", "n1", "--out", f("new.key"), "--storepass", "env:KS",
               "--new-key-pass", "env:KP"},
              kEnv);
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("deprecated") == std::string::npos);

  // inspect: --passin is --key-pass.
  for (const std::string& key : {f("old.key"), f("new.key")}) {
    r = Certkit({"inspect", key, "--passin", "env:KP"}, kEnv);
    INFO(Describe(r));
    CHECK(r.exit_code == 0);
    CHECK(r.err.find(Note("--passin", "--key-pass")) != std::string::npos);
    r = Certkit({"inspect", key, "--key-pass", "env:KP"}, kEnv);
    INFO(Describe(r));
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("deprecated") == std::string::npos);
    // The wrong password names the new flag's password, not the old one.
    r = Certkit({"inspect", key, "--key-pass", "env:KP2"}, kEnv);
    CHECK(r.exit_code == 3);
    CHECK(r.output().find("key-pass-1") == std::string::npos);
  }

  // keystore --keypass is --key-pass (a JKS key entry with its own password
  // comes from keytool in cli_keytool_ops_test; here the note and the result).
  r = Certkit({"keystore", "list", f("k.jks"), "--storepass", "env:KS", "--keypass", "env:KS"}, kEnv);
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.err.find(Note("--keypass", "--key-pass")) != std::string::npos);
  r = Certkit({"keystore", "list", f("k.jks"), "--storepass", "env:KS", "--key-pass", "env:KS", "--json"}, kEnv);
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("deprecated") == std::string::npos);
  json j;
  CHECK(ParsesAsJson(r.out, &j));
  r = Certkit({"keystore", "certreq", f("k.jks"), "--alias", "n1", "--out", f("n1.csr"), "--storepass", "env:KS",
               "--keypass=env:KS"},
              kEnv);
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.err.find(Note("--keypass", "--key-pass")) != std::string::npos);

  // merge: --src-keypass is --src-key-pass.
  r = Certkit({"keystore", "merge", f("m.jks"), "--src", f("k.jks"), "--src-storepass", "env:KS", "--src-keypass",
               "env:KS", "--storepass", "env:KS"},
              kEnv);
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.err.find(Note("--src-keypass", "--src-key-pass")) != std::string::npos);
  r = Certkit({"keystore", "merge", f("m2.jks"), "--src", f("k.jks"), "--src-storepass", "env:KS", "--src-key-pass",
               "env:KS", "--storepass", "env:KS"},
              kEnv);
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("deprecated") == std::string::npos);

  // probe: --passin is --key-pass (nothing listens on port 1: the key is
  // read, then the connection fails).
  r = Certkit({"probe", "127.0.0.1:1", "--ca", f("old.key"), "--cert", f("old.key"), "--key", f("old.key"),
               "--passin", "env:KP"},
              kEnv);
  INFO(Describe(r));
  CHECK(r.exit_code != 2);
  CHECK(r.err.find(Note("--passin", "--key-pass")) != std::string::npos);
}

TEST_CASE("help and the man page show no deprecated names and flags without a value and placeholders for options") {
  auto help = Certkit({"node", "--help"});
  REQUIRE(help.exit_code == 0);
  CHECK(help.out.find("--key-type TYPE") != std::string::npos);
  CHECK(help.out.find("--key ") == std::string::npos);
  CHECK(help.out.find("--storepass SRC") != std::string::npos);
  CHECK(help.out.find("--out DIR") != std::string::npos);
  CHECK(help.out.find("TEXT") == std::string::npos);
  help = Certkit({"inspect", "--help"});
  CHECK(help.out.find("--key-pass SRC") != std::string::npos);
  CHECK(help.out.find("--passin") == std::string::npos);
  help = Certkit({"keystore", "export-key", "--help"});
  CHECK(help.out.find("--new-key-pass SRC") != std::string::npos);
  CHECK(help.out.find("--passout") == std::string::npos);
  CHECK(help.out.find("--keypass") == std::string::npos);

  auto man = Certkit({"man"});
  REQUIRE(man.exit_code == 0);
  const std::string& m = man.out;
  CHECK(m.find("\\fIvalue\\fR") == std::string::npos);
  CHECK(m.find("\\fIVALUE\\fR") == std::string::npos);
  CHECK(m.find("\\fITEXT\\fR") == std::string::npos);
  CHECK(m.find("\\fIINT\\fR") == std::string::npos);
  // Flags: the whole .B line is the names.
  CHECK(m.find(".B \\-\\-json\n") != std::string::npos);
  CHECK(m.find(".B \\-\\-overwrite\n") != std::string::npos);
  CHECK(m.find(".B \\-h, \\-\\-help\n") != std::string::npos);
  CHECK(m.find(".B \\-\\-key\\-type \\fITYPE\\fR\n") != std::string::npos);
  CHECK(m.find(".B \\-\\-key \\fIFILE\\fR\n") != std::string::npos);  // csr, probe
  CHECK(m.find(".B \\-\\-storepass \\fISRC\\fR\n") != std::string::npos);
  CHECK(m.find(".B \\-\\-key\\-pass \\fISRC\\fR\n") != std::string::npos);
  CHECK(m.find(".B \\-\\-days \\fIDAYS\\fR\n") != std::string::npos);
  CHECK(m.find(".B \\-\\-out \\fIDIR\\fR\n") != std::string::npos);
  for (const auto& d : certkit_cli::DeprecatedFlags()) {
    if (std::string(d.old_name) == "--key") continue;  // a key file in csr and probe
    std::string roff = d.old_name;
    std::string escaped;
    for (char c : roff) escaped += c == '-' ? std::string("\\-") : std::string(1, c);
    INFO(d.old_name);
    CHECK(m.find(escaped + " ") == std::string::npos);
    CHECK(m.find(escaped + "\n") == std::string::npos);
  }
  // Every option line: a flag, or names and one placeholder in capitals.
  size_t pos = 0, lines = 0;
  while ((pos = m.find(".TP\n.B ", pos)) != std::string::npos) {
    pos += 7;
    std::string line = m.substr(pos, m.find('\n', pos) - pos);
    ++lines;
    size_t fi = line.find("\\fI");
    if (fi == std::string::npos) continue;
    std::string placeholder = line.substr(fi + 3, line.find("\\fR", fi) - fi - 3);
    INFO(line);
    CHECK(!placeholder.empty());
    for (char c : placeholder) CHECK(((c >= 'A' && c <= 'Z') || c == '\\' || c == '-'));
  }
  CHECK(lines > 100);
  // The completion scripts complete files after options that take a value, not after flags.
  auto bash = Certkit({"completion", "bash"});
  std::string valued = bash.out.substr(bash.out.find("_certkit_valued()"));
  valued = valued.substr(0, valued.find("esac"));
  std::string node_line = valued.substr(valued.find("'node') echo "));
  node_line = node_line.substr(0, node_line.find('\n'));
  CHECK(node_line.find("--key-type") != std::string::npos);
  CHECK(node_line.find("--overwrite") == std::string::npos);
  CHECK(node_line.find("--json") == std::string::npos);
}

TEST_CASE("a command line that does not parse prints a JSON error report under --json") {
  TempDir tmp;
  struct Case {
    std::vector<std::string> argv;
    std::string command;
    std::string in_message;
  };
  const std::vector<Case> cases = {
      {{"keystore", "list", tmp.File("s.jks"), "--no-such-option", "--json"}, "certkit keystore list",
       "--no-such-option"},
      {{"node", "--host", "db1", "--out", tmp.File("n"), "--json"}, "certkit node", "--ca-cert"},  // missing required
      {{"ca", "create", "--out", tmp.File("ca"), "--days", "0", "--json"}, "certkit ca create", "--days"},
      {{"ca", "create", "--out", tmp.File("ca"), "--days", "many", "--json"}, "certkit ca create", "many"},
      {{"cluster", "init", "--json", "--out"}, "certkit cluster init", "--out"},
      {{"keystore", "lst", "s.jks", "--json"}, "certkit keystore", "did you mean 'list'"},
  };
  for (const Case& c : cases) {
    auto r = Certkit(c.argv);
    INFO(Describe(r));
    CHECK(r.exit_code == 2);
    json j;
    REQUIRE(ParsesAsJson(r.out, &j));
    CHECK(j["command"] == c.command);
    CHECK(j["ok"] == false);
    CHECK(j["exit_code"] == 2);
    CHECK(j["written"].empty());
    CHECK(j["error"]["kind"] == "invalid_argument");
    CHECK(j["error"]["message"].get<std::string>().find(c.in_message) != std::string::npos);
    // stderr says it as without --json.
    CHECK(!r.err.empty());
  }
  // --help is asked for: it reaches stdout also with --json on the line.
  auto help = Certkit({"node", "--help", "--json"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("Usage: certkit node") != std::string::npos);
  // Without --json: stderr only, stdout empty, same exit code.
  auto r = Certkit({"keystore", "list", tmp.File("s.jks"), "--no-such-option"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("--no-such-option") != std::string::npos);
  // A deprecated spelling that fails to parse for another reason: the note
  // on stderr, the JSON report on stdout.
  r = Certkit({"node", "--key", "ed25519", "--json"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(Note("--key", "--key-type")) != std::string::npos);
  json j;
  REQUIRE(ParsesAsJson(r.out, &j));
  CHECK(j["error"]["kind"] == "invalid_argument");
}
