#include "ssl/socket_io.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <mutex>
#include <vector>

#include "common/addon_data.h"
#include "common/args.h"
#include "common/errors.h"
#include "ssl/connection.h"

// Node-API has no readiness primitive, so the pump uses libuv's poll handle on Node's own loop.
// Only libuv's stable 1.x ABI is declared here (sizes come from uv_handle_size), so that neither
// build needs Node's header directory, which also carries Node's bundled openssl/ headers.
extern "C" {
typedef struct uv_loop_s uv_loop_t;
typedef struct uv_handle_s uv_handle_t;
typedef struct uv_poll_s uv_poll_t;
typedef struct uv_timer_s uv_timer_t;
typedef void (*uv_poll_cb)(uv_poll_t* handle, int status, int events);
typedef void (*uv_timer_cb)(uv_timer_t* handle);
typedef void (*uv_close_cb)(uv_handle_t* handle);
size_t uv_handle_size(int type);
int uv_poll_init(uv_loop_t* loop, uv_poll_t* handle, int fd);
int uv_poll_start(uv_poll_t* handle, int events, uv_poll_cb cb);
int uv_poll_stop(uv_poll_t* handle);
int uv_timer_init(uv_loop_t* loop, uv_timer_t* handle);
int uv_timer_start(uv_timer_t* handle, uv_timer_cb cb, uint64_t timeout, uint64_t repeat);
void uv_unref(uv_handle_t* handle);
void uv_close(uv_handle_t* handle, uv_close_cb close_cb);
void uv_handle_set_data(uv_handle_t* handle, void* data);
void* uv_handle_get_data(const uv_handle_t* handle);
}

namespace ossl {

namespace {
constexpr int kUvPoll = 8;    // UV_POLL in uv_handle_type
constexpr int kUvTimer = 13;  // UV_TIMER
constexpr int kUvReadable = 1;
constexpr int kUvWritable = 2;
constexpr int kUvDisconnect = 4;

// Plaintext slab: one kData event carries up to this much (four full records); a tail too small
// for a full record is dropped rather than handed out in slivers.
constexpr size_t kSlab = 64 * 1024;
constexpr size_t kReadBudget = 256 * 1024;
constexpr size_t kMinTail = 16 * 1024 + 256;
// Plaintext per SSL_write: one full record.
constexpr size_t kRecord = 16 * 1024;
// Ciphertext per send() when writing: a batch of records (a send per 16 KiB record would cost a
// syscall and a wake-up of the reader each; node:tls likewise writes its records with one writev).
constexpr size_t kBatch = 256 * 1024;

// Marks the shared read slab busy for a scope (null: not the shared slab, nothing to mark).
class SlabBusy {
 public:
  explicit SlabBusy(bool* flag) : flag_(flag) {
    if (flag_ != nullptr) *flag_ = true;
  }
  ~SlabBusy() {
    if (flag_ != nullptr) *flag_ = false;
  }
  SlabBusy(const SlabBusy&) = delete;
  SlabBusy& operator=(const SlabBusy&) = delete;

 private:
  bool* flag_;
};

// A write's result when the socket failed under it: -errno, for the caller to report from the
// event loop (sockError builds the error then).
Napi::Value SocketFailed(Napi::Env env, int err) {
  ClearErrors();
  return Napi::Number::New(env, -err);
}

uv_handle_t* AsHandle(void* p) { return static_cast<uv_handle_t*>(p); }
uv_poll_t* AsPoll(void* p) { return static_cast<uv_poll_t*>(p); }

// A connection that failed with a fatal alert closes as openssl s_server closes: what is still
// queued goes out, then our FIN, and the peer's bytes are read and dropped until its FIN, for a
// bounded time and amount. Closing at once with the peer's bytes unread makes the kernel answer
// with a reset, and a peer still sending loses the alert (and the records before it). It owns the
// descriptor and the poll handle the pump had; it never calls into JS and keeps no process alive.
class Lingerer {
 public:
  static constexpr uint64_t kMillis = 2000;         // the longest a failed connection lingers
  static constexpr size_t kMaxDrained = 256 * 1024;  // the most of the peer's bytes it reads
  static constexpr int kMaxPerThread = 1024;         // beyond that, failed connections close at once

  // Takes over `fd` and `poll` (a uv_poll_t on it, stopped) with `out`, the bytes still to send.
  // Closes them at once when lingering is not possible.
  static void Start(napi_env env, uv_loop_t* loop, int fd, void* poll, std::vector<unsigned char> out) {
    void* timer = live_ < kMaxPerThread ? std::malloc(uv_handle_size(kUvTimer)) : nullptr;
    if (timer == nullptr || uv_timer_init(loop, static_cast<uv_timer_t*>(timer)) != 0) {
      std::free(timer);
      CloseNow(fd, poll);
      return;
    }
    auto* l = new Lingerer(env, fd, poll, timer, std::move(out));
    uv_handle_set_data(AsHandle(poll), l);
    uv_handle_set_data(AsHandle(timer), l);
    uv_unref(AsHandle(poll));
    uv_unref(AsHandle(timer));
    napi_add_env_cleanup_hook(env, CleanupHook, l);
    uv_timer_start(static_cast<uv_timer_t*>(timer), [](uv_timer_t* t) { Of(t)->Finish(); }, kMillis, 0);
    l->Step(kUvWritable | kUvReadable);
  }

  static void CloseNow(int fd, void* poll) {
    uv_handle_set_data(AsHandle(poll), nullptr);
    uv_close(AsHandle(poll), [](uv_handle_t* h) { std::free(h); });
    ::close(fd);
  }

 private:
  Lingerer(napi_env env, int fd, void* poll, void* timer, std::vector<unsigned char> out)
      : env_(env), fd_(fd), poll_(poll), timer_(timer), out_(std::move(out)) {
    ++live_;
  }
  ~Lingerer() { --live_; }

