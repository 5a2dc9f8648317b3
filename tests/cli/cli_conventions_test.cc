// Unix conventions of the certkit binary: help, unknown commands, --version,
// --json on every command, "-" for stdin/stdout, safe output of hostile
// text (control characters, invalid UTF-8), verify's options (x509-limbo
// through the CLI with --profile webpki), completions and the man page.
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "support/limbo.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::CertkitBinary;
using certkit_cli_test::Describe;
using certkit_cli_test::Exists;
using certkit_test::ReadString;
using certkit_test::Run;
using certkit_test::TempDir;
using nlohmann::json;

namespace {

// LeafCommands lists every runnable command path ("keystore list") from the
// bash completion table certkit generates from its command definitions.
std::vector<std::string> LeafCommands() {
  auto r = Certkit({"completion", "bash"});
  REQUIRE(r.exit_code == 0);
  std::map<std::string, std::string> subs;
  std::istringstream in(r.out.substr(0, r.out.find("_certkit_opts()")));
  std::string line;
  while (std::getline(in, line)) {
    auto q1 = line.find('\''), q2 = line.find("') echo '");
    if (q1 == std::string::npos || q2 == std::string::npos) continue;
    std::string path = line.substr(q1 + 1, q2 - q1 - 1);
    std::string rest = line.substr(q2 + 9);
    subs[path] = rest.substr(0, rest.find('\''));
  }
  std::vector<std::string> leaves;
  for (const auto& [path, s] : subs) {
    if (s.empty() && !path.empty()) leaves.push_back(path);
  }
  return leaves;
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

bool ParsesAsJson(const std::string& text, json* out) {
  *out = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return !out->is_discarded();
}

}  // namespace

TEST_CASE("help, unknown commands and --version") {
  auto r = Certkit({"help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Usage: certkit") != std::string::npos);
  CHECK(r.out.find("keystore") != std::string::npos);
  r = Certkit({"help", "keystore", "merge"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Usage: certkit keystore merge") != std::string::npos);
  CHECK(r.out.find("--src-alias") != std::string::npos);

  r = Certkit({"bogus"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown command 'bogus'") != std::string::npos);
  r = Certkit({"inspct", "x"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown command 'inspct'; did you mean 'inspect'?") != std::string::npos);
  r = Certkit({"keystore", "lsit", "x.jks"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown command 'lsit' for certkit keystore; did you mean 'list'?") != std::string::npos);
  r = Certkit({"help", "keystor"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("did you mean 'keystore'?") != std::string::npos);

  // --version names the CLI and the library it runs on; both are the
  // project's version (the VERSION file).
  r = Certkit({"--version"});
  CHECK(r.exit_code == 0);
  std::string version = ReadString(certkit_test::SourceDir() + "/VERSION");
  version = version.substr(0, version.find_first_of(" \n"));
  CHECK(r.out == "certkit " + version + " (library " + version + ")\n");
}

TEST_CASE("every command has --help and --json, and its JSON parses") {
  const std::vector<std::string> leaves = LeafCommands();
  REQUIRE(leaves.size() > 20);
  for (const std::string& path : leaves) {
    INFO(path);
    std::vector<std::string> argv = Words(path);
    argv.push_back("--help");
    auto r = Certkit(argv);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Usage: certkit " + path) != std::string::npos);
  }

  TempDir tmp;
  auto f = [&](const std::string& name) { return tmp.File(name); };
  const std::vector<std::string> env = {"KS=store-pass-1", "KP=key-pass-1", "KS2=store-pass-2"};
  const std::vector<std::string> ca = {"--ca-cert", f("ca/ca.crt"), "--ca-key", f("ca/ca-private/ca.key")};
  auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  // One real invocation per command, in an order where each finds what it needs.
  const std::vector<std::vector<std::string>> runs = {
      {"ca", "create", "--out", f("ca"), "--cn", "Json CA"},
      with({"ca", "intermediate", "--out", f("int"), "--cn", "Json Int"}, ca),
      with({"node", "--host", "db1", "--out", f("node"), "--format", "pem,jks", "--storepass", "env:KS"}, ca),
      with({"client", "--user", "app", "--out", f("client")}, ca),
      {"csr", "--cn", "x", "--key-out", f("x.key"), "--out", f("x.csr")},
      with({"sign", "--csr", f("x.csr"), "--profile", "client", "--out", f("x.crt")}, ca),
      {"cluster", "init", "--nodes", "db1", "--out", f("cl"), "--format", "pem", "--quiet"},
      {"cluster", "add", "--dir", f("cl"), "--nodes", "db2", "--quiet"},
      {"cluster", "renew", "--dir", f("cl"), "--within", "36500d", "--quiet"},
      {"cluster", "rotate-ca", "--dir", f("cl"), "--stage", "new-ca", "--quiet"},
      {"cluster", "status", "--dir", f("cl")},  // --probe: tests/cli/cluster_status_test.py
      {"cluster", "init", "--nodes", "db1", "--clients", "app", "--spiffe-id", "spiffe://c.example/{role}",
       "--out", f("sp"), "--format", "pem", "--quiet"},
      {"cluster", "identities", "--dir", f("sp"), "--create-roles"},
      {"revoke", "--dir", f("cl"), "--cert", f("cl/nodes/db1/node.crt")},
      {"crl", "--dir", f("cl"), "--out", f("cl.crl")},
      {"keystore", "genkeypair", f("k.jks"), "--alias", "n1", "--dname", "CN=n1", "--storepass", "env:KS"},
      {"keystore", "list", f("k.jks"), "--storepass", "env:KS"},
      {"keystore", "import-cert", f("k.jks"), "--file", f("ca/ca.crt"), "--alias", "ca", "--storepass", "env:KS"},
      {"keystore", "certreq", f("k.jks"), "--alias", "n1", "--out", f("n1.csr"), "--storepass", "env:KS"},
      {"keystore", "export", f("k.jks"), "--alias", "n1", "--chain", "--storepass", "env:KS"},
      {"keystore", "export-key", f("k.jks"), "--alias", "n1", "--out", f("n1.key"), "--new-key-pass", "env:KP",
       "--storepass", "env:KS"},
      {"keystore", "convert", f("k.jks"), "--out", f("k.p12"), "--storepass", "env:KS"},
      {"keystore", "merge", f("m.jks"), "--src", f("k.p12"), "--src-storepass", "env:KS", "--storepass", "env:KS"},
      {"keystore", "rename", f("m.jks"), "--alias", "ca", "--to", "ca2", "--storepass", "env:KS"},
      {"keystore", "delete", f("m.jks"), "--alias", "ca2", "--storepass", "env:KS"},
      {"keystore", "passwd", f("m.jks"), "--storepass", "env:KS", "--new-storepass", "env:KS2"},
      {"inspect", f("x.crt")},
      {"verify", "--ca", f("ca/ca.crt"), "--purpose", "client", f("x.crt")},
      {"expiry", f("ca"), "--within", "1d"},
  };
  std::set<std::string> covered;
  for (const auto& argv : runs) {
    std::vector<std::string> a = argv;
    a.push_back("--json");
    std::string path = a[0];
    if (a[0] == "ca" || a[0] == "cluster" || a[0] == "keystore") path += " " + a[1];
    covered.insert(path);
    auto r = Certkit(a, env);
    INFO(Describe(r));
    CHECK(r.exit_code == 0);
    json j;
    REQUIRE(ParsesAsJson(r.out, &j));
    CHECK(j.is_object());
    if (j.contains("command")) {  // a write command's report
      CHECK(j["ok"] == true);
      CHECK(!j["written"].empty());
    }
  }
  // import-reply: sign n1's CSR and install the reply.
  REQUIRE(Certkit(with({"sign", "--csr", f("n1.csr"), "--host", "n1", "--chain", "--out", f("n1.crt")}, ca)).exit_code == 0);
  auto r = Certkit({"keystore", "import-reply", f("k.jks"), "--alias", "n1", "--file", f("n1.crt"), "--storepass",
                    "env:KS", "--json"},
                   env);
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  json j;
  CHECK(ParsesAsJson(r.out, &j));
  covered.insert("keystore import-reply");
  // A failing command's report carries the error.
  r = Certkit({"keystore", "list", f("missing.jks"), "--storepass", "env:KS", "--json"}, env);
  CHECK(r.exit_code == 3);
  REQUIRE(ParsesAsJson(r.out, &j));
  CHECK(j["ok"] == false);
  CHECK(j["error"]["kind"] == "not_found");

  // probe needs a TLS server: tests/cli/probe_test.py parses its report
  // against openssl s_server; here, its error report (nothing listens on port 1).
  r = Certkit({"probe", "127.0.0.1:1", "--ca", f("ca/ca.crt"), "--json"}, env);
  CHECK(r.exit_code != 0);
  REQUIRE(ParsesAsJson(r.out, &j));
  CHECK(j["ok"] == false);
  CHECK(j["error"]["kind"] == "io");
  covered.insert("probe");

  for (const std::string& path : leaves) {
    if (path == "help" || path == "completion" || path == "man") continue;
    INFO("command without a --json run in this test: " << path);
    CHECK(covered.count(path) == 1);
  }
}

TEST_CASE("'-' is stdin and stdout: csr | sign | inspect") {
  TempDir tmp;
  REQUIRE(Certkit({"ca", "create", "--out", tmp.File("ca"), "--cn", "Pipe CA"}).exit_code == 0);
  const std::string bin = CertkitBinary();
  const std::string cmd = bin + " csr --cn db1 --host db1.example.com --key-out " + tmp.File("db1.key") +
                          " --out - | " + bin + " sign --ca-cert " + tmp.File("ca/ca.crt") + " --ca-key " +
                          tmp.File("ca/ca-private/ca.key") + " --csr - --profile node --out - | " + bin +
                          " inspect -";
  auto r = Run({"bash", "-o", "pipefail", "-c", cmd});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("Subject: CN=db1\n", 0) == 0);
  CHECK(r.out.find("Issuer: CN=Pipe CA") != std::string::npos);
  CHECK(r.out.find("DNS:db1.example.com") != std::string::npos);
  CHECK(certkit_test::FileMode(tmp.File("db1.key")) == 0600);
  CHECK_FALSE(Exists("-"));

  // openssl reads what certkit writes to stdout.
  r = Run({"bash", "-o", "pipefail", "-c",
           bin + " sign --ca-cert " + tmp.File("ca/ca.crt") + " --ca-key " + tmp.File("ca/ca-private/ca.key") +
               " --csr - --profile client --cn app --out - < <(" + bin + " csr --cn app --key-out " +
               tmp.File("app.key") + " --out -) | openssl x509 -noout -subject"});
  INFO(r.output());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("CN = app") != std::string::npos);

  // A key goes to stdout only when asked, and never to a file named "-".
  r = Run({"bash", "-c", "cd " + tmp.path() + " && " + bin + " csr --cn k --key-out - --out k.csr"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("--allow-key-stdout") != std::string::npos);
  CHECK(r.out.empty());
  CHECK_FALSE(Exists(tmp.File("-")));
  r = Run({"bash", "-c", "cd " + tmp.path() + " && " + bin + " csr --cn k --key-out - --allow-key-stdout --out k.csr"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  CHECK_FALSE(Exists(tmp.File("-")));
  // stdin can be read once per command.
  r = Certkit({"verify", "--ca", "-", "-"}, {}, ReadString(tmp.File("ca/ca.crt")));
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("only once") != std::string::npos);
}

// issue 13, item 1: --json never aborts on text that is not UTF-8.
TEST_CASE("JSON output survives invalid UTF-8 in SANs and file names") {
  TempDir tmp;
  const std::string odd = tmp.File("bad\xff" "name.crt");
  auto r = Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                tmp.File("k.pem"), "-subj", "/CN=db1", "-addext", "subjectAltName=DNS:a\xff" "b.example", "-out", odd});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  REQUIRE(Certkit({"keystore", "import-cert", tmp.File("t\xff.jks"), "--file", odd, "--alias", "x", "--storepass",
                   "pass:changeit"})
              .exit_code == 0);
  const std::vector<std::vector<std::string>> runs = {
      {"inspect", odd, "--json"},
      {"verify", "--ca", odd, odd, "--json"},
      {"expiry", tmp.path(), "--within", "36500d", "--storepass", "pass:changeit", "--json"},
      {"keystore", "list", tmp.File("t\xff.jks"), "--storepass", "pass:changeit", "--json"},
  };
  for (const auto& argv : runs) {
    INFO(argv[0]);
    r = Certkit(argv);
    INFO(Describe(r));
    CHECK((r.exit_code == 0 || r.exit_code == 1));
    json j;
    REQUIRE(ParsesAsJson(r.out, &j));
    // Invalid bytes become U+FFFD.
    CHECK(r.out.find("\xef\xbf\xbd") != std::string::npos);
    CHECK(r.out.find('\xff') == std::string::npos);
  }
}

// issue 13, item 6: no control character of a certificate, alias or file
// name reaches the terminal.
TEST_CASE("human-readable output escapes control characters") {
  TempDir tmp;
  const std::string evil_cn = "/CN=evil\x1b]0;pwned\x07";
  auto r = Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                tmp.File("k.pem"), "-subj", evil_cn, "-addext", "subjectAltName=DNS:x\x1b[2J.example", "-out",
                tmp.File("evil.crt")});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  const std::string store = tmp.File("t.jks");
  // An alias that would forge a PrivateKeyEntry line and recolour the terminal.
  const std::string alias = "a\x1b[31m\nforged, Jan 1, 2030, PrivateKeyEntry,";
  r = Certkit({"keystore", "import-cert", store, "--file", tmp.File("evil.crt"), "--alias", alias, "--storepass",
               "pass:changeit"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  const std::string evil_file = tmp.File("x\x1b]2;title\x07.crt");
  REQUIRE(Run({"cp", tmp.File("evil.crt"), evil_file}).exit_code == 0);
  const std::vector<std::vector<std::string>> runs = {
      {"keystore", "list", store, "--storepass", "pass:changeit"},
      {"keystore", "list", "-v", store, "--storepass", "pass:changeit"},
      {"inspect", tmp.File("evil.crt")},
      {"inspect", evil_file},
      {"verify", "--ca", tmp.File("evil.crt"), evil_file},
      {"expiry", tmp.path(), "--within", "36500d", "--storepass", "pass:changeit"},
      {"inspect", tmp.File("missing\x1b[2J")},
  };
  for (const auto& argv : runs) {
    INFO(argv[0] << " " << argv[1]);
    r = Certkit(argv);
    INFO(Describe(r));
    for (char c : r.output()) {
      const unsigned char u = static_cast<unsigned char>(c);
      CHECK_FALSE((u < 0x20 && c != '\n' && c != '\t'));
    }
  }
  r = Certkit({"keystore", "list", store, "--storepass", "pass:changeit"});
  // (aliases are lower-cased like the JDK does)
  CHECK(r.out.find("a\\x1B[31m\\nforged, jan 1, 2030, privatekeyentry,") != std::string::npos);
  // Exactly one entry line: the forged one stays inside the alias.
  size_t lines = 0;
  std::istringstream listing(r.out);
  for (std::string line; std::getline(listing, line);) {
    if (line.size() >= 6 && line.compare(line.size() - 6, 6, "Entry,") == 0) ++lines;
  }
  CHECK(lines == 1);
  r = Certkit({"inspect", tmp.File("evil.crt")});
  CHECK(r.out.find("DNS:x\\x1B[2J.example") != std::string::npos);
}

// issue 21, item 12: --json escapes C1 controls and bidi overrides as \u
// sequences, as text output escapes them, and the values still parse back.
TEST_CASE("JSON output escapes C1 controls and bidi overrides in DN values") {
  TempDir tmp;
  // U+009B (the 8-bit CSI), U+202E (right-to-left override), U+2066 (LRI).
  const std::string value = "evil\xc2\x9b" "2J\xe2\x80\xae" "gpj.exe\xe2\x81\xa6x";
  auto r = Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", tmp.File("k.pem"), "-utf8", "-subj", "/CN=" + value, "-out", tmp.File("c1.crt")});
  INFO(r.output());
  REQUIRE(r.exit_code == 0);
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{"inspect", tmp.File("c1.crt"), "--json"},
        std::vector<std::string>{"verify", "--ca", tmp.File("c1.crt"), tmp.File("c1.crt"), "--json"}}) {
    r = Certkit(argv);
    INFO(argv[0] << ": " << Describe(r));
    CHECK((r.exit_code == 0 || r.exit_code == 1));
    for (const char* raw : {"\xc2\x9b", "\xe2\x80\xae", "\xe2\x81\xa6"}) {
      CHECK(r.out.find(raw) == std::string::npos);
    }
    CHECK(r.out.find("evil\\u009b2J\\u202egpj.exe\\u2066x") != std::string::npos);
    json j;
    REQUIRE(ParsesAsJson(r.out, &j));
    // The parsed document still holds the real value.
    CHECK(j.dump(-1, ' ', false).find(value) != std::string::npos);
  }
  // Text output escapes the same code points its own way.
  r = Certkit({"inspect", tmp.File("c1.crt")});
  CHECK(r.out.find("evil\\u{009B}2J\\u{202E}gpj.exe\\u{2066}x") != std::string::npos);
}

TEST_CASE("verify --profile, --crl and --max-depth") {
  TempDir tmp;
  auto f = [&](const std::string& n) { return tmp.File(n); };
  REQUIRE(Certkit({"ca", "create", "--out", f("root"), "--cn", "Root"}).exit_code == 0);
  REQUIRE(Certkit({"ca", "intermediate", "--ca-cert", f("root/ca.crt"), "--ca-key", f("root/ca-private/ca.key"),
                   "--out", f("int"), "--cn", "Int"})
              .exit_code == 0);
  // A leaf whose CN is not one of its SANs: fine for clusters, not for the web PKI.
  REQUIRE(Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
               f("l.key"), "-subj", "/CN=node", "-out", f("l.csr")})
              .exit_code == 0);
  REQUIRE(Certkit({"sign", "--ca-cert", f("int/ca.crt"), "--ca-key", f("int/ca-private/ca.key"), "--csr", f("l.csr"),
                   "--profile", "node", "--host", "db1.example.com", "--chain", "--out", f("l.crt")})
              .exit_code == 0);
  auto r = Certkit({"verify", "--ca", f("root/ca.crt"), "--dns", "db1.example.com", f("l.crt")});
  INFO(Describe(r));
  CHECK(r.exit_code == 0);
  r = Certkit({"verify", "--ca", f("root/ca.crt"), "--dns", "db1.example.com", "--profile", "webpki", f("l.crt")});
  INFO(Describe(r));
  CHECK(r.exit_code == 1);
  r = Certkit({"verify", "--ca", f("root/ca.crt"), "--profile", "bogus", f("l.crt")});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("--profile") != std::string::npos);
  // --max-depth 2 forbids the intermediate.
  r = Certkit({"verify", "--ca", f("root/ca.crt"), "--max-depth", "2", f("l.crt")});
  CHECK(r.exit_code == 1);
  r = Certkit({"verify", "--ca", f("root/ca.crt"), "--max-depth", "3", f("l.crt")});
  CHECK(r.exit_code == 0);
  // A CRL made by openssl ca that revokes the leaf.
  const std::string conf = f("ca.cnf");
  certkit_test::WriteString(f("index.txt"), "");
  certkit_test::WriteString(f("crlnumber"), "01\n");
  certkit_test::WriteString(conf, "[ca]\ndefault_ca=c\n[c]\ndatabase=" + f("index.txt") + "\ncrlnumber=" +
                                      f("crlnumber") + "\ndefault_md=sha256\ndefault_crl_days=30\n"
                                      "crl_extensions=crl_ext\n[crl_ext]\nauthorityKeyIdentifier=keyid:always\n");
  REQUIRE(Run({"bash", "-c", "openssl x509 -in " + f("l.crt") + " > " + f("leaf-only.crt")}).exit_code == 0);
  auto o = Run({"openssl", "ca", "-config", conf, "-cert", f("int/ca.crt"), "-keyfile", f("int/ca-private/ca.key"),
                "-revoke", f("leaf-only.crt")});
  INFO(o.output());
  REQUIRE(o.exit_code == 0);
  o = Run({"openssl", "ca", "-config", conf, "-cert", f("int/ca.crt"), "-keyfile", f("int/ca-private/ca.key"),
           "-gencrl", "-out", f("int.crl")});
  INFO(o.output());
  REQUIRE(o.exit_code == 0);
  r = Certkit({"verify", "--ca", f("root/ca.crt"), "--crl", f("int.crl"), f("l.crt"), "--json"});
  INFO(Describe(r));
  CHECK(r.exit_code == 1);
  json j;
  REQUIRE(ParsesAsJson(r.out, &j));
  CHECK(j["error"] == "cert_revoked");
  r = Certkit({"verify", "--ca", f("root/ca.crt"), "--crl", f("missing.crl"), f("l.crt")});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("--crl") != std::string::npos);
}

// x509-limbo through the CLI with --profile webpki: nothing that should be
// rejected is accepted.
TEST_CASE("x509-limbo through certkit verify --profile webpki") {
  std::string path = certkit_test::SourceDir() + "/../shared/limbo/limbo.json";
  if (const char* env = std::getenv("CERTKIT_LIMBO_JSON"); env != nullptr && *env) path = env;
  std::ifstream in(path);
  if (!in) {
    WARN("x509-limbo data not found at " << path << " (set CERTKIT_LIMBO_JSON); skipping");
    return;
  }
  const json limbo = json::parse(in);
  TempDir tmp;
  int ran = 0, wrongly_accepted = 0, webpki_cases = 0;
  std::vector<std::string> accepted_ids;
  for (const auto& tc : limbo["testcases"]) {
    const std::string id = tc["id"];
    if (tc["expected_result"] == "SUCCESS") continue;  // only "must reject" cases can be wrongly accepted
    std::string dir = tmp.File(std::to_string(ran));
    REQUIRE(Run({"mkdir", "-p", dir}).exit_code == 0);
    std::string trusted, untrusted;
    for (const auto& p : tc["trusted_certs"]) trusted += p.get<std::string>();
    for (const auto& p : tc["untrusted_intermediates"]) untrusted += p.get<std::string>();
    certkit_test::WriteString(dir + "/leaf.pem", tc["peer_certificate"].get<std::string>());
    certkit_test::WriteString(dir + "/trusted.pem", trusted);
    std::vector<std::string> argv = {"verify", "--profile", "webpki", "--ca", dir + "/trusted.pem"};
    if (!untrusted.empty()) {
      certkit_test::WriteString(dir + "/untrusted.pem", untrusted);
      argv.insert(argv.end(), {"--untrusted", dir + "/untrusted.pem"});
    }
    argv.insert(argv.end(), {"--purpose", certkit_test::LimboWantsClientAuth(tc) ? "client" : "server"});
    const json* name = certkit_test::LimboPeerName(tc);
    if (name != nullptr) {
      const std::string kind = (*name)["kind"], value = (*name)["value"];
      if (kind == "DNS") argv.insert(argv.end(), {"--dns", value});
      if (kind == "IP") argv.insert(argv.end(), {"--ip", value});
      if (kind == "RFC822") argv.insert(argv.end(), {"--email", value});
    }
    if (!tc["max_chain_depth"].is_null()) {
      argv.insert(argv.end(), {"--max-depth", std::to_string(std::min(32, tc["max_chain_depth"].get<int>() + 2))});
    }
    if (!tc["validation_time"].is_null()) argv.insert(argv.end(), {"--at", tc["validation_time"].get<std::string>()});
    int n = 0;
    for (const auto& crl : tc["crls"]) {
      const std::string file = dir + "/crl" + std::to_string(n++) + ".pem";
      certkit_test::WriteString(file, crl.get<std::string>());
      argv.insert(argv.end(), {"--crl", file});
    }
    argv.push_back(dir + "/leaf.pem");
    ++ran;
    if (id.rfind("webpki::", 0) == 0) ++webpki_cases;
    auto r = Certkit(argv);
    if (r.exit_code == 0) {
      ++wrongly_accepted;
      accepted_ids.push_back(id);
    }
    Run({"rm", "-rf", dir});
  }
  std::printf("x509-limbo via CLI: %d must-reject cases (%d webpki::), %d wrongly accepted\n", ran, webpki_cases,
              wrongly_accepted);
  for (const std::string& id : accepted_ids) UNSCOPED_INFO("wrongly accepted: " << id);
  CHECK(ran > 100);
  CHECK(wrongly_accepted == 0);
}

TEST_CASE("bash completion completes commands and options (tmux)") {
  REQUIRE(certkit_test::HaveTool("tmux"));
  TempDir tmp;
  const std::string script = tmp.File("certkit.bash");
  auto r = Certkit({"completion", "bash"});
  REQUIRE(r.exit_code == 0);
  certkit_test::WriteString(script, r.out);
  // bash sources it cleanly.
  auto b = Run({"bash", "-c", "source " + script + " && complete -p certkit"});
  INFO(b.output());
  REQUIRE(b.exit_code == 0);
  CHECK(b.out.find("_certkit") != std::string::npos);
  // zsh/fish scripts and the man page are generated too.
  CHECK(Certkit({"completion", "zsh"}).out.rfind("#compdef certkit", 0) == 0);
  CHECK(Certkit({"completion", "fish"}).out.find("complete -c certkit") != std::string::npos);
  auto man = Certkit({"man"});
  CHECK(man.out.find(".TH CERTKIT 1") != std::string::npos);
  CHECK(man.out.find("keystore merge") != std::string::npos);

  // A real interactive bash in tmux: type, press TAB, read the screen.
  const std::string sock = tmp.File("tmux.sock");
  const std::string bindir = CertkitBinary().substr(0, CertkitBinary().rfind('/'));
  certkit_test::WriteString(tmp.File("rc"), "PS1='$ '\nPATH=" + bindir + ":$PATH\nsource " + script + "\n");
  auto tmux = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"tmux", "-S", sock});
    return Run(args);
  };
  REQUIRE(tmux({"-f", "/dev/null", "new-session", "-d", "-x", "200", "-y", "50", "bash", "--noprofile", "--rcfile",
                tmp.File("rc"), "-i"})
              .exit_code == 0);
  // The screen, polled until it shows |want| (up to 20 s on a loaded machine).
  auto screen_showing = [&](const std::string& want) {
    std::string screen;
    for (int i = 0; i < 200; ++i) {
      screen = tmux({"capture-pane", "-p", "-t", "0"}).out;
      if (screen.find(want) != std::string::npos) break;
      Run({"sleep", "0.1"});
    }
    return screen;
  };
  auto screen_after = [&](const std::string& keys, const std::string& want) {
    tmux({"send-keys", "-t", "0", "C-u"});
    tmux({"send-keys", "-t", "0", "-l", keys});
    tmux({"send-keys", "-t", "0", "Tab", "Tab"});
    return screen_showing(want);
  };
  REQUIRE(screen_showing("$").find("$") != std::string::npos);  // the prompt; tmux trims its space
  std::string screen = screen_after("certkit keyst", "$ certkit keystore");
  INFO(screen);
  CHECK(screen.find("$ certkit keystore") != std::string::npos);  // "keyst" completed
  screen = screen_after("certkit keystore ", "export-key");
  CHECK(screen.find("genkeypair") != std::string::npos);
  CHECK(screen.find("export-key") != std::string::npos);
  screen = screen_after("certkit keystore merge --src-a", "--src-alias");
  CHECK(screen.find("--src-alias") != std::string::npos);
  tmux({"kill-server"});
}

