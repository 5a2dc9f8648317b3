// ProbeServer: a TLS client handshake over a plain socket, to fetch the
// chain a server presents (certkit/probe.h).
#include "certkit/probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <cstring>
#include <memory>
#include <optional>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "absl/strings/str_cat.h"
#include "certkit/error.h"

namespace certkit {
namespace {

// Fd closes a socket when it goes out of scope, unless released.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// ScopedNoSigpipe keeps a write to a socket the server has closed from
// killing the process with SIGPIPE (BoringSSL writes with write(2), not
// send(MSG_NOSIGNAL)), without touching the process's signal disposition:
// SIGPIPE is blocked in this thread while it lives, and one raised meanwhile
// is consumed before it is unblocked (unless it was already pending).
class ScopedNoSigpipe {
 public:
  ScopedNoSigpipe() {
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    blocked_ = pthread_sigmask(SIG_BLOCK, &block, &old_) == 0;
  }
  ~ScopedNoSigpipe() {
    if (!blocked_) return;
    if (!was_pending_) {
      sigset_t pipe_only;
      sigemptyset(&pipe_only);
      sigaddset(&pipe_only, SIGPIPE);
      const timespec zero{0, 0};
      while (sigtimedwait(&pipe_only, nullptr, &zero) == -1 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  ScopedNoSigpipe(const ScopedNoSigpipe&) = delete;
  ScopedNoSigpipe& operator=(const ScopedNoSigpipe&) = delete;

 private:
  sigset_t old_;
  bool blocked_ = false;
  bool was_pending_ = false;
};

bool IsIpAddress(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string Where(const std::string& host, uint16_t port) {
  return host.find(':') != std::string::npos ? absl::StrCat("[", host, "]:", port)
                                             : absl::StrCat(host, ":", port);
}

// Deadline bounds the whole exchange (connect, preamble, handshake and the
// wait for the server's verdict): a server that trickles bytes cannot keep
// the probe alive past it.
class Deadline {
 public:
  explicit Deadline(absl::Duration total) : total_(total), end_(absl::Now() + total) {}
  // TimedOut: "<what> timed out after 2s".
  absl::Status TimedOut(const std::string& what) const {
    return MakeError(ErrorKind::kIo, absl::StrCat(what, " timed out after ", absl::FormatDuration(total_)));
  }
  // Wait polls |fd| for |events| until the deadline (or |cap| from now, if
  // sooner): true when ready, false on time-out (errno ETIMEDOUT).
  bool Wait(int fd, short events, absl::Duration cap = absl::InfiniteDuration()) const {
    const absl::Time until = std::min(end_, absl::Now() + cap);
    for (;;) {
      const int64_t ms = absl::ToInt64Milliseconds(until - absl::Now());
      if (ms <= 0) break;
      pollfd p{fd, events, 0};
      const int r = poll(&p, 1, static_cast<int>(std::min<int64_t>(ms, 1 << 30)));
      if (r > 0) return true;
      if (r < 0 && errno != EINTR) return true;  // the next I/O call reports it
    }
    errno = ETIMEDOUT;
    return false;
  }

 private:
  absl::Duration total_;
  absl::Time end_;
};

// ConnectOne connects a non-blocking socket to |ai| before the deadline and
// leaves it non-blocking. Returns the fd, or -1 with errno set.
int ConnectOne(const addrinfo* ai, const Deadline& deadline) {
  Fd fd(socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol));
  if (fd.get() < 0) return -1;
  if (connect(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
    if (errno != EINPROGRESS) return -1;
    if (!deadline.Wait(fd.get(), POLLOUT)) return -1;
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) return -1;
    if (err != 0) {
      errno = err;
      return -1;
    }
  }
  return fd.release();
}

absl::StatusOr<int> Connect(const std::string& host, uint16_t port, const Deadline& deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const std::string service = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  if (rc != 0) {
    return MakeError(ErrorKind::kIo, absl::StrCat("cannot resolve ", host, ": ", gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(list, freeaddrinfo);
  const std::string where = Where(host, port);
  std::string last = "no address";
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    int fd = ConnectOne(ai, deadline);
    if (fd >= 0) return fd;
    if (errno == ETIMEDOUT) return deadline.TimedOut(absl::StrCat("connecting to ", where));
    last = std::strerror(errno);
  }
  return MakeError(ErrorKind::kIo, absl::StrCat("cannot connect to ", where, ": ", last));
}

// PostgresSslRequest sends PostgreSQL's SSLRequest (protocol 1234.5679) and
// reads the one-byte answer: 'S' means TLS follows.
absl::Status PostgresSslRequest(int fd, const std::string& where, const Deadline& deadline) {
  static const uint8_t kRequest[8] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
  // 8 bytes on a fresh connection: the socket buffer takes them at once.
  if (send(fd, kRequest, sizeof(kRequest), MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof(kRequest))) {
    return MakeError(ErrorKind::kIo, absl::StrCat("cannot send PostgreSQL's SSLRequest to ", where, ": ",
                                                  std::strerror(errno)));
  }
  char answer = 0;
  ssize_t n;
  while ((n = recv(fd, &answer, 1, 0)) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    if (!deadline.Wait(fd, POLLIN)) {
      return deadline.TimedOut(absl::StrCat("waiting for ", where, " to answer PostgreSQL's SSLRequest"));
    }
  }
  if (n < 0) {
    return MakeError(ErrorKind::kIo, absl::StrCat(where, " did not answer PostgreSQL's SSLRequest: ",
                                                  std::strerror(errno)));
  }
  if (n == 0) {
    return MakeError(ErrorKind::kTlsHandshake,
                     absl::StrCat(where, " closed the connection after PostgreSQL's SSLRequest"));
  }
  if (answer == 'N') {
    return MakeError(ErrorKind::kTlsHandshake,
                     absl::StrCat("the PostgreSQL server at ", where, " does not accept SSL (ssl = off)"));
  }
  if (answer != 'S') {
    return MakeError(ErrorKind::kTlsHandshake,
                     absl::StrCat(where, " answered PostgreSQL's SSLRequest with byte 0x",
                                  absl::Hex(static_cast<uint8_t>(answer), absl::kZeroPad2),
                                  ": not a PostgreSQL server?"));
  }
  return absl::OkStatus();
}

// ReceivedAlert returns the TLS alert the peer sent, if |packed| (an
// error-queue entry) is one (BoringSSL files a received alert as reason
// SSL_AD_REASON_OFFSET + its code).
std::optional<int> ReceivedAlert(uint32_t packed) {
  if (packed == 0 || ERR_GET_LIB(packed) != ERR_LIB_SSL) return std::nullopt;
  const int reason = ERR_GET_REASON(packed);
  if (reason < SSL_AD_REASON_OFFSET || reason > SSL_AD_REASON_OFFSET + 255) return std::nullopt;
  return reason - SSL_AD_REASON_OFFSET;
}

// IsClientCertificateVerdict: the alerts a server sends when it refuses the
// client's certificate (or its absence).
bool IsClientCertificateVerdict(int alert) {
  switch (alert) {
    case SSL_AD_HANDSHAKE_FAILURE:
    case SSL_AD_BAD_CERTIFICATE:
    case SSL_AD_UNSUPPORTED_CERTIFICATE:
    case SSL_AD_CERTIFICATE_REVOKED:
    case SSL_AD_CERTIFICATE_EXPIRED:
    case SSL_AD_CERTIFICATE_UNKNOWN:
    case SSL_AD_UNKNOWN_CA:
    case SSL_AD_ACCESS_DENIED:
    case SSL_AD_DECRYPT_ERROR:
    case SSL_AD_CERTIFICATE_REQUIRED:
      return true;
    default:
      return false;
  }
}

// The state of one probe connection the error messages need.
struct Exchange {
  std::string where;
  bool client_certificate_requested = false;
  bool client_certificate_given = false;
  bool session_ticket = false;  // a TLS 1.3 NewSessionTicket arrived
};

// AlertError names a rejection by the server: of our client certificate
// when it asked for one, else the alert itself.
absl::Status AlertError(const Exchange& x, int alert) {
  const std::string name = SSL_alert_desc_string_long(alert);
  if (x.client_certificate_requested && IsClientCertificateVerdict(alert)) {
    if (!x.client_certificate_given) {
      return MakeError(ErrorKind::kTlsHandshake,
                       absl::StrCat(x.where, " requires a client certificate and none was given "
                                             "(--cert/--key): the server sent the alert '",
                                    name, "'"));
    }
    return MakeError(ErrorKind::kTlsHandshake,
                     absl::StrCat("the server at ", x.where, " rejected our client certificate: ", name));
  }
  return MakeError(ErrorKind::kTlsHandshake,
                   absl::StrCat("TLS handshake with ", x.where, " failed: the server sent the alert '",
                                name, "'"));
}

// TlsError describes why an SSL call on the non-blocking socket failed.
absl::Status TlsError(const Exchange& x, const SSL* ssl, int ret) {
  const int saved_errno = errno;
  const int err = SSL_get_error(ssl, ret);
  const uint32_t packed = ERR_peek_last_error();
  ERR_clear_error();
  if (std::optional<int> alert = ReceivedAlert(packed)) return AlertError(x, *alert);
  if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && packed == 0)) {
    return MakeError(ErrorKind::kTlsHandshake,
                     absl::StrCat("TLS handshake with ", x.where, " failed: ",
                                  saved_errno == 0 || err == SSL_ERROR_ZERO_RETURN
                                      ? std::string("the server closed the connection")
                                      : std::string(std::strerror(saved_errno))));
  }
  const char* reason = packed != 0 ? ERR_reason_error_string(packed) : nullptr;
  return MakeError(ErrorKind::kTlsHandshake,
                   absl::StrCat("TLS handshake with ", x.where, " failed: ",
                                reason != nullptr ? reason : "unknown reason"));
}

// Handshake runs SSL_connect on the non-blocking socket until it completes,
// fails, or the deadline passes.
absl::Status Handshake(SSL* ssl, int fd, const Exchange& x, const Deadline& deadline) {
  for (;;) {
    errno = 0;
    const int ret = SSL_connect(ssl);
    if (ret == 1) return absl::OkStatus();
    const int err = SSL_get_error(ssl, ret);
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) return TlsError(x, ssl, ret);
    if (!deadline.Wait(fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT)) {
      ERR_clear_error();
      return deadline.TimedOut(absl::StrCat("TLS handshake with ", x.where));
    }
  }
}

// How long a TLS 1.3 probe waits for the server's verdict on the client
// certificate, which arrives after the handshake (RFC 8446 4.4.2.4): an
// alert means refused; a session ticket, data, or this much quiet means
// accepted.
constexpr absl::Duration kVerdictWait = absl::Seconds(1);

// AwaitVerdict reads after a TLS 1.3 handshake in which the server asked
// for a client certificate, until the server shows that it accepted (a
// NewSessionTicket, application data, kVerdictWait of quiet or the
// deadline) or rejected (an alert, or closing the connection) it.
absl::Status AwaitVerdict(SSL* ssl, int fd, Exchange& x, const Deadline& deadline) {
  char byte;
  for (;;) {
    errno = 0;
    const int ret = SSL_peek(ssl, &byte, 1);
    if (ret > 0 || x.session_ticket) return absl::OkStatus();
    const int err = SSL_get_error(ssl, ret);
    if (err == SSL_ERROR_WANT_READ) {
      if (!deadline.Wait(fd, POLLIN, kVerdictWait)) {
        ERR_clear_error();
        return absl::OkStatus();  // quiet: the server waits for our request
      }
      continue;
    }
    if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && ERR_peek_last_error() == 0)) {
      ERR_clear_error();
      return MakeError(ErrorKind::kTlsHandshake,
                       absl::StrCat(x.where, " closed the connection right after the TLS 1.3 "
                                             "handshake without a verdict on our client certificate"));
    }
    return TlsError(x, ssl, ret);
  }
}

// Records that the server sent a CertificateRequest (BoringSSL calls the
// certificate callback on a client only then).
int NoteCertificateRequest(SSL* ssl, void* arg) {
  static_cast<Exchange*>(arg)->client_certificate_requested = true;
  return 1;
}

// Records a TLS 1.3 NewSessionTicket: the server processed our Finished
// (and certificate) and carried on. The session is not kept.
int NoteSessionTicket(SSL* ssl, SSL_SESSION* session) {
  if (auto* x = static_cast<Exchange*>(SSL_get_app_data(ssl))) x->session_ticket = true;
  return 0;  // certkit keeps no reference: BoringSSL frees it
}

}  // namespace

absl::Status ProbeOptions::Validate() const {
  if (timeout <= absl::ZeroDuration()) {
    return MakeError(ErrorKind::kInvalidArgument, "the probe timeout must be positive");
  }
  if (client_chain.empty() != !client_key.has_value()) {
    return MakeError(ErrorKind::kInvalidArgument,
                     "a client certificate needs its private key, and a key its certificate");
  }
  if (client_key.has_value() && !client_chain.front().MatchesKey(*client_key)) {
    return MakeError(ErrorKind::kKeyMismatch,
                     absl::StrCat("the client private key does not belong to the certificate ",
                                  client_chain.front().subject().ToRfc4514()));
  }
  return absl::OkStatus();
}

absl::StatusOr<ProbeResult> ProbeServer(const std::string& host, uint16_t port,
                                        const ProbeOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  if (host.empty() || port == 0) {
    return MakeError(ErrorKind::kInvalidArgument, "probe needs a host and a port (1-65535)");
  }
  const std::string where = Where(host, port);
  bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()));
  if (ctx == nullptr || !SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION)) {
    return MakeError(ErrorKind::kInternal, "cannot set up a TLS client");
  }
  // The chain is only fetched here; the caller verifies it.
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  if (options.client_key.has_value()) {
    bool ok = SSL_CTX_use_certificate(ctx.get(), options.client_chain.front().native()) == 1 &&
              SSL_CTX_use_PrivateKey(ctx.get(), options.client_key->native()) == 1;
    for (size_t i = 1; ok && i < options.client_chain.size(); ++i) {
      ok = SSL_CTX_add1_chain_cert(ctx.get(), options.client_chain[i].native()) == 1;
    }
    if (!ok) {
      ERR_clear_error();
      return MakeError(ErrorKind::kInvalidArgument, "the client certificate or key cannot be used for TLS");
    }
  }
  const Deadline deadline(options.timeout);
  absl::StatusOr<int> fd_or = Connect(host, port, deadline);
  if (!fd_or.ok()) return fd_or.status();
  Fd fd(*fd_or);
  if (options.preamble == ProbePreamble::kPostgres) {
    if (absl::Status s = PostgresSslRequest(fd.get(), where, deadline); !s.ok()) return s;
  }
  // New tickets are reported to NoteSessionTicket (the server's sign of
  // acceptance after a TLS 1.3 handshake).
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL);
  SSL_CTX_sess_set_new_cb(ctx.get(), NoteSessionTicket);
  bssl::UniquePtr<SSL> ssl(SSL_new(ctx.get()));
  if (ssl == nullptr || !SSL_set_fd(ssl.get(), fd.get())) {
    return MakeError(ErrorKind::kInternal, "cannot set up a TLS connection");
  }
  const std::string sni = !options.server_name.empty() ? options.server_name
                          : IsIpAddress(host)          ? std::string()
                                                       : host;
  if (!sni.empty() && !SSL_set_tlsext_host_name(ssl.get(), sni.c_str())) {
    return MakeError(ErrorKind::kInvalidArgument, "the server name cannot be sent as SNI");
  }
  ScopedNoSigpipe no_sigpipe;
  Exchange x;
  x.where = where;
  x.client_certificate_given = options.client_key.has_value();
  SSL_set_app_data(ssl.get(), &x);
  SSL_set_cert_cb(ssl.get(), NoteCertificateRequest, &x);
  if (absl::Status s = Handshake(ssl.get(), fd.get(), x, deadline); !s.ok()) return s;
  if (x.client_certificate_requested && SSL_version(ssl.get()) >= TLS1_3_VERSION) {
    if (absl::Status s = AwaitVerdict(ssl.get(), fd.get(), x, deadline); !s.ok()) return s;
  }
  ProbeResult result;
  result.client_certificate_requested = x.client_certificate_requested;
  const STACK_OF(CRYPTO_BUFFER)* certs = SSL_get0_peer_certificates(ssl.get());
  for (size_t i = 0; certs != nullptr && i < sk_CRYPTO_BUFFER_num(certs); ++i) {
    const CRYPTO_BUFFER* buf = sk_CRYPTO_BUFFER_value(certs, i);
    absl::StatusOr<Certificate> cert = Certificate::FromDer(
        absl::MakeConstSpan(CRYPTO_BUFFER_data(buf), CRYPTO_BUFFER_len(buf)));
    if (!cert.ok()) {
      return Annotate(cert.status(), absl::StrCat("certificate ", i + 1, " sent by ", where));
    }
    result.chain.push_back(*std::move(cert));
  }
  if (result.chain.empty()) {
    return MakeError(ErrorKind::kTlsHandshake, absl::StrCat(where, " sent no certificate"));
  }
  result.protocol = SSL_get_version(ssl.get());
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl.get());
  result.cipher = cipher != nullptr ? SSL_CIPHER_standard_name(cipher) : "";
  SSL_shutdown(ssl.get());
  ERR_clear_error();
  return result;
}

}  // namespace certkit