  static Lingerer* Of(void* handle) { return static_cast<Lingerer*>(uv_handle_get_data(AsHandle(handle))); }
  static void CleanupHook(void* arg) {
    auto* l = static_cast<Lingerer*>(arg);
    l->in_cleanup_ = true;
    l->Finish();
  }

  // Sends what is queued, shuts down writing once it is all out, and drops what the peer sent.
  void Step(int events) {
    if ((events & kUvWritable) != 0 && !write_shut_) {
      while (out_off_ < out_.size()) {
        const ssize_t n = ::send(fd_, out_.data() + out_off_, out_.size() - out_off_, MSG_NOSIGNAL);
        if (n > 0) {
          out_off_ += static_cast<size_t>(n);
        } else if (n < 0 && errno == EINTR) {
          continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
          break;
        } else {
          return Finish();
        }
      }
      if (out_off_ == out_.size()) {
        write_shut_ = true;
        ::shutdown(fd_, SHUT_WR);
        std::vector<unsigned char>().swap(out_);
      }
    }
    if ((events & (kUvReadable | kUvDisconnect)) != 0) {
      unsigned char sink[16 * 1024];
      for (;;) {
        const ssize_t n = ::recv(fd_, sink, sizeof sink, 0);
        if (n > 0) {
          drained_ += static_cast<size_t>(n);
          if (drained_ > kMaxDrained) return Finish();
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        return Finish();  // the peer's FIN (0), or its reset
      }
    }
    const int want = kUvReadable | kUvDisconnect | (write_shut_ ? 0 : kUvWritable);
    if (uv_poll_start(AsPoll(poll_), want, [](uv_poll_t* p, int status, int ev) {
          Lingerer* l = Of(p);
          if (l == nullptr) return;
          if (status < 0) return l->Finish();
          l->Step(ev);
        }) != 0) {
      Finish();
    }
  }

  void Finish() {
    if (finished_) return;
    finished_ = true;
    if (!in_cleanup_) napi_remove_env_cleanup_hook(env_, CleanupHook, this);
    CloseNow(fd_, poll_);  // (the poll handle's data is cleared: a pending event finds nothing)
    uv_handle_set_data(AsHandle(timer_), nullptr);
    uv_close(AsHandle(timer_), [](uv_handle_t* h) { std::free(h); });
    delete this;
  }

  napi_env env_;
  int fd_;
  void* poll_;
  void* timer_;
  std::vector<unsigned char> out_;
  size_t out_off_ = 0;
  size_t drained_ = 0;
  bool write_shut_ = false;
  bool finished_ = false;
  bool in_cleanup_ = false;
  static thread_local int live_;
};
thread_local int Lingerer::live_ = 0;
}  // namespace

// The transport under the SSL: bytes Node had already read when we took over come first, then the
// socket. A write the kernel does not take at once is queued here (SSL_write never sees
// WANT_WRITE), and the poll handle flushes the queue when the socket is writable again.
struct FdTransport {
  int fd = -1;
  std::vector<unsigned char> in;
  size_t in_off = 0;
  std::vector<unsigned char> out;
  size_t out_off = 0;
  bool eof = false;
  // The last recv() returned less than asked: the kernel had nothing more (a stream socket hands
  // over all it has), so the read loop can stop without a recv() that only says EAGAIN.
  bool drained = false;
  int err = 0;
  // While set, writes gather here instead (see BatchedSends).
  std::vector<unsigned char>* batch = nullptr;

  size_t Queued() const { return out.size() - out_off; }

  // Sends what the kernel takes of `len` bytes now (`*sent`); false on a socket error (err set).
  bool SendNow(const unsigned char* bytes, size_t len, size_t* sent) {
    *sent = 0;
    while (*sent < len) {
      const ssize_t n = ::send(fd, bytes + *sent, len - *sent, MSG_NOSIGNAL);
      if (n > 0) {
        *sent += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
      err = n < 0 ? errno : EPIPE;
      return false;
    }
    return true;
  }

  // Sends `bytes` after whatever is queued; what the kernel does not take joins the queue. False
  // on a socket error (err set).
  bool Send(const unsigned char* bytes, size_t len) {
    size_t off = 0;
    if (Queued() == 0 && !SendNow(bytes, len, &off)) return false;
    if (off < len) {
      if (out_off > 0 && out_off >= out.size() / 2) {
        out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(out_off));
        out_off = 0;
      }
      out.insert(out.end(), bytes + off, bytes + len);
    }
    return true;
  }

  // Sends from the queue; false on a socket error (err set).
  bool FlushQueue() {
    size_t sent = 0;
    const bool ok = SendNow(out.data() + out_off, Queued(), &sent);
    out_off += sent;
    if (Queued() == 0) {
      out.clear();
      out_off = 0;
    }
    return ok;
  }
};

namespace {
// While it lives, the records OpenSSL writes to `t` gather in the thread's one batch buffer; it
// sends them with one send() when it ends (or at Send()). A send per record would cost a syscall
// and a wake-up of the reader each, and a small record sent right after another waits for the
// peer's ACK (Nagle: up to 40 ms on loopback with a delayed ACK). A scope opened while another is
// open on the thread (a callback inside one connection's I/O driving another) batches nothing.
class BatchedSends {
 public:
  explicit BatchedSends(FdTransport* t) : t_(busy_ ? nullptr : t) {
    if (t_ == nullptr) return;
    busy_ = true;
    buffer_.clear();
    t_->batch = &buffer_;
  }
  ~BatchedSends() {
    Send();
    if (t_ != nullptr) {
      t_->batch = nullptr;
      busy_ = false;
    }
  }
  BatchedSends(const BatchedSends&) = delete;
  BatchedSends& operator=(const BatchedSends&) = delete;

