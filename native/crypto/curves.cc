// The builtin elliptic curves (pyOpenSSL's get_elliptic_curves).
#include <openssl/ec.h>
#include <openssl/objects.h>

#include <vector>

#include "common/wrap.h"

namespace ossl {
namespace {

Napi::Value GetEllipticCurveNames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t n = EC_get_builtin_curves(nullptr, 0);
  std::vector<EC_builtin_curve> curves(n);
  const size_t got = n == 0 ? 0 : EC_get_builtin_curves(curves.data(), n);
  Napi::Array out = Napi::Array::New(env);
  uint32_t k = 0;
  for (size_t i = 0; i < got; ++i) {
    const char* sn = OBJ_nid2sn(curves[i].nid);
    if (sn != nullptr) out.Set(k++, Napi::String::New(env, sn));
  }
  return out;
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("getEllipticCurveNames", NativeFunction<GetEllipticCurveNames>(env, "getEllipticCurveNames"));
}

Module registration(&Init);

}  // namespace
}  // namespace ossl
