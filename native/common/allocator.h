// The allocator of the addon's own OpenSSL: a small per-thread cache of freed blocks in front of
// malloc (see allocator.cc for why).
#pragma once

namespace ossl {

/**
 * Routes OpenSSL's CRYPTO_malloc/realloc/free through the per-thread block cache. Must run before
 * OpenSSL's first allocation; returns false (and changes nothing) when the cache is compiled out
 * (sanitizer builds, non-glibc), not asked for (it is opt-in: OPENSSL_NAPI_BLOCK_CACHE=1), without entropy for its
 * link secret yet, or when OpenSSL has already allocated (an OpenSSL shared with someone else):
 * OpenSSL then keeps plain malloc.
 */
bool InstallOpenSSLAllocator();

/** Whether OpenSSL allocates through the block cache (InstallOpenSSLAllocator succeeded). */
bool OpenSSLBlockCacheActive();

}  // namespace ossl
