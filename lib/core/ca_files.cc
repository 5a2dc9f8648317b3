#include "certkit/ca_files.h"

#include <sys/stat.h>

#include "openssl/mem.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "certkit/error.h"
#include "certkit/file.h"

namespace certkit {

absl::StatusOr<std::vector<Certificate>> ReadCertificates(const std::string& path) {
  auto data = ReadTextFile(path);
  if (!data.ok()) return data.status();
  auto certs = Certificate::ParseBundle(*data);
  if (!certs.ok()) return Annotate(certs.status(), absl::StrCat("certificate file '", path, "'"));
  return certs;
}

absl::StatusOr<Certificate> ReadCertificate(const std::string& path) {
  auto certs = ReadCertificates(path);
  if (!certs.ok()) return certs.status();
  return certs->front();
}

absl::StatusOr<PrivateKey> ReadPrivateKey(const std::string& path, absl::string_view password) {
  auto data = ReadFile(path);
  if (!data.ok()) return data.status();
  absl::StatusOr<PrivateKey> key = PrivateKey::Parse(*data, password);
  if (!key.ok()) return Annotate(key.status(), absl::StrCat("key file '", path, "'"));
  return key;
}

absl::StatusOr<PrivateKey> ReadCaPrivateKey(const std::string& path, absl::string_view password) {
  auto data = ReadFile(path);
  if (!data.ok()) return data.status();
  absl::StatusOr<PrivateKey> key = PrivateKey::Parse(*data, password);
  OPENSSL_cleanse(data->data(), data->size());
  if (!key.ok()) return Annotate(key.status(), absl::StrCat("CA key file '", path, "'"));
  return key;
}

absl::StatusOr<std::string> CaKeyPem(const PrivateKey& key, absl::string_view password) {
  if (password.empty()) return key.ToPem(KeyFormat::kPkcs8);
  KeyEncryption enc;
  enc.iterations = kCaKeyPbkdf2Iterations;
  return key.ToEncryptedPkcs8Pem(password, enc);
}

bool IsEncryptedKeyPem(absl::string_view pem) {
  return absl::StrContains(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----") ||
         absl::StrContains(pem, "Proc-Type: 4,ENCRYPTED");
}

absl::Status CheckKeyFilePermissions(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return MakeError(ErrorKind::kNotFound, absl::StrCat("CA key file '", path, "' not found"));
  }
  if ((st.st_mode & 077) != 0) {
    return MakeError(ErrorKind::kInvalidArgument,
                     absl::StrFormat("CA key file '%s' is accessible by group/others (mode %04o); "
                                     "run chmod 600 on it, or explicitly allow an insecure CA key",
                                     path, st.st_mode & 07777));
  }
  return absl::OkStatus();
}

absl::StatusOr<CertificateAuthority> LoadCa(const CaFiles& files) {
  auto certs = ReadCertificates(files.cert_path);
  if (!certs.ok()) return certs.status();
  if (!files.allow_insecure_key) {
    absl::Status perm = CheckKeyFilePermissions(files.key_path);
    if (!perm.ok()) return perm;
  }
  auto key = ReadCaPrivateKey(files.key_path, files.key_password);
  if (!key.ok()) return key.status();
  auto ca = CaFromBundle(*std::move(certs), *key);
  if (!ca.ok()) {
    return Annotate(ca.status(), absl::StrCat("CA '", files.cert_path, "' with key '",
                                              files.key_path, "'"));
  }
  return ca;
}

absl::StatusOr<CertificateAuthority> LoadCaPem(absl::string_view cert_pem, absl::string_view key_pem,
                                               absl::string_view key_password) {
  auto certs = Certificate::ParseBundle(cert_pem);
  if (!certs.ok()) return certs.status();
  auto key = PrivateKey::FromPem(key_pem, key_password);
  if (!key.ok()) return key.status();
  return CaFromBundle(*std::move(certs), *key);
}

absl::StatusOr<CertificateAuthority> CaFromBundle(std::vector<Certificate> certs,
                                                  const PrivateKey& key) {
  if (certs.empty()) return MakeError(ErrorKind::kInvalidArgument, "no CA certificate was given");
  // A bundle may hold several CAs (old + new during a rotation): the CA is
  // the one matching the key; its chain is what in the bundle issued it.
  if (certs.size() > 1) {
    auto picked = PickCaForKey(certs, key);
    if (!picked.ok()) return picked.status();
    certs = *std::move(picked);
  }
  Certificate cert = certs.front();
  certs.erase(certs.begin());
  return CertificateAuthority::Load(cert, key, std::move(certs));
}

}  // namespace certkit
