// PKCS#12 bundles: parse and create (sync and on the libuv pool).
#pragma once
#include <napi.h>

#include "common/wrap.h"

namespace ossl {

// The parts of a parsed bundle (owned), ready to wrap on the main thread.
struct PKCS12Parts {
  EVPPKeyPtr key;
  X509Ptr cert;
  X509StackPtr ca;
  std::string friendly_name;
  bool has_name = false;
};

}  // namespace ossl
