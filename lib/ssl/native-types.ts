/**
 * Native handle types of the SSL area (declaration merging into NativeBinding).
 * @internal
 * @module
 */
import '../native.js';
import type { NativeHandle, NativePKey, NativeX509, NativeX509Name } from '../crypto/native-types.js';

/** Native callbacks receive the TS Connection object (`owner`, possibly undefined). */
export type Owner = unknown;

export interface NativeClientHello {
  version: number;
  ciphers: number[];
  extensions: number[];
  extensionData: Buffer[];
  serverName: string | null;
  alpn: string[];
}

export interface NativeContext extends NativeHandle {
  _setOwner(owner: object): void;
  setMinProtoVersion(v: number): void;
  setMaxProtoVersion(v: number): void;
  getMinProtoVersion(): number;
  getMaxProtoVersion(): number;
  loadVerifyLocations(cafile: string | null, capath: string | null): void;
  setPasswdCb(cb: ((maxlen: number, verify: boolean) => unknown) | null): void;
  setDefaultVerifyPaths(): void;
  useCertificateChainFile(path: string): void;
  useCertificateFile(path: string, type?: number): void;
  useCertificate(cert: NativeX509): void;
  addExtraChainCert(cert: NativeX509): void;
  usePrivatekeyFile(path: string, type?: number): void;
  usePrivatekey(key: NativePKey): void;
  checkPrivatekey(): void;
  loadClientCa(path: string): void;
  setSessionId(buf: Uint8Array | string): void;
  setSessionCacheMode(mode: number): number;
  getSessionCacheMode(): number;
  setVerify(mode: number, cb: ((conn: Owner, cert: NativeX509 | null, errnum: number, depth: number, ok: boolean) => unknown) | null): void;
  getVerifyMode(): number;
  setVerifyDepth(depth: number): void;
  getVerifyDepth(): number;
  loadTmpDh(path: string): void;
  setTmpEcdh(curve: string): void;
  setCipherList(list: string): void;
  setTls13Ciphersuites(list: string): void;
  setClientCaList(names: NativeX509Name[]): void;
  addClientCa(cert: NativeX509): void;
  setTimeout(t: number): number;
  getTimeout(): number;
  setInfoCallback(cb: ((conn: Owner, where: number, ret: number) => void) | null): void;
  setKeylogCallback(cb: ((conn: Owner, line: Buffer) => void) | null): void;
  setOptions(op: number): number;
  clearOptions(op: number): number;
  getOptions(): number;
  setMode(m: number): number;
  clearMode(m: number): number;
  getMode(): number;
  setTlsextServernameCallback(cb: ((conn: Owner) => void) | null): void;
  setTlsextUseSrtp(profiles: string): void;
  setAlpnProtos(wire: Uint8Array): void;
  setAlpnSelectCallback(cb: ((conn: Owner, offered: Buffer[]) => Uint8Array | string | null) | null): void;
  setOcspServerCallback(cb: ((conn: Owner) => unknown) | null): void;
  setOcspClientCallback(cb: ((conn: Owner, ocsp: Buffer) => unknown) | null): void;
  setGroupsList(list: string): void;
  setSigalgsList(list: string): void;
  setNumTickets(n: number): void;
  setMaxEarlyData(bytes: number): void;
  getMaxEarlyData(): number;
  setRecvMaxEarlyData(bytes: number): void;
  setAllowEarlyDataCallback(cb: ((conn: Owner) => unknown) | null): void;
  setCertCallback(cb: ((conn: Owner) => unknown) | null): void;
  setBlockPadding(blockSize: number): void;
  setRecordPaddingCallback(cb: ((conn: Owner, type: number, length: number) => unknown) | null): void;
  setMaxFragmentLength(bytes: number): void;
  setClientCertCallback(cb: ((conn: Owner) => [NativeX509, NativePKey] | null) | null): void;
  setPostHandshakeAuth(enabled: boolean): void;
  getNumTickets(): number;
  setSessionCallbacks(
    newSession: ((conn: Owner, s: NativeSession) => void) | null,
    removeSession: ((s: NativeSession) => void) | null,
  ): void;
  setClientHelloCallback(cb: ((conn: Owner, hello: NativeClientHello) => unknown) | null): void;
  setJsHooks(inHandshake: boolean, afterHandshake: boolean): void;
  setMsgCallback(cb: ((conn: Owner, direction: 'read' | 'write', version: number, contentType: number, bytes: Buffer) => void) | null): void;
  setPskClientCallback(cb: ((conn: Owner, hint: string | null) => unknown) | null): void;
  setPskServerCallback(cb: ((conn: Owner, identity: string) => unknown) | null): void;
  usePskIdentityHint(hint: string): void;
  setPskFindSessionCallback(cb: ((conn: Owner, identity: Buffer) => NativeSession | null) | null): void;
  setPskUseSessionCallback(cb: ((conn: Owner, md: string | null) => unknown) | null): void;
  setSecurityLevel(level: number): void;
  getSecurityLevel(): number;
  setHostFlags(flags: number): void;
  flushSessions(time: number): void;
  sessionCacheSize(): number;
  getCertStore(): import('../crypto/trust-native.js').NativeX509Store | null;
}

