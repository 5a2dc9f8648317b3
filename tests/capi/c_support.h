/* tests/capi/c_support.h: helpers shared by the C test programs that make
 * their material through the C ABI (openssl_coexist_test.c, libpq_coexist.c). */
#ifndef CERTKIT_TESTS_CAPI_C_SUPPORT_H_
#define CERTKIT_TESTS_CAPI_C_SUPPORT_H_

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "certkit/certkit.h"

/* MUST runs a certkit call that has to succeed; otherwise it prints the code
 * and message and exits with status 2 (a broken test set-up, not a failed
 * check). */
#define MUST(expr)                                                                     \
  do {                                                                                 \
    CertkitError rc_ = (expr);                                                         \
    if (rc_ != CERTKIT_OK) {                                                           \
      fprintf(stderr, "%s:%d: %s -> %s: %s\n", __FILE__, __LINE__, #expr,              \
              certkit_error_name(rc_), certkit_last_error_message());                  \
      exit(2);                                                                         \
    }                                                                                  \
  } while (0)

/* ck_make_ca makes a self-signed P-256 root CA named |subject|. */
static CertkitCa* ck_make_ca(const char* subject) {
  CertkitCaOptions* options = NULL;
  CertkitName* name = NULL;
  CertkitCa* ca = NULL;
  MUST(certkit_ca_options_new(&options));
  MUST(certkit_name_parse(subject, &name));
  MUST(certkit_ca_options_set_subject(options, name));
  MUST(certkit_ca_options_set_key_spec(options, "ec:p256"));
  MUST(certkit_ca_create_root(options, &ca));
  certkit_name_free(name);
  certkit_ca_options_free(options);
  return ca;
}

/* ck_issue makes a P-256 key and a certificate for it under |ca| with the
 * built-in |profile_name| ("node", "client", ...), subject |subject|, extra
 * |sans| (NULL: none), |not_before| (0: now) and |days| (0: the profile's). */
static void ck_issue(const CertkitCa* ca, const char* profile_name, const char* subject,
                     const char* sans, int64_t not_before, int days, CertkitCert** cert,
                     CertkitKey** key) {
  CertkitProfile* profile = NULL;
  CertkitIssueOptions* options = NULL;
  CertkitName* name = NULL;
  MUST(certkit_key_generate("ec:p256", key));
  MUST(certkit_profile_new(profile_name, &profile));
  MUST(certkit_issue_options_new(&options));
  MUST(certkit_name_parse(subject, &name));
  MUST(certkit_issue_options_set_subject(options, name));
  if (sans != NULL) MUST(certkit_issue_options_add_sans(options, sans));
  if (not_before != 0) MUST(certkit_issue_options_set_not_before(options, not_before));
  if (days != 0) MUST(certkit_issue_options_set_days(options, days));
  MUST(certkit_ca_sign_key(ca, *key, profile, options, cert));
  certkit_name_free(name);
  certkit_issue_options_free(options);
  certkit_profile_free(profile);
}

#endif /* CERTKIT_TESTS_CAPI_C_SUPPORT_H_ */
