// Password-based encryption read from untrusted input (PKCS#12, encrypted PKCS#8) names its own
// work factor: a file asking for billions of iterations would hold the thread for minutes. These
// checks refuse one above a bound no real file reaches (OWASP asks for 600 000 PBKDF2 rounds),
// before OpenSSL derives any key. Worker-safe: OpenSSL calls only, the reason on the error queue.
#pragma once
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <cstdint>

namespace ossl {

constexpr uint64_t kMaxPbeIterations = 10'000'000;      // PBKDF2, PKCS#12 PBE, the PKCS#12 MAC
constexpr uint64_t kMaxScryptWork = uint64_t{1} << 22;  // N * r * p

// False, with an error queued that names the count and the bound, when `alg` (PKCS#5 v1 or
// PKCS#12 PBE, or PBES2 with PBKDF2 or scrypt) asks for more work than the bounds. Parameters it
// cannot read pass: OpenSSL refuses those itself.
bool PbeWithinBounds(const X509_ALGOR* alg);

// Every password-based step of a PKCS#12: its MAC, its encrypted safes and its shrouded key bags
// (those inside an encrypted safe are reached with `pass`, null for none, as PKCS12_parse does).
bool Pkcs12WithinBounds(const PKCS12* p12, const char* pass);

}  // namespace ossl
