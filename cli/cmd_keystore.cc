// certkit keystore list|import-cert|import-reply|export|export-key|delete|rename|passwd|convert|
//                  genkeypair|certreq|merge STORE
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "certkit/error.h"
#include "certkit/file.h"
#include "certkit/keystore.h"
#include "certkit/keytool.h"
#include "commands.h"
#include "common.h"
#include "describe.h"
#include "output.h"
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
  std::string key_pass;
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
  P12ProfileArgs p12;
  // export --chain; export-key --no-encrypt, --new-key-pass, --allow-key-stdout
  bool chain = false;
  bool der = false;  // export --der
  bool no_encrypt = false;
  std::string new_key_pass;
  bool allow_key_stdout = false;
  // genkeypair
  std::string dname;
  std::string key_type = "rsa:2048";
  int days = 90;
  std::vector<std::string> hosts;
  // merge
  std::string src;
  std::string src_storepass;
  std::string src_key_pass;
  std::string src_alias;
  std::string dest_alias;
  // convert --alias
  std::vector<std::string> aliases;
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
  if (!a.key_pass.empty()) {
    PasswordRequest req;
    req.spec = a.key_pass;
    req.what = "key password";
    req.flag = "--key-pass";
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
  auto p12_profile = ResolveP12Profile(a.p12);
  if (!p12_profile.ok()) return p12_profile.status();
  opts.pkcs12_profile = *p12_profile;
  // A store that did not exist when it was opened is created, never
  // replaced: one that appeared meanwhile is kAlreadyExists.
  opts.overwrite = o.existed;
  absl::Status s = o.store.SaveFile(a.store, o.format, o.password, opts);
  if (!s.ok()) return certkit::Annotate(s, absl::StrCat("writing key store '", a.store, "'"));
  RecordWrite(a.store, absl::StrCat(certkit::StoreFormatName(o.format), " key store"));
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
  Note(Esc(done));
  return kExitOk;
}

// OpenUnchecked is keytool -list without a password: with no --storepass
// and no terminal to prompt on, a JKS/JCEKS store of trusted certificates
// loads without its integrity check. Anything else (a key entry, PKCS#12,
// a missing file) is the usual error of Open.
absl::StatusOr<OpenStore> OpenUnchecked(const KeystoreArgs& a, bool* checked) {
  *checked = true;
  if (!a.pass.storepass.empty() || a.pass.insecure_default || isatty(STDIN_FILENO) || !FileExists(a.store)) {
    return Open(a, false);
  }
  certkit::LoadOptions opts;
  opts.skip_integrity_check = true;
  if (!a.storetype.empty()) {
    auto f = certkit::ParseStoreFormat(a.storetype);
    if (!f.ok()) return certkit::Annotate(f.status(), "--storetype");
    opts.format = *f;
  }
  auto store = KeyStore::LoadFile(a.store, "", opts);
  if (!store.ok()) return Open(a, false);
  OpenStore o;
  o.existed = true;
  o.store = *std::move(store);
  o.format = o.store.source_format();
  *checked = o.format == StoreFormat::kPem;  // PEM has no integrity check to skip
  if (!*checked) {
    std::fprintf(stderr,
                 "certkit: warning: the integrity of '%s' has NOT been checked: no store password given "
                 "(--storepass checks it)\n",
                 Esc(a.store).c_str());
  }
  return o;
}

int RunList(const KeystoreArgs& a) {
  bool checked = true;
  auto o = OpenUnchecked(a, &checked);
  if (!o.ok()) return PrintError(o.status());
  if (JsonMode()) {
    nlohmann::json j = StoreJson(o->store);
    j["file"] = a.store;
    j["integrity_checked"] = checked;
    PrintJson(j);
  } else {
    std::printf("%s", StoreText(o->store, a.verbose).c_str());
  }
  return kExitOk;
}

int RunImportCert(const KeystoreArgs& a) {
  auto certs = ReadCertificates(a.file, "--file");
  if (!certs.ok()) return PrintError(certs.status());
  std::vector<std::string> added;
  return Modify(a, /*may_create=*/true, [&](OpenStore& o) {
    auto aliases = certkit::ImportTrustedCertificates(o.store, a.alias, *certs);
    if (!aliases.ok()) return aliases.status();
    added = *aliases;
    return absl::OkStatus();
  }, certs->size() == 1
         ? absl::StrCat("imported ", certs->front().subject().ToRfc4514(), " as trusted entry '",
                        KeyStore::NormalizeAlias(a.alias), "'")
         : absl::StrCat("imported ", certs->size(), " certificates as trusted entries '",
                        KeyStore::NormalizeAlias(a.alias), "-1' .. '", KeyStore::NormalizeAlias(a.alias), "-",
                        certs->size(), "'"));
}

