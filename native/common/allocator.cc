// OpenSSL 3 allocates and frees thousands of small blocks per handshake (about 3000 for a TLS 1.3
// pair, a quarter of which miss glibc's 7-deep per-thread cache and take the arena path, locked in
// a multi-threaded process such as Node). This keeps, per thread, a bounded LIFO stack of freed
// blocks for each glibc size class up to 1 KiB and hands them back out without touching malloc.
// Blocks stay ordinary glibc allocations throughout (a cached block is one malloc has not seen
// freed), so realloc, malloc_usable_size and a free that bypasses the cache all remain valid.
// The cache keeps glibc's tcache hardening: list links are mangled with their own address and a
// per-process secret (a stray write into a freed block cannot steer the next allocation), and a
// block freed twice is caught, both ending in abort() as glibc does.
#include "common/allocator.h"

#include <openssl/crypto.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#if defined(__SANITIZE_ADDRESS__)
#define OSSL_BLOCK_CACHE 0  // ASan must see every free to find use-after-free
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define OSSL_BLOCK_CACHE 0
#endif
#endif
#if !defined(OSSL_BLOCK_CACHE) && defined(__GLIBC__)
#define OSSL_BLOCK_CACHE 1
#endif

#if OSSL_BLOCK_CACHE
#include <malloc.h>
#include <sys/random.h>

#include <cstdio>

namespace ossl {
namespace {

// glibc's chunks hold 24 + 16k usable bytes; class k is that size, for k < kClasses (up to 1032).
constexpr size_t kMinUsable = 24;
constexpr size_t kClasses = 64;
// At most this many bytes per class and thread stay cached (so at most 1 MiB per thread in all).
constexpr size_t kBytesPerClass = 16 * 1024;

constexpr size_t ClassSize(size_t k) { return kMinUsable + 16 * k; }
constexpr uint16_t ClassLimit(size_t k) { return static_cast<uint16_t>(kBytesPerClass / ClassSize(k)); }

// A cached block: its first two words (every class has at least 24 bytes).
struct FreeBlock {
  uintptr_t link;  // the next block, mangled (see Mangle)
  uintptr_t key;   // kFreeKey while cached: a second free of the block finds it here
};

uintptr_t linkSecret = 0;  // set once, before the first allocation
uintptr_t freeKey = 0;

uintptr_t Mangle(const FreeBlock* at, FreeBlock* next) {
  return reinterpret_cast<uintptr_t>(next) ^ (reinterpret_cast<uintptr_t>(&at->link) >> 12) ^ linkSecret;
}
FreeBlock* Unmangle(const FreeBlock* at) {
  return reinterpret_cast<FreeBlock*>(at->link ^ (reinterpret_cast<uintptr_t>(&at->link) >> 12) ^ linkSecret);
}

[[noreturn]] void HeapCorrupted(const char* what) {
  std::fprintf(stderr, "openssl-napi: %s\n", what);
  std::abort();
}

// Trivially destructible and zero-initialised, so it stays usable after the thread's destructors
// have run (OpenSSL frees its thread state later, from pthread key destructors): `dead` then sends
// every block straight to free().
struct BlockCache {
  FreeBlock* head[kClasses];
  uint16_t count[kClasses];
  bool armed;
  bool dead;
};
thread_local BlockCache cache;

// Empties the thread's cache when the thread ends (C++ thread_local destructors run before pthread
// key destructors and, on the main thread, before atexit handlers).
struct CacheDrain {
  bool registered = false;
  ~CacheDrain() {
    cache.dead = true;
    for (size_t k = 0; k < kClasses; k++) {
      FreeBlock* b = cache.head[k];
      for (uint16_t i = 0; i < cache.count[k]; i++) {
        FreeBlock* next = Unmangle(b);
        std::free(b);
        b = next;
      }
      cache.head[k] = nullptr;
      cache.count[k] = 0;
    }
  }
};
thread_local CacheDrain drain;

void* CachedMalloc(size_t n, const char*, int) {
  // The smallest class that holds n bytes.
  const size_t k = n <= kMinUsable ? 0 : (n - kMinUsable + 15) / 16;
  if (k >= kClasses) return std::malloc(n);
  BlockCache& c = cache;
  if (c.count[k] > 0) {
    FreeBlock* b = c.head[k];
    FreeBlock* next = Unmangle(b);
    if ((reinterpret_cast<uintptr_t>(next) & 15) != 0) HeapCorrupted("corrupted free-block link (use after free?)");
    c.head[k] = next;
    c.count[k]--;
    b->key = 0;
    return b;
  }
  return std::malloc(ClassSize(k));  // the whole class, so the block can serve any request of it
}

void CachedFree(void* p, const char*, int) {
  if (p == nullptr) return;
  const size_t usable = malloc_usable_size(p);
  // The largest class the block can serve.
  const size_t k = usable < kMinUsable ? kClasses : (usable - kMinUsable) / 16;
  BlockCache& c = cache;
  if (k < kClasses && !c.dead && c.count[k] < ClassLimit(k)) {
    if (!c.armed) {
      c.armed = true;
      drain.registered = true;  // first use constructs it, which registers its destructor
    }
    FreeBlock* b = static_cast<FreeBlock*>(p);
    if (b->key == freeKey) {  // freed before? (or user data that happens to match: look)
      FreeBlock* q = c.head[k];
      for (uint16_t i = 0; i < c.count[k]; i++, q = Unmangle(q)) {
        if (q == b) HeapCorrupted("double free of an OpenSSL block");
      }
    }
    b->link = Mangle(b, c.head[k]);
    b->key = freeKey;
    c.head[k] = b;
    c.count[k]++;
    return;
  }
  std::free(p);
}

void* CachedRealloc(void* p, size_t n, const char* file, int line) {
  if (p == nullptr) return CachedMalloc(n, file, line);
  if (n == 0) {
    CachedFree(p, file, line);
    return nullptr;
  }
  return std::realloc(p, n);
}

bool installed = false;

}  // namespace

bool InstallOpenSSLAllocator() {
  // OPENSSL_NAPI_BLOCK_CACHE=0 keeps plain malloc: for valgrind's memcheck, and to measure the cache.
  const char* setting = std::getenv("OPENSSL_NAPI_BLOCK_CACHE");
  if (setting != nullptr && setting[0] == '0' && setting[1] == '\0') return false;
  // Fresh random words, as glibc keys its own tcache (without blocking: no entropy yet, no cache).
  uintptr_t seed[2];
  if (getrandom(seed, sizeof seed, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof seed)) return false;
  linkSecret = seed[0];
  freeKey = seed[1] | 1;  // never 0, the value of a block in use
  installed = CRYPTO_set_mem_functions(CachedMalloc, CachedRealloc, CachedFree) == 1;
  return installed;
}

bool OpenSSLBlockCacheActive() { return installed; }

}  // namespace ossl

#else

namespace ossl {
bool InstallOpenSSLAllocator() { return false; }
bool OpenSSLBlockCacheActive() { return false; }
}  // namespace ossl

#endif
