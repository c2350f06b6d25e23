// Every public Context/Connection/Session method: wrong argument types, and use after free().
import { describe, expect, it } from 'vitest';
import { SSL } from '../lib/index.js';
import { pki, serverContext } from './ssl-helpers.js';

const bad = Symbol('bad') as unknown;

// [method, args that are wrong]
const contextCalls: [string, unknown[]][] = [
  ['setMinProtoVersion', [bad]], ['setMaxProtoVersion', ['x']], ['loadVerifyLocations', [bad]], ['setPasswdCb', [5]],
  ['useCertificateChainFile', [5]], ['useCertificateFile', [5]], ['useCertificate', [bad]], ['addExtraChainCert', [{}]],
  ['usePrivatekeyFile', [null]], ['usePrivatekey', [pki().ca]], ['loadClientCa', [5]], ['setSessionId', [5]],
  ['setSessionCacheMode', ['x']], ['setVerify', ['x']], ['setVerifyDepth', [-1]], ['loadTmpDh', [5]], ['setTmpEcdh', [5]],
  ['setCipherList', [5]], ['setTls13Ciphersuites', [5]], ['setClientCaList', [5]], ['addClientCa', [5]], ['setTimeout', ['x']],
  ['setInfoCallback', [5]], ['setKeylogCallback', [5]], ['setOptions', [-1]], ['clearOptions', ['x']], ['setMode', ['x']],
  ['clearMode', ['x']], ['setTlsextServernameCallback', [5]], ['setTlsextUseSrtp', [5]], ['setAlpnProtos', [5]],
  ['setAlpnSelectCallback', [5]], ['setOcspServerCallback', [5]], ['setOcspClientCallback', [5]], ['setGroupsList', [5]],
  ['setSigalgsList', [5]], ['setNumTickets', ['x']], ['setSessionCallbacks', [{ newSession: 5 }]],
  ['setClientHelloCallback', [5]], ['setMsgCallback', [5]], ['setPskClientCallback', [5]], ['setPskServerCallback', [5]],
  ['usePskIdentityHint', [5]], ['setPskFindSessionCallback', [5]], ['setPskUseSessionCallback', [5]],
  ['setSecurityLevel', [9]], ['setHostFlags', ['x']], ['flushSessions', ['x']],
];

const connectionCalls: [string, unknown[]][] = [
  ['setContext', [5]], ['setOptions', ['x']], ['setVerify', ['x']], ['useCertificate', [5]], ['usePrivatekey', [5]],
  ['setTlsextHostName', [5]], ['send', [5]], ['sendall', [5]], ['recv', ['x']], ['recvInto', [5]], ['bioRead', ['x']],
  ['bioWrite', [5]], ['pump', [5, 10]], ['pumpInto', [5, Buffer.alloc(10)]], ['pumpInto', [null, 10]], ['setShutdown', ['x']], ['exportKeyingMaterial', [5, 10]], ['setSession', [5]],
  ['setAlpnProtos', [5]], ['setInfoCallback', [5]], ['setHost', [5]], ['setIpAddress', [5]], ['keyUpdate', ['x']],
];

const noArg = (o: object): string[] =>
  Object.getOwnPropertyNames(Object.getPrototypeOf(o)).filter(
    (n) => n !== 'constructor' && !n.startsWith('_') && typeof (o as Record<string, unknown>)[n] === 'function' && ((o as Record<string, (...a: unknown[]) => unknown>)[n]!).length === 0,
  );

describe('wrong argument types', () => {
  it.each(contextCalls)('Context.%s', (m, args) => {
    const ctx = new SSL.Context(SSL.TLS_METHOD);
    expect(() => (ctx as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!(...args)).toThrow(/must be|out of range|argument/);
  });
  it.each(connectionCalls)('Connection.%s', (m, args) => {
    const conn = new SSL.Connection(new SSL.Context(SSL.TLS_METHOD));
    expect(() => (conn as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!(...args)).toThrow(/must be|out of range|argument/);
  });
});

describe('use after free()', () => {
  it('every Connection method throws "Connection has been freed"', () => {
    const conn = new SSL.Connection(serverContext());
    conn.free();
    const skip = new Set(['getContext', 'getAppData', 'free', 'isFreed']);
    for (const m of noArg(conn)) {
      if (skip.has(m)) continue;
      expect(() => (conn as unknown as Record<string, () => unknown>)[m]!(), m).toThrow(/Connection has been freed/);
    }
    for (const [m, args] of [['recv', [10]], ['send', ['x']], ['bioWrite', ['x']], ['bioRead', [10]], ['setTlsextHostName', ['a']], ['pumpInto', [null, Buffer.alloc(10)]]] as const) {
      expect(() => (conn as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!(...args), m).toThrow(/freed/);
    }
  });
  it('every Context method throws "Context has been freed"', () => {
    const ctx = serverContext();
    ctx.free();
    const skip = new Set(['getAppData', 'free']);
    for (const m of noArg(ctx)) {
      if (skip.has(m)) continue;
      expect(() => (ctx as unknown as Record<string, () => unknown>)[m]!(), m).toThrow(/Context has been freed/);
    }
    expect(() => ctx.setOptions(0)).toThrow(/freed/);
    expect(() => ctx.useCertificate(pki().rsa.cert)).toThrow(/freed/);
  });
  it('a Connection outlives its freed Context', () => {
    const ctx = serverContext();
    const conn = new SSL.Connection(ctx);
    ctx.free();
    conn.setAcceptState();
    expect(conn.getCipherList().length).toBeGreaterThan(0);
  });
});