  bool active() const { return t_ != nullptr; }
  size_t size() const { return buffer_.size(); }
  // Sends what has gathered (a socket error is in the transport's err).
  void Send() {
    if (t_ == nullptr || buffer_.empty()) return;
    t_->Send(buffer_.data(), buffer_.size());
    buffer_.clear();
  }

 private:
  FdTransport* t_;
  static thread_local std::vector<unsigned char> buffer_;
  static thread_local bool busy_;
};
thread_local std::vector<unsigned char> BatchedSends::buffer_;
thread_local bool BatchedSends::busy_ = false;

FdTransport* TransportOf(BIO* b) { return static_cast<FdTransport*>(BIO_get_data(b)); }

int TransportRead(BIO* b, char* buf, size_t len, size_t* got) {
  BIO_clear_retry_flags(b);
  FdTransport* t = TransportOf(b);
  *got = 0;
  if (t == nullptr || len == 0) return 0;
  if (t->in_off < t->in.size()) {
    const size_t n = std::min(len, t->in.size() - t->in_off);
    std::memcpy(buf, t->in.data() + t->in_off, n);
    t->in_off += n;
    if (t->in_off == t->in.size()) {
      t->in.clear();
      t->in.shrink_to_fit();
      t->in_off = 0;
    }
    *got = n;
    return 1;
  }
  if (t->fd < 0 || t->err != 0) {
    errno = t->err != 0 ? t->err : EBADF;
    return 0;
  }
  for (;;) {
    const ssize_t n = ::recv(t->fd, buf, len, 0);
    if (n > 0) {
      *got = static_cast<size_t>(n);
      t->drained = *got < len;
      return 1;
    }
    if (n == 0) {
      t->eof = true;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      BIO_set_retry_read(b);
      return 0;
    }
    t->err = errno;
    return 0;
  }
}

int TransportWrite(BIO* b, const char* buf, size_t len, size_t* written) {
  BIO_clear_retry_flags(b);
  FdTransport* t = TransportOf(b);
  *written = 0;
  if (t == nullptr) return 0;
  if (t->fd < 0 || t->err != 0) {
    errno = t->err != 0 ? t->err : EPIPE;
    return 0;
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(buf);
  if (t->batch != nullptr) {
    t->batch->insert(t->batch->end(), bytes, bytes + len);
  } else if (!t->Send(bytes, len)) {
    errno = t->err;
    return 0;
  }
  *written = len;
  return 1;
}

long TransportCtrl(BIO* b, int cmd, long num, void* ptr) {
  (void)num;
  (void)ptr;
  FdTransport* t = TransportOf(b);
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_EOF:
      return t != nullptr && t->eof ? 1 : 0;
    case BIO_CTRL_PENDING:
      return t == nullptr ? 0 : static_cast<long>(t->in.size() - t->in_off);
    case BIO_CTRL_WPENDING:
      return t == nullptr ? 0 : static_cast<long>(t->Queued());
    default:
      return 0;
  }
}

int TransportDestroy(BIO* b) {
  delete TransportOf(b);
  BIO_set_data(b, nullptr);
  BIO_set_init(b, 0);
  return 1;
}

const BIO_METHOD* TransportMethod() {
  static BIO_METHOD* method = nullptr;
  static std::once_flag once;
  std::call_once(once, [] {
    const int index = BIO_get_new_index();
    if (index == -1) return;
    BIO_METHOD* m = BIO_meth_new(index | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "openssl-napi socket");
    if (m == nullptr) return;
    if (BIO_meth_set_read_ex(m, TransportRead) != 1 || BIO_meth_set_write_ex(m, TransportWrite) != 1 ||
        BIO_meth_set_ctrl(m, TransportCtrl) != 1 || BIO_meth_set_destroy(m, TransportDestroy) != 1) {
      BIO_meth_free(m);
      return;
    }
    method = m;
  });
  return method;
}

}  // namespace

// Marks the pump busy for the scope: a Detach() from inside (a handler closing the socket, a
// callback freeing the Connection) then defers the deletion to the scope's end.
class SocketIo::Running {
 public:
  Running(SocketIo* io, bool from_js) : io_(io), saved_(io->in_js_) {
    ++io_->running_;
    io_->in_js_ = from_js;
  }
  ~Running() {
    io_->in_js_ = saved_;
    if (--io_->running_ == 0 && io_->closed_) {
      delete io_;
      return;
    }
    io_->UpdatePoll();
  }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;

