#include "ocsp/ocsp.h"

#include <openssl/err.h>

#include <string>

#include "common/args.h"
#include "pkey/pkey.h"
#include "x509/certificate.h"
#include "x509/crl.h"
#include "x509/name.h"
#include "x509/store.h"

namespace ossl {
namespace {

// Clock skew allowed at either end of a response's validity window (`openssl ocsp`'s default).
constexpr long kOcspLeewaySeconds = 5 * 60;

using OCSPCertIdPtr = Ptr<OCSP_CERTID, OCSP_CERTID_free>;

Napi::Value Der(Napi::Env env, int len, unsigned char* der, const char* op) {
  if (len < 0) return ThrowOpenSSL(env, op);
  BytesPtr owned(der);
  return CopyBuffer(env, der, static_cast<size_t>(len));
}

Napi::Value Octets(Napi::Env env, const ASN1_OCTET_STRING* s) {
  if (s == nullptr) return env.Null();
  return CopyBuffer(env, ASN1_STRING_get0_data(s), static_cast<size_t>(ASN1_STRING_length(s)));
}

// One SingleResponse as a plain object.
Napi::Value SingleToJS(Napi::Env env, OCSP_SINGLERESP* single) {
  Napi::Object o = Napi::Object::New(env);
  const OCSP_CERTID* cid = OCSP_SINGLERESP_get0_id(single);
  ASN1_OCTET_STRING *name_hash = nullptr, *key_hash = nullptr;
  ASN1_OBJECT* md = nullptr;
  ASN1_INTEGER* serial = nullptr;
  if (cid == nullptr || OCSP_id_get0_info(&name_hash, &md, &key_hash, &serial, const_cast<OCSP_CERTID*>(cid)) != 1)
    return ThrowOpenSSL(env, "OCSP_id_get0_info");
  BNPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  CharsPtr hex(bn ? BN_bn2hex(bn.get()) : nullptr);
  if (hex == nullptr) return ThrowOpenSSL(env, "BN_bn2hex");
  o.Set("serialHex", Napi::String::New(env, hex.get()));
  o.Set("issuerNameHash", Octets(env, name_hash));
  o.Set("issuerKeyHash", Octets(env, key_hash));
  o.Set("hashAlgorithm", Napi::String::New(env, OBJ_nid2sn(OBJ_obj2nid(md))));
  int reason = -1;
  ASN1_GENERALIZEDTIME *rev = nullptr, *thisupd = nullptr, *nextupd = nullptr;
  const int status = OCSP_single_get0_status(single, &reason, &rev, &thisupd, &nextupd);
  o.Set("status", Napi::Number::New(env, status));
  o.Set("reason", Napi::Number::New(env, reason));
  o.Set("revocationTime", AsnTimeString(env, rev));
  o.Set("thisUpdate", AsnTimeString(env, thisupd));
  o.Set("nextUpdate", AsnTimeString(env, nextupd));
  // Inside its validity window now, with OpenSSL's default leeway of 5 minutes for clock skew
  // (what `openssl ocsp` checks): a stale response is a replay, whatever its status says.
  const bool current = thisupd != nullptr && OCSP_check_validity(thisupd, nextupd, kOcspLeewaySeconds, -1) == 1;
  ERR_clear_error();
  o.Set("current", Napi::Boolean::New(env, current));
  return o;
}

}  // namespace

OCSPRequestWrap::OCSPRequestWrap(const Napi::CallbackInfo& info) : Wrapper(info) {
  if (IsAdopting(info)) return;
  ThrowTypeError(info.Env(), "OCSPRequest objects come from createOcspRequest()/loadOcspRequest()", "ERR_ILLEGAL_CONSTRUCTOR");
}

Napi::Value OCSPRequestWrap::ToDER(const Napi::CallbackInfo& info) {
  OCSP_REQUEST* r = Live(info.Env());
  if (r == nullptr) return {};
  unsigned char* der = nullptr;
  const int len = i2d_OCSP_REQUEST(r, &der);
  return Der(info.Env(), len, der, "i2d_OCSP_REQUEST");
}

Napi::Value OCSPRequestWrap::HasNonce(const Napi::CallbackInfo& info) {
  OCSP_REQUEST* r = Live(info.Env());
  if (r == nullptr) return {};
  return Napi::Boolean::New(info.Env(), OCSP_REQUEST_get_ext_by_NID(r, NID_id_pkix_OCSP_Nonce, -1) >= 0);
}

Napi::Value OCSPRequestWrap::IdCount(const Napi::CallbackInfo& info) {
  OCSP_REQUEST* r = Live(info.Env());
  if (r == nullptr) return {};
  return Napi::Number::New(info.Env(), OCSP_request_onereq_count(r));
}

void OCSPRequestWrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&OCSPRequestWrap::ToDER>("toDER"),
             Method<&OCSPRequestWrap::HasNonce>("hasNonce"),
             Method<&OCSPRequestWrap::IdCount>("idCount"),
         });
}

