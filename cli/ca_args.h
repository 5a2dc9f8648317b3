// cli/ca_args.h: the --ca-cert/--ca-key/--ca-key-pass/--allow-insecure-ca-key
// options shared by node, client and sign, and loading the CA they name.
#ifndef CERTKIT_CLI_CA_ARGS_H_
#define CERTKIT_CLI_CA_ARGS_H_

#include <string>

#include <CLI/CLI.hpp>

#include "absl/status/statusor.h"
#include "certkit/ca.h"
#include "certkit/cluster.h"
#include "password.h"
#include "pkcs11_args.h"

namespace certkit_cli {

struct CaSourceArgs {
  std::string cert;
  std::string key;
  std::string key_pass;
  // The CA key password source a cluster manifest records, used when
  // |key_pass| is empty and it is reusable (certkit::ReusablePasswordSource).
  std::string key_pass_recorded;
  bool allow_insecure_key = false;
  Pkcs11Args pkcs11;  // when |key| is a pkcs11: URI
};

// AddCaSourceOptions registers the options on |cmd|.
void AddCaSourceOptions(CLI::App* cmd, CaSourceArgs* args);

// AddCaKeyPassOption registers --ca-key-pass, the password source of a CA
// key being read (never prompted for unless "prompt" is given);
// |without| says what happens without the option.
void AddCaKeyPassOption(CLI::App* cmd, std::string* spec, const std::string& without);

// AddNewCaKeyPassOption registers |name|, the password source that
// encrypts the CA key a command writes (|what| names it in --help).
void AddNewCaKeyPassOption(CLI::App* cmd, const std::string& name, std::string* spec,
                           const std::string& what);

// AddProfileFileOption registers --profile-file on |cmd|.
void AddProfileFileOption(CLI::App* cmd, std::string* path);

// The help of --spiffe-id (node, client, cluster init/add).
inline constexpr char kSpiffeIdHelp[] =
    "add a SPIFFE ID URI SAN from this template, e.g. spiffe://cluster.example/cassandra/{role}; "
    "placeholders in the path: {name} (client user or node name), {role} (= {name}), {kind} "
    "(node|client); the cluster records it for add, renew and rotate-ca";

// AddPresetOption registers --for DB (a certkit/presets.h preset name) on
// |cmd|; |what| ends its --help text.
void AddPresetOption(CLI::App* cmd, std::string* preset, const std::string& what);

// ApplyProfileFile loads |path| (nothing when empty) and takes its "node"
// and "client" profiles (when present) and its signing policy into
// |settings|: node, client and cluster apply the same policy as sign. With
// |ca|, the file's "ca" section (key usage, pathlen, days) goes there too.
absl::Status ApplyProfileFile(const std::string& path, certkit::LeafSettings* settings,
                              certkit::CaOptions* ca = nullptr);

// LoadCaFromArgs resolves the key password and loads the CA (see LoadCa).
// A wrong or missing password is kBadPassword naming the key file and
// --ca-key-pass (CaKeyPasswordHint).
absl::StatusOr<certkit::CertificateAuthority> LoadCaFromArgs(const CaSourceArgs& args);

// The password of a CA key being read, and where it came from.
struct CaKeyPassword {
  Password password;           // value "" and source "none" when none was given
  bool from_manifest = false;  // taken from the source a cluster manifest records
};

// ResolveCaKeyPassword resolves |spec| (a --ca-key-pass source) or, when it
// is empty, |recorded| (a cluster manifest's ca_key_password_source) when
// that may be read again (env:, file:). Without either, the password is
// empty (fine for an unencrypted key; an encrypted one then fails with
// kBadPassword). Errors name the option, or the manifest for a recorded
// source.
absl::StatusOr<CaKeyPassword> ResolveCaKeyPassword(const std::string& spec,
                                                   const std::string& recorded);

// ResolveNewCaKeyPassword resolves the password that encrypts a CA key
// being written, given with |flag|: value "" and source "none" when |spec|
// is empty (the key is written unencrypted); "prompt" asks twice.
// kInvalidArgument naming |flag| for an empty password.
absl::StatusOr<Password> ResolveNewCaKeyPassword(const std::string& spec, const char* flag);

// CaKeyPasswordHint appends to a kBadPassword |status| (whose message names
// the key file) where the password came from and which option gives it
// (|flag|); other statuses are returned unchanged. Never the password.
absl::Status CaKeyPasswordHint(const absl::Status& status, const CaKeyPassword& used,
                               const char* flag = "--ca-key-pass");

// NoticeUnencryptedCaKey says once on stderr (never stdout, so --json
// output stays one document) that the CA key at |key_path| was written
// unencrypted, and how to encrypt it (|flag|).
void NoticeUnencryptedCaKey(const std::string& key_path, const char* flag);

// CaKeyProtection describes how a CA key written with |password| is
// protected, for summaries: "encrypted: PBES2 ..., password from <source>"
// or "not encrypted".
std::string CaKeyProtection(const Password& password);

}  // namespace certkit_cli

#endif  // CERTKIT_CLI_CA_ARGS_H_
