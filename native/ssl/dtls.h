// DTLS: a datagram-preserving memory BIO (OpenSSL 3.0 has no BIO_s_dgram_mem) and the DTLS
// free functions (native/ssl/dtls.cc).
#pragma once
#include <openssl/bio.h>

namespace ossl {

// A new memory BIO that keeps datagram boundaries: each BIO_write is one datagram, each BIO_read
// returns (at most) one datagram, BIO_ctrl_pending is the size of the next datagram. Answers the
// BIO_CTRL_DGRAM_* queries DTLS makes (MTU, overhead, peer). Null on allocation failure.
BIO* NewDatagramMemBio();

}  // namespace ossl