OCSPResponseWrap::OCSPResponseWrap(const Napi::CallbackInfo& info) : Wrapper(info) {
  if (IsAdopting(info)) return;
  ThrowTypeError(info.Env(), "OCSPResponse objects come from loadOcspResponse()", "ERR_ILLEGAL_CONSTRUCTOR");
}

// The BasicOCSPResponse, decoded once; throws when the response carries none.
OCSP_BASICRESP* OCSPResponseWrap::Basic(Napi::Env env) {
  OCSP_RESPONSE* r = Live(env);
  if (r == nullptr) return nullptr;
  if (!basic_tried_) {
    basic_tried_ = true;
    ERR_clear_error();
    basic_.reset(OCSP_response_get1_basic(r));
    ERR_clear_error();
  }
  if (basic_ == nullptr)
    ThrowOpenSSLMessage(env, "OCSP_response_get1_basic",
                        std::string("The OCSP response has no basic response (status ") +
                            OCSP_response_status_str(OCSP_response_status(r)) + ")");
  return basic_.get();
}

Napi::Value OCSPResponseWrap::Status(const Napi::CallbackInfo& info) {
  OCSP_RESPONSE* r = Live(info.Env());
  if (r == nullptr) return {};
  return Napi::Number::New(info.Env(), OCSP_response_status(r));
}

Napi::Value OCSPResponseWrap::HasBasic(const Napi::CallbackInfo& info) {
  if (Live(info.Env()) == nullptr) return {};
  if (Basic(info.Env()) == nullptr) {
    TakeException(info.Env());
    return Napi::Boolean::New(info.Env(), false);
  }
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value OCSPResponseWrap::ProducedAt(const Napi::CallbackInfo& info) {
  OCSP_BASICRESP* b = Basic(info.Env());
  if (b == nullptr) return {};
  return AsnTimeString(info.Env(), OCSP_resp_get0_produced_at(b));
}

Napi::Value OCSPResponseWrap::ResponderId(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  OCSP_BASICRESP* b = Basic(env);
  if (b == nullptr) return {};
  const ASN1_OCTET_STRING* key = nullptr;
  const X509_NAME* name = nullptr;
  if (OCSP_resp_get0_id(b, &key, &name) != 1) return ThrowOpenSSL(env, "OCSP_resp_get0_id");
  Napi::Object o = Napi::Object::New(env);
  Napi::Value n = env.Null();
  if (name != nullptr) {
    X509NamePtr dup(X509_NAME_dup(name));
    if (dup == nullptr) return ThrowOpenSSL(env, "X509_NAME_dup");
    n = X509NameWrap::NewOwned(env, std::move(dup));
    if (n.IsEmpty()) return {};
  }
  o.Set("name", n);
  o.Set("keyHash", Octets(env, key));
  return o;
}

Napi::Value OCSPResponseWrap::Responses(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  OCSP_BASICRESP* b = Basic(env);
  if (b == nullptr) return {};
  const int n = OCSP_resp_count(b);
  Napi::Array arr = Napi::Array::New(env, static_cast<size_t>(n < 0 ? 0 : n));
  for (int i = 0; i < n; ++i) {
    Napi::Value v = SingleToJS(env, OCSP_resp_get0(b, i));
    if (v.IsEmpty()) return {};
    arr.Set(static_cast<uint32_t>(i), v);
  }
  return arr;
}

Napi::Value OCSPResponseWrap::Certificates(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  OCSP_BASICRESP* b = Basic(env);
  if (b == nullptr) return {};
  const STACK_OF(X509)* certs = OCSP_resp_get0_certs(b);
  const int n = certs == nullptr ? 0 : sk_X509_num(certs);
  Napi::Array arr = Napi::Array::New(env, static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    Napi::Value v = X509Wrap::NewRef(env, sk_X509_value(certs, i));
    if (v.IsEmpty()) return {};
    arr.Set(static_cast<uint32_t>(i), v);
  }
  return arr;
}

// verify(store, untrusted | null, flags): throws an OpenSSLError when the signature or the
// signer's chain does not verify.
Napi::Value OCSPResponseWrap::Verify(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  OCSP_BASICRESP* b = Basic(env);
  if (b == nullptr) return {};
  X509_STORE* store = X509StoreWrap::Arg(info, 0, "store");
  if (store == nullptr) return {};
  X509StackPtr untrusted;
  int64_t flags = 0;
  if (!ArgCertStack(info, 1, "untrusted", &untrusted, true) || !ArgInt(info, 2, "flags", &flags, 0, 0xffffffffLL))
    return {};
  const int r = OCSP_basic_verify(b, untrusted.get(), store, static_cast<unsigned long>(flags));
  if (r != 1) return ThrowOpenSSLMessage(env, "OCSP_basic_verify", "The OCSP response did not verify");
  return env.Undefined();
}

// checkNonce(request): OCSP_check_nonce's result (1 equal, 2 both absent, 3 only in the response,
// -1 only in the request, 0 different).
Napi::Value OCSPResponseWrap::CheckNonce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  OCSP_BASICRESP* b = Basic(env);
  if (b == nullptr) return {};
  OCSP_REQUEST* req = OCSPRequestWrap::Arg(info, 0, "request");
  if (req == nullptr) return {};
  const int r = OCSP_check_nonce(req, b);
  return Napi::Number::New(env, r);
}

