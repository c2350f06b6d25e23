/* The C ceiling: the same work as the binding's benchmark lines, as a plain C loop over the same
 * OpenSSL the addon links. Usage: ceiling LINE SECONDS [FIXTURES_DIR]  -> prints one JSON object.
 * Lines: hs13-ecdsa hs12-rsa resume13 resume12-id resume12-ticket bulk-aesgcm bulk-chacha
 *        tcp-hs13 tcp-bulk tcp-bulk-events tcp-bulk-chacha parse-pem selfsigned-p256 verify-chain
 * Every client verifies the server's chain against the CA, checks the host name and sends SNI,
 * as the binding's and node:tls's do (bench/impl/common.js: SERVER_NAME). */
#define _GNU_SOURCE
#include <sched.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
  fprintf(stderr, "ceiling: %s failed\n", what);
  ERR_print_errors_fp(stderr);
  exit(1);
}

static EVP_PKEY *make_key(int rsa) {
  EVP_PKEY *k = rsa ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048) : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  if (!k) die("keygen");
  return k;
}

typedef struct {
  SSL_CTX *server, *client;
} ctxs;

static const char *fixtures = ".";
/* CEILING_OPS=N runs exactly N operations instead of a time (for instruction counts; bytes for the
 * MB/s lines, in whole batches of 1 MiB). */
static long ops_limit = 0;
static int keep_going(long ops, double elapsed, double seconds) {
  return ops_limit > 0 ? ops < ops_limit : elapsed < seconds;
}

static X509 *load_cert(const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", fixtures, name);
  FILE *f = fopen(path, "r");
  if (!f) die(path);
  X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  if (!x) die("PEM_read_X509");
  return x;
}

static EVP_PKEY *load_key(const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", fixtures, name);
  FILE *f = fopen(path, "r");
  if (!f) die(path);
  EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
  fclose(f);
  if (!k) die("PEM_read_PrivateKey");
  return k;
}

static const char server_name[] = "bench.local";

/* A line's contexts, made once per process: the identity parsed once, and (self-signed) the
 * client's CA. */
static ctxs make_ctxs(int rsa, int version) {
  ctxs c;
  EVP_PKEY *k = load_key(rsa ? "rsa-key.pem" : "ec-key.pem");
  X509 *x = load_cert(rsa ? "rsa-cert.pem" : "ec-cert.pem");
  c.server = SSL_CTX_new(TLS_method());
  c.client = SSL_CTX_new(TLS_method());
  if (!c.server || !c.client) die("SSL_CTX_new");
  SSL_CTX_use_certificate(c.server, x);
  SSL_CTX_use_PrivateKey(c.server, k);
  SSL_CTX_set_verify(c.client, SSL_VERIFY_PEER, NULL);
  if (X509_STORE_add_cert(SSL_CTX_get_cert_store(c.client), x) != 1) die("X509_STORE_add_cert");
  SSL_CTX_set_min_proto_version(c.server, version);
  SSL_CTX_set_max_proto_version(c.server, version);
  SSL_CTX_set_min_proto_version(c.client, version);
  SSL_CTX_set_max_proto_version(c.client, version);
  if (version == TLS1_2_VERSION) {
    SSL_CTX_set_cipher_list(c.client, rsa ? "ECDHE-RSA-AES128-GCM-SHA256" : "ECDHE-ECDSA-AES128-GCM-SHA256");
  }
  SSL_CTX_set_session_id_context(c.server, (const unsigned char *)"bench", 5);
  X509_free(x);
  EVP_PKEY_free(k);
  return c;
}

/* A client connection: SNI, and the host name its peer's certificate must carry. */
static SSL *new_client(SSL_CTX *ctx) {
  SSL *ssl = SSL_new(ctx);
  if (!ssl || SSL_set_tlsext_host_name(ssl, server_name) != 1 || SSL_set1_host(ssl, server_name) != 1) die("client SSL");
  return ssl;
}

typedef struct {
  SSL *ssl;
  BIO *rbio, *wbio;
} end;

static end make_end(SSL_CTX *ctx, int server) {
  end e;
  e.ssl = server ? SSL_new(ctx) : new_client(ctx);
  e.rbio = BIO_new(BIO_s_mem());
  e.wbio = BIO_new(BIO_s_mem());
  SSL_set_bio(e.ssl, e.rbio, e.wbio);
  if (server) SSL_set_accept_state(e.ssl);
  else SSL_set_connect_state(e.ssl);
  return e;
}

static unsigned char xfer_buf[1 << 17];