export interface NativeSession extends NativeHandle {
  toDER(): Buffer;
  id(): Buffer;
  protocolVersion(): number;
  cipher(): string | null;
  time(): number;
  timeout(): number;
  ticketLifetimeHint(): number;
  isResumable(): boolean;
  hasTicket(): boolean;
  masterKey(): Buffer;
  maxEarlyData(): number;
}

/** Status numbers of the hot methods (common/errors.h SSLStatus). */
export const Status = { Ok: 0, WantRead: -2, WantWrite: -3, WantX509Lookup: -4, ZeroReturn: -5, WantOther: -6 } as const;
/** What `getEarlyDataStatus()` returns (SSL_EARLY_DATA_NOT_SENT, _REJECTED, _ACCEPTED). */
export const EarlyDataStatus = { NotSent: 0, Rejected: 1, Accepted: 2 } as const;

export interface NativeConnection extends NativeHandle {
  /** The TS Connection, read by the native side when a callback fires. */
  _owner?: object;
  handshake(): number;
  read(n: number, peek?: boolean): Buffer | number;
  readInto(buf: Uint8Array, n: number, peek?: boolean, offset?: number, length?: number): number;
  write(buf: Uint8Array | string): number;
  bioRead(n: number): Buffer | null;
  bioReadInto(buf: Uint8Array): number;
  bioWrite(buf: Uint8Array | string, offset?: number, length?: number): number;
  bioShutdown(): void;
  bioPending(): number;
  pump(input: Uint8Array | null, outCap: number): Buffer | null;
  /** count * 32 + (init finished ? 16 : 0) + (more output pending than `out` took ? 8 : 0) + (-status). */
  pumpInto(input: Uint8Array | null, out: Uint8Array, outOffset?: number, outLength?: number, inOffset?: number, inLength?: number): number;
  /** count * 32 + (init finished ? 16 : 0) + (output pending ? 8 : 0) + (-status). */
  feed(input: Uint8Array | null, out: Uint8Array): number;
  /** All the ciphertext of `data`, or a status number when SSL_write stopped (see lastWritten). */
  seal(data: Uint8Array | string): Buffer | null | number;
  lastWritten(): number;
  lastStatus(): number;
  shutdown(): boolean | number;
  getShutdown(): number;
  setShutdown(state: number): void;
  pending(): number;
  wantRead(): boolean;
  wantWrite(): boolean;
  renegotiate(): boolean;
  renegotiatePending(): boolean;
  totalRenegotiations(): number;
  setConnectState(): void;
  setAcceptState(): void;
  isServer(): boolean;
  isInitFinished(): boolean;
  setContext(ctx: NativeContext): void;
  /** With useHook, the owner's `_verifyHook` is called. */
  setVerify(mode: number, useHook: boolean): void;
  getVerifyMode(): number;
  useCertificate(cert: NativeX509): void;
  usePrivatekey(key: NativePKey): void;
  setOptions(op: number): number;
  clearOptions(op: number): number;
  getOptions(): number;
  setAlpnProtos(wire: Uint8Array): void;
  getAlpnProtoNegotiated(): Buffer;
  /** With useHook, the owner's `_infoHook` is called. */
  setInfoCallback(useHook: boolean): void;
  setTlsextHostName(name: string): void;
  getServername(): string | null;
  getPeerCertificate(): NativeX509 | null;
  getPeerCertChain(): NativeX509[] | null;
  getVerifiedChain(): NativeX509[] | null;
  getCertificate(): NativeX509 | null;
  getCipherName(): string | null;
  getCipherBits(): number | null;
  getCipherVersion(): string | null;
  getCipherList(): string[];
  getProtocolVersion(): number;
  getProtocolVersionName(): string;
  getGroupName(): string | null;
  getFinished(): Buffer | null;
  getPeerFinished(): Buffer | null;
  clientRandom(): Buffer | null;
  serverRandom(): Buffer | null;
  masterKey(): Buffer | null;
  exportKeyingMaterial(label: Uint8Array | string, olen: number, context: Uint8Array | string | null): Buffer;
  getSession(): NativeSession | null;
  setSession(s: NativeSession): void;
  getClientCaList(): NativeX509Name[];
  getStateString(): string;
  requestOcsp(): void;
  setHost(name: string): void;
  setIpAddress(ip: string): void;
  sessionReused(): boolean;
  getPeerTmpKey(): NativePKey | null;
  getSharedSigalgs(): string[];
  keyUpdate(requestPeer?: boolean): void;
  getVerifyResult(): number;
  getSelectedSrtpProfile(): string;
  writeEarlyData(buf: Uint8Array | string): number;
  setPostHandshakeAuth(enabled: boolean): void;
  verifyClientPostHandshake(): void;
  getPeerSignature(): { digest: string | null; type: string | null } | null;
  getMaxFragmentLength(): number;
  readEarlyData(bufsiz: number): [number, Buffer] | number;
  getEarlyDataStatus(): number;
  setMaxEarlyData(bytes: number): void;
  getMaxEarlyData(): number;
  setRecvMaxEarlyData(bytes: number): void;
}