TEST_CASE("messages name the flag, the expired CA, and insecure key files") {
  TempDir tmp;
  auto f = [&](const std::string& n) { return tmp.File(n); };
  REQUIRE(Certkit({"ca", "create", "--out", f("ca"), "--cn", "Msg CA"}).exit_code == 0);
  const std::vector<std::string> ca = {"--ca-cert", f("ca/ca.crt"), "--ca-key", f("ca/ca-private/ca.key")};

  // A missing file names its flag.
  auto r = Certkit({"sign", "--ca-cert", f("nope.crt"), "--ca-key", f("ca/ca-private/ca.key"), "--csr", f("x.csr"),
                    "--out", f("x.crt")});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("--csr") != std::string::npos);
  REQUIRE(Certkit({"csr", "--cn", "10.0.0.7", "--key-out", f("x.key"), "--out", f("x.csr")}).exit_code == 0);
  r = Certkit({"sign", "--ca-cert", f("nope.crt"), "--ca-key", f("ca/ca-private/ca.key"), "--csr", f("x.csr"),
               "--out", f("x.crt")});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("--ca-cert") != std::string::npos);
  // A keytool-style CSR (CN=<ip>, no SAN) signed with the node profile: the message names --host.
  std::vector<std::string> sign = {"sign", "--csr", f("x.csr"), "--profile", "node", "--out", f("x.crt")};
  sign.insert(sign.end(), ca.begin(), ca.end());
  r = Certkit(sign);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("--host") != std::string::npos);

  // An expired CA (made by openssl ca with dates in the past) says so.
  REQUIRE(Run({"mkdir", "-p", f("old")}).exit_code == 0);
  certkit_test::WriteString(f("old/index.txt"), "");
  certkit_test::WriteString(f("old/serial"), "1000\n");
  certkit_test::WriteString(f("old/ca.cnf"), "[ca]\ndefault_ca=c\n[c]\ndatabase=" + f("old/index.txt") +
                                                 "\nnew_certs_dir=" + f("old") + "\nserial=" + f("old/serial") +
                                                 "\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n"
                                                 "[v3]\nbasicConstraints=critical,CA:TRUE\n"
                                                 "keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n");
  REQUIRE(Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
               f("old/ca.key"), "-subj", "/CN=Old CA", "-out", f("old/ca.csr")})
              .exit_code == 0);
  auto o = Run({"openssl", "ca", "-batch", "-config", f("old/ca.cnf"), "-selfsign", "-keyfile", f("old/ca.key"), "-in",
                f("old/ca.csr"), "-startdate", "20200101000000Z", "-enddate", "20210101000000Z", "-extensions", "v3",
                "-out", f("old/ca.crt")});
  INFO(o.output());
  REQUIRE(o.exit_code == 0);
  REQUIRE(Run({"chmod", "600", f("old/ca.key")}).exit_code == 0);
  r = Certkit({"sign", "--ca-cert", f("old/ca.crt"), "--ca-key", f("old/ca.key"), "--csr", f("x.csr"), "--profile",
               "client", "--out", f("y.crt")});
  INFO(Describe(r));
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("the CA certificate (CN=Old CA) expired on 2021-01-01") != std::string::npos);
  CHECK(r.err.find("allow_beyond_issuer") == std::string::npos);

  // Node and client keys with group/world bits: flagged by inspect and
  // expiry, refused where loaded to sign, with the chmod to run.
  std::vector<std::string> node = {"node", "--host", "db1", "--out", f("n")};
  node.insert(node.end(), ca.begin(), ca.end());
  REQUIRE(Certkit(node).exit_code == 0);
  const std::string key = f("n/node.key");
  REQUIRE(certkit_test::FileMode(key) == 0600);
  r = Certkit({"expiry", f("n"), "--within", "1d"});
  CHECK(r.exit_code == 0);
  r = Certkit({"inspect", key});
  CHECK(r.out.find("Warning") == std::string::npos);
  REQUIRE(Run({"chmod", "644", key}).exit_code == 0);
  r = Certkit({"inspect", key});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Warning: private key file mode 0644") != std::string::npos);
  CHECK(r.out.find("chmod 600") != std::string::npos);
  r = Certkit({"expiry", f("n"), "--within", "1d"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("INSECURE " + key) != std::string::npos);
  r = Certkit({"csr", "--key", key, "--cn", "db1", "--out", f("db1.csr")});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("chmod 600 '" + key + "'") != std::string::npos);
  CHECK(r.err.find("--allow-insecure-key") != std::string::npos);
  CHECK_FALSE(Exists(f("db1.csr")));
  r = Certkit({"csr", "--key", key, "--cn", "db1", "--out", f("db1.csr"), "--allow-insecure-key"});
  CHECK(r.exit_code == 0);
}
