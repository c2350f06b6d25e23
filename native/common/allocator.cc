// OpenSSL 3 allocates and frees thousands of blocks per handshake (about 3000 for a TLS 1.3 pair,
// a quarter of which miss glibc's 7-deep per-thread cache and take the arena path, locked in a
// multi-threaded process such as Node; and each connection's 1-22 KiB record and message buffers
// always take it). This keeps, per thread, bounded LIFO stacks of freed blocks and hands them back
// out without touching malloc: one stack for each glibc size class up to 1 KiB, and a few stacks
// keyed by exact size for the larger blocks OpenSSL allocates over and over.
// Blocks stay ordinary glibc allocations throughout (a cached block is one malloc has not seen
// freed), so realloc, malloc_usable_size and a free that bypasses the cache all remain valid.
// The cache keeps glibc's tcache hardening: list links are mangled with their own address and a
// per-process secret (a stray write into a freed block cannot steer the next allocation), and a
// block freed twice is caught, both ending in abort() as glibc does.
#include "common/allocator.h"

#include <openssl/crypto.h>

#include <algorithm>
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
#include <cstring>
#include <initializer_list>

namespace ossl {
namespace {

// glibc's heap chunks hold 24 + 16k usable bytes; class k is that size.
constexpr size_t kMinUsable = 24;
constexpr size_t ClassSize(size_t k) { return kMinUsable + 16 * k; }
// The smallest class that holds n bytes.
constexpr size_t ClassOf(size_t n) { return n <= kMinUsable ? 0 : (n - kMinUsable + 15) / 16; }

// Small blocks: a stack per class up to 1032 bytes, at most 16 KiB per class and thread.
constexpr size_t kSmallClasses = 64;
constexpr size_t kBytesPerSmallClass = 16 * 1024;
constexpr uint32_t SmallLimit(size_t k) { return static_cast<uint32_t>(kBytesPerSmallClass / ClassSize(k)); }
// Large blocks up to 64 KiB: a few stacks, each of one exact size (OpenSSL asks for the same few
// sizes per connection), each up to 32 KiB (at least 4 blocks), 512 KiB in all per thread. A size
// with no stack takes the one used longest ago: sizes freed once (at start-up, say) must not keep
// the stacks from the sizes every connection asks for.
constexpr size_t kLargeMaxClass = ClassOf(64 * 1024);
constexpr size_t kLargeSlots = 16;
constexpr size_t kLargeBytesPerSlot = 32 * 1024;
constexpr uint32_t LargeLimit(size_t k) { return static_cast<uint32_t>(std::max<size_t>(4, kLargeBytesPerSlot / ClassSize(k))); }
constexpr size_t kLargeBytes = 512 * 1024;

// A cached block: its first two words (every class has at least 24 bytes).
struct FreeBlock {
  uintptr_t link;  // the next block, mangled (see Mangle)
  uintptr_t key;   // freeKey while cached: a second free of the block finds it here
};

struct Stack {
  FreeBlock* head;
  uint32_t count;
};

// One thread's cache, on the heap: the thread reaches it through one pointer in static TLS.
struct BlockCache {
  Stack small[kSmallClasses];
  size_t largeClass[kLargeSlots];  // the class a large stack holds (meaningful while count > 0)
  Stack large[kLargeSlots];
  uint64_t largeUsed[kLargeSlots];  // when each large stack was last pushed or popped (a tick)
  uint64_t tick;
  size_t largeBytes;
  bool dead;  // the thread is ending: every free goes straight to free()
};

uintptr_t linkSecret = 0;  // set once, before the first allocation
uintptr_t freeKey = 0;
// Whether glibc's chunk headers can be read for a block's size (see UsableSize).
bool glibcHeaders = false;

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

void* Pop(Stack& s) {
  FreeBlock* b = s.head;
  FreeBlock* next = Unmangle(b);
  if ((reinterpret_cast<uintptr_t>(next) & 15) != 0) HeapCorrupted("corrupted free-block link (use after free?)");
  s.head = next;
  s.count--;
  b->key = 0;
  return b;
}

void Push(Stack& s, void* p) {
  FreeBlock* b = static_cast<FreeBlock*>(p);
  if (b->key == freeKey) {  // freed before? (or user data that happens to match: look)
    FreeBlock* q = s.head;
    for (uint32_t i = 0; i < s.count; i++, q = Unmangle(q)) {
      if (q == b) HeapCorrupted("double free of an OpenSSL block");
    }
  }
  b->link = Mangle(b, s.head);
  b->key = freeKey;
  s.head = b;
  s.count++;
}

void Drain(Stack& s) {
  FreeBlock* b = s.head;
  for (uint32_t i = 0; i < s.count; i++) {
    FreeBlock* next = Unmangle(b);
    std::free(b);
    b = next;
  }
  s = Stack{nullptr, 0};
}

// Every thread's pointer starts null (no cache yet); a thread that has ended points at `ended`,
// which is never written: its stacks are empty and `dead` sends frees to free().
const BlockCache ended = [] {
  BlockCache c{};
  c.dead = true;
  return c;
}();
// initial-exec: a plain %fs-relative load, where the addon's default TLS model would call
// __tls_get_addr on every allocation. Static TLS has room for a few words of a dlopen()ed
// library's own, so the addon's TLS stays a few words (the cache itself is on the heap).
thread_local BlockCache* current __attribute__((tls_model("initial-exec"))) = nullptr;

// Empties the thread's cache when the thread ends (C++ thread_local destructors run before pthread
// key destructors and, on the main thread, before atexit handlers; OpenSSL frees its thread state
// later, from pthread key destructors, and those frees then go straight to free()).
struct CacheDrain {
  bool registered = false;
  ~CacheDrain() {
    BlockCache* c = current;
    current = const_cast<BlockCache*>(&ended);
    if (c == nullptr || c == &ended) return;
    for (Stack& s : c->small) Drain(s);
    for (Stack& s : c->large) Drain(s);
    std::free(c);
  }
};
thread_local CacheDrain drain;

// The thread's cache, made on its first free (nullptr if that fails: the block is then freed).
BlockCache* Attach() {
  BlockCache* c = static_cast<BlockCache*>(std::calloc(1, sizeof(BlockCache)));
  if (c == nullptr) return nullptr;
  current = c;
  drain.registered = true;  // first use constructs it, which registers its destructor
  return c;
}

// The usable size of a block malloc gave, or 0 for one mmap()ed (too large to cache). glibc keeps
// it in the word before the block: the chunk size with flags in bits 0-2 (bit 1: mmapped); an
// in-use heap chunk serves the size less that word. Reading it inline saves a call and a look at
// the next chunk's header per free; InstallOpenSSLAllocator checks it against malloc_usable_size.
size_t HeaderUsable(const void* p) {
  size_t word;  // (through an address: the word lies outside the block as the compiler sees it)
  std::memcpy(&word, reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(p) - sizeof word), sizeof word);
  return (word & 2) != 0 ? 0 : (word & ~size_t{7}) - sizeof(size_t);
}
size_t UsableSize(void* p) { return glibcHeaders ? HeaderUsable(p) : malloc_usable_size(p); }

// The large stack holding class k, or nullptr.
Stack* FindLarge(BlockCache& c, size_t k) {
  for (size_t i = 0; i < kLargeSlots; i++) {
    if (c.large[i].count > 0 && c.largeClass[i] == k) return &c.large[i];
  }
  return nullptr;
}

// A stack for class k: an empty one, else the one used longest ago, emptied.
Stack* ClaimLarge(BlockCache& c, size_t k) {
  size_t pick = 0;
  for (size_t i = 0; i < kLargeSlots; i++) {
    if (c.large[i].count == 0) {
      pick = i;
      break;
    }
    if (c.largeUsed[i] < c.largeUsed[pick]) pick = i;
  }
  Stack& s = c.large[pick];
  c.largeBytes -= s.count * ClassSize(c.largeClass[pick]);
  Drain(s);
  c.largeClass[pick] = k;
  return &s;
}

void* CachedMalloc(size_t n, const char*, int) {
  const size_t k = ClassOf(n);
  if (k > kLargeMaxClass) return std::malloc(n);
  BlockCache* c = current;
  if (c != nullptr) {
    if (k < kSmallClasses) {
      if (c->small[k].count > 0) return Pop(c->small[k]);
    } else if (Stack* s = FindLarge(*c, k)) {
      c->largeBytes -= ClassSize(k);
      c->largeUsed[s - c->large] = ++c->tick;
      return Pop(*s);
    }
  }
  return std::malloc(ClassSize(k));  // the whole class, so the block can serve any request of it
}

void CachedFree(void* p, const char*, int) {
  if (p == nullptr) return;
  BlockCache* c = current;
  if (c == nullptr && (c = Attach()) == nullptr) return std::free(p);
  if (c->dead) return std::free(p);
  const size_t usable = UsableSize(p);
  if (usable < kMinUsable) return std::free(p);
  const size_t k = (usable - kMinUsable) / 16;  // the largest class the block can serve
  if (k < kSmallClasses) {
    if (c->small[k].count < SmallLimit(k)) return Push(c->small[k], p);
  } else if (k <= kLargeMaxClass && usable == ClassSize(k)) {
    Stack* s = FindLarge(*c, k);
    if (s == nullptr) s = ClaimLarge(*c, k);
    if (s->count < LargeLimit(k) && c->largeBytes + usable <= kLargeBytes) {
      c->largeBytes += usable;
      c->largeUsed[s - c->large] = ++c->tick;
      return Push(*s, p);
    }
  }
  std::free(p);
}

void* CachedRealloc(void* p, size_t n, const char* file, int line) {
  if (p == nullptr) return CachedMalloc(n, file, line);
  if (n == 0) {
    CachedFree(p, file, line);
    return nullptr;
  }
  // A block that grows moves into a block of the cache's when it can: each handshake grows its
  // message buffer step by step (BUF_MEM_grow), and glibc's realloc took fresh heap every time,
  // at the heap's top, which glibc trims between connections and which page-faults growing back.
  const size_t usable = UsableSize(p);
  if (usable == 0 || ClassOf(n) > kLargeMaxClass) return std::realloc(p, n);  // mmapped, or too large
  if (n <= usable) return p;
  void* q = CachedMalloc(n, file, line);
  if (q == nullptr) return nullptr;
  std::memcpy(q, p, usable);
  CachedFree(p, file, line);
  return q;
}

// Whether malloc is glibc's (not one preloaded in its place, whose blocks have no such header) and
// its chunk headers say what malloc_usable_size says, for small, large and mmapped blocks. glibc's
// usable size for 1 byte (24, where others give 8 or 16) comes first: no header is read for
// another malloc.
bool GlibcHeadersReadable() {
  void* one = std::malloc(1);
  const size_t oneUsable = one != nullptr ? malloc_usable_size(one) : 0;
  std::free(one);
  if (oneUsable != kMinUsable) return false;
  bool same = true;
  for (size_t n : {1, 24, 25, 100, 1032, 1040, 4096, 21848, 70000, 300000}) {
    void* p = std::malloc(n);
    if (p == nullptr) return false;
    const size_t h = HeaderUsable(p);
    same = same && (h == 0 ? n >= 70000 : h == malloc_usable_size(p));
    std::free(p);
  }
  return same;
}

bool installed = false;

}  // namespace

bool InstallOpenSSLAllocator() {
  // Opt-in (OPENSSL_NAPI_BLOCK_CACHE=1): plain malloc is the default, the allocator that memory
  // checkers see and that keeps no freed memory per thread.
  const char* setting = std::getenv("OPENSSL_NAPI_BLOCK_CACHE");
  if (setting == nullptr || setting[0] != '1' || setting[1] != '\0') return false;
  // Fresh random words, as glibc keys its own tcache (without blocking: no entropy yet, no cache).
  uintptr_t seed[2];
  if (getrandom(seed, sizeof seed, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof seed)) return false;
  linkSecret = seed[0];
  freeKey = seed[1] | 1;  // never 0, the value of a block in use
  glibcHeaders = GlibcHeadersReadable();
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