int RunImportReply(const KeystoreArgs& a) {
  auto certs = ReadCertificates(a.file, "--file");
  if (!certs.ok()) return PrintError(certs.status());
  return Modify(a, false, [&](OpenStore& o) { return o.store.ImportCaReply(a.alias, *certs); },
                absl::StrCat("installed the CA reply into '", KeyStore::NormalizeAlias(a.alias), "'"));
}

int RunExport(const KeystoreArgs& a) {
  auto o = Open(a, false);
  if (!o.ok()) return PrintError(o.status());
  auto chain = certkit::ExportChain(o->store, a.alias);
  if (!chain.ok()) return PrintError(certkit::Annotate(chain.status(), absl::StrCat("'", a.store, "'")));
  if (!a.chain) chain->erase(chain->begin() + 1, chain->end());
  const std::string out = a.out.empty() ? "-" : a.out;
  std::string data;
  if (a.der) {
    // keytool -exportcert without -rfc: the certificate's DER bytes.
    if (IsStdio(out) && JsonMode()) {
      return PrintError(MakeError(ErrorKind::kInvalidArgument,
                                  "--der: binary output cannot go into the --json report; give --out FILE"));
    }
    certkit::Bytes der = chain->front().ToDer();
    data.assign(der.begin(), der.end());
  } else {
    data = certkit::CertificatesToPem(*chain);
  }
  absl::Status s = WriteTextFile(out, data, a.overwrite, a.chain ? "certificate chain" : "certificate");
  if (!s.ok()) return PrintError(certkit::Annotate(s, "--out"));
  Note(absl::StrCat("wrote ", Esc(out), " (", chain->size(), chain->size() == 1 ? " certificate)" : " certificates)"));
  return kExitOk;
}

int RunExportKey(const KeystoreArgs& a) {
  if (absl::Status s = CheckOutputFree(a.out, a.overwrite, "--out"); !s.ok()) return PrintError(s);
  if (IsStdio(a.out) && !a.allow_key_stdout) {
    return PrintError(MakeError(ErrorKind::kInvalidArgument,
                                "--out -: refusing to write a private key to standard output; pass "
                                "--allow-key-stdout to do so"));
  }
  auto o = Open(a, false);
  if (!o.ok()) return PrintError(o.status());
  auto key = certkit::EntryPrivateKey(o->store, a.alias);
  if (!key.ok()) return PrintError(certkit::Annotate(key.status(), absl::StrCat("'", a.store, "'")));
  std::string pem;
  if (a.no_encrypt) {
    pem = key->ToPem();
  } else {
    PasswordRequest req;
    req.spec = a.new_key_pass;
    req.what = "password for the exported key";
    req.flag = "--new-key-pass";
    req.confirm = true;
    auto p = ResolvePassword(req);
    if (!p.ok()) return PrintError(p.status());
    if (p->value.empty()) {
      return PrintError(MakeError(ErrorKind::kInvalidArgument,
                                  "--new-key-pass: the export password is empty; pass --no-encrypt for a "
                                  "plaintext key"));
    }
    auto enc = key->ToEncryptedPkcs8Pem(p->value);
    if (!enc.ok()) return PrintError(enc.status());
    pem = *std::move(enc);
  }
  absl::Status s;
  if (IsStdio(a.out)) {
    s = WriteStdout(pem);
  } else {
    certkit::WriteOptions wo;
    wo.mode = certkit::kPrivateFileMode;
    wo.overwrite = a.overwrite;
    s = certkit::WriteFileAtomic(a.out, pem, wo);
    if (s.ok()) RecordWrite(a.out, a.no_encrypt ? "private key (PKCS#8)" : "encrypted private key (PKCS#8)");
  }
  if (!s.ok()) return PrintError(certkit::Annotate(s, "--out"));
  Note(absl::StrCat("wrote the key of '", Esc(KeyStore::NormalizeAlias(a.alias)), "' to ", Esc(a.out), " (",
                    a.no_encrypt ? "unencrypted PKCS#8" : "encrypted PKCS#8", ", mode 0600)"));
  return kExitOk;
}

