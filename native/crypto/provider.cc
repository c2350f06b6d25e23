// OpenSSL providers: load by name (handles kept for the life of the process), list, and say where
// each came from. A provider module is a shared object; one that links against libcrypto.so would
// have its OpenSSL calls resolved by the dynamic linker to the first copy in the process, which
// is Node's own (the node executable exports its OpenSSL): a second OpenSSL would run inside
// "the OpenSSL you chose". Such modules are refused unless the user says otherwise.
#include <elf.h>
#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/provider.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/args.h"
#include "common/compat.h"
#include "common/wrap.h"

namespace ossl {
namespace {

// Recursive: an error built under it sets properties, and a setter on Object.prototype may call
// back in on the same thread. (Results are built after it is released.)
std::recursive_mutex& ProvidersMutex() {
  static std::recursive_mutex m;
  return m;
}
std::vector<OSSL_PROVIDER*>& Loaded() {
  static std::vector<OSSL_PROVIDER*> v;  // never unloaded: other objects may use their algorithms
  return v;
}
// Where each provider we loaded came from: its module file, or "built-in".
std::map<std::string, std::string>& Sources() {
  static std::map<std::string, std::string> m;
  return m;
}

// What setProviderSearchPath set ("" when nothing): OpenSSL 3.0 has no getter for it.
std::string& SetPath() {
  static std::string path;
  return path;
}

std::string SearchPath() {
  if (!SetPath().empty()) return SetPath();
#if OSSL_NAPI_HAS_PROVIDER_SEARCH_PATH_GETTER
  const char* p = OSSL_PROVIDER_get0_default_search_path(nullptr);
  if (p != nullptr) return p;
#endif
  const char* env = std::getenv("OPENSSL_MODULES");
  if (env != nullptr) return env;
  // OpenSSL_version says `MODULESDIR: "/path"`.
  std::string dir = OpenSSL_version(OPENSSL_MODULES_DIR);
  const size_t open = dir.find('"'), close = dir.rfind('"');
  return open != std::string::npos && close > open ? dir.substr(open + 1, close - open - 1) : dir;
}

// The module file OpenSSL would load for `name`, or "" when there is none (a built-in provider).
std::string ModuleFile(const std::string& name) {
  std::string path = name.find('/') != std::string::npos ? name : SearchPath() + "/" + name;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return path;
  path += ".so";
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return path;
  return "";
}

// Why an ELF64 module would bind to another OpenSSL: a NEEDED libcrypto/libssl, or an undefined
// OpenSSL symbol (resolved from the process's global scope); "" when it is self-contained.
std::string ForeignOpenSSL(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string f((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (f.size() < sizeof(Elf64_Ehdr) || std::memcmp(f.data(), ELFMAG, SELFMAG) != 0 || f[EI_CLASS] != ELFCLASS64)
    return "it is not an ELF64 shared object";
  Elf64_Ehdr eh;
  std::memcpy(&eh, f.data(), sizeof eh);
  if (eh.e_shoff == 0 || eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff + eh.e_shnum * sizeof(Elf64_Shdr) > f.size())
    return "its section headers cannot be read";
  auto section = [&](size_t i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, f.data() + eh.e_shoff + i * sizeof sh, sizeof sh);
    return sh;
  };
  auto str = [&](const Elf64_Shdr& strtab, size_t off) -> std::string {
    if (strtab.sh_offset + off >= f.size()) return "";
    return std::string(f.c_str() + strtab.sh_offset + off);
  };
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    const Elf64_Shdr sh = section(i);
    if (sh.sh_link >= eh.e_shnum || sh.sh_offset + sh.sh_size > f.size()) continue;
    const Elf64_Shdr strtab = section(sh.sh_link);
    if (sh.sh_type == SHT_DYNAMIC) {
      for (size_t off = 0; off + sizeof(Elf64_Dyn) <= sh.sh_size; off += sizeof(Elf64_Dyn)) {
        Elf64_Dyn d;
        std::memcpy(&d, f.data() + sh.sh_offset + off, sizeof d);
        if (d.d_tag != DT_NEEDED) continue;
        const std::string lib = str(strtab, d.d_un.d_val);
        if (lib.rfind("libcrypto", 0) == 0 || lib.rfind("libssl", 0) == 0) return "it links against " + lib;
      }
    } else if (sh.sh_type == SHT_DYNSYM) {
      for (size_t off = sizeof(Elf64_Sym); off + sizeof(Elf64_Sym) <= sh.sh_size; off += sizeof(Elf64_Sym)) {
        Elf64_Sym sym;
        std::memcpy(&sym, f.data() + sh.sh_offset + off, sizeof sym);
        if (sym.st_shndx != SHN_UNDEF || ELF64_ST_BIND(sym.st_info) == STB_WEAK) continue;
        const std::string s = str(strtab, sym.st_name);
        for (const char* prefix : {"OPENSSL_", "CRYPTO_", "ERR_", "EVP_", "OSSL_", "BN_", "BIO_", "ossl_"}) {
          if (s.rfind(prefix, 0) == 0) return "it imports the OpenSSL symbol " + s;
        }
      }
    }
  }
  return "";
}

// loadProvider(name): the provider's name. Fallback (default) loading is kept, so loading
// "legacy" first does not switch the default provider off.
Napi::Value LoadProvider(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name;
  if (!ArgCString(info, 0, "name", &name)) return {};
  if (name.empty()) return ThrowTypeError(env, "The \"name\" argument must not be empty", "ERR_INVALID_ARG_VALUE");
  std::lock_guard<std::recursive_mutex> lock(ProvidersMutex());
  const std::string file = ModuleFile(name);
  if (!file.empty()) {
    const std::string why = ForeignOpenSSL(file);
    const char* allow = std::getenv("OPENSSL_NAPI_ALLOW_FOREIGN_PROVIDERS");
    if (!why.empty() && (allow == nullptr || std::strcmp(allow, "1") != 0)) {
      return ThrowStateError(env,
                             "Refusing the OpenSSL provider module " + file + ": " + why +
                                 ", so its OpenSSL calls would run another OpenSSL than the binding's " +
                                 OpenSSL_version(OPENSSL_VERSION_STRING) +
                                 " (Node's own, exported by the node executable). Build OpenSSL with "
                                 "scripts/build-openssl.sh (its legacy provider is built in) and install with "
                                 "OPENSSL_DIR, or set OPENSSL_NAPI_ALLOW_FOREIGN_PROVIDERS=1 to load it anyway",
                             "ERR_OPENSSL_NAPI_FOREIGN_PROVIDER");
    }
  }
  OSSL_PROVIDER* p = OSSL_PROVIDER_try_load(nullptr, name.c_str(), 1);
  if (p == nullptr)
    return ThrowOpenSSLMessage(env, "OSSL_PROVIDER_load",
                               "Could not load the OpenSSL provider \"" + name + "\" (modules directory: " + SearchPath() + ")");
  Loaded().push_back(p);
  Sources()[OSSL_PROVIDER_get0_name(p)] = file.empty() ? "built-in" : file;
  return Napi::String::New(env, OSSL_PROVIDER_get0_name(p));
}

// What describeProviders reports of one provider. Collected under the lock, turned into JS after
// it: building objects can run JS (a setter on Object.prototype), which may call back in here.
struct Description {
  std::string name, source;
  std::optional<std::string> version, build;
};

int Describe(OSSL_PROVIDER* p, void* arg) {
  auto* out = static_cast<std::vector<Description>*>(arg);
  const char* name = OSSL_PROVIDER_get0_name(p);
  char* version = nullptr;
  char* build = nullptr;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_ptr(OSSL_PROV_PARAM_VERSION, &version, 0),
                         OSSL_PARAM_construct_utf8_ptr(OSSL_PROV_PARAM_BUILDINFO, &build, 0), OSSL_PARAM_construct_end()};
  OSSL_PROVIDER_get_params(p, params);
  ERR_clear_error();
  Description d;
  d.name = name;
  if (version != nullptr) d.version = version;
  if (build != nullptr) d.build = build;
  auto it = Sources().find(name);
  // Providers OpenSSL loaded itself (default, base) are part of libcrypto.
  d.source = it != Sources().end() ? it->second : (ModuleFile(name).empty() ? "built-in" : ModuleFile(name));
  out->push_back(std::move(d));
  return 1;
}

// describeProviders() -> [{ name, version, buildInfo, source }]
Napi::Value DescribeProviders(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<Description> all;
  {
    std::lock_guard<std::recursive_mutex> lock(ProvidersMutex());
    if (OSSL_PROVIDER_do_all(nullptr, &Describe, &all) != 1) return ThrowOpenSSL(env, "OSSL_PROVIDER_do_all");
  }
  auto text = [&](const std::optional<std::string>& v) { return v ? Napi::Value(Napi::String::New(env, *v)) : env.Null(); };
  Napi::Array out = Napi::Array::New(env, all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", all[i].name);
    o.Set("version", text(all[i].version));
    o.Set("buildInfo", text(all[i].build));
    o.Set("source", all[i].source);
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

int Collect(OSSL_PROVIDER* p, void* arg) {
  static_cast<std::vector<std::string>*>(arg)->push_back(OSSL_PROVIDER_get0_name(p));
  return 1;
}

Napi::Value ListProviders(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<std::string> names;
  if (OSSL_PROVIDER_do_all(nullptr, &Collect, &names) != 1) return ThrowOpenSSL(env, "OSSL_PROVIDER_do_all");
  Napi::Array arr = Napi::Array::New(env, names.size());
  for (size_t i = 0; i < names.size(); ++i) arr.Set(static_cast<uint32_t>(i), Napi::String::New(env, names[i]));
  return arr;
}

struct Found {
  std::string name;
  OSSL_PROVIDER* provider = nullptr;
};

int FindProvider(OSSL_PROVIDER* p, void* arg) {
  auto* f = static_cast<Found*>(arg);
  if (f->name == OSSL_PROVIDER_get0_name(p)) f->provider = p;
  return 1;
}

// providerAlgorithms(name) -> { digest: [...], cipher: [...], ... }: what a loaded provider
// offers, operation by operation (each algorithm by its first name).
Napi::Value ProviderAlgorithms(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Found found;
  if (!ArgCString(info, 0, "name", &found.name)) return {};
  // Names collected under the lock, turned into JS after it (see Description).
  std::vector<std::pair<const char*, std::vector<std::string>>> ops;
  {
    std::lock_guard<std::recursive_mutex> lock(ProvidersMutex());
    if (OSSL_PROVIDER_do_all(nullptr, &FindProvider, &found) != 1) return ThrowOpenSSL(env, "OSSL_PROVIDER_do_all");
    if (found.provider == nullptr)
      return ThrowStateError(env, "The provider \"" + found.name + "\" is not loaded", "ERR_INVALID_ARG_VALUE");
    static const std::pair<int, const char*> kOperations[] = {
        {OSSL_OP_DIGEST, "digest"},       {OSSL_OP_CIPHER, "cipher"},       {OSSL_OP_MAC, "mac"},
        {OSSL_OP_KDF, "kdf"},             {OSSL_OP_RAND, "rand"},           {OSSL_OP_KEYMGMT, "keymgmt"},
        {OSSL_OP_KEYEXCH, "keyexch"},     {OSSL_OP_SIGNATURE, "signature"}, {OSSL_OP_ASYM_CIPHER, "asymCipher"},
        {OSSL_OP_KEM, "kem"},             {OSSL_OP_ENCODER, "encoder"},     {OSSL_OP_DECODER, "decoder"},
        {OSSL_OP_STORE, "store"}};
    for (const auto& [op, label] : kOperations) {
      int no_cache = 0;
      const OSSL_ALGORITHM* algs = OSSL_PROVIDER_query_operation(found.provider, op, &no_cache);
      std::vector<std::string> names;
      for (const OSSL_ALGORITHM* a = algs; a != nullptr && a->algorithm_names != nullptr; ++a) {
        const std::string all = a->algorithm_names;
        names.push_back(all.substr(0, all.find(':')));
      }
      if (algs != nullptr) OSSL_PROVIDER_unquery_operation(found.provider, op, algs);
      ops.emplace_back(label, std::move(names));
    }
    ERR_clear_error();
  }
  Napi::Object out = Napi::Object::New(env);
  for (const auto& [label, names] : ops) {
    Napi::Array arr = Napi::Array::New(env, names.size());
    for (size_t i = 0; i < names.size(); ++i) arr.Set(static_cast<uint32_t>(i), Napi::String::New(env, names[i]));
    out.Set(label, arr);
  }
  return out;
}

// setProviderSearchPath(path | null): where modules are looked for (null: OpenSSL's default).
Napi::Value SetSearchPath(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path;
  const bool reset = ArgIsNullish(info, 0);
  if (!reset && !ArgCString(info, 0, "path", &path)) return {};
  std::lock_guard<std::recursive_mutex> lock(ProvidersMutex());
  if (OSSL_PROVIDER_set_default_search_path(nullptr, reset ? nullptr : path.c_str()) != 1)
    return ThrowOpenSSL(env, "OSSL_PROVIDER_set_default_search_path");
  SetPath() = reset ? std::string() : path;
  return env.Undefined();
}

// providerSearchPath() -> where modules are looked for now.
Napi::Value GetSearchPath(const Napi::CallbackInfo& info) {
  std::lock_guard<std::recursive_mutex> lock(ProvidersMutex());
  return Napi::String::New(info.Env(), SearchPath());
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("loadProvider", NativeFunction<LoadProvider>(env, "loadProvider"));
  exports.Set("listProviders", NativeFunction<ListProviders>(env, "listProviders"));
  exports.Set("describeProviders", NativeFunction<DescribeProviders>(env, "describeProviders"));
  exports.Set("setProviderSearchPath", NativeFunction<SetSearchPath>(env, "setProviderSearchPath"));
  exports.Set("providerSearchPath", NativeFunction<GetSearchPath>(env, "providerSearchPath"));
  exports.Set("providerAlgorithms", NativeFunction<ProviderAlgorithms>(env, "providerAlgorithms"));
}

Module registration(&Init);

}  // namespace
}  // namespace ossl