 private:
  SocketIo* io_;
  bool saved_;
};

SocketIo::SocketIo(Napi::Env env, ConnectionWrap* conn, Napi::Object conn_obj, Napi::Function on_event)
    : env_(env), conn_(conn), ssl_(conn->get()), transport_(nullptr) {
  SSL_up_ref(ssl_);
  conn_ref_ = Napi::Persistent(conn_obj);
  on_event_ = Napi::Persistent(on_event);
}

SocketIo::~SocketIo() {
  // The socket is closed, and nothing of ours is inside OpenSSL (deletion waits for that): the
  // record buffers (33 KiB) go back now rather than when the Connection is collected, and the next
  // connection takes them from the allocator's cache, warm. Not while a JS call on the Connection
  // is inside OpenSSL (its callback closed the socket): that call still uses them.
  if (conn_->driving == 0) conn_->Ended(ssl_);
  if (async_ != nullptr) napi_async_destroy(env_, async_);
  SSL_free(ssl_);
}

SocketIo* SocketIo::From(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ConnectionWrap* c = ConnectionWrap::FromValue(env, info.Length() > 0 ? info[0] : env.Undefined(), "connection");
  if (c == nullptr || c->Live(env) == nullptr) return nullptr;
  if (c->socket_io == nullptr) {
    ThrowStateError(env, "The Connection's socket I/O is closed", "ERR_OPENSSL_NAPI_STATE");
    return nullptr;
  }
  return c->socket_io;
}

// sockAttach(connection, fd, prefix | null, onEvent): OpenSSL takes over the socket `fd` (a
// duplicate of it); `prefix` holds bytes Node had already read from it.
Napi::Value SocketIo::Attach(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ConnectionWrap* c = ConnectionWrap::FromValue(env, info.Length() > 0 ? info[0] : env.Undefined(), "connection");
  if (c == nullptr) return {};
  SSL* ssl = c->Live(env);
  if (ssl == nullptr) return {};
  int64_t fd = 0;
  if (!ArgInt(info, 1, "fd", &fd, 0, INT32_MAX)) return {};
  Bytes prefix;
  if (!ArgIsNullish(info, 2) && !ArgBytes(info, 2, "prefix", &prefix, false)) return {};
  if (info.Length() < 4 || !info[3].IsFunction()) return ThrowTypeError(env, "The \"onEvent\" argument must be a function");
  if (c->socket_io != nullptr) return ThrowStateError(env, "The Connection already runs over a socket");
  if (c->driving > 0) return ThrowStateError(env, "The Connection is busy", "ERR_OPENSSL_NAPI_REENTRANT");
  if (SSL_is_dtls(ssl) == 1) return ThrowTypeError(env, "A DTLS Connection cannot run over a stream socket", "ERR_INVALID_ARG_VALUE");
  const BIO_METHOD* method = TransportMethod();
  if (method == nullptr) return ThrowOpenSSL(env, "BIO_meth_new");
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) return ThrowStateError(env, "No event loop");

  // Ciphertext OpenSSL already produced in memory (a client's ClientHello with early data) goes
  // out first.
  std::vector<unsigned char> produced;
  if (BIO* before = SSL_get_wbio(ssl); before != nullptr && BIO_ctrl_pending(before) > 0) {
    produced.resize(BIO_ctrl_pending(before));
    if (BIO_read(before, produced.data(), static_cast<int>(produced.size())) != static_cast<int>(produced.size()))
      return ThrowOpenSSL(env, "BIO_read");
  }
  const int dup_fd = ::fcntl(static_cast<int>(fd), F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) return ThrowSysCallError(env, errno);
  auto* transport = new FdTransport();
  transport->fd = dup_fd;
  if (prefix.size > 0) transport->in.assign(prefix.data, prefix.data + prefix.size);
  ClearErrors();
  BIO* bio = BIO_new(method);
  if (bio == nullptr) {
    delete transport;
    ::close(dup_fd);
    return ThrowOpenSSL(env, "BIO_new");
  }
  BIO_set_data(bio, transport);
  BIO_set_init(bio, 1);

  void* poll = std::malloc(uv_handle_size(kUvPoll));
  const int rc = poll == nullptr ? -ENOMEM : uv_poll_init(loop, AsPoll(poll), dup_fd);
  if (rc != 0) {
    std::free(poll);
    BIO_free(bio);
    ::close(dup_fd);
    return ThrowSysCallError(env, -rc);
  }
  transport->out = std::move(produced);
  c->UseTransport(bio);  // the SSL owns the BIO, the BIO owns the transport
  // Read ahead (into OpenSSL's default record buffer): one recv() per record instead of two.
  SSL_set_read_ahead(ssl, 1);