// findStatus(cert, issuer, digest | null): the SingleResponse about cert, or null.
Napi::Value OCSPResponseWrap::FindStatus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  OCSP_BASICRESP* b = Basic(env);
  if (b == nullptr) return {};
  X509* cert = X509Wrap::Arg(info, 0, "certificate");
  if (cert == nullptr) return {};
  X509* issuer = X509Wrap::Arg(info, 1, "issuer");
  if (issuer == nullptr) return {};
  const EVP_MD* md = nullptr;
  if (!ArgIsNullish(info, 2)) {
    std::string name;
    if (!ArgCString(info, 2, "digest", &name)) return {};
    md = EVP_get_digestbyname(name.c_str());
    if (md == nullptr) return ThrowRangeError(env, "No such digest method: " + name, "ERR_INVALID_ARG_VALUE");
  }
  ERR_clear_error();
  OCSPCertIdPtr id(OCSP_cert_to_id(md, cert, issuer));
  if (id == nullptr) return ThrowOpenSSL(env, "OCSP_cert_to_id");
  const int idx = OCSP_resp_find(b, id.get(), -1);
  if (idx < 0) return env.Null();
  return SingleToJS(env, OCSP_resp_get0(b, idx));
}

Napi::Value OCSPResponseWrap::ToDER(const Napi::CallbackInfo& info) {
  OCSP_RESPONSE* r = Live(info.Env());
  if (r == nullptr) return {};
  unsigned char* der = nullptr;
  const int len = i2d_OCSP_RESPONSE(r, &der);
  return Der(info.Env(), len, der, "i2d_OCSP_RESPONSE");
}

void OCSPResponseWrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&OCSPResponseWrap::Status>("status"),
             Method<&OCSPResponseWrap::HasBasic>("hasBasic"),
             Method<&OCSPResponseWrap::ProducedAt>("producedAt"),
             Method<&OCSPResponseWrap::ResponderId>("responderId"),
             Method<&OCSPResponseWrap::Responses>("responses"),
             Method<&OCSPResponseWrap::Certificates>("certificates"),
             Method<&OCSPResponseWrap::Verify>("verify"),
             Method<&OCSPResponseWrap::CheckNonce>("checkNonce"),
             Method<&OCSPResponseWrap::FindStatus>("findStatus"),
             Method<&OCSPResponseWrap::ToDER>("toDER"),
         });
}

