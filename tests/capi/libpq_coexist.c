/* tests/capi/libpq_coexist.c: libpq (which links OpenSSL 3) and libcertkit.so
 * in one C program. Driven by libpq_test.cc, which starts the PostgreSQL
 * server.
 *
 *   libpq_coexist init DIR         certkit makes a CA and a server certificate
 *                                  for 127.0.0.1 in DIR (ca.crt, ca.key,
 *                                  server.crt, server.key)
 *   libpq_coexist connect DIR PORT certkit loads that CA and makes the client
 *                                  material for user "app" in-process, then
 *                                  libpq connects with sslmode=verify-full and
 *                                  certificate authentication; a client
 *                                  certificate from a foreign CA is refused.
 * Exit status 0 means every check passed. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "c_support.h"
#include "certkit/certkit.h"

static void write_file(const char* dir, const char* name, const char* text, int mode) {
  char path[512];
  int fd;
  size_t len = strlen(text);
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd) != 0) {
    perror(path);
    exit(2);
  }
}

static char* read_file(const char* dir, const char* name) {
  char path[512];
  FILE* f;
  long size;
  char* text;
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  f = fopen(path, "rb");
  if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0) exit(2);
  rewind(f);
  text = (char*)calloc((size_t)size + 1, 1);
  if (text == NULL || fread(text, 1, (size_t)size, f) != (size_t)size) exit(2);
  fclose(f);
  return text;
}

/* issue_files writes |prefix|.crt and |prefix|.key (0600) into |dir|. */
static void issue_files(const CertkitCa* ca, const char* profile_name, const char* cn,
                        const char* sans, const char* dir, const char* prefix) {
  CertkitKey* key = NULL;
  CertkitCert* cert = NULL;
  char *pem = NULL, file[128];
  size_t len = 0;
  ck_issue(ca, profile_name, cn, sans, 0, 0, &cert, &key);
  MUST(certkit_cert_to_pem(cert, &pem, &len));
  snprintf(file, sizeof(file), "%s.crt", prefix);
  write_file(dir, file, pem, 0644);
  certkit_buffer_free(pem);
  MUST(certkit_key_to_pem(key, CERTKIT_KEY_FORMAT_PKCS8, &pem, &len));
  snprintf(file, sizeof(file), "%s.key", prefix);
  write_file(dir, file, pem, 0600); /* libpq refuses a key readable by others */
  certkit_buffer_free(pem);
  certkit_cert_free(cert);
  certkit_key_free(key);
}

static int init(const char* dir) {
  CertkitCa* ca = ck_make_ca("CN=libpq test CA");
  CertkitCert* cert = NULL;
  CertkitKey* key = NULL;
  char* pem = NULL;
  size_t len = 0;
  MUST(certkit_ca_certificate(ca, &cert));
  MUST(certkit_cert_to_pem(cert, &pem, &len));
  write_file(dir, "ca.crt", pem, 0644);
  certkit_buffer_free(pem);
  MUST(certkit_ca_key(ca, &key));
  MUST(certkit_key_to_pem(key, CERTKIT_KEY_FORMAT_PKCS8, &pem, &len));
  write_file(dir, "ca.key", pem, 0600);
  certkit_buffer_free(pem);
  issue_files(ca, "node", "CN=pg1", "IP:127.0.0.1", dir, "server");
  certkit_key_free(key);
  certkit_cert_free(cert);
  certkit_ca_free(ca);
  return 0;
}

/* try_connect returns 1 when libpq connects; |*dn| gets the client DN the
 * server saw (malloc'd) on success. */
static int try_connect(const char* dir, const char* port, const char* cert_prefix, char** dn) {
  char conninfo[2048];
  PGconn* conn;
  PGresult* res;
  int ok;
  snprintf(conninfo, sizeof(conninfo),
           "host=127.0.0.1 port=%s user=app dbname=postgres sslmode=verify-full "
           "sslrootcert=%s/ca.crt sslcert=%s/%s.crt sslkey=%s/%s.key connect_timeout=10",
           port, dir, dir, cert_prefix, dir, cert_prefix);
  conn = PQconnectdb(conninfo);
  ok = PQstatus(conn) == CONNECTION_OK;
  if (!ok) {
    fprintf(stderr, "libpq (%s): %s", cert_prefix, PQerrorMessage(conn));
  } else {
    res = PQexec(conn, "SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
      *dn = strdup(PQgetvalue(res, 0, 0));
    }
    PQclear(res);
  }
  PQfinish(conn);
  return ok;
}

static int connect_checks(const char* dir, const char* port) {
  int failures = 0;
  char* ca_pem = read_file(dir, "ca.crt");
  char* ca_key = read_file(dir, "ca.key");
  char* dn = NULL;
  CertkitCa* ca = NULL;
  CertkitCa* foreign;
  CertkitKey* extra = NULL;
  char* pem = NULL;
  size_t len = 0;
  /* libpq initialises OpenSSL 3 first... */
  PQinitOpenSSL(1, 1);
  /* ...then certkit works in the same process. */
  MUST(certkit_ca_load_pem(ca_pem, ca_key, NULL, &ca));
  issue_files(ca, "client", "CN=app", NULL, dir, "client");
  foreign = ck_make_ca("CN=foreign CA");
  issue_files(foreign, "client", "CN=app", NULL, dir, "foreign");

  if (!try_connect(dir, port, "client", &dn)) {
    failures++;
  } else if (dn == NULL || strcmp(dn, "/CN=app") != 0) {
    fprintf(stderr, "server saw client DN '%s', want '/CN=app'\n", dn ? dn : "(none)");
    failures++;
  }
  free(dn);
  dn = NULL;
  if (try_connect(dir, port, "foreign", &dn)) {
    fprintf(stderr, "a client certificate from a foreign CA was accepted\n");
    failures++;
  }
  free(dn);
  /* certkit again after libpq's TLS sessions. */
  MUST(certkit_key_generate("ec:p256", &extra));
  MUST(certkit_key_to_pem(extra, CERTKIT_KEY_FORMAT_PKCS8, &pem, &len));
  certkit_buffer_free(pem);
  certkit_key_free(extra);
  certkit_ca_free(foreign);
  certkit_ca_free(ca);
  free(ca_pem);
  free(ca_key);
  if (failures == 0) printf("ok: libpq verify-full + cert auth with certkit material\n");
  return failures == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "init") == 0) return init(argv[2]);
  if (argc == 4 && strcmp(argv[1], "connect") == 0) return connect_checks(argv[2], argv[3]);
  fprintf(stderr, "usage: libpq_coexist init DIR | connect DIR PORT\n");
  return 2;
}
