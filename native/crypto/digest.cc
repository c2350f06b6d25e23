// EVP_MD: message digests and random bytes, each sync and async. Small, but they exercise the
// argument, error and async-job models end to end.
#include <napi.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <vector>

#include "common/args.h"
#include "common/errors.h"
#include "common/job.h"
#include "common/ptr.h"
#include "common/wrap.h"

namespace ossl {
namespace {

constexpr int64_t kMaxRandom = 1 << 30;

bool DigestInto(const std::string& name, const unsigned char* data, size_t size, std::vector<unsigned char>* out) {
  EVPMDPtr md(EVP_MD_fetch(nullptr, name.c_str(), nullptr));
  if (md == nullptr) return false;
  int md_size = EVP_MD_get_size(md.get());
  // XOFs (SHAKE) have no fixed size here: use their default output length.
  if (md_size <= 0) md_size = 32;
  out->resize(static_cast<size_t>(md_size));
  EVPMDCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr || EVP_DigestInit_ex2(ctx.get(), md.get(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data, size) != 1)
    return false;
  if ((EVP_MD_get_flags(md.get()) & EVP_MD_FLAG_XOF) != 0)
    return EVP_DigestFinalXOF(ctx.get(), out->data(), out->size()) == 1;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out->data(), &len) != 1) return false;
  out->resize(len);
  return true;
}

Napi::Value Digest(const Napi::CallbackInfo& info) {
  std::string name;
  Bytes data;
  if (!ArgCString(info, 0, "algorithm", &name) || !ArgBytes(info, 1, "data", &data)) return {};
  std::vector<unsigned char> out;
  if (!DigestInto(name, data.data, data.size, &out)) return ThrowOpenSSL(info.Env(), "digest");
  return CopyBuffer(info.Env(), out.data(), out.size());
}

class DigestJob : public OpenSSLJob {
 public:
  DigestJob(Napi::Env env, std::string name, const Bytes& data)
      : OpenSSLJob(env, "digest"), name_(std::move(name)), input_(data.data, data.data + data.size) {}

 protected:
  bool Run() override { return DigestInto(name_, input_.data(), input_.size(), &output_); }
  Napi::Value Result(Napi::Env env) override { return CopyBuffer(env, output_.data(), output_.size()); }

 private:
  std::string name_;
  std::vector<unsigned char> input_;
  std::vector<unsigned char> output_;
};

Napi::Value DigestAsync(const Napi::CallbackInfo& info) {
  std::string name;
  Bytes data;
  if (!ArgCString(info, 0, "algorithm", &name) || !ArgBytes(info, 1, "data", &data)) return {};
  return OpenSSLJob::Start(new DigestJob(info.Env(), std::move(name), data));
}

Napi::Value RandomBytes(const Napi::CallbackInfo& info) {
  int64_t n = 0;
  if (!ArgInt(info, 0, "size", &n, 0, kMaxRandom)) return {};
  auto buf = Napi::Buffer<unsigned char>::New(info.Env(), static_cast<size_t>(n));
  if (buf.IsEmpty()) return {};  // no memory, or the environment is stopping: the exception is pending
  if (n > 0 && RAND_bytes(buf.Data(), static_cast<int>(n)) != 1) return ThrowOpenSSL(info.Env(), "RAND_bytes");
  return buf;
}

class RandomJob : public OpenSSLJob {
 public:
  RandomJob(Napi::Env env, size_t n) : OpenSSLJob(env, "RAND_bytes"), out_(n) {}

 protected:
  bool Run() override { return out_.empty() || RAND_bytes(out_.data(), static_cast<int>(out_.size())) == 1; }
  Napi::Value Result(Napi::Env env) override { return CopyBuffer(env, out_.data(), out_.size()); }

 private:
  std::vector<unsigned char> out_;
};

Napi::Value RandomBytesAsync(const Napi::CallbackInfo& info) {
  int64_t n = 0;
  if (!ArgInt(info, 0, "size", &n, 0, kMaxRandom)) return {};
  return OpenSSLJob::Start(new RandomJob(info.Env(), static_cast<size_t>(n)));
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("digest", NativeFunction<Digest>(env, "digest"));
  exports.Set("digestAsync", NativeFunction<DigestAsync>(env, "digestAsync"));
  exports.Set("randomBytes", NativeFunction<RandomBytes>(env, "randomBytes"));
  exports.Set("randomBytesAsync", NativeFunction<RandomBytesAsync>(env, "randomBytesAsync"));
}

Module registration(&Init);

}  // namespace
}  // namespace ossl