namespace {

// createOcspRequest([[cert, issuer], ...], nonce, digest | null)
Napi::Value CreateRequest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray() || info[0].As<Napi::Array>().Length() == 0)
    return ThrowTypeError(env, "The \"pairs\" argument must be a non-empty array of [certificate, issuer]");
  bool nonce = false;
  if (!ArgBool(info, 1, "nonce", &nonce)) return {};
  const EVP_MD* md = nullptr;
  if (!ArgIsNullish(info, 2)) {
    std::string name;
    if (!ArgCString(info, 2, "digest", &name)) return {};
    md = EVP_get_digestbyname(name.c_str());
    if (md == nullptr) return ThrowRangeError(env, "No such digest method: " + name, "ERR_INVALID_ARG_VALUE");
  }
  ERR_clear_error();
  Ptr<OCSP_REQUEST, OCSP_REQUEST_free> req(OCSP_REQUEST_new());
  if (req == nullptr) return ThrowOpenSSL(env, "OCSP_REQUEST_new");
  Napi::Array pairs = info[0].As<Napi::Array>();
  for (uint32_t i = 0; i < pairs.Length(); ++i) {
    Napi::Value p = pairs.Get(i);
    if (p.IsEmpty()) return {};
    if (!p.IsArray() || p.As<Napi::Array>().Length() != 2)
      return ThrowTypeError(env, "Each pair must be [certificate, issuer]");
    X509Wrap* cw = X509Wrap::FromValue(env, p.As<Napi::Array>().Get(0u), "certificate");
    if (cw == nullptr) return {};
    X509Wrap* iw = X509Wrap::FromValue(env, p.As<Napi::Array>().Get(1u), "issuer");
    if (iw == nullptr) return {};
    X509* cert = cw->Live(env);
    if (cert == nullptr) return {};
    X509* issuer = iw->Live(env);
    if (issuer == nullptr) return {};
    OCSPCertIdPtr id(OCSP_cert_to_id(md, cert, issuer));
    if (id == nullptr) return ThrowOpenSSL(env, "OCSP_cert_to_id");
    if (OCSP_request_add0_id(req.get(), id.get()) == nullptr) return ThrowOpenSSL(env, "OCSP_request_add0_id");
    id.release();
  }
  if (nonce && OCSP_request_add1_nonce(req.get(), nullptr, -1) != 1) return ThrowOpenSSL(env, "OCSP_request_add1_nonce");
  return OCSPRequestWrap::Adopt(env, std::move(req));
}