  auto* io = new SocketIo(env, c, info[0].As<Napi::Object>(), info[3].As<Napi::Function>());
  io->transport_ = transport;
  io->fd_ = dup_fd;
  io->poll_ = poll;
  uv_handle_set_data(AsHandle(poll), io);
  napi_add_env_cleanup_hook(env, CleanupHook, io);
  c->socket_io = io;
  if (napi_async_init(env, info[0], Napi::String::New(env, "openssl-napi:socket"), &io->async_) != napi_ok) {
    Detach(io);  // closes the descriptor; the SSL keeps the (now closed) transport
    return ThrowStateError(env, "napi_async_init failed");
  }
  return env.Undefined();
}

// sockStart(connection): sends the first flight (client) and processes whatever already arrived.
Napi::Value SocketIo::Start(const Napi::CallbackInfo& info) {
  SocketIo* io = From(info);
  if (io == nullptr) return {};
  Napi::Env env = info.Env();
  {
    Running running(io, true);
    io->Advance(env);
  }
  return env.IsExceptionPending() ? Napi::Value() : env.Undefined();
}

// sockWrite(connection, data) -> bytes still queued for the kernel (0: all sent), or
// [status, taken] when only `taken` bytes went: -3 (want write) when the kernel is full (retry the
// rest after kDrain), -2 when a renegotiation waits for the peer. A socket failure gives -errno
// (the caller reports it from the event loop, as Node reports a failed socket write); a TLS
// failure throws.
Napi::Value SocketIo::Write(const Napi::CallbackInfo& info) {
  SocketIo* io = From(info);
  if (io == nullptr) return {};
  Napi::Env env = info.Env();
  Bytes data;
  if (!ArgBytes(info, 1, "data", &data)) return {};
  if (!NotBusy(env, io->conn_)) return {};
  Running running(io, true);
  size_t off = 0;
  int ret = 1;
  // While callbacks may run, each record goes to OpenSSL copied, and `data` is taken again after
  // the one before (see Bounce).
  const bool bouncing = io->conn_->MayCallJs(io->ssl_);
  Bounce bounce(bouncing, kRecord);
  bool detached = false;
  {
    ConnectionDrive d(io->conn_, io->ssl_, env);
    // One record per SSL_write, a batch of records per send(): once the kernel stops taking
    // bytes, the rest of `data` stays with the caller (retried after kDrain) instead of being
    // encrypted into an ever longer queue.
    FdTransport& t = *io->transport_;
    while (off < data.size && t.Queued() == 0 && t.err == 0) {
      BatchedSends batch(&t);
      do {
        size_t w = 0;
        const size_t n = std::min(data.size - off, kRecord);
        if (bouncing && off > 0 && data.owned.empty() && !Reborrow(info, 1, "data", SIZE_MAX, data.size, &data)) {
          detached = true;
          break;
        }
        ret = SSL_write_ex(io->ssl_, bounce.Source(data.data + off, n), n, &w);
        if (ret == 1) off += w;
      } while (ret == 1 && off < data.size && batch.active() && batch.size() < kBatch);
      batch.Send();
      if (ret != 1 || detached) break;
    }
    if (detached) return {};
    if (io->conn_->bridge.RethrowPending(env)) return {};
    if (t.err != 0) return SocketFailed(env, t.err);
    if (ret == 1 && off < data.size) {
      Napi::Array r = Napi::Array::New(env, 2);
      r.Set(0u, Napi::Number::New(env, kSSLWantWrite));
      r.Set(1u, Napi::Number::New(env, static_cast<double>(off)));
      return r;
    }
    if (ret != 1) {
      const int e = SSLResult(io->ssl_, ret);
      if (e == kSSLWantRead || e == kSSLWantWrite) {
        ClearErrors();
        io->write_waits_peer_ = true;
        Napi::Array r = Napi::Array::New(env, 2);
        r.Set(0u, Napi::Number::New(env, e));
        r.Set(1u, Napi::Number::New(env, static_cast<double>(off)));
        return r;
      }
      return ThrowSSLError(env, io->ssl_, ret, "SSL_write");
    }
  }
  return Napi::Number::New(env, static_cast<double>(io->transport_->Queued()));
}

// sockPause(connection, paused): stops (or resumes) reading; resuming decrypts what OpenSSL holds.
Napi::Value SocketIo::Pause(const Napi::CallbackInfo& info) {
  SocketIo* io = From(info);
  if (io == nullptr) return {};
  bool paused = false;
  if (!ArgBool(info, 1, "paused", &paused)) return {};
  Napi::Env env = info.Env();
  const bool resumed = io->paused_ && !paused;
  io->paused_ = paused;
  {
    Running running(io, true);
    if (resumed && io->handshake_done_) io->ReadLoop(env);
  }
  return env.IsExceptionPending() ? Napi::Value() : env.Undefined();
}

// sockReadInto(connection, buffer | null): later plaintext goes into `buffer` (from its start, one
// batch per kData event) instead of fresh slabs; null goes back to slabs.
Napi::Value SocketIo::ReadInto(const Napi::CallbackInfo& info) {
  SocketIo* io = From(info);
  if (io == nullptr) return {};
  Napi::Env env = info.Env();
  if (ArgIsNullish(info, 1)) {
    io->target_.Reset();
    return env.Undefined();
  }
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
      info[1].As<Napi::TypedArray>().ByteLength() == 0) {
    return ThrowTypeError(env, "The \"buffer\" argument must be a non-empty Buffer or Uint8Array",
                          "ERR_INVALID_ARG_TYPE");
  }
  io->target_ = Napi::Persistent(info[1]);
  return env.Undefined();
}

// sockEnd(connection) -> true when our FIN went out now, false when it follows the queue (kEnded).
Napi::Value SocketIo::End(const Napi::CallbackInfo& info) {
  SocketIo* io = From(info);
  if (io == nullptr) return {};
  io->end_wanted_ = true;
  if (io->transport_->Queued() == 0 && !io->ended_) {
    io->ended_ = true;
    ::shutdown(io->fd_, SHUT_WR);
  }
  io->UpdatePoll();
  return Napi::Boolean::New(info.Env(), io->ended_);
}

// sockShutdown(connection) -> true when the peer's close_notify had come already, false when ours
// went (or is queued) alone, -errno when the socket failed under it (reported as sockWrite's).
Napi::Value SocketIo::Shutdown(const Napi::CallbackInfo& info) {
  SocketIo* io = From(info);
  if (io == nullptr) return {};
  Napi::Env env = info.Env();
  if (!NotBusy(env, io->conn_)) return {};
  Running running(io, true);
  ConnectionDrive d(io->conn_, io->ssl_, env);
  const int ret = SSL_shutdown(io->ssl_);
  if (io->conn_->bridge.RethrowPending(env)) return {};
  if (io->transport_->err != 0) return SocketFailed(env, io->transport_->err);
  if (ret >= 0) return Napi::Boolean::New(env, ret == 1);
  const int e = SSLResult(io->ssl_, ret);
  if (e == kSSLWantRead || e == kSSLWantWrite) {
    return Napi::Boolean::New(env, false);
  }
  return ThrowSSLError(env, io->ssl_, ret, "SSL_shutdown");
}

// sockError(errno) -> the SysCallError of a socket failure (returned, not thrown).
Napi::Value SocketIo::MakeError(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t err_no = 0;
  if (!ArgInt(info, 0, "errno", &err_no, 1, INT32_MAX)) return {};
  ThrowSysCallError(env, static_cast<int>(err_no));
  return TakeException(env);
}

// sockQueued(connection) -> bytes of ciphertext waiting for the kernel.
Napi::Value SocketIo::Queued(const Napi::CallbackInfo& info) {
  SocketIo* io = From(info);
  if (io == nullptr) return {};
  return Napi::Number::New(info.Env(), static_cast<double>(io->transport_->Queued()));
}

