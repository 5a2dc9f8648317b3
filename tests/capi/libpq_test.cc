// tests/capi/libpq_test.cc: drives libpq_coexist.c (libpq + libcertkit.so in
// one C program) against a real PostgreSQL 15 server with ssl=on and
// certificate authentication.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "support/oracle.h"
#include "support/pg_server.h"

using certkit_test::PgServer;
using certkit_test::Run;
using certkit_test::TempDir;

TEST_CASE("libpq and libcertkit in one process: verify-full with certificate authentication") {
  REQUIRE(getuid() == 0);  // the server runs as the postgres user (runuser)
  REQUIRE(access((std::string(certkit_test::kPgBin) + "postgres").c_str(), X_OK) == 0);
  TempDir tmp;
  const std::string program = CERTKIT_LIBPQ_COEXIST;
  const std::string material = tmp.File("material");
  REQUIRE(mkdir(material.c_str(), 0700) == 0);
  auto init = Run({program, "init", material});
  INFO(init.output());
  REQUIRE(init.exit_code == 0);

  PgServer pg(certkit_test::PgFolder(tmp));
  pg.InstallServerCert(material + "/server.crt", material + "/server.key", material + "/ca.crt");
  pg.InitAndStart(certkit_test::FreeLoopbackPort());
  REQUIRE(pg.AdminSql("CREATE ROLE app LOGIN").exit_code == 0);

  auto connect = Run({program, "connect", material, std::to_string(pg.port())}, "", 120);
  INFO(connect.output() << pg.log());
  CHECK(connect.exit_code == 0);
  CHECK(connect.out.find("ok: libpq") != std::string::npos);
}
