/**
 * `Session`: a resumable TLS session (pyOpenSSL's opaque Session, plus DER and getters).
 * @module
 */
import { native } from '../native.js';
import { handleOf } from '../handle.js';
import type { NativeSession } from './native-types.js';
import { Context } from './context.js';

/**
 * A TLS session (`SSL_SESSION`), from `Connection.getSession()`, `Session.fromDER()` or a session
 * callback.
 *
 * @example Resuming in a later connection
 * ```ts
 * const saved = conn.getSession()?.toDER(); // after the handshake (TLS 1.3: after a read)
 * // ... later, on a Connection of the same Context:
 * const next = new SSL.Connection(ctx);
 * if (saved) next.setSession(SSL.Session.fromDER(saved, ctx));
 * next.setConnectState();
 * // ... once the handshake is done: next.sessionReused() === true
 * ```
 */
export class Session {
  /** @internal */
  _h: NativeSession;
  /** @internal The Context the session belongs to (resumption only within it). */
  _context: Context | null = null;

  /** An empty session (as pyOpenSSL allows); useless until filled by OpenSSL (`SSL_SESSION_new`). */
  constructor() {
    this._h = new native.Session();
  }

  /** @internal */
  static _wrap(h: NativeSession, context: Context | null): Session {
    const s = Object.create(Session.prototype) as Session;
    s._h = h;
    s._context = context;
    return s;
  }

  /**
   * Parses a session serialised with {@link Session.toDER}, pinned to `context` for resumption
   * (`d2i_SSL_SESSION`; the pin is the binding's, checked by `Connection.setSession`). Bad bytes are
   * an OpenSSLError.
   */
  static fromDER(buf: Uint8Array, context: Context): Session {
    const ctx = handleOf(context, Context, 'context');
    void ctx;
    return Session._wrap(native.sessionFromDER(buf), context);
  }

  /**
   * A TLS 1.3 external PSK as a session, for `Context.setPskUseSessionCallback` /
   * `setPskFindSessionCallback`: the key and the TLS 1.3 suite (e.g. `TLS_AES_128_GCM_SHA256`)
   * (`SSL_SESSION_set1_master_key`, `SSL_SESSION_set_cipher`, `SSL_SESSION_set_protocol_version`).
   * @throws a RangeError (`ERR_INVALID_ARG_VALUE`) for a key that is not 1..48 bytes or a suite the
   * Context does not enable.
   */
  static forPsk(context: Context, key: Uint8Array, cipher: string): Session {
    return Session._wrap(native.sessionForPsk(handleOf(context, Context, 'context'), key, cipher), context);
  }

  /** DER serialisation (`i2d_SSL_SESSION`). Contains the master secret: keep it private. */
  toDER(): Buffer {
    return this._h.toDER();
  }

  /** The session id (may be empty for TLS 1.3 ticket sessions on the server side; `SSL_SESSION_get_id`). */
  get id(): Buffer {
    return this._h.id();
  }

  /** The protocol version, e.g. `0x304` (`SSL_SESSION_get_protocol_version`). */
  get protocolVersion(): number {
    return this._h.protocolVersion();
  }

  /** The cipher name, or null (`SSL_SESSION_get0_cipher`, `SSL_CIPHER_get_name`). */
  get cipher(): string | null {
    return this._h.cipher();
  }

  /** Creation time, seconds since the epoch (`SSL_SESSION_get_time`). */
  get time(): number {
    return this._h.time();
  }

  /** Timeout in seconds (`SSL_SESSION_get_timeout`). */
  get timeout(): number {
    return this._h.timeout();
  }

  /** The ticket lifetime hint (seconds) the server sent, or 0 (`SSL_SESSION_get_ticket_lifetime_hint`). */
  get ticketLifetimeHint(): number {
    return this._h.ticketLifetimeHint();
  }

  /** True if the session can be used to resume (`SSL_SESSION_is_resumable`). */
  get isResumable(): boolean {
    return this._h.isResumable();
  }

  /** The most TLS 1.3 early data a client may send when it resumes this session; 0: none (`SSL_SESSION_get_max_early_data`). */
  get maxEarlyData(): number {
    return this._h.maxEarlyData();
  }

  /** True if the session holds a ticket (`SSL_SESSION_has_ticket`). */
  get hasTicket(): boolean {
    return this._h.hasTicket();
  }

  /** Releases the session now (`SSL_SESSION_free`). */
  free(): void {
    this._h.free();
  }

  /** Same as {@link Session.free} (`SSL_SESSION_free`). */
  [Symbol.dispose](): void {
    this.free();
  }
}
