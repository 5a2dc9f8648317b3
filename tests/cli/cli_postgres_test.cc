// PostgreSQL 15 with certificates from `certkit cluster init`: the server
// runs as the postgres user on 127.0.0.1 with ssl=on and client-certificate
// authentication; psql connects with sslmode=verify-full.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_support.h"
#include "support/oracle.h"
#include "support/pg_server.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::Describe;
using certkit_test::ReadString;
using certkit_test::Run;
using certkit_test::TempDir;
using certkit_test::WriteString;
using certkit_test::kPgBin;
using certkit_test::PgServer;

namespace {

certkit_test::ProcessResult Psql(const std::string& conninfo) {
  return Run({"psql", conninfo, "-tA", "-c", "SELECT 1"}, "", 60);
}

std::string ClientConn(int port, const std::string& host_part, const std::string& root, const std::string& client_dir,
                       const std::string& user) {
  return host_part + " port=" + std::to_string(port) + " sslmode=verify-full sslrootcert=" + root +
         " sslcert=" + client_dir + "/client." + user + ".crt sslkey=" + client_dir + "/client." + user +
         ".key user=" + user + " dbname=postgres connect_timeout=10";
}

}  // namespace

TEST_CASE("PostgreSQL accepts certkit cluster certificates with verify-full and cert auth") {
  REQUIRE(certkit_test::HaveTool("psql"));
  REQUIRE(access((std::string(kPgBin) + "postgres").c_str(), X_OK) == 0);
  REQUIRE(getuid() == 0);  // needs runuser to start the server as postgres
  TempDir tmp;
  const std::string out = tmp.File("cluster");
  auto r = Certkit({"cluster", "init", "--nodes", "127.0.0.1,localhost", "--clients", "app", "--out", out,
                    "--format", "pem", "--quiet"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  const std::string other = tmp.File("other");
  REQUIRE(Certkit({"cluster", "init", "--nodes", "127.0.0.1", "--clients", "app", "--out", other, "--format", "pem",
                   "--quiet"}).exit_code == 0);

  PgServer pg(certkit_test::PgFolder(tmp));
  pg.InstallServerCert(out + "/nodes/127.0.0.1/node.crt", out + "/nodes/127.0.0.1/node.key", out + "/ca.crt");
  pg.InitAndStart(certkit_test::FreeLoopbackPort());
  auto admin = pg.AdminSql("CREATE ROLE app LOGIN");
  INFO(admin.output());
  REQUIRE(admin.exit_code == 0);

  const std::string host = "host=127.0.0.1";
  auto ok = Psql(ClientConn(pg.port(), host, out + "/ca.crt", out + "/clients/app", "app"));
  INFO(ok.output() << pg.log());
  CHECK(ok.exit_code == 0);
  CHECK(ok.out == "1\n");
  // The server saw a certificate-authenticated TLS session for app.
  auto who = Run({"psql", ClientConn(pg.port(), host, out + "/ca.crt", out + "/clients/app", "app"), "-tA", "-c",
                  "SELECT ssl, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()"});
  CHECK(who.out.find("t|") == 0);
  CHECK(who.out.find("CN=app") != std::string::npos);

  // `certkit probe --starttls postgres` sees the chain psql sees and judges
  // it with the check drivers run (PeerVerifier).
  const std::string target = "127.0.0.1:" + std::to_string(pg.port());
  auto probe = Certkit({"probe", target, "--starttls", "postgres", "--ca", out + "/ca.crt"});
  INFO(Describe(probe));
  CHECK(probe.exit_code == 0);
  CHECK(probe.out.find("0: CN=127.0.0.1") != std::string::npos);
  CHECK(probe.out.find("verified: OK (serverAuth, identity 127.0.0.1)") != std::string::npos);
  auto probe_other = Certkit({"probe", target, "--starttls", "postgres", "--ca", other + "/ca.crt"});
  CHECK(probe_other.exit_code == 1);
  CHECK(probe_other.out.find("[unknown_issuer]") != std::string::npos);
  // Without the SSLRequest, PostgreSQL does not speak TLS.
  auto probe_plain = Certkit({"probe", target, "--ca", out + "/ca.crt", "--timeout", "5"});
  CHECK(probe_plain.exit_code != 0);
  CHECK(probe_plain.exit_code != 1);
  CHECK(probe_plain.err.find("TLS handshake with " + target) != std::string::npos);

  // A client certificate from another CA is rejected by the server.
  auto foreign = Psql(ClientConn(pg.port(), host, out + "/ca.crt", other + "/clients/app", "app"));
  INFO(foreign.output());
  CHECK(foreign.exit_code != 0);
  // Trusting the wrong CA fails on the client side.
  auto wrong_root = Psql(ClientConn(pg.port(), host, other + "/ca.crt", out + "/clients/app", "app"));
  CHECK(wrong_root.exit_code != 0);
  CHECK(wrong_root.err.find("certificate verify failed") != std::string::npos);

  // A node certificate without the IP SAN fails verify-full for host=127.0.0.1
  // but passes for the name it carries.
  pg.InstallServerCert(out + "/nodes/localhost/node.crt", out + "/nodes/localhost/node.key", out + "/ca.crt");
  pg.Reload();
  auto by_ip = Psql(ClientConn(pg.port(), host, out + "/ca.crt", out + "/clients/app", "app"));
  INFO(by_ip.output());
  CHECK(by_ip.exit_code != 0);
  CHECK(by_ip.err.find("does not match host name") != std::string::npos);
  auto by_name = Psql(ClientConn(pg.port(), "host=localhost hostaddr=127.0.0.1", out + "/ca.crt",
                                 out + "/clients/app", "app"));
  INFO(by_name.output() << pg.log());
  CHECK(by_name.exit_code == 0);
  // probe agrees with psql: the IP is not named, the host name is.
  auto probe_ip = Certkit({"probe", target, "--starttls", "postgres", "--ca", out + "/ca.crt"});
  CHECK(probe_ip.exit_code == 1);
  CHECK(probe_ip.out.find("[identity_mismatch]") != std::string::npos);
  auto probe_name = Certkit({"probe", target, "--starttls", "postgres", "--ca", out + "/ca.crt", "--name",
                             "localhost"});
  CHECK(probe_name.exit_code == 0);
}
