// A strict ESM TypeScript consumer of the published declarations (type-checked by
// test/types.test.ts, never run). No "types": ["node"] in its tsconfig: the declarations bring
// Node's types themselves, so Buffer results stay Buffer, not any.
import net from 'node:net';
import { SSL, crypto, version } from 'openssl-napi';
import * as ssl from 'openssl-napi/ssl';
import * as cryptoNs from 'openssl-napi/crypto';

/** Compiles only when T is exactly Buffer-like and not any. */
type IsAny<T> = 0 extends 1 & T ? true : false;
function notAny<T>(value: T, ok: IsAny<T> extends true ? never : true): T {
  void ok;
  return value;
}

const ctx = new SSL.Context(SSL.TLS_METHOD);
const memory: SSL.MemoryConnection = new SSL.Connection(ctx);
const fromNs: ssl.MemoryConnection = new ssl.Connection(ctx, null);
const out: Buffer = notAny(memory.bioRead(1024), true);
void out;
void fromNs;

// Either mode from one argument, typed as the union.
declare const maybeSocket: net.Socket | null;
const either: SSL.Connection = new SSL.Connection(ctx, maybeSocket);
const socketMode: SSL.SocketConnection = new SSL.Connection(ctx, new net.Socket());
void either;
void socketMode;

// Every Context callback receives a Connection of either mode.
ctx.setVerify(SSL.VERIFY_PEER, (conn: SSL.Connection, cert: crypto.X509, errnum: number, depth: number, ok: boolean) => {
  const name: string | null = conn.getServername();
  void name;
  void cert.getSubject();
  return ok && errnum === 0 && depth >= 0;
});
ctx.setInfoCallback((conn, where, ret) => {
  const c: SSL.Connection = conn;
  void c;
  void where;
  void ret;
});
ctx.setTlsextServernameCallback((conn) => {
  conn.setContext(ctx);
});
ctx.setMsgCallback((conn, direction, _version, contentType, bytes) => {
  const b: Buffer = notAny(bytes, true);
  void b;
  void conn;
  void direction;
  void contentType;
});

// Streams: one accessor for the Connection on both socket classes.
const stream = SSL.connect({ port: 443, context: ctx, earlyData: 'GET / HTTP/1.1\r\n\r\n' });
const conn: SSL.SocketConnection = stream.getConnection();
const alsoConn: SSL.SocketConnection = stream.connection;
void conn;
void alsoConn;
const early: number = stream.earlyDataReceived;
void early;

// Crypto results are Buffers and typed objects.
const key = new crypto.PKey();
key.generateKey(crypto.TYPE_RSA, 2048);
const pem: Buffer = notAny(crypto.dumpCertificate(crypto.FILETYPE_PEM, new crypto.X509()), true);
void pem;
const x509: cryptoNs.X509 = new cryptoNs.X509();
void x509;
const v: string = version().openssl;
void v;

// Internal members are not part of the declarations.
// @ts-expect-error _h is internal
void ctx._h;
// @ts-expect-error _engine is internal
void stream._engine;
// @ts-expect-error _conn is internal
void conn._conn;

// DTLS: the same two accessors.
const dtls = new SSL.DTLSSocket({ context: new SSL.Context(SSL.DTLS_METHOD) });
const d1: SSL.MemoryConnection = dtls.connection;
const d2: SSL.MemoryConnection = dtls.getConnection();
void d1;
void d2;
