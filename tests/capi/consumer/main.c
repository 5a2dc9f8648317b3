/* A minimal certkit consumer: creates a root CA, issues a node certificate
 * for 127.0.0.1 and verifies it through the driver shim. */
#include <stdio.h>
#include <string.h>

#include <certkit/certkit.h>

#define TRY(expr)                                                                  \
  do {                                                                             \
    CertkitError rc_ = (expr);                                                     \
    if (rc_ != CERTKIT_OK) {                                                       \
      fprintf(stderr, "%s: %s (%s)\n", #expr, certkit_error_desc(rc_),             \
              certkit_last_error_message());                                       \
      return 1;                                                                    \
    }                                                                              \
  } while (0)

int main(void) {
  CertkitName* name = NULL;
  CertkitCaOptions* options = NULL;
  CertkitCa* ca = NULL;
  CertkitCert* ca_cert = NULL;
  CertkitKey* key = NULL;
  CertkitProfile* profile = NULL;
  CertkitIssueOptions* issue = NULL;
  CertkitCert* cert = NULL;
  CertkitSsl* ssl = NULL;
  char* ca_pem = NULL;
  uint8_t* der = NULL;
  size_t der_length = 0;
  const uint8_t* chain[1];

  if (certkit_version_number() != CERTKIT_VERSION_NUMBER ||
      strcmp(certkit_version(), CERTKIT_VERSION_STRING) != 0) {
    fprintf(stderr, "header %s but library %s\n", CERTKIT_VERSION_STRING, certkit_version());
    return 1;
  }
  TRY(certkit_name_parse("CN=consumer root", &name));
  TRY(certkit_ca_options_new(&options));
  TRY(certkit_ca_options_set_subject(options, name));
  TRY(certkit_ca_create_root(options, &ca));
  TRY(certkit_ca_certificate(ca, &ca_cert));
  TRY(certkit_cert_to_pem(ca_cert, &ca_pem, NULL));
  TRY(certkit_key_generate("ec:p256", &key));
  TRY(certkit_profile_new("node", &profile));
  TRY(certkit_issue_options_new(&issue));
  certkit_name_free(name);
  TRY(certkit_name_parse("CN=node1", &name));
  TRY(certkit_issue_options_set_subject(issue, name));
  TRY(certkit_issue_options_add_sans(issue, "IP:127.0.0.1"));
  TRY(certkit_ca_sign_key(ca, key, profile, issue, &cert));
  TRY(certkit_cert_to_der(cert, &der, &der_length));

  ssl = certkit_ssl_new();
  TRY(certkit_ssl_add_trusted_cert(ssl, ca_pem));
  certkit_ssl_set_verify_flags(ssl, CERTKIT_SSL_VERIFY_PEER_CERT | CERTKIT_SSL_VERIFY_PEER_IDENTITY);
  chain[0] = der;
  TRY(certkit_ssl_verify_peer(ssl, chain, &der_length, 1, "127.0.0.1"));
  if (certkit_ssl_verify_peer(ssl, chain, &der_length, 1, "127.0.0.2") !=
      CERTKIT_ERROR_IDENTITY_MISMATCH) {
    fprintf(stderr, "a wrong IP was accepted\n");
    return 1;
  }
  printf("certkit %s consumer: ok\n", certkit_version());

  certkit_ssl_free(ssl);
  certkit_buffer_free(der);
  certkit_buffer_free(ca_pem);
  certkit_cert_free(cert);
  certkit_cert_free(ca_cert);
  certkit_issue_options_free(issue);
  certkit_profile_free(profile);
  certkit_key_free(key);
  certkit_ca_free(ca);
  certkit_ca_options_free(options);
  certkit_name_free(name);
  return 0;
}
