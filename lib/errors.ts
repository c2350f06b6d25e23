/**
 * The error model (DESIGN.md §4): one OpenSSLError carrying OpenSSL's whole error queue, and the
 * SSL I/O conditions as its subclasses, named as in pyOpenSSL.
 * @module
 */
import { native } from './native.js';

/** One entry of OpenSSL's error queue, in queue order. */
export interface OpenSSLErrorEntry {
  /** Library name, e.g. `"SSL routines"`. */
  library: string;
  /** Reason text, e.g. `"no start line"`. */
  reason: string;
  /** The packed OpenSSL error code. */
  code: number;
  /** Function name where OpenSSL records one (often empty on OpenSSL 3). */
  func: string;
  /** OpenSSL source file. */
  file: string;
  /** OpenSSL source line. */
  line: number;
  /** Extra data OpenSSL attached, or `""`. */
  data: string;
}

/**
 * A message for an error built from whatever a caller passed: errors themselves must never throw
 * while being made (a Symbol, a Proxy or a detached view as the message reads as its type).
 * @internal
 */
export function messageText(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message === undefined) return '';
  try {
    return String(message);
  } catch {
    return `(${typeof message})`;
  }
}

/**
 * An OpenSSL call failed. `errors` is the drained error queue (`ERR_get_error_all`, with
 * `ERR_lib_error_string` and `ERR_reason_error_string` for the names), `code` a stable string in
 * Node's style (`ERR_OSSL_<LIB>_<REASON>` of the first entry), `operation` the call that failed.
 */
export class OpenSSLError extends Error {
  /** The drained OpenSSL error queue, in queue order. */
  readonly errors: OpenSSLErrorEntry[];
  /** A stable code, e.g. `ERR_OSSL_PEM_NO_START_LINE`. */
  readonly code: string;
  /** The operation that failed, e.g. `load_certificate`. */
  readonly operation: string;

  /** Made by the binding from the drained queue; a caller may build one too (no OpenSSL call). */
  constructor(message: string, errors: OpenSSLErrorEntry[] = [], code = 'ERR_OSSL_NAPI_FAILED', operation = '') {
    super(messageText(message));
    this.name = new.target.name;
    this.errors = errors;
    this.code = code;
    this.operation = operation;
  }
}

/** The TLS layer needs more bytes from the peer (`SSL_ERROR_WANT_READ`, or an empty memory BIO). */
// Want-* and ZeroReturn errors are flow control, thrown several times per handshake in memory-BIO
// loops: they are built without a stack trace, which was most of their cost.
export class WantReadError extends OpenSSLError {
  /** Made by the binding when `SSL_get_error` says `SSL_ERROR_WANT_READ`; built without a stack trace. */
  constructor() {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super('The operation did not complete; more data must be read (WANT_READ)', [], 'ERR_SSL_WANT_READ', '');
    Error.stackTraceLimit = limit;
  }
}

/** The TLS layer must write before it can continue (`SSL_ERROR_WANT_WRITE`). */
export class WantWriteError extends OpenSSLError {
  /** Made by the binding when `SSL_get_error` says `SSL_ERROR_WANT_WRITE`; built without a stack trace. */
  constructor() {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super('The operation did not complete; data must be written (WANT_WRITE)', [], 'ERR_SSL_WANT_WRITE', '');
    Error.stackTraceLimit = limit;
  }
}

/** A certificate callback asked to be called again (`SSL_ERROR_WANT_X509_LOOKUP`). */
export class WantX509LookupError extends OpenSSLError {
  /** Made by the binding when `SSL_get_error` says `SSL_ERROR_WANT_X509_LOOKUP`; built without a stack trace. */
  constructor() {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super('The operation did not complete; an X509 lookup is pending (WANT_X509_LOOKUP)', [], 'ERR_SSL_WANT_X509_LOOKUP', '');
    Error.stackTraceLimit = limit;
  }
}

/** The peer closed the TLS connection cleanly with close_notify (`SSL_ERROR_ZERO_RETURN`). */
export class ZeroReturnError extends OpenSSLError {
  /** Made by the binding when `SSL_get_error` says `SSL_ERROR_ZERO_RETURN`; built without a stack trace. */
  constructor() {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super('The TLS connection was closed by the peer (close_notify)', [], 'ERR_SSL_ZERO_RETURN', '');
    Error.stackTraceLimit = limit;
  }
}

/**
 * An I/O error below TLS (`SSL_ERROR_SYSCALL`). The transport ending without close_notify is always
 * the same shape on every OpenSSL 3.x: `errno === -1` and message `"Unexpected EOF"`.
 */
export class SysCallError extends OpenSSLError {
  /** The OS errno, or -1 for an unexpected EOF. */
  readonly errno: number;

  /**
   * Made by the binding when `SSL_get_error` says `SSL_ERROR_SYSCALL` (with `errno`), or when the
   * peer's EOF came without close_notify (`SSL_R_UNEXPECTED_EOF_WHILE_READING`: errno -1).
   */
  constructor(errno: number, message: string) {
    super(message, [], errno === -1 ? 'ERR_SSL_UNEXPECTED_EOF' : 'ERR_SSL_SYSCALL', '');
    this.errno = errno;
  }

  /** True when the peer went away without close_notify (errno -1; no OpenSSL call). */
  get unexpectedEof(): boolean {
    return this.errno === -1;
  }
}

native.setupErrors({ OpenSSLError, WantReadError, WantWriteError, WantX509LookupError, ZeroReturnError, SysCallError });
