// certkit keystore list|import-cert|import-reply|export|delete|rename|passwd|convert STORE
#include <cstdio>
#include <functional>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/keystore.h"
#include "commands.h"
#include "common.h"
#include "describe.h"
#include "password.h"
#include "store_args.h"

namespace certkit_cli {
namespace {

using certkit::ErrorKind;
using certkit::KeyStore;
using certkit::MakeError;
using certkit::StoreFormat;

struct KeystoreArgs {
  std::string store;
  StorePassArgs pass;
  std::string keypass;
  std::string storetype;  // for new stores / forcing a format
  bool json = false;
  bool verbose = false;
  std::string alias;
  std::string file;
  std::string to;
  std::string out;
  std::string new_storepass;
  std::string dest_storepass;
  std::string format;
  bool create = false;
  bool overwrite = false;
  bool p12_legacy = false;
};

struct OpenStore {
  KeyStore store;
  StoreFormat format = StoreFormat::kJks;
  std::string password;
  bool existed = false;
};

absl::StatusOr<StoreFormat> FormatFromName(const std::string& path, const std::string& type) {
  if (!type.empty()) return certkit::ParseStoreFormat(type);
  std::string lower = absl::AsciiStrToLower(path);
  if (absl::EndsWith(lower, ".p12") || absl::EndsWith(lower, ".pfx")) return StoreFormat::kPkcs12;
  if (absl::EndsWith(lower, ".pem")) return StoreFormat::kPem;
  return StoreFormat::kJks;
}

// Open loads STORE, or (with |may_create|) starts an empty one when the file
// does not exist.
absl::StatusOr<OpenStore> Open(const KeystoreArgs& a, bool may_create) {
  OpenStore o;
  o.existed = FileExists(a.store);
  if (!o.existed && !may_create) {
    return MakeError(ErrorKind::kNotFound, absl::StrCat("key store '", a.store, "' does not exist"));
  }
  Password pass;
  absl::Status s = ResolveStorePasswords(a.pass, /*confirm=*/!o.existed, &pass, nullptr);
  if (!s.ok()) return s;
  o.password = pass.value;
  if (!o.existed) {
    auto f = FormatFromName(a.store, a.storetype);
    if (!f.ok()) return f.status();
    o.format = *f;
    return o;
  }
  certkit::LoadOptions opts;
  if (!a.storetype.empty()) {
    auto f = certkit::ParseStoreFormat(a.storetype);
    if (!f.ok()) return certkit::Annotate(f.status(), "--storetype");
    opts.format = *f;
  }
  if (!a.keypass.empty()) {
    PasswordRequest req;
    req.spec = a.keypass;
    req.what = "key password";
    req.flag = "--keypass";
    auto kp = ResolvePassword(req);
    if (!kp.ok()) return kp.status();
    opts.key_password = kp->value;
  }
  auto store = KeyStore::LoadFile(a.store, o.password, opts);
  if (!store.ok()) return certkit::Annotate(store.status(), absl::StrCat("key store '", a.store, "'"));
  o.store = *std::move(store);
  o.format = o.store.source_format();
  return o;
}

absl::Status Save(const KeystoreArgs& a, const OpenStore& o) {
  certkit::SaveOptions opts;
  opts.pkcs12_legacy = a.p12_legacy;
  // A store that did not exist when it was opened is created, never
  // replaced: one that appeared meanwhile is kAlreadyExists.
  opts.overwrite = o.existed;
  absl::Status s = o.store.SaveFile(a.store, o.format, o.password, opts);
  if (!s.ok()) return certkit::Annotate(s, absl::StrCat("writing key store '", a.store, "'"));
  return s;
}

// Modify opens the store, applies |change|, saves it back in its format.
int Modify(const KeystoreArgs& a, bool may_create, const std::function<absl::Status(OpenStore&)>& change,
           const std::string& done) {
  auto o = Open(a, may_create);
  if (!o.ok()) return PrintError(o.status());
  absl::Status s = change(*o);
  if (!s.ok()) return PrintError(certkit::Annotate(s, absl::StrCat("'", a.store, "'")));
  s = Save(a, *o);
  if (!s.ok()) return PrintError(s);
  std::printf("%s\n", done.c_str());
  return kExitOk;
}

int RunList(const KeystoreArgs& a) {
  auto o = Open(a, false);
  if (!o.ok()) return PrintError(o.status());
  if (a.json) {
    nlohmann::json j = StoreJson(o->store);
    j["file"] = a.store;
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("%s", StoreText(o->store, a.verbose).c_str());
  }
  return kExitOk;
}

int RunImportCert(const KeystoreArgs& a) {
  auto certs = ReadCertificates(a.file);
  if (!certs.ok()) return PrintError(certs.status());
  return Modify(a, /*may_create=*/true, [&](OpenStore& o) {
    return o.store.AddTrustedCert(a.alias, certs->front());
  }, absl::StrCat("imported ", certs->front().subject().ToRfc4514(), " as trusted entry '",
                  KeyStore::NormalizeAlias(a.alias), "'"));
}

int RunImportReply(const KeystoreArgs& a) {
  auto certs = ReadCertificates(a.file);
  if (!certs.ok()) return PrintError(certs.status());
  return Modify(a, false, [&](OpenStore& o) { return o.store.ImportCaReply(a.alias, *certs); },
                absl::StrCat("installed the CA reply into '", KeyStore::NormalizeAlias(a.alias), "'"));
}

int RunExport(const KeystoreArgs& a) {
  auto o = Open(a, false);
  if (!o.ok()) return PrintError(o.status());
  auto cert = o->store.ExportCertificate(a.alias);
  if (!cert.ok()) return PrintError(certkit::Annotate(cert.status(), absl::StrCat("'", a.store, "'")));
  if (a.out.empty()) {
    std::printf("%s", cert->ToPem().c_str());
    return kExitOk;
  }
  absl::Status s = WriteTextFile(a.out, cert->ToPem(), a.overwrite);
  if (!s.ok()) return PrintError(s);
  std::printf("wrote %s\n", a.out.c_str());
  return kExitOk;
}

int RunPasswd(const KeystoreArgs& a) {
  auto o = Open(a, false);
  if (!o.ok()) return PrintError(o.status());
  PasswordRequest req;
  req.spec = a.new_storepass;
  req.what = "new store password";
  req.flag = "--new-storepass";
  req.confirm = true;
  auto p = ResolvePassword(req);
  if (!p.ok()) return PrintError(p.status());
  o->password = p->value;
  absl::Status s = Save(a, *o);
  if (!s.ok()) return PrintError(s);
  std::printf("changed the password of '%s'\n", a.store.c_str());
  return kExitOk;
}

int RunConvert(const KeystoreArgs& a) {
  auto o = Open(a, false);
  if (!o.ok()) return PrintError(o.status());
  auto format = FormatFromName(a.out, a.format);
  if (!format.ok()) return PrintError(certkit::Annotate(format.status(), "--format"));
  std::string password = o->password;
  if (!a.dest_storepass.empty()) {
    PasswordRequest req;
    req.spec = a.dest_storepass;
    req.what = "destination store password";
    req.flag = "--dest-storepass";
    auto p = ResolvePassword(req);
    if (!p.ok()) return PrintError(p.status());
    password = p->value;
  }
  certkit::SaveOptions opts;
  opts.pkcs12_legacy = a.p12_legacy;
  opts.overwrite = a.overwrite;
  absl::Status s = o->store.SaveFile(a.out, *format, password, opts);
  if (!s.ok()) {
    return PrintError(WithHint(certkit::Annotate(s, absl::StrCat("writing '", a.out, "'")),
                               ErrorKind::kAlreadyExists, "; pass --overwrite to replace it"));
  }
  std::printf("wrote %s (%s, %zu entries)\n", a.out.c_str(), certkit::StoreFormatName(*format),
              o->store.size());
  return kExitOk;
}

CLI::App* AddStoreCommand(CLI::App* parent, const std::string& name, const std::string& help,
                          KeystoreArgs* a, const std::string& example) {
  CLI::App* cmd = parent->add_subcommand(name, help);
  cmd->add_option("store", a->store, "the key store file (JKS, JCEKS, PKCS#12 or PEM)")->required();
  AddStorePassOptions(cmd, &a->pass, /*with_truststore=*/false);
  cmd->add_option("--storetype", a->storetype, "jks|jceks|pkcs12|pem (default: detected / from the file name)");
  SetExample(cmd, example);
  return cmd;
}

}  // namespace

void RegisterKeystoreCommands(CLI::App& app, int* exit_code) {
  CLI::App* ks = app.add_subcommand("keystore", "keytool's store operations on JKS, JCEKS, PKCS#12 and PEM stores");
  ks->require_subcommand(1);
  SetExample(ks, "certkit keystore list keystore.jks --storepass env:STOREPASS");

  auto list = std::make_shared<KeystoreArgs>();
  CLI::App* c = AddStoreCommand(ks, "list", "list entries (keytool -list)", list.get(),
                                "certkit keystore list demo/truststore.jks --storepass env:STOREPASS --json");
  c->add_option("--keypass", list->keypass, "key password when it differs from the store password");
  c->add_flag("--json", list->json, "machine-readable output");
  c->add_flag("-v,--verbose", list->verbose, "show each certificate (keytool -list -v)");
  c->callback([list, exit_code] { *exit_code = RunList(*list); });

  auto imp = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "import-cert", "add a trusted certificate; creates the store if missing (keytool -importcert)",
                      imp.get(), "certkit keystore import-cert truststore.jks --file ca.crt --alias ca --storepass env:STOREPASS");
  c->add_option("--file", imp->file, "certificate file (PEM or DER)")->required();
  c->add_option("--alias", imp->alias, "alias of the new entry")->required();
  c->add_flag("--p12-legacy", imp->p12_legacy, "Java 8 compatible PKCS#12 algorithms");
  c->callback([imp, exit_code] { *exit_code = RunImportCert(*imp); });

