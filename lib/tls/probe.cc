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
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <cstring>
#include <memory>

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

int Millis(absl::Duration d) { return static_cast<int>(absl::ToInt64Milliseconds(d)); }

bool IsIpAddress(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string Where(const std::string& host, uint16_t port) {
  return host.find(':') != std::string::npos ? absl::StrCat("[", host, "]:", port)
                                             : absl::StrCat(host, ":", port);
}

std::string TimedOut(absl::Duration timeout) {
  return absl::StrCat("timed out after ", absl::FormatDuration(timeout));
}

// ConnectOne connects a socket to |ai| within |timeout| and leaves it
// blocking, with every read and write bounded by |timeout|. Returns the fd,
// or -1 with errno set.
int ConnectOne(const addrinfo* ai, absl::Duration timeout) {
  Fd fd(socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol));
  if (fd.get() < 0) return -1;
  if (connect(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
    if (errno != EINPROGRESS) return -1;
    pollfd p{fd.get(), POLLOUT, 0};
    int r = poll(&p, 1, Millis(timeout));
    if (r == 0) errno = ETIMEDOUT;
    if (r <= 0) return -1;
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) return -1;
    if (err != 0) {
      errno = err;
      return -1;
    }
  }
  if (fcntl(fd.get(), F_SETFL, fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK) != 0) return -1;
  timeval tv{static_cast<time_t>(absl::ToInt64Seconds(timeout)),
             static_cast<suseconds_t>(absl::ToInt64Microseconds(timeout) % 1000000)};
  if (setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
      setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0) {
    return -1;
  }
  return fd.release();
}

absl::StatusOr<int> Connect(const std::string& host, uint16_t port, absl::Duration timeout) {
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
  std::string last = "no address";
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    int fd = ConnectOne(ai, timeout);
    if (fd >= 0) return fd;
    last = errno == ETIMEDOUT ? TimedOut(timeout) : std::string(std::strerror(errno));
  }
  return MakeError(ErrorKind::kIo, absl::StrCat("cannot connect to ", Where(host, port), ": ", last));
}

// PostgresSslRequest sends PostgreSQL's SSLRequest (protocol 1234.5679) and
// reads the one-byte answer: 'S' means TLS follows.
absl::Status PostgresSslRequest(int fd, const std::string& where, absl::Duration timeout) {
  static const uint8_t kRequest[8] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
  if (send(fd, kRequest, sizeof(kRequest), MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof(kRequest))) {
    return MakeError(ErrorKind::kIo, absl::StrCat("cannot send PostgreSQL's SSLRequest to ", where, ": ",
                                                  std::strerror(errno)));
  }
  char answer = 0;
  ssize_t n = recv(fd, &answer, 1, 0);
  if (n < 0) {
    return MakeError(ErrorKind::kIo, absl::StrCat(where, " did not answer PostgreSQL's SSLRequest: ",
                                                  errno == EAGAIN ? TimedOut(timeout)
                                                                  : std::string(std::strerror(errno))));
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

// HandshakeError describes why SSL_connect failed.
absl::Status HandshakeError(const SSL* ssl, int ret, const std::string& where, absl::Duration timeout) {
  const int saved_errno = errno;
  const int err = SSL_get_error(ssl, ret);
  uint32_t packed = ERR_peek_last_error();
  ERR_clear_error();
  if (err == SSL_ERROR_SYSCALL && packed == 0) {
    if (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK) {
      return MakeError(ErrorKind::kIo, absl::StrCat("TLS handshake with ", where, " ", TimedOut(timeout)));
    }
    return MakeError(ErrorKind::kTlsHandshake,
                     absl::StrCat("TLS handshake with ", where, " failed: ",
                                  saved_errno == 0 ? std::string("the server closed the connection")
                                                   : std::string(std::strerror(saved_errno))));
  }
  const char* reason = packed != 0 ? ERR_reason_error_string(packed) : nullptr;
  return MakeError(ErrorKind::kTlsHandshake,
                   absl::StrCat("TLS handshake with ", where, " failed: ",
                                reason != nullptr ? reason : "unknown reason"));
}

// Records that the server sent a CertificateRequest (BoringSSL calls the
// certificate callback on a client only then).
int NoteCertificateRequest(SSL* ssl, void* arg) {
  *static_cast<bool*>(arg) = true;
  return 1;
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
  absl::StatusOr<int> fd_or = Connect(host, port, options.timeout);
  if (!fd_or.ok()) return fd_or.status();
  Fd fd(*fd_or);
  if (options.preamble == ProbePreamble::kPostgres) {
    if (absl::Status s = PostgresSslRequest(fd.get(), where, options.timeout); !s.ok()) return s;
  }
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
  ProbeResult result;
  SSL_set_cert_cb(ssl.get(), NoteCertificateRequest, &result.client_certificate_requested);
  errno = 0;
  int ret = SSL_connect(ssl.get());
  if (ret != 1) return HandshakeError(ssl.get(), ret, where, options.timeout);
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