// createOcspResponse(status, entries, signer, key, digest | null, certs | null, request | null,
//                    validitySeconds, byKey, thisUpdateOffset): the responder side. With a status
// other than successful (0), a response without a body. Each entry is [certificate, issuer,
// certStatus, reason (-1: none), revocationTime | null]; thisUpdate is now + thisUpdateOffset
// seconds and nextUpdate thisUpdate + validitySeconds (0: none); the request's nonce is copied;
// the responder is named by its subject, or by its key hash with byKey.
Napi::Value CreateResponse(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t status = 0;
  if (!ArgInt(info, 0, "status", &status, 0, 6) || status == 4) {
    if (!env.IsExceptionPending()) ThrowRangeError(env, "No such OCSP response status: 4", "ERR_INVALID_ARG_VALUE");
    return {};
  }
  if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    Ptr<OCSP_RESPONSE, OCSP_RESPONSE_free> resp(OCSP_response_create(static_cast<int>(status), nullptr));
    if (resp == nullptr) return ThrowOpenSSL(env, "OCSP_response_create");
    return OCSPResponseWrap::Adopt(env, std::move(resp));
  }
  if (info.Length() < 2 || !info[1].IsArray() || info[1].As<Napi::Array>().Length() == 0)
    return ThrowTypeError(env, "A successful response needs at least one certificate status", "ERR_INVALID_ARG_TYPE");
  X509* signer = X509Wrap::Arg(info, 2, "signer");
  if (signer == nullptr) return {};
  EVP_PKEY* key = PKeyArg(info, 3, "key", true);
  if (key == nullptr) return {};
  const EVP_MD* md = nullptr;
  if (!ArgIsNullish(info, 4)) {
    if (!ArgDigestFor(info, 4, key, &md)) return {};
  } else if (!SignsWithoutDigest(key)) {
    md = EVP_sha256();
  }
  X509StackPtr certs;
  if (!ArgCertStack(info, 5, "certs", &certs, true)) return {};
  OCSP_REQUEST* request = ArgIsNullish(info, 6) ? nullptr : OCSPRequestWrap::Arg(info, 6, "request");
  if (!ArgIsNullish(info, 6) && request == nullptr) return {};
  constexpr int64_t kTenYears = INT64_C(10) * 365 * 24 * 3600;
  int64_t validity = 0;
  bool by_key = false;
  int64_t this_offset = 0;
  if (!ArgInt(info, 7, "validitySeconds", &validity, 0, kTenYears) || !ArgBool(info, 8, "byKey", &by_key)) return {};
  if (!ArgIsNullish(info, 9) && !ArgInt(info, 9, "thisUpdate", &this_offset, -kTenYears, kTenYears)) return {};
  if (X509_check_private_key(signer, key) != 1) {
    ERR_clear_error();
    return ThrowTypeError(env, "The responder key does not match the responder certificate", "ERR_INVALID_ARG_VALUE");
  }

  Ptr<OCSP_BASICRESP, OCSP_BASICRESP_free> basic(OCSP_BASICRESP_new());
  ASN1TimePtr this_update(X509_gmtime_adj(nullptr, static_cast<long>(this_offset)));
  ASN1TimePtr next_update(validity > 0 ? X509_gmtime_adj(nullptr, static_cast<long>(this_offset + validity)) : nullptr);
  if (basic == nullptr || this_update == nullptr || (validity > 0 && next_update == nullptr)) return ThrowOpenSSL(env, "OCSP_BASICRESP_new");
  Napi::Array entries = info[1].As<Napi::Array>();
  for (uint32_t i = 0; i < entries.Length(); ++i) {
    Napi::Value e = entries.Get(i);
    if (e.IsEmpty()) return {};
    if (!e.IsArray() || e.As<Napi::Array>().Length() != 5)
      return ThrowTypeError(env, "Each status must be [certificate, issuer, status, reason, revocationTime]", "ERR_INVALID_ARG_TYPE");
    Napi::Array a = e.As<Napi::Array>();
    X509Wrap* cw = X509Wrap::FromValue(env, a.Get(0u), "certificate");
    X509Wrap* iw = cw == nullptr ? nullptr : X509Wrap::FromValue(env, a.Get(1u), "issuer");
    if (iw == nullptr) return {};
    X509* cert = cw->Live(env);
    X509* issuer = cert == nullptr ? nullptr : iw->Live(env);
    if (issuer == nullptr) return {};
    const int cert_status = a.Get(2u).IsNumber() ? a.Get(2u).As<Napi::Number>().Int32Value() : -1;
    const int reason = a.Get(3u).IsNumber() ? a.Get(3u).As<Napi::Number>().Int32Value() : -2;
    if (cert_status < V_OCSP_CERTSTATUS_GOOD || cert_status > V_OCSP_CERTSTATUS_UNKNOWN || reason < -1 || reason > 10 || reason == 7)
      return ThrowRangeError(env, "Bad certificate status or revocation reason at entry " + std::to_string(i), "ERR_INVALID_ARG_VALUE");
    ASN1TimePtr revoked_at;
    if (cert_status == V_OCSP_CERTSTATUS_REVOKED) {
      Napi::Value when = a.Get(4u);
      if (when.IsString()) {
        revoked_at.reset(ASN1_TIME_new());
        const std::string t = when.As<Napi::String>().Utf8Value();
        if (revoked_at == nullptr ||
            (ASN1_TIME_set_string_X509(revoked_at.get(), t.c_str()) != 1 && ASN1_TIME_set_string(revoked_at.get(), t.c_str()) != 1)) {
          ERR_clear_error();
          return ThrowTypeError(env, "Invalid revocation time (expected YYYYMMDDhhmmssZ): " + t, "ERR_INVALID_ARG_VALUE");
        }
      } else {
        revoked_at.reset(X509_gmtime_adj(nullptr, 0));
      }
    }
    OCSPCertIdPtr id(OCSP_cert_to_id(nullptr, cert, issuer));
    if (id == nullptr) return ThrowOpenSSL(env, "OCSP_cert_to_id");
    if (OCSP_basic_add1_status(basic.get(), id.get(), cert_status, cert_status == V_OCSP_CERTSTATUS_REVOKED ? reason : -1,
                               revoked_at.get(), this_update.get(), next_update.get()) == nullptr)
      return ThrowOpenSSL(env, "OCSP_basic_add1_status");
  }
  if (request != nullptr && OCSP_copy_nonce(basic.get(), request) <= 0) return ThrowOpenSSL(env, "OCSP_copy_nonce");
  const unsigned long flags = by_key ? OCSP_RESPID_KEY : 0;
  if (OCSP_basic_sign(basic.get(), signer, key, md, certs.get(), flags) != 1) return ThrowOpenSSL(env, "OCSP_basic_sign");
  Ptr<OCSP_RESPONSE, OCSP_RESPONSE_free> resp(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
  if (resp == nullptr) return ThrowOpenSSL(env, "OCSP_response_create");
  return OCSPResponseWrap::Adopt(env, std::move(resp));
}

