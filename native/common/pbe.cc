#include "common/pbe.h"

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>

namespace ossl {
namespace {

bool Refuse(const char* what, uint64_t count, uint64_t bound) {
  ERR_raise_data(ERR_LIB_EVP, ERR_R_PASSED_INVALID_ARGUMENT, "%s of %llu is above the %llu this binding accepts", what,
                 static_cast<unsigned long long>(count), static_cast<unsigned long long>(bound));
  return false;
}

// An ASN.1 count as a number; one that does not fit (or is negative) counts as too large.
uint64_t Count(const ASN1_INTEGER* a) {
  uint64_t v = 0;
  if (a == nullptr) return 1;
  if (ASN1_INTEGER_get_uint64(&v, a) != 1) {
    ERR_clear_error();
    return UINT64_MAX;
  }
  return v;
}

bool IterationsWithinBounds(const ASN1_INTEGER* iter, const char* what) {
  const uint64_t n = Count(iter);
  return n <= kMaxPbeIterations || Refuse(what, n, kMaxPbeIterations);
}

bool KdfWithinBounds(const X509_ALGOR* keyfunc) {
  const ASN1_OBJECT* obj = nullptr;
  int ptype = 0;
  const void* pval = nullptr;
  X509_ALGOR_get0(&obj, &ptype, &pval, keyfunc);
  if (ptype != V_ASN1_SEQUENCE) return true;
  const ASN1_TYPE* param = keyfunc->parameter;
  switch (OBJ_obj2nid(obj)) {
    case NID_id_pbkdf2: {
      auto* kdf = static_cast<PBKDF2PARAM*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), param));
      if (kdf == nullptr) break;
      const bool ok = IterationsWithinBounds(kdf->iter, "A PBKDF2 iteration count");
      PBKDF2PARAM_free(kdf);
      return ok;
    }
    case NID_id_scrypt: {
      auto* sp = static_cast<SCRYPT_PARAMS*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS), param));
      if (sp == nullptr) break;
      const uint64_t n = Count(sp->costParameter), r = Count(sp->blockSize), p = Count(sp->parallelizationParameter);
      SCRYPT_PARAMS_free(sp);
      const bool overflow = r != 0 && (n > UINT64_MAX / r || (p != 0 && n * r > UINT64_MAX / p));
      const uint64_t work = overflow ? UINT64_MAX : n * r * p;
      return work <= kMaxScryptWork || Refuse("An scrypt work factor (N * r * p)", work, kMaxScryptWork);
    }
    default:
      break;
  }
  ERR_clear_error();
  return true;
}

bool BagsWithinBounds(const STACK_OF(PKCS12_SAFEBAG) * bags, int depth) {
  for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); ++i) {
    const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags, i);
    switch (PKCS12_SAFEBAG_get_nid(bag)) {
      case NID_pkcs8ShroudedKeyBag: {
        const X509_ALGOR* alg = nullptr;
        const X509_SIG* sig = PKCS12_SAFEBAG_get0_pkcs8(bag);
        if (sig == nullptr) break;
        X509_SIG_get0(sig, &alg, nullptr);
        if (alg != nullptr && !PbeWithinBounds(alg)) return false;
        break;
      }
      case NID_safeContentsBag:
        // (PKCS12_parse follows these without a depth limit; nothing real nests more than once.)
        if (depth > 8) return Refuse("A PKCS#12 nesting of safe contents", static_cast<uint64_t>(depth), 8);
        if (!BagsWithinBounds(PKCS12_SAFEBAG_get0_safes(bag), depth + 1)) return false;
        break;
      default:
        break;
    }
  }
  return true;
}

}  // namespace

bool PbeWithinBounds(const X509_ALGOR* alg) {
  const ASN1_OBJECT* obj = nullptr;
  int ptype = 0;
  const void* pval = nullptr;
  X509_ALGOR_get0(&obj, &ptype, &pval, alg);
  if (ptype != V_ASN1_SEQUENCE || pval == nullptr) return true;
  const auto* seq = static_cast<const ASN1_STRING*>(pval);
  const unsigned char* p = ASN1_STRING_get0_data(seq);
  const long len = ASN1_STRING_length(seq);
  if (OBJ_obj2nid(obj) == NID_pbes2) {
    PBE2PARAM* pbe2 = d2i_PBE2PARAM(nullptr, &p, len);
    if (pbe2 == nullptr) {
      ERR_clear_error();
      return true;
    }
    const bool ok = pbe2->keyfunc == nullptr || KdfWithinBounds(pbe2->keyfunc);
    PBE2PARAM_free(pbe2);
    return ok;
  }
  PBEPARAM* pbe = d2i_PBEPARAM(nullptr, &p, len);
  if (pbe == nullptr) {
    ERR_clear_error();
    return true;
  }
  const bool ok = IterationsWithinBounds(pbe->iter, "A PBE iteration count");
  PBEPARAM_free(pbe);
  return ok;
}

bool Pkcs12WithinBounds(const PKCS12* p12, const char* pass) {
  const ASN1_INTEGER* mac_iter = nullptr;
  PKCS12_get0_mac(nullptr, nullptr, nullptr, &mac_iter, p12);
  if (mac_iter != nullptr && !IterationsWithinBounds(mac_iter, "A PKCS#12 MAC iteration count")) return false;
  STACK_OF(PKCS7)* safes = PKCS12_unpack_authsafes(p12);
  if (safes == nullptr) {
    ERR_clear_error();  // PKCS12_parse says what is wrong
    return true;
  }
  bool ok = true;
  for (int i = 0; ok && i < sk_PKCS7_num(safes); ++i) {
    PKCS7* p7 = sk_PKCS7_value(safes, i);
    STACK_OF(PKCS12_SAFEBAG)* bags = nullptr;
    const int nid = OBJ_obj2nid(p7->type);
    if (nid == NID_pkcs7_data) {
      bags = PKCS12_unpack_p7data(p7);
    } else if (nid == NID_pkcs7_encrypted && p7->d.encrypted != nullptr && p7->d.encrypted->enc_data != nullptr) {
      ok = PbeWithinBounds(p7->d.encrypted->enc_data->algorithm);
      // As PKCS12_parse: no passphrase tries the empty one as well as none.
      if (ok) bags = PKCS12_unpack_p7encdata(p7, pass, pass == nullptr ? 0 : -1);
      if (ok && bags == nullptr && (pass == nullptr || *pass == '\0')) bags = PKCS12_unpack_p7encdata(p7, "", 0);
    }
    if (bags == nullptr) {
      if (ok) ERR_clear_error();  // a wrong passphrase: PKCS12_parse reports it
      continue;
    }
    ok = BagsWithinBounds(bags, 0);
    sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
  }
  sk_PKCS7_pop_free(safes, PKCS7_free);
  return ok;
}

}  // namespace ossl
