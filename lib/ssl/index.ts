/// <reference types="node" preserve="true" />
/**
 * The `SSL` namespace: pyOpenSSL's `OpenSSL.SSL`, camelCased.
 * @module
 */
export {
  OpenSSLError as Error,
  OpenSSLError,
  WantReadError,
  WantWriteError,
  WantX509LookupError,
  ZeroReturnError,
  SysCallError,
} from '../errors.js';
export type { OpenSSLErrorEntry } from '../errors.js';
export {
  OpenSSL_version,
  OPENSSL_VERSION,
  OPENSSL_CFLAGS,
  OPENSSL_PLATFORM,
  OPENSSL_DIR,
  OPENSSL_BUILT_ON,
  OPENSSL_MODULES_DIR,
  OPENSSL_VERSION_NUMBER,
  SSLeay_version,
  SSLEAY_VERSION,
  SSLEAY_CFLAGS,
  SSLEAY_PLATFORM,
  SSLEAY_DIR,
  SSLEAY_BUILT_ON,
} from '../version.js';
export * from './constants.js';
export { Context } from './context.js';
export type { BytesLike, CertType, VerifyCallback, AlpnSelectCallback, ClientHello, PskClientResult, PskUseSessionResult } from './context.js';
export { Connection } from './connection-constructor.js';
export {
  MemoryConnection,
  PUMP_INIT_FINISHED,
  PUMP_MORE_PENDING,
  pumpBytes,
  pumpFinished,
  pumpMorePending,
  pumpStatus,
  STATUS_OK,
  STATUS_WANT_READ,
  STATUS_WANT_WRITE,
  STATUS_WANT_X509_LOOKUP,
  STATUS_ZERO_RETURN,
} from './connection.js';
export type { ConnectionConstructor } from './connection-constructor.js';
export { Session } from './session.js';
export { ECHStore, ECH_SUPPORTED } from './ech.js';
export { CERT_COMPRESSION_ALGORITHMS } from './cert-compression.js';
export type { CertCompressionAlgorithm } from './cert-compression.js';
export type { ECHConfigOptions, ECHEntry, ECHStatus } from './ech.js';
export { SocketConnection } from './socket-connection.js';
export { SecureSocket, connect, createServer } from './secure-socket.js';
export type { SecureSocketOptions, ConnectOptions, ServerOptions, OnReadOptions } from './secure-socket.js';
import './dtls.js';
export { SRTP_EXPORTER_LABEL } from './dtls.js';
export type { CookieGenerateCallback, CookieVerifyCallback, SrtpKeyingMaterial } from './dtls.js';
export { DTLSSocket, DTLSServer, createDTLSServer } from './dtls-socket.js';
export type { PeerAddress, DTLSSocketOptions, DTLSServerOptions } from './dtls-socket.js';