/* Moves everything one side wrote into the other side's read BIO. */
static int move(end *from, end *to) {
  int moved = 0;
  for (;;) {
    int n = BIO_read(from->wbio, xfer_buf, sizeof xfer_buf);
    if (n <= 0) break;
    BIO_write(to->rbio, xfer_buf, n);
    moved += n;
  }
  return moved;
}

/* Reads until the client wants more: TLS 1.3 tickets arrive after the handshake. */
static void read_tickets(end *c) {
  unsigned char b[16];
  int r;
  while ((r = SSL_read(c->ssl, b, sizeof b)) > 0);
  if (SSL_get_error(c->ssl, r) != SSL_ERROR_WANT_READ) die("ticket read");
}

/* A handshake, then the client reads what the server sent after it (TLS 1.3 tickets). */
static void handshake(end *c, end *s) {
  int cdone = 0, sdone = 0;
  for (int i = 0; i < 100 && !(cdone && sdone); i++) {
    if (!cdone) {
      int r = SSL_do_handshake(c->ssl);
      if (r == 1) cdone = 1;
      else if (SSL_get_error(c->ssl, r) != SSL_ERROR_WANT_READ) die("client handshake");
    }
    move(c, s);
    if (!sdone) {
      int r = SSL_do_handshake(s->ssl);
      if (r == 1) sdone = 1;
      else if (SSL_get_error(s->ssl, r) != SSL_ERROR_WANT_READ) die("server handshake");
    }
    move(s, c);
  }
  if (!(cdone && sdone)) die("handshake loop");
  read_tickets(c);
}