declare module '../native.js' {
  interface NativeBinding {
    Context: new (method: number, propertyQuery?: string | null) => NativeContext;
    Connection: new (ctx: NativeContext) => NativeConnection;
    Session: new () => NativeSession;
    sessionFromDER(buf: Uint8Array): NativeSession;
    sessionForPsk(ctx: NativeContext, key: Uint8Array, cipher: string): NativeSession;
    sslConstants: Record<string, number> & { X509VerificationCodes: Record<string, number> };
    /** OpenSSL takes over the socket (a duplicate of `fd`); `prefix`: bytes Node already read. */
    sockAttach(conn: NativeConnection, fd: number, prefix: Uint8Array | null, onEvent: SocketEventHandler): void;
    /** Sends the first flight / processes what already arrived. */
    sockStart(conn: NativeConnection): void;
    /**
     * Encrypts and sends `data`: bytes still queued for the kernel, [status, taken] when SSL_write
     * stopped, or -errno when the socket failed.
     */
    sockWrite(conn: NativeConnection, data: Uint8Array): number | [number, number];
    sockPause(conn: NativeConnection, paused: boolean): void;
    /** Later plaintext goes to the start of `buffer` (one batch per Data event); null: fresh slabs. */
    sockReadInto(conn: NativeConnection, buffer: Uint8Array | null): void;
    /** FIN after the queue drains: true when it went out now. */
    sockEnd(conn: NativeConnection): boolean;
    /** Sends close_notify: true when the peer's had come already, -errno when the socket failed. */
    sockShutdown(conn: NativeConnection): boolean | number;
    /** The SysCallError for a socket failure (returned, not thrown). */
    sockError(errno: number): Error;
    sockQueued(conn: NativeConnection): number;
    sockClose(conn: NativeConnection): void;
    /** After a fatal alert: the longest wait for the peer's FIN, and the most of its bytes dropped meanwhile. */
    sockLinger: { millis: number; maxBytes: number };
    ticketSetKeys(ctx: NativeContext, keys: Uint8Array[] | null): void;
    ticketSetCallbacks(ctx: NativeContext, enabled: boolean): void;
    certCompSupported: boolean;
    certCompAlgorithms: number[];
    certCompSetPreference(target: NativeContext | NativeConnection, algs: number[]): void;
    certCompCompress(target: NativeContext | NativeConnection, alg: number): void;
    certCompGet(target: NativeContext | NativeConnection, alg: number): [Buffer, number] | null;
    rpkSupported: boolean;
    rpkSetCertTypes(target: NativeContext | NativeConnection, client: boolean, types: number[]): void;
    rpkNegotiated(conn: NativeConnection): [number, number];
    rpkPeer(conn: NativeConnection): NativePKey | null;
    rpkAddExpected(conn: NativeConnection, pkey: NativePKey): void;
    ECHStore: new () => NativeECHStore;
    echSupported: boolean;
    echSetStore(target: NativeContext | NativeConnection, store: NativeECHStore): void;
    echGetStore(target: NativeContext | NativeConnection): NativeECHStore | null;
    echSetConfigList(conn: NativeConnection, list: Uint8Array | string): void;
    echSetServerNames(conn: NativeConnection, inner: string, outer: string | null, noOuter: boolean): void;
    echSetOuterServerName(conn: NativeConnection, outer: string | null, noOuter: boolean): void;
    echSetOuterAlpnProtos(target: NativeContext | NativeConnection, wire: Uint8Array): void;
    echSetGrease(conn: NativeConnection, suite: string | null, type: number | null): void;
    echStatus(conn: NativeConnection): NativeECHStatus;
    echRetryConfig(conn: NativeConnection): Buffer | null;
  }
}

export interface NativeECHStore extends NativeHandle {
  newConfig(publicName: string, suite: string | null, maxNameLength: number): void;
  readPem(pem: Uint8Array | string, forRetry: boolean): void;
  writePem(index: number | null): Buffer;
  readConfigList(list: Uint8Array | string): void;
  entry(index: number): { publicName: string; config: string; hasPrivateKey: boolean; forRetry: boolean; loadedSeconds: number };
  counts(): [number, number];
  downselect(index: number): void;
  flushKeys(ageSeconds: number): void;
}

export interface NativeECHStatus {
  status: number;
  name: string;
  innerServerName: string | null;
  outerServerName: string | null;
}

/** Events of the native socket I/O (native/ssl/socket_io.h). */
export const SocketEvent = { Secure: 1, Data: 2, CloseNotify: 3, Error: 4, Eof: 5, Drain: 6, Ended: 7 } as const;

/** The native socket I/O's event handler: Data carries (slab or reader's buffer, offset, length), Error the error. */
export type SocketEventHandler = (kind: number, a?: unknown, b?: number, c?: number) => void;