Napi::Value LoadRequest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes data;
  if (!ArgBytes(info, 0, "der", &data, false)) return {};
  const unsigned char* p = data.data;
  Ptr<OCSP_REQUEST, OCSP_REQUEST_free> req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(data.size)));
  if (req == nullptr) return ThrowOpenSSL(env, "d2i_OCSP_REQUEST");
  return OCSPRequestWrap::Adopt(env, std::move(req));
}

Napi::Value LoadResponse(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes data;
  if (!ArgBytes(info, 0, "der", &data, false)) return {};
  const unsigned char* p = data.data;
  Ptr<OCSP_RESPONSE, OCSP_RESPONSE_free> resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(data.size)));
  if (resp == nullptr) return ThrowOpenSSL(env, "d2i_OCSP_RESPONSE");
  return OCSPResponseWrap::Adopt(env, std::move(resp));
}

void Init(Napi::Env env, Napi::Object exports) {
  OCSPRequestWrap::Init(env, exports);
  OCSPResponseWrap::Init(env, exports);
  exports.Set("createOcspRequest", NativeFunction<CreateRequest>(env, "createOcspRequest"));
  exports.Set("loadOcspRequest", NativeFunction<LoadRequest>(env, "loadOcspRequest"));
  exports.Set("loadOcspResponse", NativeFunction<LoadResponse>(env, "loadOcspResponse"));
  exports.Set("createOcspResponse", NativeFunction<CreateResponse>(env, "createOcspResponse"));
  Napi::Object c = Napi::Object::New(env);
#define K(n) c.Set(#n, Napi::Number::New(env, n))
  K(OCSP_RESPONSE_STATUS_SUCCESSFUL);
  K(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
  K(OCSP_RESPONSE_STATUS_INTERNALERROR);
  K(OCSP_RESPONSE_STATUS_TRYLATER);
  K(OCSP_RESPONSE_STATUS_SIGREQUIRED);
  K(OCSP_RESPONSE_STATUS_UNAUTHORIZED);
  K(V_OCSP_CERTSTATUS_GOOD);
  K(V_OCSP_CERTSTATUS_REVOKED);
  K(V_OCSP_CERTSTATUS_UNKNOWN);
  K(OCSP_NOINTERN);
  K(OCSP_NOSIGS);
  K(OCSP_NOCHAIN);
  K(OCSP_NOVERIFY);
  K(OCSP_NOEXPLICIT);
  K(OCSP_NOCASIGN);
  K(OCSP_NODELEGATED);
  K(OCSP_NOCHECKS);
  K(OCSP_TRUSTOTHER);
#undef K
  exports.Set("ocspConstants", c);
}

Module registration(&Init);

}  // namespace
}  // namespace ossl
