/**
 * What OpenSSL the binding really runs. Under Node this matters: Node exports its own bundled
 * OpenSSL, and a carelessly linked addon silently runs that copy instead of the one it was built for.
 * @module
 */
import { native, type NativeVersionInfo } from './native.js';
import type { ProviderInfo } from './crypto/provider.js';
import './crypto/trust-native.js';

/** The answer of {@link version}. */
export interface VersionInfo {
  /** Runtime OpenSSL version, e.g. `"3.5.7"`. */
  openssl: string;
  /** Full runtime version text, e.g. `"OpenSSL 3.5.7 1 Jul 2026"`. */
  opensslText: string;
  /** Runtime `OpenSSL_version_num()`. */
  opensslNumber: number;
  /** Version of the headers the addon was compiled against (equal to the runtime one, or it would not load). */
  headerVersion: string;
  /** OPENSSLDIR of the linked OpenSSL. */
  opensslDir: string;
  /** MODULESDIR (where providers such as `legacy` live). */
  modulesDir: string;
  /** Compiler flags OpenSSL was built with. */
  cflags: string;
  /** Target platform OpenSSL was built for. */
  platform: string;
  /** When OpenSSL was built. */
  builtOn: string;
  /** `"static"` (the default: symbols hidden inside the addon) or `"dynamic"` (opt-in). */
  linkage: 'static' | 'dynamic';
  /**
   * How the addon's OpenSSL allocates: `"malloc"` (plain malloc, the default) or `"block-cache"`
   * (a per-thread cache of freed blocks in front of malloc, opted into by starting the process with
   * `OPENSSL_NAPI_BLOCK_CACHE=1`; sanitizer builds, non-glibc systems and an OpenSSL that had
   * allocated before the addon loaded stay on malloc).
   */
  allocator: 'block-cache' | 'malloc';
  /** The file that serves `SSL_CTX_new`: the addon itself when linked statically, never the node binary. */
  sslCtxNewFile: string;
  /** The addon file. */
  addonFile: string;
  /** Node's own bundled OpenSSL (`process.versions.openssl`), for comparison. */
  nodeOpenssl: string;
  /** The providers loaded in the binding's OpenSSL, with their versions and where each came from. */
  providers: ProviderInfo[];
}

function stripLabel(text: string): string {
  const i = text.indexOf(': ');
  return i >= 0 && /^[A-Za-z ]+$/.test(text.slice(0, i)) ? text.slice(i + 2).replace(/^"|"$/g, '') : text;
}

/**
 * Reports the OpenSSL the binding runs, where it comes from, and Node's own beside it
 * (`OpenSSL_version`, `OpenSSL_version_num`; the serving file from `dladdr` of `SSL_CTX_new`; the
 * providers as `crypto.describeProviders()`).
 * @example
 * ```ts
 * import { version } from 'openssl-napi';
 *
 * const v = version();
 * console.log(v.openssl, v.linkage, v.nodeOpenssl); // the binding's OpenSSL, then Node's
 * ```
 */
export function version(): VersionInfo {
  const v: NativeVersionInfo = native.versionInfo();
  return {
    openssl: v.version,
    opensslText: v.text,
    opensslNumber: v.number,
    headerVersion: v.headerVersion,
    opensslDir: stripLabel(v.opensslDir),
    modulesDir: stripLabel(v.modulesDir),
    cflags: stripLabel(v.cflags),
    platform: stripLabel(v.platform),
    builtOn: stripLabel(v.builtOn),
    linkage: v.linkage,
    allocator: v.allocator,
    sslCtxNewFile: v.sslCtxNewFile,
    addonFile: v.addonFile,
    nodeOpenssl: process.versions.openssl ?? '',
    providers: native.describeProviders(),
  };
}

/** Selector for {@link OpenSSL_version}: the version text. */
export const OPENSSL_VERSION: number = native.versionConstants.OPENSSL_VERSION!;
/** Selector for {@link OpenSSL_version}: the compiler flags. */
export const OPENSSL_CFLAGS: number = native.versionConstants.OPENSSL_CFLAGS!;
/** Selector for {@link OpenSSL_version}: the platform. */
export const OPENSSL_PLATFORM: number = native.versionConstants.OPENSSL_PLATFORM!;
/** Selector for {@link OpenSSL_version}: OPENSSLDIR. */
export const OPENSSL_DIR: number = native.versionConstants.OPENSSL_DIR!;
/** Selector for {@link OpenSSL_version}: the build date. */
export const OPENSSL_BUILT_ON: number = native.versionConstants.OPENSSL_BUILT_ON!;
/** Selector for {@link OpenSSL_version}: MODULESDIR. */
export const OPENSSL_MODULES_DIR: number = native.versionConstants.OPENSSL_MODULES_DIR!;
/** The runtime `OpenSSL_version_num()`. */
export const OPENSSL_VERSION_NUMBER: number = native.versionConstants.OPENSSL_VERSION_NUMBER!;

/** pyOpenSSL's `OpenSSL_version(type)`: the text OpenSSL gives for one `OPENSSL_*` selector. */
export function OpenSSL_version(type: number): string {
  return native.openSSLVersionText(type);
}

/** pyOpenSSL's `SSLeay_version`: the old name of {@link OpenSSL_version}. */
export const SSLeay_version: (type: number) => string = OpenSSL_version;
/** pyOpenSSL's `SSLEAY_VERSION`: {@link OPENSSL_VERSION}. */
export const SSLEAY_VERSION: number = OPENSSL_VERSION;
/** pyOpenSSL's `SSLEAY_CFLAGS`: {@link OPENSSL_CFLAGS}. */
export const SSLEAY_CFLAGS: number = OPENSSL_CFLAGS;
/** pyOpenSSL's `SSLEAY_PLATFORM`: {@link OPENSSL_PLATFORM}. */
export const SSLEAY_PLATFORM: number = OPENSSL_PLATFORM;
/** pyOpenSSL's `SSLEAY_DIR`: {@link OPENSSL_DIR}. */
export const SSLEAY_DIR: number = OPENSSL_DIR;
/** pyOpenSSL's `SSLEAY_BUILT_ON`: {@link OPENSSL_BUILT_ON}. */
export const SSLEAY_BUILT_ON: number = OPENSSL_BUILT_ON;
