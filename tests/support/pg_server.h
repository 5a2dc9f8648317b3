// tests/support/pg_server.h: a throw-away PostgreSQL 15 server for tests,
// run as the postgres user on 127.0.0.1 with ssl=on and client-certificate
// authentication (pg_hba: hostssl ... cert). Needs root (runuser).
#ifndef CERTKIT_TESTS_SUPPORT_PG_SERVER_H_
#define CERTKIT_TESTS_SUPPORT_PG_SERVER_H_

#include <string>
#include <vector>

#include "support/oracle.h"

namespace certkit_test {

// The Debian PostgreSQL 15 server binaries.
extern const char* const kPgBin;

// PgServer owns a cluster in |dir| (a folder the postgres user owns) and
// stops it when destroyed.
class PgServer {
 public:
  explicit PgServer(const std::string& dir);
  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // InstallServerCert copies |crt|, |key| (0600) and the client CA |ca| to
  // files the postgres user owns.
  void InstallServerCert(const std::string& crt, const std::string& key, const std::string& ca);
  // InitAndStart runs initdb and starts the server on |port| (REQUIREs success).
  void InitAndStart(int port);
  // Reload makes the server re-read its SSL files.
  void Reload();
  // AdminSql runs |sql| as postgres over the Unix socket.
  ProcessResult AdminSql(const std::string& sql);

  int port() const { return port_; }
  std::string log() const;

 private:
  std::string dir_;
  std::string data_;
  bool started_ = false;
  int port_ = 0;
};

// PgFolder makes a folder below |parent| for a PgServer, owned by postgres.
std::string PgFolder(const TempDir& parent);

}  // namespace certkit_test

#endif  // CERTKIT_TESTS_SUPPORT_PG_SERVER_H_
