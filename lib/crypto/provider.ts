/**
 * OpenSSL providers.
 * @module
 */
import { native } from '../native.js';
import './trust-native.js';

/** A provider loaded in the default library context, as {@link describeProviders} reports it. */
export interface ProviderInfo {
  /** Its name (`default`, `base`, `legacy`, ...). */
  name: string;
  /** The version it reports (`OSSL_PROV_PARAM_VERSION`), or null. */
  version: string | null;
  /** Its build information (`OSSL_PROV_PARAM_BUILDINFO`), or null. */
  buildInfo: string | null;
  /** `"built-in"` (part of the binding's libcrypto), or the module file it was loaded from. */
  source: string;
}

/**
 * Loads an OpenSSL provider (e.g. `"legacy"` for RC2/3DES PKCS#12) into the default library
 * context for the rest of the process; the default provider stays available
 * (`OSSL_PROVIDER_try_load`). Throws an OpenSSLError when it cannot be loaded.
 *
 * A provider comes from the binding's own OpenSSL: built in (an OpenSSL built by
 * `scripts/build-openssl.sh` has the legacy provider built in), or a module file that is
 * self-contained. A module that links against `libcrypto.so` (a system OpenSSL's modules) would run
 * its OpenSSL calls in Node's own OpenSSL instead, so it is refused with an Error whose code is
 * `ERR_OPENSSL_NAPI_FOREIGN_PROVIDER`; `OPENSSL_NAPI_ALLOW_FOREIGN_PROVIDERS=1` loads it anyway.
 */
export function loadProvider(name: string): string {
  return native.loadProvider(name);
}

/** Names of the providers loaded in the default library context (`OSSL_PROVIDER_do_all`). */
export function listProviders(): string[] {
  return native.listProviders();
}

/**
 * The providers loaded in the default library context: name, version, build information and where
 * each came from (`OSSL_PROVIDER_do_all`, `OSSL_PROVIDER_get_params`).
 */
export function describeProviders(): ProviderInfo[] {
  return native.describeProviders();
}

/** Where provider modules are looked for from now on; null restores OpenSSL's default (`OSSL_PROVIDER_set_default_search_path`). */
export function setProviderSearchPath(path: string | null): void {
  native.setProviderSearchPath(path);
}

/**
 * Where provider modules are looked for (the path set, else `OPENSSL_MODULES`, else the build's
 * MODULESDIR; `OSSL_PROVIDER_get0_default_search_path` where OpenSSL has it, else
 * `OpenSSL_version(OPENSSL_MODULES_DIR)`).
 */
export function providerSearchPath(): string {
  return native.providerSearchPath();
}

/** What a provider offers, operation by operation: each algorithm by its first name. */
export interface ProviderAlgorithms {
  digest: string[];
  cipher: string[];
  mac: string[];
  kdf: string[];
  rand: string[];
  keymgmt: string[];
  keyexch: string[];
  signature: string[];
  asymCipher: string[];
  kem: string[];
  encoder: string[];
  decoder: string[];
  store: string[];
}

/** The algorithms a loaded provider offers (`OSSL_PROVIDER_query_operation`), e.g. `providerAlgorithms('default').signature`. */
export function providerAlgorithms(name: string): ProviderAlgorithms {
  return native.providerAlgorithms(name);
}