/* A quiet shutdown: without it SSL_free marks the session not resumable. */
static void free_end(end *e) {
  SSL_set_shutdown(e->ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  SSL_free(e->ssl);
}

static void run_handshakes(const char *line, int rsa, int version, int resume, int tickets, double seconds) {
  ctxs cx = make_ctxs(rsa, version);
  if (!tickets) SSL_CTX_set_options(cx.server, SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(cx.client, SSL_SESS_CACHE_CLIENT);
  SSL_SESSION *sess = NULL;
  if (resume) {
    end c = make_end(cx.client, 0), s = make_end(cx.server, 1);
    handshake(&c, &s);
    sess = SSL_get1_session(c.ssl);
    free_end(&c);
    free_end(&s);
  }
  long ops = 0, reused = 0;
  double t0 = now(), t1;
  do {
    for (int i = 0; i < 10; i++) {
      end c = make_end(cx.client, 0), s = make_end(cx.server, 1);
      if (sess) SSL_set_session(c.ssl, sess);
      handshake(&c, &s);
      reused += SSL_session_reused(c.ssl);
      if (resume && version == TLS1_3_VERSION) {
        /* TLS 1.3 clients use each ticket once: resume with the newest. */
        SSL_SESSION_free(sess);
        sess = SSL_get1_session(c.ssl);
      }
      free_end(&c);
      free_end(&s);
      ops++;
    }
    t1 = now();
  } while (keep_going(ops, t1 - t0, seconds));
  if (resume && reused != ops) { fprintf(stderr, "reused %ld of %ld\n", reused, ops); die("resumption did not resume"); }
  printf("{\"line\":\"%s\",\"ops\":%ld,\"seconds\":%.6f,\"rate\":%.3f,\"unit\":\"handshakes/s\"}\n", line, ops, t1 - t0, ops / (t1 - t0));
  SSL_SESSION_free(sess);
  SSL_CTX_free(cx.server);
  SSL_CTX_free(cx.client);
}

static void run_bulk(const char *line, const char *suite, double seconds) {
  ctxs cx = make_ctxs(0, TLS1_3_VERSION);
  SSL_CTX_set_ciphersuites(cx.client, suite);
  SSL_CTX_set_ciphersuites(cx.server, suite);
  end c = make_end(cx.client, 0), s = make_end(cx.server, 1);
  handshake(&c, &s);
  static unsigned char plain[16384], out[16384];
  memset(plain, 'x', sizeof plain);
  long bytes = 0;
  double t0 = now(), t1;
  do {
    for (int i = 0; i < 64; i++) {
      if (SSL_write(c.ssl, plain, sizeof plain) != (int)sizeof plain) die("SSL_write");
      move(&c, &s);
      int got = 0;
      while (got < (int)sizeof plain) {
        int n = SSL_read(s.ssl, out, sizeof out);
        if (n <= 0) die("SSL_read");
        got += n;
      }
      bytes += got;
    }
    t1 = now();
  } while (keep_going(bytes, t1 - t0, seconds));
  printf("{\"line\":\"%s\",\"ops\":%ld,\"seconds\":%.6f,\"rate\":%.3f,\"unit\":\"MB/s\"}\n", line, bytes, t1 - t0, bytes / (t1 - t0) / 1e6);
  free_end(&c);
  free_end(&s);
  SSL_CTX_free(cx.server);
  SSL_CTX_free(cx.client);
}

static void run_parse(double seconds) {
  X509 *x = load_cert("ec-cert.pem");
  BIO *mem = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(mem, x);
  char *pem;
  long len = BIO_get_mem_data(mem, &pem);
  long ops = 0;
  double t0 = now(), t1;
  do {
    for (int i = 0; i < 100; i++) {
      BIO *b = BIO_new_mem_buf(pem, (int)len);
      X509 *y = PEM_read_bio_X509(b, NULL, NULL, NULL);
      if (!y) die("PEM_read_bio_X509");
      X509_free(y);
      BIO_free(b);
      ops++;
    }
    t1 = now();
  } while (keep_going(ops, t1 - t0, seconds));
  printf("{\"line\":\"parse-pem\",\"ops\":%ld,\"seconds\":%.6f,\"rate\":%.3f,\"unit\":\"certs/s\"}\n", ops, t1 - t0, ops / (t1 - t0));
  BIO_free(mem);
  X509_free(x);
}

static void run_selfsigned(double seconds) {
  EVP_PKEY *k = make_key(0);
  long ops = 0;
  double t0 = now(), t1;
  do {
    for (int i = 0; i < 20; i++) {
      X509 *x = X509_new();
      ASN1_INTEGER_set(X509_get_serialNumber(x), ops);
      X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8, (const unsigned char *)"example.com", -1, -1, 0);
      X509_set_issuer_name(x, X509_get_subject_name(x));
      X509_gmtime_adj(X509_getm_notBefore(x), 0);
      X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
      X509_set_pubkey(x, k);
      if (!X509_sign(x, k, EVP_sha256())) die("X509_sign");
      BIO *pem = BIO_new(BIO_s_mem());
      if (!PEM_write_bio_X509(pem, x)) die("PEM_write_bio_X509");
      BIO_free(pem);
      X509_free(x);
      ops++;
    }
    t1 = now();
  } while (keep_going(ops, t1 - t0, seconds));
  printf("{\"line\":\"selfsigned-p256\",\"ops\":%ld,\"seconds\":%.6f,\"rate\":%.3f,\"unit\":\"certs/s\"}\n", ops, t1 - t0, ops / (t1 - t0));
  EVP_PKEY_free(k);
}

static void run_verify(double seconds) {
  X509 *root = load_cert("root.pem");
  X509 *inter = load_cert("int.pem");
  X509 *leaf = load_cert("leaf.pem");
  X509_STORE *store = X509_STORE_new();
  X509_STORE_add_cert(store, root);
  STACK_OF(X509) *chain = sk_X509_new_null();
  sk_X509_push(chain, inter);
  long ops = 0;
  double t0 = now(), t1;
  do {
    for (int i = 0; i < 20; i++) {
      X509_STORE_CTX *ctx = X509_STORE_CTX_new();
      X509_STORE_CTX_init(ctx, store, leaf, chain);
      if (X509_verify_cert(ctx) != 1) die("X509_verify_cert");
      X509_STORE_CTX_free(ctx);
      ops++;
    }
    t1 = now();
  } while (keep_going(ops, t1 - t0, seconds));
  printf("{\"line\":\"verify-chain\",\"ops\":%ld,\"seconds\":%.6f,\"rate\":%.3f,\"unit\":\"verifications/s\"}\n", ops, t1 - t0, ops / (t1 - t0));
  sk_X509_free(chain);
  X509_STORE_free(store);
}

/* Loopback TCP: a forked server process and this process as the client. Both stay on the core
 * the runner pinned us to, unless CEILING_SERVER_CPU / CEILING_CLIENT_CPU put them on their own
 * (bench/net.js: two processes on two cores, as a deployment). */
static void pin_to(const char *env) {
  const char *v = getenv(env);
  if (!v || !*v) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(atoi(v), &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) die("sched_setaffinity");
}

static int tcp_listen(int *port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 128) != 0) die("bind/listen");
  socklen_t len = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &len);
  *port = ntohs(a.sin_port);
  return fd;
}

static int tcp_connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) die("connect");
  return fd;
}

