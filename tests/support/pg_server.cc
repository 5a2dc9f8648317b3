// tests/support/pg_server.cc: see pg_server.h.
#include "support/pg_server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <tuple>

#include <catch2/catch.hpp>

namespace certkit_test {

const char* const kPgBin = "/usr/lib/postgresql/15/bin/";

namespace {

std::vector<std::string> AsPostgres(const std::string& cwd, std::vector<std::string> argv) {
  std::vector<std::string> out = {"runuser", "-u", "postgres", "--", "env", "-C", cwd};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

std::string Bin(const char* name) { return std::string(kPgBin) + name; }

}  // namespace

PgServer::PgServer(const std::string& dir) : dir_(dir), data_(dir + "/data") {}

PgServer::~PgServer() {
  if (started_) Run(AsPostgres(dir_, {Bin("pg_ctl"), "-D", data_, "-m", "immediate", "-w", "stop"}));
}

void PgServer::InstallServerCert(const std::string& crt, const std::string& key,
                                 const std::string& ca) {
  for (const auto& [src, dst, mode] :
       {std::tuple<std::string, std::string, int>{crt, "server.crt", 0644},
        {key, "server.key", 0600},
        {ca, "ca.crt", 0644}}) {
    const std::string path = dir_ + "/" + dst;
    WriteString(path, ReadString(src));
    REQUIRE(chmod(path.c_str(), mode) == 0);
    REQUIRE(Run({"chown", "postgres:postgres", path}).exit_code == 0);
  }
}

void PgServer::InitAndStart(int port) {
  auto r = Run(AsPostgres(dir_, {Bin("initdb"), "-D", data_, "-A", "trust", "-U", "postgres",
                                 "--no-sync"}));
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
  r = Run(AsPostgres(dir_, {Bin("pg_ctl"), "-D", data_, "-l", dir_ + "/server.log", "-w", "-t",
                            "60", "start"}));
  INFO(r.output() << ReadString(dir_ + "/server.log"));
  REQUIRE(r.exit_code == 0);
  started_ = true;
  port_ = port;
}

void PgServer::Reload() {
  // The postmaster logs "received SIGHUP" as it starts re-reading its
  // configuration and SSL files, in its one thread: a connection it accepts
  // after that line is written is served with the new files.
  auto sighups = [this] {
    const std::string text = log();
    size_t n = 0;
    for (size_t at = text.find("received SIGHUP"); at != std::string::npos;
         at = text.find("received SIGHUP", at + 1)) {
      ++n;
    }
    return n;
  };
  const size_t before = sighups();
  REQUIRE(Run(AsPostgres(dir_, {Bin("pg_ctl"), "-D", data_, "reload"})).exit_code == 0);
  for (int i = 0; i < 600 && sighups() == before; ++i) usleep(50 * 1000);
  INFO(log());
  REQUIRE(sighups() > before);
}

ProcessResult PgServer::AdminSql(const std::string& sql) {
  return Run({"psql", "-h", dir_, "-p", std::to_string(port_), "-U", "postgres", "-d",
              "postgres", "-tA", "-c", sql});
}

std::string PgServer::log() const { return ReadString(dir_ + "/server.log"); }

std::string PgFolder(const TempDir& parent) {
  REQUIRE(chmod(parent.path().c_str(), 0711) == 0);
  const std::string dir = parent.File("pg");
  REQUIRE(mkdir(dir.c_str(), 0700) == 0);
  REQUIRE(Run({"chown", "postgres:postgres", dir}).exit_code == 0);
  return dir;
}

}  // namespace certkit_test
