// Password specs (pass:, env:, file:, prompt): syntax checks never crash, a
// "pass:" spec resolves to exactly its text, and no error repeats it.
#include <string>

#include "fuzz_common.h"
#include "password.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string spec(reinterpret_cast<const char*>(data), size);
  const absl::Status syntax = certkit_cli::ValidatePasswordSpec(spec);
  // Only the sources that read nothing outside the process.
  if (spec.rfind("pass:", 0) != 0 && spec.rfind("env:", 0) != 0) return 0;
  certkit_cli::PasswordRequest req;
  req.spec = spec;
  auto p = certkit_cli::ResolvePassword(req);
  if (spec.rfind("pass:", 0) == 0) {
    const std::string secret = spec.substr(5);
    if (p.ok()) {
      certkit_fuzz::Require(p->value == secret, "pass: resolved to something else");
    } else if (secret.size() >= 4) {
      certkit_fuzz::Require(p.status().message().find(secret) == std::string::npos,
                            "an error message repeats the password");
    }
  }
  if (!syntax.ok()) certkit_fuzz::Require(!p.ok(), "an invalid spec resolved");
  return 0;
}
