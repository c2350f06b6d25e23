/**
 * DTLS on {@link Connection} and {@link Context}: the stateless cookie exchange
 * (`DTLSv1Listen` + cookie callbacks), retransmission timers, MTU, and SRTP keying material.
 * The methods themselves are in their classes (connection.ts, context.ts); this file holds the
 * types, the SRTP profile table and the helpers they share.
 *
 * A Connection made from a DTLS Context (`DTLS_METHOD`, `DTLS_SERVER_METHOD`,
 * `DTLS_CLIENT_METHOD`) has datagram memory BIOs: each {@link MemoryConnection.bioWrite} is one
 * datagram from the peer, each {@link MemoryConnection.bioRead} returns one datagram for the peer, and
 * {@link MemoryConnection.bioPending} is the size of the next datagram ({@link MemoryConnection.pump} also
 * returns at most one datagram per call). A `bioRead` smaller than the datagram truncates it, as
 * `recv` does on a UDP socket. The default MTU reported to DTLS is 1472 (a 1500-byte link minus
 * IPv4 and UDP headers); change it with {@link MemoryConnection.setCiphertextMtu}.
 * @module
 */
import { native } from '../native.js';
import type { MemoryConnection } from './connection.js';
import type { Connection } from './connection-constructor.js';
import type { Context } from './context.js';
import type { NativeConnection, NativeContext } from './native-types.js';

declare module '../native.js' {
  interface NativeBinding {
    dtlsSetCookieCallbacks(ctx: NativeContext, generate: boolean, verify: boolean): void;
    dtlsListen(conn: NativeConnection): number;
    dtlsGetTimeout(conn: NativeConnection): number | null;
    dtlsHandleTimeout(conn: NativeConnection): boolean;
    dtlsSetMtu(conn: NativeConnection, mtu: number): void;
    dtlsGetDataMtu(conn: NativeConnection): number;
    dtlsSetInitialTimeout(conn: NativeConnection, ms: number | null): void;
    dtlsIsDtls(conn: NativeConnection): boolean;
  }
}

/** DTLS cookie generator: returns the cookie (1..255 bytes) to send in a HelloVerifyRequest. */
export type CookieGenerateCallback = (conn: Connection) => Uint8Array | string;
/** DTLS cookie check: true if `cookie` is one this server generated for this peer (only a boolean counts). */
export type CookieVerifyCallback = (conn: Connection, cookie: Buffer) => boolean;

/** SRTP master keys and salts exported from a DTLS-SRTP handshake (RFC 5764 section 4.2). */
export interface SrtpKeyingMaterial {
  /** The negotiated profile, e.g. `"SRTP_AES128_CM_SHA1_80"`. */
  profile: string;
  /** client_write_SRTP_master_key. */
  clientKey: Buffer;
  /** server_write_SRTP_master_key. */
  serverKey: Buffer;
  /** client_write_SRTP_master_salt. */
  clientSalt: Buffer;
  /** server_write_SRTP_master_salt. */
  serverSalt: Buffer;
}

/** The RFC 5764 exporter label for DTLS-SRTP keys. */
export const SRTP_EXPORTER_LABEL = 'EXTRACTOR-dtls_srtp';

/** Master key / salt lengths (bytes) of the SRTP protection profiles OpenSSL knows. */
const SRTP_LENGTHS: Record<string, [key: number, salt: number]> = {
  SRTP_AES128_CM_SHA1_80: [16, 14],
  SRTP_AES128_CM_SHA1_32: [16, 14],
  SRTP_NULL_SHA1_80: [16, 14],
  SRTP_NULL_SHA1_32: [16, 14],
  SRTP_AEAD_AES_128_GCM: [16, 12],
  SRTP_AEAD_AES_256_GCM: [32, 12],
  SRTP_ARIA_128_CTR_HMAC_SHA1_80: [16, 14],
  SRTP_ARIA_128_CTR_HMAC_SHA1_32: [16, 14],
  SRTP_ARIA_256_CTR_HMAC_SHA1_80: [32, 14],
  SRTP_ARIA_256_CTR_HMAC_SHA1_32: [32, 14],
  SRTP_AEAD_ARIA_128_GCM: [16, 12],
  SRTP_AEAD_ARIA_256_GCM: [32, 12],
};

function typeError(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' });
}

/** @internal */
export function checkFn(cb: unknown, name: string): void {
  if (cb !== null && cb !== undefined && typeof cb !== 'function') throw typeError(`The "${name}" argument must be a function or null`);
}

/** @internal Installs or removes one of the two cookie hooks (the native side needs both flags). */
export function setCookieHook(ctx: Context, name: 'cookieGenerate' | 'cookieVerify', hook: ((...a: never[]) => unknown) | null): void {
  const gen = name === 'cookieGenerate' ? hook !== null : typeof ctx._hooks.cookieGenerate === 'function';
  const ver = name === 'cookieVerify' ? hook !== null : typeof ctx._hooks.cookieVerify === 'function';
  native.dtlsSetCookieCallbacks(ctx._h, gen, ver); // throws first if the Context was freed
  ctx._hook(name, hook);
}

/** @internal {@link MemoryConnection.getSrtpKeyingMaterial}: the exporter's bytes split per RFC 5764. */
export function srtpKeyingMaterial(conn: MemoryConnection): SrtpKeyingMaterial | null {
  const profile = conn.getSelectedSrtpProfile();
  if (profile === '') return null;
  const lengths = SRTP_LENGTHS[profile];
  if (lengths === undefined) {
    throw Object.assign(new Error(`Unknown SRTP profile ${profile}`), { code: 'ERR_OPENSSL_NAPI_SRTP_PROFILE' });
  }
  const [k, s] = lengths;
  const m = conn.exportKeyingMaterial(SRTP_EXPORTER_LABEL, 2 * (k + s));
  return {
    profile,
    clientKey: m.subarray(0, k),
    serverKey: m.subarray(k, 2 * k),
    clientSalt: m.subarray(2 * k, 2 * k + s),
    serverSalt: m.subarray(2 * k + s, 2 * (k + s)),
  };
}
