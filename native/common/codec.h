// The one shape of every load_*/dump_* function (certificates, CSRs, CRLs, PKCS#7, keys):
// FILETYPE and bytes in, a memory BIO in between, an owned object or a Buffer out.
#pragma once
#include <napi.h>
#include <openssl/err.h>

#include "common/args.h"
#include "common/errors.h"
#include "common/ptr.h"

namespace ossl {

// Reads the (type, buffer) arguments at 0 and 1 (type PEM or ASN1) and opens a read-only memory
// BIO over the bytes, which `data` holds: the BIO must not outlive it. Null with an exception
// pending otherwise.
inline BIOPtr ArgLoadSource(const Napi::CallbackInfo& info, int* type, Bytes* data, const char* op) {
  if (!ArgFiletype(info, 0, type, false) || !ArgBytes(info, 1, "buffer", data)) return nullptr;
  if (data->size > static_cast<size_t>(INT_MAX)) {
    ThrowRangeError(info.Env(), "The \"buffer\" argument must be smaller than 2 GiB");
    return nullptr;
  }
  ERR_clear_error();
  BIOPtr bio(BIO_new_mem_buf(data->data, static_cast<int>(data->size)));
  if (bio == nullptr) ThrowOpenSSL(info.Env(), op);
  return bio;
}

// load_*: read(type, bio) returns the new object or null (the error queue then becomes the
// OpenSSLError for `op`); wrap(env, owned) makes the JS object.
template <class Owned, class Read, class Wrap>
Napi::Value LoadObject(const Napi::CallbackInfo& info, const char* op, Read read, Wrap wrap) {
  int type = 0;
  Bytes data;
  BIOPtr bio = ArgLoadSource(info, &type, &data, op);
  if (bio == nullptr) return {};
  Owned obj(read(type, bio.get()));
  if (obj == nullptr) return ThrowOpenSSL(info.Env(), op);
  ERR_clear_error();  // PEM readers leave harmless "no start line" entries behind on success
  return wrap(info.Env(), std::move(obj));
}

// dump_*: write(bio) fills a memory BIO (returning 1 on success); its bytes come back as a Buffer.
template <class Write>
Napi::Value DumpToBuffer(Napi::Env env, const char* op, Write write) {
  ERR_clear_error();
  BIOPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || write(bio.get()) != 1) return ThrowOpenSSL(env, op);
  return BioToBuffer(env, bio.get());
}

}  // namespace ossl