static void run_tcp(const char *line, int bulk, double seconds) {
  ctxs cx = make_ctxs(0, TLS1_3_VERSION);
  SSL_CTX_set_ciphersuites(cx.server, strstr(line, "chacha") ? "TLS_CHACHA20_POLY1305_SHA256" : "TLS_AES_128_GCM_SHA256");
  int port = 0;
  signal(SIGPIPE, SIG_IGN); /* a peer that closed first must not kill us */
  int lfd = tcp_listen(&port);
  pid_t pid = fork();
  if (pid == 0) {
    pin_to("CEILING_SERVER_CPU");
    for (;;) {
      int fd = accept(lfd, NULL, NULL);
      if (fd < 0) _exit(0);
      SSL *ssl = SSL_new(cx.server);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) {
        if (bulk) {
          /* server to client, as the JS servers of the TCP lines: 256 KiB writes until the client goes */
          static unsigned char chunk[256 * 1024];
          memset(chunk, 'x', sizeof chunk);
          while (SSL_write(ssl, chunk, sizeof chunk) > 0) {
          }
        } else {
          SSL_shutdown(ssl);
        }
      }
      SSL_free(ssl);
      close(fd);
    }
  }
  close(lfd);
  pin_to("CEILING_CLIENT_CPU");
  long ops = 0;
  unsigned long long total = 0;
  double t0 = now(), t1;
  if (bulk) {
    int fd = tcp_connect(port);
    SSL *ssl = new_client(cx.client);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) die("SSL_connect");
    /* count what the server sends, into one 64 KiB buffer, from the first byte for `seconds` */
    static unsigned char buf[1 << 16];
    int n = SSL_read(ssl, buf, sizeof buf);
    if (n <= 0) die("SSL_read");
    t0 = now();
    do {
      n = SSL_read(ssl, buf, sizeof buf);
      if (n <= 0) die("SSL_read");
      total += (unsigned long long)n;
      t1 = now();
    } while (t1 - t0 < seconds);
    SSL_free(ssl);
    close(fd);
    printf("{\"line\":\"%s\",\"ops\":%llu,\"seconds\":%.6f,\"rate\":%.3f,\"unit\":\"MB/s\"}\n", line, total, t1 - t0, total / (t1 - t0) / 1e6);
  } else {
    do {
      int fd = tcp_connect(port);
      SSL *ssl = new_client(cx.client);
      SSL_set_fd(ssl, fd);
      if (SSL_connect(ssl) != 1) die("SSL_connect");
      SSL_free(ssl);
      close(fd);
      ops++;
      t1 = now();
    } while (keep_going(ops, t1 - t0, seconds));
    printf("{\"line\":\"%s\",\"ops\":%ld,\"seconds\":%.6f,\"rate\":%.3f,\"unit\":\"handshakes/s\"}\n", line, ops, t1 - t0, ops / (t1 - t0));
  }
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: ceiling LINE SECONDS [FIXTURES_DIR]\n");
    return 2;
  }
  if (argc > 3) fixtures = argv[3];
  if (getenv("CEILING_OPS")) ops_limit = atol(getenv("CEILING_OPS"));
  const char *line = argv[1];
  double seconds = atof(argv[2]);
  OPENSSL_init_ssl(0, NULL);
  if (!strcmp(line, "hs13-ecdsa")) run_handshakes(line, 0, TLS1_3_VERSION, 0, 1, seconds);
  else if (!strcmp(line, "hs12-rsa")) run_handshakes(line, 1, TLS1_2_VERSION, 0, 1, seconds);
  else if (!strcmp(line, "resume13")) run_handshakes(line, 0, TLS1_3_VERSION, 1, 1, seconds);
  else if (!strcmp(line, "resume12-id")) run_handshakes(line, 1, TLS1_2_VERSION, 1, 0, seconds);
  else if (!strcmp(line, "resume12-ticket")) run_handshakes(line, 1, TLS1_2_VERSION, 1, 1, seconds);
  else if (!strcmp(line, "bulk-aesgcm")) run_bulk(line, "TLS_AES_128_GCM_SHA256", seconds);
  else if (!strcmp(line, "bulk-chacha")) run_bulk(line, "TLS_CHACHA20_POLY1305_SHA256", seconds);
  else if (!strcmp(line, "tcp-hs13")) run_tcp(line, 0, seconds);
  else if (!strcmp(line, "tcp-bulk") || !strcmp(line, "tcp-bulk-events") || !strcmp(line, "tcp-bulk-chacha")) run_tcp(line, 1, seconds);
  else if (!strcmp(line, "parse-pem")) run_parse(seconds);
  else if (!strcmp(line, "selfsigned-p256")) run_selfsigned(seconds);
  else if (!strcmp(line, "verify-chain")) run_verify(seconds);
  else {
    fprintf(stderr, "ceiling: unknown line %s\n", line);
    return 2;
  }
  return 0;
}