// sockClose(connection): stops the pump and closes our descriptor (idempotent).
Napi::Value SocketIo::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ConnectionWrap* c = ConnectionWrap::FromValue(env, info.Length() > 0 ? info[0] : env.Undefined(), "connection");
  if (c == nullptr) return {};
  if (c->socket_io != nullptr) Detach(c->socket_io);
  return env.Undefined();
}

void SocketIo::OnPoll(void* poll, int status, int events) {
  auto* io = static_cast<SocketIo*>(uv_handle_get_data(AsHandle(poll)));
  if (io == nullptr || io->closed_) return;
  NativeCall call;  // an entry into the addon like a JS call (the error-queue discipline)
  Napi::Env env(io->env_);
  Napi::HandleScope scope(env);
  // Runs queued microtasks and nextTicks after the handlers, as for any I/O callback.
  Napi::CallbackScope callback_scope(env, io->async_);
  Running running(io, false);
  if (status < 0) {
    // libuv has stopped the handle, and reports POLLERR as UV_EBADF: the socket's own error (a
    // reset by the peer, say) says what happened; without one, the read path finds out.
    io->poll_events_ = 0;
    int so_error = 0;
    socklen_t len = sizeof so_error;
    if (::getsockopt(io->fd_, SOL_SOCKET, SO_ERROR, &so_error, &len) == 0 && so_error != 0) {
      io->transport_->err = so_error;
    } else if (status != -EBADF) {
      io->transport_->err = -status;
    } else {
      io->Advance(env);
      return;
    }
    io->Fail(env, 0, "poll");
    return;
  }
  if ((events & kUvWritable) != 0) io->Flush(env);
  if (!io->closed_ && (events & (kUvReadable | kUvDisconnect)) != 0) io->Advance(env);
}

void SocketIo::Advance(Napi::Env env) {
  if (closed_) return;
  // A server's 0-RTT: the client's early data comes out as data (before kSecure) until it ends.
  if (!handshake_done_ && !read_done_ && conn_->ReadsEarlyData(ssl_)) {
    ReadLoop(env);
    if (closed_) return;
    if (read_done_ || conn_->ReadsEarlyData(ssl_)) {
      Flush(env);
      return;
    }
  }
  if (!handshake_done_ && !read_done_) {
    int ret = 0;
    int e = kSSLOk;
    {
      ConnectionDrive d(conn_, ssl_, env);
      // (A server's session tickets follow its handshake as separate records: one send.)
      BatchedSends batch(transport_);
      ClearErrors();
      ret = SSL_do_handshake(ssl_);
      if (ret != 1) e = SSLResult(ssl_, ret);
    }
    if (conn_->bridge.HasPending() || (ret != 1 && e != kSSLWantRead && e != kSSLWantWrite)) {
      Fail(env, ret, "SSL_do_handshake");
      return;
    }
    if (ret != 1) {
      ClearErrors();
      Flush(env);
      return;
    }
    handshake_done_ = true;
    Flush(env);
    if (!Emit(env, kSecure)) return;
  }
  if (handshake_done_) ReadLoop(env);
  if (!closed_) Flush(env);
}

bool SocketIo::ReadTarget(Napi::Env env, Napi::Value* holder, unsigned char** base, size_t* cap,
                          AddonData::ReadSlab** shared) {
  *shared = nullptr;
  if (!target_.IsEmpty()) {
    // Looked up per batch (one call): the reader may have swapped or detached its buffer.
    if (ReaderView(env, holder, base, cap)) return true;
    ThrowTypeError(env, "The onread buffer is empty or detached", "ERR_INVALID_ARG_VALUE");
    return false;
  }
  // One slab for every connection: a connection that reads nothing (most of a short one's reads)
  // costs no buffer, where a slab each cost a zero-filled 64 KiB per connection.
  AddonData::ReadSlab& slab = GetAddonData(env)->read_slab;
  if (slab.busy) {
    Napi::Buffer<unsigned char> own = Napi::Buffer<unsigned char>::New(env, kSlab);
    if (own.IsEmpty()) return false;
    *holder = own;
    *base = own.Data();
    *cap = kSlab;
    return true;
  }
  if (!slab.buffer.IsEmpty()) {
    // A reader may have transferred the slab's ArrayBuffer (postMessage, structuredClone): it is
    // then detached here and no longer ours to fill.
    void* data = nullptr;
    size_t len = 0;
    if (napi_get_buffer_info(env, slab.buffer.Value(), &data, &len) != napi_ok || data != slab.data || len != slab.size)
      slab.buffer.Reset();
  }
  if (slab.buffer.IsEmpty() || slab.size - slab.used < kMinTail) {
    Napi::Buffer<unsigned char> b = Napi::Buffer<unsigned char>::New(env, kSlab);
    if (b.IsEmpty()) return false;
    slab.buffer = Napi::Persistent(b);
    slab.data = b.Data();
    slab.used = 0;
    slab.size = kSlab;
  }
  *holder = slab.buffer.Value();
  *base = slab.data + slab.used;
  *cap = slab.size - slab.used;
  *shared = &slab;
  return true;
}

bool SocketIo::Unbounce(Napi::Env env, const unsigned char* data, size_t n, Napi::Value* holder) {
  if (target_.IsEmpty()) {
    Napi::Buffer<unsigned char> copy = Napi::Buffer<unsigned char>::Copy(env, data, n);
    if (copy.IsEmpty()) return false;
    *holder = copy;
    return true;
  }
  unsigned char* dst = nullptr;
  size_t len = 0;
  if (!ReaderView(env, holder, &dst, &len) || len < n) {
    ThrowStateError(env, "The onread buffer was detached or shrunk by a callback during the read", "ERR_INVALID_STATE");
    return false;
  }
  std::memcpy(dst, data, n);
  return true;
}