int RunGenKeyPair(const KeystoreArgs& a) {
  certkit::GenKeyPairOptions g;
  g.alias = a.alias;
  auto dn = certkit::DistinguishedName::Parse(a.dname);
  if (!dn.ok()) return PrintError(certkit::Annotate(dn.status(), "--dname"));
  g.subject = *dn;
  auto spec = certkit::KeySpec::Parse(a.key_type);
  if (!spec.ok()) return PrintError(certkit::Annotate(spec.status(), "--key-type"));
  g.key_spec = *spec;
  g.days = a.days;
  for (const std::string& h : SplitList(a.hosts)) {
    auto san = certkit::SubjectAltName::Host(h);
    if (!san.ok()) return PrintError(certkit::Annotate(san.status(), absl::StrCat("--host '", h, "'")));
    g.sans.push_back(*san);
  }
  return Modify(a, /*may_create=*/true, [&](OpenStore& o) { return certkit::GenerateKeyPairEntry(o.store, g); },
                absl::StrCat("generated a ", g.key_spec.ToString(), " key and a self-signed certificate for ",
                             g.subject.ToRfc4514(), " (", g.days, " days) as entry '",
                             KeyStore::NormalizeAlias(a.alias), "'"));
}

int RunCertReq(const KeystoreArgs& a) {
  if (absl::Status s = CheckOutputFree(a.out, a.overwrite, "--out"); !s.ok()) return PrintError(s);
  std::vector<certkit::SubjectAltName> sans;
  for (const std::string& h : SplitList(a.hosts)) {
    auto san = certkit::SubjectAltName::Host(h);
    if (!san.ok()) return PrintError(certkit::Annotate(san.status(), absl::StrCat("--host '", h, "'")));
    sans.push_back(*san);
  }
  auto o = Open(a, false);
  if (!o.ok()) return PrintError(o.status());
  auto csr = certkit::CertificateRequestForEntry(o->store, a.alias, sans);
  if (!csr.ok()) return PrintError(certkit::Annotate(csr.status(), absl::StrCat("'", a.store, "'")));
  const std::string out = a.out.empty() ? "-" : a.out;
  absl::Status s = WriteTextFile(out, csr->ToPem(), a.overwrite, "certificate request");
  if (!s.ok()) return PrintError(certkit::Annotate(s, "--out"));
  Note(absl::StrCat("wrote certificate request ", Esc(out), " for ", Esc(csr->subject().ToRfc4514())));
  return kExitOk;
}