  auto reply = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "import-reply", "install a CA reply into a key entry (keytool -importcert on a key alias)",
                      reply.get(), "certkit keystore import-reply node.jks --alias node --file node-signed.crt --storepass env:STOREPASS");
  c->add_option("--file", reply->file, "the signed certificate or chain (PEM)")->required();
  c->add_option("--alias", reply->alias, "the key entry's alias")->required();
  c->add_option("--keypass", reply->keypass, "key password when it differs from the store password");
  c->add_flag("--p12-legacy", reply->p12_legacy, "Java 8 compatible PKCS#12 algorithms");
  c->callback([reply, exit_code] { *exit_code = RunImportReply(*reply); });

  auto exp = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "export", "export an entry's certificate as PEM (keytool -exportcert -rfc)",
                      exp.get(), "certkit keystore export keystore.jks --alias ca --out ca.crt --storepass env:STOREPASS");
  c->add_option("--alias", exp->alias, "alias to export")->required();
  c->add_option("--out", exp->out, "output file (default: stdout)");
  c->add_flag("--overwrite", exp->overwrite, "replace an existing output file");
  c->callback([exp, exit_code] { *exit_code = RunExport(*exp); });

  auto del = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "delete", "delete an entry (keytool -delete)", del.get(),
                      "certkit keystore delete keystore.jks --alias old --storepass env:STOREPASS");
  c->add_option("--alias", del->alias, "alias to delete")->required();
  c->add_option("--keypass", del->keypass, "key password when it differs from the store password");
  c->callback([del, exit_code] {
    *exit_code = Modify(*del, false, [&](OpenStore& o) { return o.store.Delete(del->alias); },
                        absl::StrCat("deleted '", KeyStore::NormalizeAlias(del->alias), "'"));
  });

  auto ren = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "rename", "rename an entry (keytool -changealias)", ren.get(),
                      "certkit keystore rename keystore.jks --alias old --to new --storepass env:STOREPASS");
  c->add_option("--alias", ren->alias, "current alias")->required();
  c->add_option("--to,--destalias", ren->to, "new alias")->required();
  c->add_option("--keypass", ren->keypass, "key password when it differs from the store password");
  c->callback([ren, exit_code] {
    *exit_code = Modify(*ren, false, [&](OpenStore& o) { return o.store.Rename(ren->alias, ren->to); },
                        absl::StrCat("renamed '", KeyStore::NormalizeAlias(ren->alias), "' to '",
                                     KeyStore::NormalizeAlias(ren->to), "'"));
  });

  auto pw = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "passwd", "change the store password (keytool -storepasswd)", pw.get(),
                      "certkit keystore passwd keystore.p12 --storepass env:OLD --new-storepass env:NEW");
  AddPasswordOption(c, "--new-storepass", &pw->new_storepass, "new store password");
  c->callback([pw, exit_code] { *exit_code = RunPasswd(*pw); });

  auto conv = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "convert", "write the store in another format (keytool -importkeystore)", conv.get(),
                      "certkit keystore convert keystore.jks --out keystore.p12 --format p12 --storepass env:STOREPASS");
  c->add_option("--out", conv->out, "destination file")->required();
  c->add_option("--format", conv->format, "jks|pkcs12|pem (default: from the --out file name)");
  AddPasswordOption(c, "--dest-storepass", &conv->dest_storepass, "destination password (default: the source's)");
  c->add_option("--keypass", conv->keypass, "key password when it differs from the store password");
  c->add_flag("--overwrite", conv->overwrite, "replace an existing destination");
  c->add_flag("--p12-legacy", conv->p12_legacy, "Java 8 compatible PKCS#12 algorithms");
  c->callback([conv, exit_code] { *exit_code = RunConvert(*conv); });
}

}  // namespace certkit_cli