bool SocketIo::ReaderView(Napi::Env env, Napi::Value* holder, unsigned char** data, size_t* len) {
  *holder = target_.Value();
  void* p = nullptr;
  napi_typedarray_type type;
  if (napi_get_typedarray_info(env, *holder, &type, len, &p, nullptr, nullptr) != napi_ok || p == nullptr || *len == 0)
    return false;
  *data = static_cast<unsigned char*>(p);
  return true;
}

void SocketIo::ReadLoop(Napi::Env env) {
  // One readiness event reads at most this much while the kernel still has more: a peer that
  // sends without pause must not hold the event loop (other connections, timers, the GC's
  // finalizers); the level-triggered poll calls again on the loop's next turn.
  size_t budget = kReadBudget;
  while (!closed_ && !paused_ && !read_done_) {
    Napi::Value holder;
    unsigned char* base = nullptr;
    size_t cap = 0;
    AddonData::ReadSlab* shared = nullptr;  // the shared slab, when the read goes there
    // While callbacks may run, OpenSSL decrypts into memory of our own (see Bounce), copied into
    // the reader's buffer, or a new Buffer, after the batch.
    const bool bouncing = conn_->MayCallJs(ssl_);
    if (bouncing && target_.IsEmpty()) {
      cap = kSlab;
    } else if (!ReadTarget(env, &holder, &base, &cap, &shared)) {
      Napi::Value error = TakeException(env);
      read_done_ = true;
      Emit(env, kError, error);
      return;
    }
    Bounce bounce(bouncing, cap);
    base = bounce.Target(base);
    size_t total = 0;
    size_t off = 0;
    int ret = 1;
    int e = kSSLOk;
    bool caught_up = false;  // the socket and OpenSSL's buffers are empty: wait for the next poll
    // Before the handshake this reads a server's early data (Advance); its end returns there.
    const bool early = !handshake_done_;
    Napi::Value error;
    {
      // Until the bytes are claimed, callbacks that run inside SSL_read (and may drive
      // another connection's read) must not fill the same tail.
      SlabBusy busy(shared != nullptr ? &shared->busy : nullptr);
      ConnectionDrive d(conn_, ssl_, env);
      // A successful SSL_read leaves the error queue empty: clearing it once per batch suffices.
      ClearErrors();
      while (total < cap) {
        size_t got = 0;
        if (early) {
          const int r = conn_->EarlyRead(ssl_, base + total, cap - total, &got);
          ret = r < 0 ? 0 : 1;
          if (r == 0) {
            caught_up = true;
            break;
          }
        } else {
          ret = SSL_read_ex(ssl_, base + total, cap - total, &got);
        }
        if (ret != 1) {
          e = SSLResult(ssl_, ret);
          break;
        }
        total += got;
        if (conn_->bridge.HasPending()) break;
        if (transport_->drained && SSL_pending(ssl_) == 0 && SSL_has_pending(ssl_) == 0) {
          caught_up = true;
          break;
        }
      }
      if (shared != nullptr) {  // claimed: the next read, this connection's or another's, goes after it
        off = shared->used;
        shared->used += total;
      }
      // The error is built now, while the queue and SSL state are OpenSSL's, and delivered after
      // the plaintext that came before it.
      if (conn_->bridge.RethrowPending(env)) {
        error = TakeException(env);
      } else if (ret != 1 && e != kSSLWantRead && e != kSSLWantWrite && e != kSSLZeroReturn) {
        if (transport_->eof && transport_->err == 0) {
          ClearErrors();
        } else {
          if (transport_->err != 0) {
            ClearErrors();
            ThrowSysCallError(env, transport_->err);
          } else {
            ThrowSSLError(env, ssl_, ret, early ? "SSL_read_early_data" : "SSL_read");
          }
          error = TakeException(env);
        }
      } else if (ret != 1) {
        ClearErrors();
      }
    }
    if (bounce.active() && total > 0 && !Unbounce(env, bounce.data(), total, &holder)) {
      error = TakeException(env);
      total = 0;
    }
    if (total > 0) {
      if (!Emit(env, kData, holder, Napi::Number::New(env, static_cast<double>(off)),
                Napi::Number::New(env, static_cast<double>(total))))
        return;
    } else if (write_waits_peer_ && error.IsEmpty() && SSL_in_init(ssl_) == 0 && transport_->Queued() == 0) {
      // The renegotiation that stopped a write is over, and no data came to retry it with (kData
      // retries stalled writes): kDrain does.
      write_waits_peer_ = false;
      if (!Emit(env, kDrain)) return;
    }
    if (!error.IsEmpty()) {
      read_done_ = true;
      linger_ = transport_->err == 0;  // an alert, not a dead socket: close gracefully
      Flush(env);  // the alert
      Emit(env, kError, error);
      return;
    }
    if (ret == 1 && caught_up) return;  // level-triggered polling calls again when more comes
    if (early && !conn_->ReadsEarlyData(ssl_)) return;  // early data is over: Advance goes on
    if (ret == 1) {  // the buffer filled up: there may be more
      budget = budget > total ? budget - total : 0;
      if (budget == 0 && !transport_->drained) return;
      continue;
    }
    if (e == kSSLZeroReturn) {
      read_done_ = true;
      Flush(env);
      Emit(env, kCloseNotify);
      return;
    }
    if (e != kSSLWantRead && e != kSSLWantWrite) {  // EOF without close_notify
      read_done_ = true;
      Emit(env, kEof);
    }
    return;
  }
}