int RunMerge(const KeystoreArgs& a) {
  PasswordRequest req;
  req.spec = a.src_storepass;
  req.what = "source store password";
  req.flag = "--src-storepass";
  auto sp = ResolvePassword(req);
  if (!sp.ok()) return PrintError(sp.status());
  certkit::LoadOptions lo;
  if (!a.src_key_pass.empty()) {
    PasswordRequest kr;
    kr.spec = a.src_key_pass;
    kr.what = "source key password";
    kr.flag = "--src-key-pass";
    auto kp = ResolvePassword(kr);
    if (!kp.ok()) return PrintError(kp.status());
    lo.key_password = kp->value;
  }
  if (!FileExists(a.src)) {
    return PrintError(MakeError(ErrorKind::kNotFound, absl::StrCat("--src: key store '", a.src, "' does not exist")));
  }
  auto src = KeyStore::LoadFile(a.src, sp->value, lo);
  if (!src.ok()) return PrintError(certkit::Annotate(src.status(), absl::StrCat("--src: key store '", a.src, "'")));
  certkit::ImportKeyStoreOptions io;
  if (!a.src_alias.empty()) io.src_alias = a.src_alias;
  if (!a.dest_alias.empty()) io.dest_alias = a.dest_alias;
  io.overwrite = a.overwrite;
  std::vector<std::string> imported;
  return Modify(a, /*may_create=*/true, [&](OpenStore& o) {
    auto aliases = certkit::ImportKeyStore(o.store, *src, io);
    if (!aliases.ok()) return aliases.status();
    imported = *aliases;
    return absl::OkStatus();
  }, absl::StrCat("imported entries of '", a.src, "' into '", a.store, "'"));
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
  Note(absl::StrCat("changed the password of '", Esc(a.store), "'"));
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
  const KeyStore* store = &o->store;
  absl::StatusOr<KeyStore> selected;
  if (!a.aliases.empty()) {
    selected = certkit::SelectEntries(o->store, SplitList(a.aliases));
    if (!selected.ok()) return PrintError(certkit::Annotate(selected.status(), "--alias"));
    store = &*selected;
  }
  certkit::SaveOptions opts;
  auto p12_profile = ResolveP12Profile(a.p12);
  if (!p12_profile.ok()) return PrintError(p12_profile.status());
  opts.pkcs12_profile = *p12_profile;
  opts.overwrite = a.overwrite;
  absl::Status s = store->SaveFile(a.out, *format, password, opts);
  if (!s.ok()) {
    return PrintError(WithHint(certkit::Annotate(s, absl::StrCat("--out: writing '", a.out, "'")),
                               ErrorKind::kAlreadyExists, "; pass --overwrite to replace it"));
  }
  RecordWrite(a.out, absl::StrCat(certkit::StoreFormatName(*format), " key store"));
  Note(absl::StrCat("wrote ", Esc(a.out), " (", certkit::StoreFormatName(*format), ", ", store->size(),
                    store->size() == 1 ? " entry)" : " entries)"));
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
  AddPasswordOption(c, "--key-pass", &list->key_pass, "key password when it differs from the store password");
  c->add_flag("-v,--verbose", list->verbose, "show each certificate (keytool -list -v)");
  c->callback([list, exit_code] { *exit_code = RunList(*list); });

  auto imp = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "import-cert",
                      "add trusted certificates; a bundle of N becomes ALIAS-1..ALIAS-N; creates the store if "
                      "missing (keytool -importcert)",
                      imp.get(), "certkit keystore import-cert truststore.jks --file ca.crt --alias ca --storepass env:STOREPASS");
  c->add_option("--file", imp->file, "certificate file or PEM bundle (PEM or DER; - for stdin)")->required();
  c->add_option("--alias", imp->alias, "alias of the new entry")->required();
  AddP12ProfileOptions(c, &imp->p12);
  c->callback([imp, exit_code] { *exit_code = RunImportCert(*imp); });

  auto reply = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "import-reply", "install a CA reply into a key entry (keytool -importcert on a key alias)",
                      reply.get(), "certkit keystore import-reply node.jks --alias node --file node-signed.crt --storepass env:STOREPASS");
  c->add_option("--file", reply->file, "the signed certificate or chain (PEM)")->required();
  c->add_option("--alias", reply->alias, "the key entry's alias")->required();
  AddPasswordOption(c, "--key-pass", &reply->key_pass, "key password when it differs from the store password");
  AddP12ProfileOptions(c, &reply->p12);
  c->callback([reply, exit_code] { *exit_code = RunImportReply(*reply); });

  auto exp = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "export", "export an entry's certificate as PEM, or DER with --der (keytool -exportcert)",
                      exp.get(), "certkit keystore export keystore.jks --alias ca --out ca.crt --storepass env:STOREPASS");
  c->add_option("--alias", exp->alias, "alias to export")->required();
  c->add_option("--out", exp->out, "output file (default: - for stdout)");
  auto* chain = c->add_flag("--chain", exp->chain, "export the whole chain of a key entry, leaf first");
  c->add_flag("--der", exp->der, "write the certificate as DER instead of PEM (keytool -exportcert without -rfc)")
      ->excludes(chain);
  c->add_flag("--overwrite", exp->overwrite, "replace an existing output file");
  c->callback([exp, exit_code] { *exit_code = RunExport(*exp); });

  auto del = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "delete", "delete an entry (keytool -delete)", del.get(),
                      "certkit keystore delete keystore.jks --alias old --storepass env:STOREPASS");
  c->add_option("--alias", del->alias, "alias to delete")->required();
  AddPasswordOption(c, "--key-pass", &del->key_pass, "key password when it differs from the store password");
  c->callback([del, exit_code] {
    *exit_code = Modify(*del, false, [&](OpenStore& o) { return o.store.Delete(del->alias); },
                        absl::StrCat("deleted '", KeyStore::NormalizeAlias(del->alias), "'"));
  });

  auto ren = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "rename", "rename an entry (keytool -changealias)", ren.get(),
                      "certkit keystore rename keystore.jks --alias old --to new --storepass env:STOREPASS");
  c->add_option("--alias", ren->alias, "current alias")->required();
  c->add_option("--to,--destalias", ren->to, "new alias")->required();
  AddPasswordOption(c, "--key-pass", &ren->key_pass, "key password when it differs from the store password");
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
  AddPasswordOption(c, "--key-pass", &conv->key_pass, "key password when it differs from the store password");
  c->add_option("--alias", conv->aliases, "write only these entries (repeat or comma-separate)")
      ->allow_extra_args(false);
  c->add_flag("--overwrite", conv->overwrite, "replace an existing destination");
  AddP12ProfileOptions(c, &conv->p12);
  c->callback([conv, exit_code] { *exit_code = RunConvert(*conv); });

  auto gen = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "genkeypair",
                      "generate a key and a self-signed certificate as a new entry; creates the store if "
                      "missing (keytool -genkeypair)",
                      gen.get(),
                      "certkit keystore genkeypair node.jks --alias node1 --dname \"CN=node1, O=Example\" "
                      "--key-type rsa:2048 --host node1.example.com --storepass env:STOREPASS");
  c->add_option("--alias", gen->alias, "alias of the new entry")->capture_default_str();
  gen->alias = "mykey";
  c->add_option("--dname,--subject", gen->dname, "subject DN (RFC 4514, e.g. \"CN=node1, O=Example\")")->required();
  c->add_option("--key-type", gen->key_type, "rsa:2048|rsa:3072|rsa:4096|ec:p256|ec:p384|ed25519")
      ->capture_default_str();
  c->add_option("--days", gen->days, "validity in days (keytool's default: 90)")
      ->capture_default_str()
      ->check(CLI::Range(1, 36500));
  c->add_option("--host", gen->hosts, "SAN host name or IP (keytool -ext SAN=...; repeat or comma-separate)");
  AddP12ProfileOptions(c, &gen->p12);
  c->callback([gen, exit_code] { *exit_code = RunGenKeyPair(*gen); });

  auto creq = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "certreq", "make a certificate signing request for a key entry (keytool -certreq)",
                      creq.get(),
                      "certkit keystore certreq node.jks --alias node1 --out node1.csr --storepass env:STOREPASS");
  c->add_option("--alias", creq->alias, "the key entry's alias")->required();
  c->add_option("--out", creq->out, "CSR output file (default: - for stdout)");
  c->add_option("--host", creq->hosts, "SAN host/IP to request in addition to the certificate's");
  AddPasswordOption(c, "--key-pass", &creq->key_pass, "key password when it differs from the store password");
  c->add_flag("--overwrite", creq->overwrite, "replace an existing output file");
  c->callback([creq, exit_code] { *exit_code = RunCertReq(*creq); });

  auto ek = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "export-key",
                      "export a key entry's private key as PKCS#8 PEM, encrypted unless --no-encrypt (mode 0600)",
                      ek.get(),
                      "certkit keystore export-key node.p12 --alias node1 --out node1.key --storepass env:STOREPASS "
                      "--new-key-pass env:KEYPASS");
  c->add_option("--alias", ek->alias, "the key entry's alias")->required();
  c->add_option("--out", ek->out, "key output file (- for stdout needs --allow-key-stdout)")->required();
  AddPasswordOption(c, "--new-key-pass", &ek->new_key_pass, "password that encrypts the exported key");
  c->add_flag("--no-encrypt", ek->no_encrypt, "write the key unencrypted (plaintext PKCS#8)");
  c->add_flag("--allow-key-stdout", ek->allow_key_stdout, "allow --out - (the key goes to stdout)");
  AddPasswordOption(c, "--key-pass", &ek->key_pass, "key password when it differs from the store password");
  c->add_flag("--overwrite", ek->overwrite, "replace an existing output file");
  c->callback([ek, exit_code] { *exit_code = RunExportKey(*ek); });

  auto mg = std::make_shared<KeystoreArgs>();
  c = AddStoreCommand(ks, "merge",
                      "import the entries of another store into STORE, created if missing (keytool "
                      "-importkeystore); refuses alias clashes unless --overwrite",
                      mg.get(),
                      "certkit keystore merge keystore.jks --src other.p12 --src-storepass env:SRCPASS "
                      "--src-alias node1 --dest-alias node1-old --storepass env:STOREPASS");
  c->add_option("--src", mg->src, "the source key store (any format)")->required();
  AddPasswordOption(c, "--src-storepass", &mg->src_storepass, "source store password");
  AddPasswordOption(c, "--src-key-pass", &mg->src_key_pass, "source key password when it differs from its store password");
  c->add_option("--src-alias", mg->src_alias, "import only this entry");
  c->add_option("--dest-alias", mg->dest_alias, "new alias of the --src-alias entry");
  c->add_flag("--overwrite", mg->overwrite, "replace destination entries with the same alias");
  AddP12ProfileOptions(c, &mg->p12);
  c->callback([mg, exit_code] { *exit_code = RunMerge(*mg); });
}

}  // namespace certkit_cli
