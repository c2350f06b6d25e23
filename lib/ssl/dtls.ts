/**
 * DTLS on {@link Connection} and {@link Context}: the stateless cookie exchange
 * (`DTLSv1Listen` + cookie callbacks), retransmission timers, MTU, and SRTP keying material.
 * The methods are added to the classes' prototypes here (module augmentation), so this area
 * does not edit connection.ts / context.ts.
 *
 * A Connection made from a DTLS Context (`DTLS_METHOD`, `DTLS_SERVER_METHOD`,
 * `DTLS_CLIENT_METHOD`) has datagram memory BIOs: each {@link Connection.bioWrite} is one
 * datagram from the peer, each {@link Connection.bioRead} returns one datagram for the peer, and
 * {@link Connection.bioPending} is the size of the next datagram ({@link Connection.pump} also
 * returns at most one datagram per call). A `bioRead` smaller than the datagram truncates it, as
 * `recv` does on a UDP socket. The default MTU reported to DTLS is 1472 (a 1500-byte link minus
 * IPv4 and UDP headers); change it with {@link Connection.setCiphertextMtu}.
 * @module
 */
import { native } from '../native.js';
import { WantReadError } from '../errors.js';
import { MemoryConnection, type Connection } from './connection.js';
import { Context } from './context.js';
import { Status, type NativeConnection, type NativeContext } from './native-types.js';

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

declare module './connection.js' {
  // `Connection` is the memory-BIO class (MemoryConnection); DTLS runs over its datagram BIOs.
  interface MemoryConnection {
    /**
     * Server: the stateless cookie exchange (`DTLSv1_listen`). Feed the client's datagram with
     * {@link Connection.bioWrite}, call this, and send whatever {@link Connection.bioRead} gives
     * (a HelloVerifyRequest). Throws WantReadError until a ClientHello with a valid cookie
     * arrives; then returns and the handshake continues with {@link Connection.doHandshake}.
     * Needs cookie callbacks on the Context; an exception thrown by one is rethrown here.
     */
    DTLSv1Listen(): void;
    /** Seconds until {@link Connection.DTLSv1HandleTimeout} should be called, or null when no timer runs. */
    DTLSv1GetTimeout(): number | null;
    /** Handles an expired retransmission timer; true when a flight was retransmitted. */
    DTLSv1HandleTimeout(): boolean;
    /** Sets the datagram size (record headers included) DTLS must fit in (`SSL_set_mtu`); also set `OP_NO_QUERY_MTU`. */
    setCiphertextMtu(mtu: number): void;
    /** Plaintext bytes that fit in one record at the current MTU and cipher (`DTLS_get_data_mtu`); 0 before a cipher is chosen. */
    getCleartextMtu(): number;
    /**
     * The first retransmission timeout in milliseconds (OpenSSL's default is 1000; it doubles on
     * each retry up to 60 s). null restores the default. Uses `DTLS_set_timer_cb`.
     */
    setDtlsInitialTimeout(ms: number | null): void;
    /** Whether this connection was made from a DTLS Context. */
    isDtls(): boolean;
    /**
     * DTLS-SRTP keys (RFC 5764 section 4.2) from `exportKeyingMaterial('EXTRACTOR-dtls_srtp', ...)`
     * for the negotiated SRTP profile, or null when none was negotiated.
     */
    getSrtpKeyingMaterial(): SrtpKeyingMaterial | null;
  }
}

declare module './context.js' {
  interface Context {
    /** DTLS server: `cb(conn)` returns the cookie for a HelloVerifyRequest (1..255 bytes). null removes it. */
    setCookieGenerateCallback(callback: CookieGenerateCallback | null): void;
    /** DTLS server: `cb(conn, cookie)` returns true if the cookie is valid. null removes it. */
    setCookieVerifyCallback(callback: CookieVerifyCallback | null): void;
  }
}

function checkFn(cb: unknown, name: string): void {
  if (cb !== null && cb !== undefined && typeof cb !== 'function') throw typeError(`The "${name}" argument must be a function or null`);
}

function setCookieHook(ctx: Context, name: 'cookieGenerate' | 'cookieVerify', hook: ((...a: never[]) => unknown) | null): void {
  const gen = name === 'cookieGenerate' ? hook !== null : typeof ctx._hooks.cookieGenerate === 'function';
  const ver = name === 'cookieVerify' ? hook !== null : typeof ctx._hooks.cookieVerify === 'function';
  native.dtlsSetCookieCallbacks(ctx._h, gen, ver); // throws first if the Context was freed
  ctx._hook(name, hook);
}

Context.prototype.setCookieGenerateCallback = function (this: Context, callback: CookieGenerateCallback | null): void {
  checkFn(callback, 'callback');
  setCookieHook(this, 'cookieGenerate', callback ? (c: unknown) => callback(c as Connection) : null);
};

Context.prototype.setCookieVerifyCallback = function (this: Context, callback: CookieVerifyCallback | null): void {
  checkFn(callback, 'callback');
  setCookieHook(this, 'cookieVerify', callback ? (c: unknown, cookie: Buffer) => callback(c as Connection, cookie) : null);
};

MemoryConnection.prototype.DTLSv1Listen = function (this: Connection): void {
  const r = native.dtlsListen(this._h);
  if (r !== Status.Ok) throw new WantReadError();
};

MemoryConnection.prototype.DTLSv1GetTimeout = function (this: Connection): number | null {
  return native.dtlsGetTimeout(this._h);
};

MemoryConnection.prototype.DTLSv1HandleTimeout = function (this: Connection): boolean {
  return native.dtlsHandleTimeout(this._h);
};

MemoryConnection.prototype.setCiphertextMtu = function (this: Connection, mtu: number): void {
  native.dtlsSetMtu(this._h, mtu);
};

MemoryConnection.prototype.getCleartextMtu = function (this: Connection): number {
  return native.dtlsGetDataMtu(this._h);
};

MemoryConnection.prototype.setDtlsInitialTimeout = function (this: Connection, ms: number | null): void {
  native.dtlsSetInitialTimeout(this._h, ms ?? null);
};

MemoryConnection.prototype.isDtls = function (this: Connection): boolean {
  return native.dtlsIsDtls(this._h);
};

MemoryConnection.prototype.getSrtpKeyingMaterial = function (this: Connection): SrtpKeyingMaterial | null {
  const profile = this.getSelectedSrtpProfile();
  if (profile === '') return null;
  const lengths = SRTP_LENGTHS[profile];
  if (lengths === undefined) {
    throw Object.assign(new Error(`Unknown SRTP profile ${profile}`), { code: 'ERR_OPENSSL_NAPI_SRTP_PROFILE' });
  }
  const [k, s] = lengths;
  const m = this.exportKeyingMaterial(SRTP_EXPORTER_LABEL, 2 * (k + s));
  return {
    profile,
    clientKey: m.subarray(0, k),
    serverKey: m.subarray(k, 2 * k),
    clientSalt: m.subarray(2 * k, 2 * k + s),
    serverSalt: m.subarray(2 * k + s, 2 * (k + s)),
  };
};
