// PostgreSQL 15 with certificates from `certkit cluster init`: the server
// runs as the postgres user on 127.0.0.1 with ssl=on and client-certificate
// authentication; psql connects with sslmode=verify-full.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_support.h"
#include "support/oracle.h"

using certkit_cli_test::Certkit;
using certkit_cli_test::Describe;
using certkit_test::ReadString;
using certkit_test::Run;
using certkit_test::TempDir;
using certkit_test::WriteString;

namespace {

const std::string kPgBin = "/usr/lib/postgresql/15/bin/";

std::vector<std::string> AsPostgres(const std::string& cwd, std::vector<std::string> argv) {
  std::vector<std::string> out = {"runuser", "-u", "postgres", "--", "env", "-C", cwd};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

// PgServer owns a throw-away cluster in |dir| (owned by postgres) and stops
// it when destroyed.
class PgServer {
 public:
  explicit PgServer(const std::string& dir) : dir_(dir), data_(dir + "/data") {}
  ~PgServer() {
    if (started_) Run(AsPostgres(dir_, {kPgBin + "pg_ctl", "-D", data_, "-m", "immediate", "-w", "stop"}));
  }

  // InstallServerCert copies |crt| and |key| to files the postgres user owns (key 0600).
  void InstallServerCert(const std::string& crt, const std::string& key, const std::string& ca) {
    for (const auto& [src, dst, mode] : {std::tuple<std::string, std::string, int>{crt, "server.crt", 0644},
                                         {key, "server.key", 0600},
                                         {ca, "ca.crt", 0644}}) {
      const std::string path = dir_ + "/" + dst;
      WriteString(path, ReadString(src));
      REQUIRE(chmod(path.c_str(), mode) == 0);
      REQUIRE(Run({"chown", "postgres:postgres", path}).exit_code == 0);
    }
  }

  void InitAndStart(int port) {
    auto r = Run(AsPostgres(dir_, {kPgBin + "initdb", "-D", data_, "-A", "trust", "-U", "postgres", "--no-sync"}));
    INFO(r.output());
    REQUIRE(r.exit_code == 0);
    WriteString(data_ + "/pg_hba.conf",
                "local all all trust\n"
                "hostssl all all 127.0.0.1/32 cert\n");
    std::string conf = ReadString(data_ + "/postgresql.conf");
    conf += "\nlisten_addresses = '127.0.0.1'\nport = " + std::to_string(port) +
            "\nunix_socket_directories = '" + dir_ + "'\nssl = on\nssl_cert_file = '" + dir_ +
            "/server.crt'\nssl_key_file = '" + dir_ + "/server.key'\nssl_ca_file = '" + dir_ +
            "/ca.crt'\nfsync = off\n";
    WriteString(data_ + "/postgresql.conf", conf);
    r = Run(AsPostgres(dir_, {kPgBin + "pg_ctl", "-D", data_, "-l", dir_ + "/server.log", "-w", "-t", "60", "start"}));
    INFO(r.output() << ReadString(dir_ + "/server.log"));
    REQUIRE(r.exit_code == 0);
    started_ = true;
    port_ = port;
  }

  void Reload() {
    REQUIRE(Run(AsPostgres(dir_, {kPgBin + "pg_ctl", "-D", data_, "reload"})).exit_code == 0);
    sleep(1);  // the postmaster re-reads the SSL files asynchronously
  }

  certkit_test::ProcessResult AdminSql(const std::string& sql) {
    return Run({"psql", "-h", dir_, "-p", std::to_string(port_), "-U", "postgres", "-d", "postgres", "-tA", "-c", sql});
  }

  int port() const { return port_; }
  std::string log() const { return ReadString(dir_ + "/server.log"); }

 private:
  std::string dir_;
  std::string data_;
  bool started_ = false;
  int port_ = 0;
};

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
  REQUIRE(access((kPgBin + "postgres").c_str(), X_OK) == 0);
  REQUIRE(getuid() == 0);  // needs runuser to start the server as postgres
  TempDir tmp;
  REQUIRE(chmod(tmp.path().c_str(), 0711) == 0);
  const std::string out = tmp.File("cluster");
  auto r = Certkit({"cluster", "init", "--nodes", "127.0.0.1,localhost", "--clients", "app", "--out", out,
                    "--format", "pem", "--quiet"});
  INFO(Describe(r));
  REQUIRE(r.exit_code == 0);
  const std::string other = tmp.File("other");
  REQUIRE(Certkit({"cluster", "init", "--nodes", "127.0.0.1", "--clients", "app", "--out", other, "--format", "pem",
                   "--quiet"}).exit_code == 0);

  const std::string pgdir = tmp.File("pg");
  REQUIRE(mkdir(pgdir.c_str(), 0700) == 0);
  REQUIRE(Run({"chown", "postgres:postgres", pgdir}).exit_code == 0);
  PgServer pg(pgdir);
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
}