void SocketIo::Flush(Napi::Env env) {
  if (closed_) return;
  const bool had = transport_->Queued() > 0;
  if (had && !transport_->FlushQueue()) {
    ThrowSysCallError(env, transport_->err);
    Napi::Value error = TakeException(env);
    read_done_ = true;
    Emit(env, kError, error);
    return;
  }
  if (transport_->Queued() > 0) return;
  if (had && !Emit(env, kDrain)) return;
  // The drain handler may have written (and asked for the FIN) again.
  if (end_wanted_ && !ended_ && transport_->Queued() == 0) {
    ended_ = true;
    ::shutdown(fd_, SHUT_WR);
    Emit(env, kEnded);
  }
}

void SocketIo::Fail(Napi::Env env, int ret, const char* op) {
  Napi::Value error;
  if (conn_->bridge.RethrowPending(env)) {
    error = TakeException(env);
  } else if (transport_->err != 0) {
    ClearErrors();
    ThrowSysCallError(env, transport_->err);
    error = TakeException(env);
  } else if (transport_->eof) {
    ClearErrors();
    read_done_ = true;
    Emit(env, kEof);
    return;
  } else {
    ThrowSSLError(env, ssl_, ret, op);
    error = TakeException(env);
  }
  read_done_ = true;
  linger_ = transport_->err == 0;  // an alert, not a dead socket: close gracefully
  Flush(env);  // the alert OpenSSL queued, if the kernel did not take it at once
  Emit(env, kError, error);
}

bool SocketIo::Emit(Napi::Env env, Event kind, Napi::Value a, Napi::Value b, Napi::Value c) {
  if (closed_) return false;
  napi_value argv[4] = {Napi::Number::New(env, kind), a.IsEmpty() ? env.Undefined() : a,
                        b.IsEmpty() ? env.Undefined() : b, c.IsEmpty() ? env.Undefined() : c};
  napi_value result = nullptr;
  const napi_status st = napi_call_function(env, conn_ref_.Value(), on_event_.Value(), 4, argv, &result);
  if (st != napi_ok || env.IsExceptionPending()) {
    if (in_js_) return false;  // propagates to the JS call that drove us
    // From the event loop: an uncaught exception, as a throwing 'data' listener of a net.Socket.
    Napi::Value e = TakeException(env);
    napi_fatal_exception(env, e);
    return false;
  }
  return !closed_;
}

void SocketIo::UpdatePoll() {
  if (closed_ || poll_ == nullptr) return;
  int events = 0;
  if (!paused_ && !read_done_) events |= kUvReadable | kUvDisconnect;
  if (transport_->Queued() > 0 || (end_wanted_ && !ended_)) events |= kUvWritable;
  if (events == poll_events_) return;
  poll_events_ = events;
  if (events == 0) {
    uv_poll_stop(AsPoll(poll_));
  } else {
    uv_poll_start(AsPoll(poll_), events, [](uv_poll_t* p, int status, int ev) { OnPoll(p, status, ev); });
  }
}

void SocketIo::Detach(SocketIo* io) {
  if (io->closed_) return;
  io->closed_ = true;
  io->conn_->socket_io = nullptr;
  FdTransport& t = *io->transport_;
  uv_loop_t* loop = nullptr;
  if (io->linger_ && !io->in_cleanup_ && t.err == 0 && io->poll_ != nullptr &&
      napi_get_uv_event_loop(io->env_, &loop) == napi_ok && loop != nullptr) {
    // A fatal alert went (or is queued): the descriptor lingers until the peer has it.
    uv_poll_stop(AsPoll(io->poll_));
    std::vector<unsigned char> rest(t.out.begin() + static_cast<std::ptrdiff_t>(t.out_off), t.out.end());
    t.out.clear();
    t.out_off = 0;
    Lingerer::Start(io->env_, loop, io->fd_, io->poll_, std::move(rest));
  } else if (io->poll_ != nullptr) {
    // uv_close takes the descriptor out of the loop's epoll set before it is closed.
    Lingerer::CloseNow(io->fd_, io->poll_);
  } else {
    ::close(io->fd_);
  }
  io->poll_ = nullptr;
  io->fd_ = -1;
  io->transport_->fd = -1;
  if (!io->in_cleanup_) napi_remove_env_cleanup_hook(io->env_, CleanupHook, io);
  if (io->running_ == 0) delete io;
}

void SocketIo::CleanupHook(void* arg) {
  auto* io = static_cast<SocketIo*>(arg);
  io->in_cleanup_ = true;
  Detach(io);
}

void SocketIo::Init(Napi::Env env, Napi::Object exports) {
  exports.Set("sockAttach", NativeFunction<Attach>(env, "sockAttach"));
  exports.Set("sockStart", NativeFunction<Start>(env, "sockStart"));
  exports.Set("sockWrite", NativeFunction<Write>(env, "sockWrite"));
  exports.Set("sockPause", NativeFunction<Pause>(env, "sockPause"));
  exports.Set("sockReadInto", NativeFunction<ReadInto>(env, "sockReadInto"));
  exports.Set("sockEnd", NativeFunction<End>(env, "sockEnd"));
  exports.Set("sockShutdown", NativeFunction<Shutdown>(env, "sockShutdown"));
  exports.Set("sockError", NativeFunction<MakeError>(env, "sockError"));
  exports.Set("sockQueued", NativeFunction<Queued>(env, "sockQueued"));
  exports.Set("sockClose", NativeFunction<Close>(env, "sockClose"));
  // The one linger rule, for the stream-event pump's net.Socket too (lib/ssl/tls-engine.ts).
  Napi::Object linger = Napi::Object::New(env);
  linger.Set("millis", Napi::Number::New(env, static_cast<double>(Lingerer::kMillis)));
  linger.Set("maxBytes", Napi::Number::New(env, static_cast<double>(Lingerer::kMaxDrained)));
  exports.Set("sockLinger", linger);
}

namespace {
Module registration(&SocketIo::Init);
}

}  // namespace ossl
