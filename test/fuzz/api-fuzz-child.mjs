// API fuzzer driver, run as a child process by test/api-fuzz.test.ts (never by vitest itself).
//
//   node --expose-gc test/fuzz/api-fuzz-child.mjs list            -> JSON catalog on stdout
//   node --expose-gc test/fuzz/api-fuzz-child.mjs run <config.json>
//
// `run` modes (config.mode):
//   fuzz:   calls the catalog entries in config.ids with adversarial arguments, drawn by a seeded
//           PRNG, until config.deadline (ms since the epoch). The call sequence depends only on
//           (seed, ids): config.resumeAt skips the first calls and config.skipKeys skips calls of
//           known crashing shapes, so a run restarted after a crash goes on where it died.
//   replay: makes exactly one call (config.call = { id, recv, args }: receiver variant and pool
//           indices) after the same setup; used by the parent to minimise a crashing call.
//
// Before every call the child writes its description to config.progressFile (one fixed-size
// record at offset 0, written with a plain write(2): it survives a SIGSEGV of this process), so
// the parent names the culprit of a crash or hang. Findings go to config.resultFile as JSON lines.
//
// Every call checks one property: whatever is thrown (or rejected, or emitted as 'error', or
// escapes as an uncaught exception) is an Error with a non-empty string `code`; the fuzzer's own
// thrown values (FUZZ_SENTINEL errors, a sentinel primitive) count as correct propagation. Calls
// involving forged objects (which pass `instanceof` but hold another class's native handle) or a
// receiver of the wrong class only have to not crash. Uncoded errors are shrunk in process to a
// minimal argument list before they are reported.
//
// Besides the catalog entries, two scenarios install every callback setter with misbehaving
// callbacks (throwing, returning junk, freeing their Connection or Context, re-entering the
// handshake, collecting garbage) and drive TLS and DTLS memory-BIO handshakes through them.
//
// Network I/O is impossible here: net/dgram connect, listen, bind and send are replaced by
// functions that throw a coded FUZZ_NET_BLOCKED error before the package is imported.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { Duplex, Readable, Stream, Writable } from 'node:stream';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const distDir = path.resolve(here, '../../dist');

// ---------------------------------------------------------------------------------------------
// No real network I/O: every way to connect, listen, bind or send throws a coded error.
function blocked(what) {
  return function blockedNetworkCall() {
    throw Object.assign(new Error(`api-fuzz: network I/O blocked (${what})`), { code: 'FUZZ_NET_BLOCKED' });
  };
}
net.Socket.prototype.connect = blocked('net.Socket#connect');
net.Server.prototype.listen = blocked('net.Server#listen');
net.connect = blocked('net.connect');
net.createConnection = blocked('net.createConnection');
dgram.Socket.prototype.bind = blocked('dgram.Socket#bind');
dgram.Socket.prototype.connect = blocked('dgram.Socket#connect');
dgram.Socket.prototype.send = blocked('dgram.Socket#send');
syncBuiltinESMExports();

// ---------------------------------------------------------------------------------------------
// Deterministic PRNG.
function fnv1a(str) {
  let h = 0x811c9dc5;
  for (let i = 0; i < str.length; i++) {
    h ^= str.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (rng, n) => Math.floor(rng() * n);

// ---------------------------------------------------------------------------------------------
// The fuzzer's own thrown values: coded, so propagating them is correct behaviour.
class FuzzSentinel extends Error {
  constructor(where) {
    super(`api-fuzz sentinel thrown from ${where}`);
    this.name = 'FuzzSentinel';
    this.code = 'FUZZ_SENTINEL';
  }
}
const sentinel = (where) => () => {
  throw new FuzzSentinel(where);
};

/** A primitive the fuzzer's callbacks throw: propagating it unchanged is correct. */
const SENTINEL_PRIMITIVE = 'FUZZ_SENTINEL_PRIMITIVE';

function isCoded(e) {
  if (e === SENTINEL_PRIMITIVE) return true;
  // The fuzzer's own class used as a callback: calling it throws V8's TypeError, which the
  // binding then correctly propagates (synchronously or later, from an event).
  if (e instanceof TypeError && /^Class constructor Fuzz cannot be invoked without 'new'$/.test(e.message)) return true;
  return e instanceof Error && typeof e.code === 'string' && e.code.length > 0;
}
function describeError(e) {
  if (e instanceof Error) {
    const msg = String(e.message).replace(/\s+/g, ' ').slice(0, 300);
    return `${e.name}${e.code !== undefined ? `[code=${JSON.stringify(e.code)}]` : ''}: ${msg}`;
  }
  try {
    return `non-Error thrown: ${typeof e} ${String(e).slice(0, 200)}`;
  } catch {
    return `non-Error thrown: ${typeof e}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Catalog: every exported class (constructor, statics, prototype methods and getters along the
// prototype chain up to Node's own classes) and every exported function.
const STOP_PROTOS = new Set([
  Object.prototype, Function.prototype, Error.prototype, TypeError.prototype, EventEmitter.prototype,
  Stream.prototype, Readable.prototype, Writable.prototype, Duplex.prototype,
]);

function isClass(fn) {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

/** `private` members declared in dist/**\/*.d.ts, by class name (not public API). */
function privateMembers() {
  const out = new Map();
  const walk = (dir) => {
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.name.endsWith('.d.ts')) {
        let cls = null;
        for (const line of fs.readFileSync(p, 'utf8').split('\n')) {
          const m = /^export (?:declare )?(?:abstract )?class (\w+)/.exec(line) ?? /^declare (?:abstract )?class (\w+)/.exec(line);
          if (m) {
            cls = m[1];
            if (!out.has(cls)) out.set(cls, new Set());
            continue;
          }
          if (line.startsWith('}')) cls = null;
          const pm = /^\s+private (?:static )?(?:readonly )?(\w+)/.exec(line);
          // `private constructor();` is caught here too: the class is not constructible from outside.
          if (cls && pm) out.get(cls).add(pm[1]);
        }
      }
    }
  };
  walk(distDir);
  return out;
}

function keyName(k) {
  return typeof k === 'symbol' ? `[${k.description}]` : k;
}

function buildCatalog(pkg) {
  const privates = privateMembers();
  // One entry per function object; named after the export whose name is the function's own
  // (SSL.OpenSSLError, not its alias SSL.Error), namespaces first.
  const names = new Map(); // function -> [names]
  const order = [];
  const add = (name, v) => {
    if (typeof v !== 'function') return;
    if (!names.has(v)) {
      names.set(v, []);
      order.push(v);
    }
    names.get(v).push(name);
  };
  for (const [k, v] of Object.entries(pkg.SSL)) add(`SSL.${k}`, v);
  for (const [k, v] of Object.entries(pkg.crypto)) add(`crypto.${k}`, v);
  for (const [k, v] of Object.entries(pkg)) add(k, v);
  const named = order.map((fn) => {
    const all = names.get(fn);
    return [all.find((n) => n.split('.').pop() === fn.name) ?? all[0], fn];
  });

  const entries = [];
  const skipped = [];
  for (const [name, fn] of named) {
    if (!isClass(fn)) {
      entries.push({ id: name, kind: 'func', fn });
      continue;
    }
    const priv = new Set([...(privates.get(fn.name) ?? []), ...(privates.get(name.split('.').pop()) ?? [])]);
    if (priv.has('constructor')) skipped.push(`new ${name} (private constructor)`);
    else entries.push({ id: `new ${name}`, kind: 'ctor', cls: fn });
    for (const k of Reflect.ownKeys(fn)) {
      if (k === 'length' || k === 'name' || k === 'prototype') continue;
      const d = Object.getOwnPropertyDescriptor(fn, k);
      const label = `${name}.${keyName(k)}`;
      if (typeof k === 'string' && (k.startsWith('_') || priv.has(k))) {
        skipped.push(`${label} (internal)`);
        continue;
      }
      if (typeof d.value === 'function') entries.push({ id: label, kind: 'static', cls: fn, fn: d.value });
      else if (d.get) entries.push({ id: `get ${label}`, kind: 'sgetter', cls: fn, get: d.get });
    }
    const done = new Set(['constructor']);
    for (let p = fn.prototype; p && !STOP_PROTOS.has(p); p = Object.getPrototypeOf(p)) {
      for (const k of Reflect.ownKeys(p)) {
        if (done.has(k)) continue;
        done.add(k);
        const label = `${name}#${keyName(k)}`;
        if (typeof k === 'string' && (k.startsWith('_') || priv.has(k))) {
          skipped.push(`${label} (internal)`);
          continue;
        }
        const d = Object.getOwnPropertyDescriptor(p, k);
        if (typeof d.value === 'function') entries.push({ id: label, kind: 'method', cls: fn, fn: d.value, key: k });
        else if (d.get) entries.push({ id: `get ${label}`, kind: 'getter', cls: fn, get: d.get, key: k });
        else if (d.set) entries.push({ id: `set ${label}`, kind: 'setter', cls: fn, set: d.set, key: k });
      }
    }
    if (fn === pkg.crypto.X509Name) {
      entries.push({ id: `${name}[attribute]`, kind: 'attrGet', cls: fn });
      entries.push({ id: `${name}[attribute]=`, kind: 'attrSet', cls: fn });
    }
  }
  // Handshake scenarios: every callback setter with callbacks that misbehave, then a handshake.
  entries.push({ id: 'scenario: TLS handshake with misbehaving callbacks', kind: 'scenario', dtls: false });
  entries.push({ id: 'scenario: DTLS cookie exchange and handshake with misbehaving callbacks', kind: 'scenario', dtls: true });
  return { entries, skipped };
}

// ---------------------------------------------------------------------------------------------
// Fixtures: real objects of every class, freed ones, and children of freed parents.
function quiet(f) {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function openssl(args, cwd) {
  return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

function buildFixtures(pkg, tmpDir, progress) {
  const { SSL, crypto } = pkg;
  const F = {};
  const step = (what, f) => {
    progress(`setup: ${what}`);
    return f();
  };
  F.ecKey = step('EC key', () => {
    const k = new crypto.PKey();
    k.generateKey(crypto.TYPE_EC, 'prime256v1');
    return k;
  });
  F.ecKey2 = step('EC key 2', () => {
    const k = new crypto.PKey();
    k.generateKey(crypto.TYPE_EC, 'prime256v1');
    return k;
  });
  F.rsaKey = step('RSA key', () => {
    const k = new crypto.PKey();
    k.generateKey(crypto.TYPE_RSA, 1024);
    return k;
  });
  F.edKey = step('Ed25519 key', () => {
    const k = new crypto.PKey();
    k.generateKey(crypto.TYPE_ED25519);
    return k;
  });
  F.ecKeyPem = crypto.dumpPrivatekey(crypto.FILETYPE_PEM, F.ecKey).toString();
  F.rsaKeyPem = crypto.dumpPrivatekey(crypto.FILETYPE_PEM, F.rsaKey).toString();
  F.pubKeyPem = crypto.dumpPublickey(crypto.FILETYPE_PEM, F.ecKey).toString();
  const makeCert = (cn, key, issuer = null, issuerKey = null, ca = false) => {
    const c = new crypto.X509();
    c.setVersion(2);
    c.setSerialNumber(Math.floor(Math.random() * 1e9) + 1);
    c.getSubject().CN = cn;
    c.setIssuer(issuer ? issuer.getSubject() : c.getSubject());
    c.gmtimeAdjNotBefore(0);
    c.gmtimeAdjNotAfter(86400);
    c.setPubkey(key);
    if (ca) c.addExtensions([new crypto.X509Extension('basicConstraints', true, 'CA:TRUE')]);
    c.sign(issuerKey ?? key, 'sha256');
    return c;
  };
  F.makeCert = makeCert;
  F.caCert = step('CA cert', () => makeCert('Fuzz CA', F.ecKey, null, null, true));
  F.cert = step('leaf cert', () => makeCert('localhost', F.ecKey2, F.caCert, F.ecKey));
  F.certPem = crypto.dumpCertificate(crypto.FILETYPE_PEM, F.cert).toString();
  F.certDer = crypto.dumpCertificate(crypto.FILETYPE_ASN1, F.cert);
  F.caPem = crypto.dumpCertificate(crypto.FILETYPE_PEM, F.caCert).toString();
  F.certFile = path.join(tmpDir, 'cert.pem');
  F.keyFile = path.join(tmpDir, 'key.pem');
  F.caFile = path.join(tmpDir, 'ca.pem');
  F.caKeyFile = path.join(tmpDir, 'ca.key');
  fs.writeFileSync(F.certFile, F.certPem);
  fs.writeFileSync(F.keyFile, crypto.dumpPrivatekey(crypto.FILETYPE_PEM, F.ecKey2));
  fs.writeFileSync(F.caFile, F.caPem);
  fs.writeFileSync(F.caKeyFile, F.ecKeyPem);
  F.x509Certificate = new X509Certificate(F.certDer);
  F.keyObject = createPrivateKey(F.ecKeyPem);

  F.req = step('X509Req', () => {
    const r = new crypto.X509Req();
    r.getSubject().CN = 'req';
    r.setPubkey(F.ecKey);
    r.addExtensions([new crypto.X509Extension('basicConstraints', false, 'CA:FALSE')]);
    r.sign(F.ecKey, 'sha256');
    return r;
  });
  F.reqPem = crypto.dumpCertificateRequest(crypto.FILETYPE_PEM, F.req).toString();
  F.ext = new crypto.X509Extension('subjectAltName', false, 'DNS:localhost,IP:127.0.0.1');
  F.revoked = step('Revoked', () => {
    const r = new crypto.Revoked();
    r.setSerialNumber(42);
    r.setReason('keyCompromise');
    r.setRevDate('20240101000000Z');
    return r;
  });
  F.crl = step('CRL', () => {
    const c = new crypto.CRL();
    c.setVersion(1);
    c.setLastUpdate('20240101000000Z');
    c.setNextUpdate('20990101000000Z');
    c.addRevoked(F.revoked);
    c.sign(F.caCert, F.ecKey, 'sha256');
    return c;
  });
  F.crlPem = crypto.dumpCrl(crypto.FILETYPE_PEM, F.crl).toString();
  F.store = new crypto.X509Store();
  F.store.addCert(F.caCert);
  F.pkcs12 = step('PKCS12', () => {
    const p = new crypto.PKCS12();
    p.setPrivatekey(F.ecKey2);
    p.setCertificate(F.cert);
    p.setCaCertificates([F.caCert]);
    p.setFriendlyname('fuzz');
    return p;
  });
  F.p12Der = step('PKCS12 export', () => F.pkcs12.export('pw', 16, 16));
  F.ocspReq = step('OCSPRequest', () => crypto.OCSPRequest.create(F.cert, F.caCert));
  F.ocspReqDer = F.ocspReq.toDER();
  F.ocspTryLaterDer = Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x03]);
  F.spki = step('NetscapeSPKI', () => {
    const s = new crypto.NetscapeSPKI();
    s.setPubkey(F.ecKey);
    s.sign(F.ecKey, 'sha256');
    return s;
  });
  F.spkiB64 = quiet(() => F.spki.b64Encode()) ?? '';
  // PKCS#7 and a real OCSP response from the openssl CLI, when it is there (offline, files only).
  F.p7Der = step('PKCS7 via openssl CLI', () =>
    quiet(() => openssl(['crl2pkcs7', '-nocrl', '-certfile', F.certFile, '-certfile', F.caFile, '-outform', 'DER'], tmpDir)));
  F.ocspRespDer = step('OCSP response via openssl CLI', () =>
    quiet(() => {
      fs.writeFileSync(path.join(tmpDir, 'index.txt'), '');
      fs.writeFileSync(path.join(tmpDir, 'req.der'), F.ocspReqDer);
      openssl(['ocsp', '-index', 'index.txt', '-rsigner', 'ca.pem', '-rkey', 'ca.key', '-CA', 'ca.pem', '-reqin', 'req.der',
        '-respout', 'resp.der'], tmpDir);
      return fs.readFileSync(path.join(tmpDir, 'resp.der'));
    }));

  // SSL side.
  const serverCtx = (method = SSL.TLS_METHOD) => {
    const c = new SSL.Context(method);
    c.useCertificate(F.cert);
    c.usePrivatekey(F.ecKey2);
    return c;
  };
  const dtlsServerCtx = () => {
    const c = serverCtx(SSL.DTLS_SERVER_METHOD);
    c.setCookieGenerateCallback(() => Buffer.from('cookie-cookie'));
    c.setCookieVerifyCallback((_c, cookie) => cookie.toString() === 'cookie-cookie');
    return c;
  };
  F.serverCtx = serverCtx;
  F.dtlsServerCtx = dtlsServerCtx;
  const transfer = (a, b) => {
    for (let i = 0; i < 64; i++) {
      let chunk;
      try {
        chunk = a.bioRead(65536);
      } catch {
        return;
      }
      b.bioWrite(chunk);
    }
  };
  const attempt = (f) => {
    try {
      f();
      return true;
    } catch (e) {
      if (e instanceof pkg.WantReadError) return false;
      throw e;
    }
  };
  F.handshake = (sctx = serverCtx(), cctx = new SSL.Context(SSL.TLS_METHOD)) => {
    const server = new SSL.Connection(sctx);
    server.setAcceptState();
    const client = new SSL.Connection(cctx);
    client.setConnectState();
    let c = false;
    let s = false;
    for (let i = 0; i < 20 && !(c && s); i++) {
      if (!c) c = attempt(() => client.doHandshake());
      transfer(client, server);
      if (!s) s = attempt(() => server.doHandshake());
      transfer(server, client);
    }
    // let the client read the session tickets
    for (let i = 0; i < 3; i++) {
      attempt(() => client.recv(1, SSL.MSG_PEEK));
      transfer(client, server);
      attempt(() => server.recv(1, SSL.MSG_PEEK));
      transfer(server, client);
    }
    return { client, server, sctx, cctx };
  };
  F.tlsServerCtx = step('server Context', () => serverCtx());
  F.tlsClientCtx = new SSL.Context(SSL.TLS_METHOD);
  F.dtlsSCtx = step('DTLS Context', () => dtlsServerCtx());
  F.dtlsCCtx = new SSL.Context(SSL.DTLS_CLIENT_METHOD);
  F.hs = step('memory handshake', () => F.handshake(F.tlsServerCtx, F.tlsClientCtx));
  F.session = F.hs.client.getSession();
  F.sessionDer = quiet(() => F.session.toDER()) ?? Buffer.alloc(0);
  return F;
}

// ---------------------------------------------------------------------------------------------
// Receivers: for every class, a fixed list of variants (valid, freed, child of a freed parent),
// each made fresh for every batch of calls.
function receiverVariants(pkg, F, tmpDir) {
  const { SSL, crypto } = pkg;
  const freed = (o) => {
    o.free();
    return o;
  };
  const V = new Map();
  const add = (cls, label, make, crashOnly = false) => {
    if (!V.has(cls)) V.set(cls, []);
    V.get(cls).push({ label: `${label}`, make, crashOnly });
  };
  const conn = (ctx, role) => {
    const c = new SSL.Connection(ctx);
    if (role === 'client') c.setConnectState();
    if (role === 'server') c.setAcceptState();
    return c;
  };
  // SSL.Context
  add(SSL.Context, 'Context(TLS server)', () => F.serverCtx());
  add(SSL.Context, 'Context(TLS client)', () => new SSL.Context(SSL.TLS_METHOD));
  add(SSL.Context, 'Context(TLSv1_2)', () => new SSL.Context(SSL.TLSv1_2_METHOD));
  add(SSL.Context, 'Context(DTLS server)', () => F.dtlsServerCtx());
  add(SSL.Context, 'Context(DTLS client)', () => new SSL.Context(SSL.DTLS_CLIENT_METHOD));
  add(SSL.Context, 'Context(freed)', () => freed(F.serverCtx()));
  // SSL.Connection (memory mode)
  add(SSL.Connection, 'Connection(client)', () => conn(new SSL.Context(SSL.TLS_METHOD), 'client'));
  add(SSL.Connection, 'Connection(server)', () => conn(F.serverCtx(), 'server'));
  add(SSL.Connection, 'Connection(no role)', () => conn(F.serverCtx(), null));
  add(SSL.Connection, 'Connection(handshaken client)', () => F.handshake().client);
  add(SSL.Connection, 'Connection(handshaken server)', () => F.handshake().server);
  add(SSL.Connection, 'Connection(DTLS server)', () => conn(F.dtlsServerCtx(), 'server'));
  add(SSL.Connection, 'Connection(DTLS client)', () => conn(new SSL.Context(SSL.DTLS_CLIENT_METHOD), 'client'));
  add(SSL.Connection, 'Connection(freed)', () => freed(conn(F.serverCtx(), 'server')));
  add(SSL.Connection, 'Connection(Context freed)', () => {
    const ctx = F.serverCtx();
    const c = conn(ctx, 'server');
    ctx.free();
    return c;
  });
  add(SSL.Connection, 'Connection(handshaken, Context freed)', () => {
    const { client, cctx, sctx } = F.handshake();
    cctx.free();
    sctx.free();
    return client;
  });
  // Socket mode over an unconnected socket: no descriptor, no I/O.
  add(SSL.SocketConnection, 'SocketConnection(unconnected socket)', () => {
    const s = new net.Socket();
    s.on('error', () => {});
    return new SSL.Connection(new SSL.Context(SSL.TLS_METHOD), s);
  });
  add(SSL.SocketConnection, 'SocketConnection(accept, unconnected)', () => {
    const s = new net.Socket();
    s.on('error', () => {});
    return SSL.Connection.accept(F.serverCtx(), s);
  });
  add(SSL.SocketConnection, 'SocketConnection(freed)', () => {
    const s = new net.Socket();
    s.on('error', () => {});
    return freed(new SSL.Connection(new SSL.Context(SSL.TLS_METHOD), s));
  });
  add(SSL.SecureSocket, 'SecureSocket(unconnected socket)', () => {
    const s = new net.Socket();
    s.on('error', () => {});
    return new SSL.SecureSocket(s, { context: new SSL.Context(SSL.TLS_METHOD), nativeIo: false });
  });
  add(SSL.SecureSocket, 'SecureSocket(native io, unconnected)', () => {
    const s = new net.Socket();
    s.on('error', () => {});
    return new SSL.SecureSocket(s, { context: F.serverCtx(), isServer: true });
  });
  add(SSL.SecureSocket, 'SecureSocket(destroyed)', () => {
    const s = new net.Socket();
    s.on('error', () => {});
    const ss = new SSL.SecureSocket(s, { context: new SSL.Context(SSL.TLS_METHOD), nativeIo: false });
    ss.on('error', () => {});
    ss.destroy();
    return ss;
  });
  add(SSL.DTLSSocket, 'DTLSSocket(client)', () => new SSL.DTLSSocket({ context: new SSL.Context(SSL.DTLS_CLIENT_METHOD) }));
  add(SSL.DTLSSocket, 'DTLSSocket(closed)', () => {
    const d = new SSL.DTLSSocket({ context: new SSL.Context(SSL.DTLS_CLIENT_METHOD) });
    d.close();
    return d;
  });
  add(SSL.DTLSServer, 'DTLSServer(unbound)', () => new SSL.DTLSServer({ context: F.dtlsServerCtx() }));
  add(SSL.DTLSServer, 'DTLSServer(closed)', () => {
    const d = new SSL.DTLSServer({ context: new SSL.Context(SSL.DTLS_SERVER_METHOD) });
    d.close();
    return d;
  });
  add(SSL.Session, 'Session(from handshake)', () => F.handshake().client.getSession());
  add(SSL.Session, 'Session(empty)', () => new SSL.Session());
  add(SSL.Session, 'Session(fromDER)', () => SSL.Session.fromDER(F.sessionDer, F.tlsClientCtx));
  add(SSL.Session, 'Session(freed)', () => freed(F.handshake().client.getSession()));
  add(SSL.Session, 'Session(Connection+Context freed)', () => {
    const { client, cctx } = F.handshake();
    const s = client.getSession();
    client.free();
    cctx.free();
    return s;
  });
  // crypto
  const ecKey = () => {
    const k = new crypto.PKey();
    k.generateKey(crypto.TYPE_EC, 'prime256v1');
    return k;
  };
  add(crypto.PKey, 'PKey(EC)', ecKey);
  add(crypto.PKey, 'PKey(RSA-1024)', () => crypto.loadPrivatekey(crypto.FILETYPE_PEM, F.rsaKeyPem));
  add(crypto.PKey, 'PKey(Ed25519)', () => {
    const k = new crypto.PKey();
    k.generateKey(crypto.TYPE_ED25519);
    return k;
  });
  add(crypto.PKey, 'PKey(public only)', () => crypto.loadPublickey(crypto.FILETYPE_PEM, F.pubKeyPem));
  add(crypto.PKey, 'PKey(empty)', () => new crypto.PKey());
  add(crypto.PKey, 'PKey(freed)', () => freed(ecKey()));
  add(crypto.PKey, 'PKey(from X509 freed)', () => {
    const c = crypto.loadCertificate(crypto.FILETYPE_PEM, F.certPem);
    const k = c.getPubkey();
    c.free();
    return k;
  });
  const cert = () => crypto.loadCertificate(crypto.FILETYPE_PEM, F.certPem);
  add(crypto.X509, 'X509(leaf)', cert);
  add(crypto.X509, 'X509(self-signed CA)', () => crypto.loadCertificate(crypto.FILETYPE_PEM, F.caPem));
  add(crypto.X509, 'X509(empty)', () => new crypto.X509());
  add(crypto.X509, 'X509(freed)', () => freed(cert()));
  add(crypto.X509, 'X509(peer cert, Connection freed)', () => {
    const { client } = F.handshake();
    const c = client.getPeerCertificate();
    client.free();
    return c;
  });
  add(crypto.X509Name, 'X509Name(new)', () => {
    const n = new crypto.X509Name();
    n.CN = 'name';
    n.O = 'org';
    return n;
  });
  add(crypto.X509Name, 'X509Name(empty)', () => new crypto.X509Name());
  add(crypto.X509Name, 'X509Name(view of live cert)', () => cert().getSubject());
  add(crypto.X509Name, 'X509Name(view, cert freed)', () => {
    const c = cert();
    const n = c.getSubject();
    c.free();
    return n;
  });
  add(crypto.X509Name, 'X509Name(stale view)', () => {
    const c = cert();
    const n = c.getIssuer();
    c.setIssuer(new crypto.X509Name());
    return n;
  });
  add(crypto.X509Name, 'X509Name(freed)', () => freed(new crypto.X509Name()));
  add(crypto.X509Name, 'X509Name(req subject, req freed)', () => {
    const r = crypto.loadCertificateRequest(crypto.FILETYPE_PEM, F.reqPem);
    const n = r.getSubject();
    r.free();
    return n;
  });
  add(crypto.X509Name, 'X509Name(CRL issuer, CRL freed)', () => {
    const c = crypto.loadCrl(crypto.FILETYPE_PEM, F.crlPem);
    const n = c.getIssuer();
    c.free();
    return n;
  });
  add(crypto.X509Req, 'X509Req(signed)', () => crypto.loadCertificateRequest(crypto.FILETYPE_PEM, F.reqPem));
  add(crypto.X509Req, 'X509Req(empty)', () => new crypto.X509Req());
  add(crypto.X509Req, 'X509Req(freed)', () => freed(new crypto.X509Req()));
  add(crypto.X509Extension, 'X509Extension(SAN)', () => new crypto.X509Extension('subjectAltName', false, 'DNS:a.example'));
  add(crypto.X509Extension, 'X509Extension(from cert, cert freed)', () => {
    const c = crypto.loadCertificate(crypto.FILETYPE_PEM, F.caPem);
    const e = c.getExtension(0);
    c.free();
    return e;
  });
  add(crypto.X509Extension, 'X509Extension(freed)', () => freed(new crypto.X509Extension('basicConstraints', true, 'CA:FALSE')));
  add(crypto.CRL, 'CRL(signed)', () => crypto.loadCrl(crypto.FILETYPE_PEM, F.crlPem));
  add(crypto.CRL, 'CRL(empty)', () => new crypto.CRL());
  add(crypto.CRL, 'CRL(freed)', () => freed(new crypto.CRL()));
  add(crypto.Revoked, 'Revoked(set)', () => {
    const r = new crypto.Revoked();
    r.setSerialNumber(7);
    r.setReason('superseded');
    return r;
  });
  add(crypto.Revoked, 'Revoked(empty)', () => new crypto.Revoked());
  add(crypto.Revoked, 'Revoked(freed)', () => freed(new crypto.Revoked()));
  add(crypto.Revoked, 'Revoked(from CRL, CRL freed)', () => {
    const c = crypto.loadCrl(crypto.FILETYPE_PEM, F.crlPem);
    const r = (c.getRevoked() ?? [])[0] ?? new crypto.Revoked();
    c.free();
    return r;
  });
  add(crypto.X509Store, 'X509Store(with CA)', () => {
    const s = new crypto.X509Store();
    s.addCert(F.caCert);
    return s;
  });
  add(crypto.X509Store, 'X509Store(freed)', () => freed(new crypto.X509Store()));
  add(crypto.X509Store, 'X509Store(of freed Context)', () => {
    const ctx = F.serverCtx();
    const s = ctx.getCertStore();
    ctx.free();
    return s;
  });
  add(crypto.X509StoreContext, 'X509StoreContext(valid)', () => new crypto.X509StoreContext(F.store, F.cert));
  add(crypto.X509StoreContext, 'X509StoreContext(freed)', () => freed(new crypto.X509StoreContext(F.store, F.cert)));
  add(crypto.X509StoreContext, 'X509StoreContext(store+cert freed)', () => {
    const s = new crypto.X509Store();
    s.addCert(F.caCert);
    const c = cert();
    const sc = new crypto.X509StoreContext(s, c, [crypto.loadCertificate(crypto.FILETYPE_PEM, F.caPem)]);
    s.free();
    c.free();
    return sc;
  });
  add(crypto.PKCS12, 'PKCS12(loaded)', () => crypto.loadPkcs12(F.p12Der, 'pw'));
  add(crypto.PKCS12, 'PKCS12(empty)', () => new crypto.PKCS12());
  add(crypto.PKCS12, 'PKCS12(parts freed)', () => {
    const p = crypto.loadPkcs12(F.p12Der, 'pw');
    quiet(() => p.getPrivatekey()?.free());
    quiet(() => p.getCertificate()?.free());
    for (const c of p.getCaCertificates() ?? []) quiet(() => c.free());
    return p;
  });
  if (F.p7Der) {
    add(crypto.PKCS7, 'PKCS7(certs)', () => crypto.loadPkcs7Data(crypto.FILETYPE_ASN1, F.p7Der));
    add(crypto.PKCS7, 'PKCS7(freed)', () => freed(crypto.loadPkcs7Data(crypto.FILETYPE_ASN1, F.p7Der)));
  }
  add(crypto.OCSPRequest, 'OCSPRequest(created)', () => crypto.OCSPRequest.create(F.cert, F.caCert));
  add(crypto.OCSPRequest, 'OCSPRequest(freed)', () => freed(crypto.OCSPRequest.fromDER(F.ocspReqDer)));
  add(crypto.OCSPResponse, 'OCSPResponse(tryLater)', () => crypto.OCSPResponse.fromDER(F.ocspTryLaterDer));
  if (F.ocspRespDer) {
    add(crypto.OCSPResponse, 'OCSPResponse(signed)', () => crypto.OCSPResponse.fromDER(F.ocspRespDer));
    add(crypto.OCSPResponse, 'OCSPResponse(freed)', () => freed(crypto.OCSPResponse.fromDER(F.ocspRespDer)));
  }
  add(crypto.NetscapeSPKI, 'NetscapeSPKI(signed)', () => {
    const s = new crypto.NetscapeSPKI();
    s.setPubkey(F.ecKey);
    s.sign(F.ecKey, 'sha256');
    return s;
  });
  add(crypto.NetscapeSPKI, 'NetscapeSPKI(empty)', () => new crypto.NetscapeSPKI());
  add(crypto.NetscapeSPKI, 'NetscapeSPKI(freed)', () => freed(new crypto.NetscapeSPKI()));
  add(crypto.EllipticCurve, 'EllipticCurve(prime256v1)', () => crypto.getEllipticCurve('prime256v1'));
  // Error classes
  add(pkg.OpenSSLError, 'OpenSSLError', () => new pkg.OpenSSLError('fuzz'));
  add(pkg.WantReadError, 'WantReadError', () => new pkg.WantReadError());
  add(pkg.WantWriteError, 'WantWriteError', () => new pkg.WantWriteError());
  add(pkg.WantX509LookupError, 'WantX509LookupError', () => new pkg.WantX509LookupError());
  add(pkg.ZeroReturnError, 'ZeroReturnError', () => new pkg.ZeroReturnError());
  add(pkg.SysCallError, 'SysCallError(EOF)', () => new pkg.SysCallError(-1, 'Unexpected EOF'));
  add(pkg.SysCallError, 'SysCallError(ECONNRESET)', () => new pkg.SysCallError(104, 'reset'));
  add(crypto.X509StoreContextError, 'X509StoreContextError', () => new crypto.X509StoreContextError('fuzz', [20, 0, 'x'], null, 'X'));
  void tmpDir;
  return V;
}

/** Receiver variants of `cls`: its own, else those of its nearest exported superclass... */
function variantsFor(V, cls) {
  if (V.has(cls)) return V.get(cls);
  return [{ label: `${cls.name}(forged: Object.create(prototype))`, make: () => Object.create(cls.prototype), crashOnly: true }];
}

// ---------------------------------------------------------------------------------------------
// The argument pool: adversarial values and plausible ones (valid objects of every class, freed
// ones, constants, paths, buffers). Built once per child in a fixed order: a pool index names a
// value across processes (used by replay).
function buildPool(pkg, F, V, tmpDir) {
  const { SSL, crypto } = pkg;
  const adv = [];
  const plaus = [];
  const forged = [];
  const A = (label, value, crashOnly = false) => adv.push({ label, value, crashOnly });
  const P = (label, value, crashOnly = false) => plaus.push({ label, value, crashOnly });
  const G = (label, value) => forged.push({ label, value, crashOnly: true });

  // -- primitives
  A('undefined', undefined);
  A('null', null);
  A('true', true);
  A('false', false);
  for (const [l, n] of [['0', 0], ['-0', -0], ['-1', -1], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['2**53', 2 ** 53],
    ['-(2**31)', -(2 ** 31)], ['2**31-1', 2 ** 31 - 1], ['2**32+1', 2 ** 32 + 1], ['1e308', 1e308], ['0.5', 0.5], ['-1e-300', -1e-300]]) {
    A(`num(${l})`, n);
  }
  A('bigint(0n)', 0n);
  A('bigint(-1n)', -1n);
  A('bigint(2n**64n)', 2n ** 64n);
  A('str("")', '');
  A('str(1MB "A")', 'A'.repeat(1 << 20));
  A('str(1MB with NULs)', ('ab\0'.repeat(349526)).slice(0, 1 << 20));
  A('str("a\\0b")', 'a\0b');
  A('str("sha256\\0x")', 'sha256\0x');
  A('str(lone surrogate)', 'x\uD800y');
  A('str(emoji)', '\u{1F600}');
  A('symbol', Symbol('fuzz'));
  // -- objects
  A('{}', {});
  A('Object.create(null)', Object.create(null));
  A('[]', []);
  A('[1,2,3]', [1, 2, 3]);
  A('[null]', [null]);
  A('sparse Array(5)', new Array(5));
  A('[{}x1000]', Array.from({ length: 1000 }, () => ({})));
  A('fn()=>undefined', () => undefined);
  A('fn throws sentinel', sentinel('function call'));
  A('async fn rejects', async () => {
    throw new FuzzSentinel('async function');
  });
  A('class {}', class Fuzz {}, true); // calling it throws V8's TypeError: the fuzzer's own value
  A('new Date(NaN)', new Date(NaN));
  A('Date', new Date(0));
  A('RegExp', /x/);
  A('Map', new Map([[1, 2]]));
  A('Set', new Set([1]));
  A('Error', new Error('not a value'));
  A('Promise', Promise.resolve(1));
  A('WeakRef', new WeakRef({}));
  // -- throwing objects
  A('obj{throwing getters}', new Proxy({}, { get: (_t, k) => (k === Symbol.toPrimitive || k === 'then' ? undefined : sentinel(`getter ${String(k)}`)()) }));
  A('obj{throwing valueOf}', { valueOf: sentinel('valueOf'), toString: sentinel('toString') });
  A('obj{throwing Symbol.toPrimitive}', { [Symbol.toPrimitive]: sentinel('Symbol.toPrimitive') });
  A('obj{length: throwing getter}', Object.defineProperty({}, 'length', { get: sentinel('length getter') }));
  const throwingArray = [1, 2];
  Object.defineProperty(throwingArray, 0, { get: sentinel('array element getter') });
  A('array[0: throwing getter]', throwingArray);
  A('iterable{throwing iterator}', { [Symbol.iterator]: sentinel('Symbol.iterator') });
  const proxyTraps = {};
  for (const t of ['get', 'set', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'defineProperty', 'deleteProperty', 'apply', 'construct']) {
    proxyTraps[t] = sentinel(`Proxy ${t} trap`);
  }
  A('Proxy(all traps throw)', new Proxy({}, proxyTraps));
  A('Proxy(fn, all traps throw)', new Proxy(function target() {}, proxyTraps));
  A('Proxy([], all traps throw)', new Proxy([], proxyTraps));
  A('Proxy(Buffer, get throws)', new Proxy(Buffer.alloc(8), { get: sentinel('Proxy(Buffer) get') }));
  A('Proxy(Buffer, transparent)', new Proxy(Buffer.alloc(8, 1), {}));
  // Every operation on a revoked Proxy throws V8's own TypeError: the fuzzer's value, crashes only.
  A('revoked Proxy', (() => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    return r.proxy;
  })(), true);
  // -- ArrayBuffers and views
  const big = new ArrayBuffer(64);
  new Uint8Array(big).fill(0x41);
  A('Buffer(16)', Buffer.alloc(16, 0x42));
  A('Buffer(0)', Buffer.alloc(0));
  A('Buffer(pool slice)', Buffer.from('pooled-bytes'));
  A('Uint8Array(16)', new Uint8Array(16));
  A('Int8Array(16)', new Int8Array(16));
  A('Uint8ClampedArray(16)', new Uint8ClampedArray(16));
  A('Uint16Array(8)', new Uint16Array(8));
  A('Int32Array(4)', new Int32Array(4));
  A('Float32Array(4)', new Float32Array(4));
  A('Float64Array(4)', new Float64Array(4));
  A('BigInt64Array(2)', new BigInt64Array(2));
  A('BigUint64Array(2)', new BigUint64Array(2));
  A('DataView(16)', new DataView(new ArrayBuffer(16)));
  A('DataView(0)', new DataView(new ArrayBuffer(0)));
  A('Uint8Array(ab, off=3, len=8)', new Uint8Array(big, 3, 8));
  A('Uint16Array(ab, off=2, len=4)', new Uint16Array(big, 2, 4));
  A('Float64Array(ab, off=8, len=2)', new Float64Array(big, 8, 2));
  A('DataView(ab, off=5, len=7)', new DataView(big, 5, 7));
  A('Buffer.from(ab, off=9, len=5)', Buffer.from(big, 9, 5));
  A('ArrayBuffer(16)', new ArrayBuffer(16));
  A('ArrayBuffer(0)', new ArrayBuffer(0));
  const sab = new SharedArrayBuffer(32);
  A('SharedArrayBuffer(32)', sab);
  A('Uint8Array(SharedArrayBuffer)', new Uint8Array(sab, 4, 16));
  A('DataView(SharedArrayBuffer)', new DataView(sab, 1, 8));
  const detach = (size) => {
    const ab = new ArrayBuffer(size);
    const views = { u8: new Uint8Array(ab), dv: new DataView(ab), buf: Buffer.from(ab), u8off: new Uint8Array(ab, 4, 4), f64: new Float64Array(ab) };
    structuredClone(ab, { transfer: [ab] });
    return { ab, ...views };
  };
  const d = detach(32);
  A('detached ArrayBuffer', d.ab);
  A('Uint8Array(detached)', d.u8);
  A('Uint8Array(detached, off=4)', d.u8off);
  A('DataView(detached)', d.dv);
  A('Buffer(detached)', d.buf);
  A('Float64Array(detached)', d.f64);
  const rab = new ArrayBuffer(32, { maxByteLength: 64 });
  A('Uint8Array(resizable, length-tracking)', new Uint8Array(rab));
  const rab2 = new ArrayBuffer(32, { maxByteLength: 64 });
  const oob = new Uint8Array(rab2, 16, 8);
  rab2.resize(8);
  A('Uint8Array(resizable, now out of bounds)', oob);
  const rab3 = new ArrayBuffer(32, { maxByteLength: 64 });
  const oobDv = new DataView(rab3, 16, 8);
  rab3.resize(8);
  A('DataView(resizable, now out of bounds)', oobDv);
  A('Buffer(1MB)', Buffer.alloc(1 << 20, 0x30));
  // Fresh per call, and disposed of right after the call returns (while an async job may still
  // hold them): detached, overwritten, freed.
  const detachNow = (v) => structuredClone(v.buffer, { transfer: [v.buffer] });
  const FA = (label, make, post) => adv.push({ label, make, post, crashOnly: false });
  const FP = (label, make, post) => plaus.push({ label, make, post, crashOnly: false });
  FA('fresh Uint8Array(4096) detached after the call', () => new Uint8Array(4096).fill(0x31), detachNow);
  FA('fresh Buffer(1MB) detached after the call', () => Buffer.from(new ArrayBuffer(1 << 20)).fill(0x32), detachNow);
  FA('fresh DataView(256) detached after the call', () => new DataView(new ArrayBuffer(256)), detachNow);
  FA('fresh Uint8Array(ab, off=8) detached after the call', () => new Uint8Array(new ArrayBuffer(512), 8, 256), detachNow);
  FA('fresh Buffer(64KB) overwritten after the call', () => Buffer.alloc(65536, 0x33), (v) => v.fill(0xee));
  FA('fresh cert DER copy detached after the call', () => new Uint8Array(F.certDer), detachNow);
  FA('fresh PKCS12 DER copy detached after the call', () => new Uint8Array(F.p12Der), detachNow);
  const freeIt = (v) => v.free();
  FP('fresh EC PKey freed after the call', () => {
    const k = new crypto.PKey();
    k.generateKey(crypto.TYPE_EC, 'prime256v1');
    return k;
  }, freeIt);
  FP('fresh X509 freed after the call', () => crypto.loadCertificate(crypto.FILETYPE_PEM, F.certPem), freeIt);
  FP('fresh X509Name freed after the call', () => crypto.loadCertificate(crypto.FILETYPE_PEM, F.certPem).getSubject(), freeIt);
  FP('fresh X509Store freed after the call', () => {
    const st = new crypto.X509Store();
    st.addCert(F.caCert);
    return st;
  }, freeIt);
  FP('fresh CRL freed after the call', () => crypto.loadCrl(crypto.FILETYPE_PEM, F.crlPem), freeIt);
  FP('fresh Context freed after the call', () => F.serverCtx(), freeIt);
  FP('fresh DTLS Context freed after the call', () => F.dtlsServerCtx(), freeIt);
  FP('fresh Session freed after the call', () => F.handshake().client.getSession(), freeIt);

  // -- plausible values
  for (const [l, n] of [['1', 1], ['2', 2], ['3', 3], ['16', 16], ['255', 255], ['1024', 1024], ['65536', 65536], ['1700000000', 1700000000]]) P(`num(${l})`, n);
  for (const k of ['FILETYPE_PEM', 'FILETYPE_ASN1', 'FILETYPE_TEXT', 'TYPE_RSA', 'TYPE_EC', 'TYPE_DSA', 'TYPE_DH', 'TYPE_ED25519', 'TYPE_X25519']) {
    P(`crypto.${k}`, crypto[k]);
  }
  for (const k of ['TLS_METHOD', 'DTLS_METHOD', 'TLSv1_2_METHOD', 'VERIFY_PEER', 'MSG_PEEK', 'OP_NO_TICKET', 'SESS_CACHE_BOTH', 'TLS1_3_VERSION']) {
    if (typeof SSL[k] === 'number') P(`SSL.${k}`, SSL[k]);
  }
  P('bigint(42n)', 42n);
  for (const s of ['sha256', 'SHA512', 'md5', 'prime256v1', 'P-256', 'X25519', 'localhost', '127.0.0.1', '::1', 'ALL', 'DEFAULT',
    'TLS_AES_128_GCM_SHA256', 'CN', 'subjectAltName', 'DNS:example.com', 'CA:FALSE', 'basicConstraints', 'keyCompromise',
    '20240101000000Z', 'SRTP_AES128_CM_SHA1_80', 'EXTRACTOR-dtls_srtp', 'h2', 'pw', 'default', 'udp4', 'aes-256-cbc', 'deadbeef']) {
    P(`str(${JSON.stringify(s)})`, s);
  }
  P('str(cert PEM)', F.certPem);
  P('str(key PEM)', F.ecKeyPem);
  P('str(public key PEM)', F.pubKeyPem);
  P('str(CSR PEM)', F.reqPem);
  P('str(CRL PEM)', F.crlPem);
  P('str(SPKI base64)', F.spkiB64);
  P('Buffer(cert DER)', F.certDer);
  P('Buffer(PKCS12 DER)', F.p12Der);
  P('Buffer(session DER)', F.sessionDer);
  P('Buffer(OCSP request DER)', F.ocspReqDer);
  P('Buffer(OCSP tryLater DER)', F.ocspTryLaterDer);
  if (F.ocspRespDer) P('Buffer(OCSP response DER)', F.ocspRespDer);
  if (F.p7Der) P('Buffer(PKCS7 DER)', F.p7Der);
  P('Buffer(32 random)', Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 73 + 11) & 0xff)));
  P('Buffer(16384)', Buffer.alloc(16384, 7));
  P('path(cert.pem in tmp)', F.certFile);
  P('path(key.pem in tmp)', F.keyFile);
  P('path(tmp dir)', tmpDir);
  P('path(nonexistent)', path.join(tmpDir, 'does-not-exist', 'x.pem'));
  P('path(/dev/null)', '/dev/null');
  P('[str "h2", "http/1.1"]', ['h2', 'http/1.1']);
  P('[Buffer "h2"]', [Buffer.from('h2')]);
  P('[str "1.2.3.4"]', ['1.2.3.4']);
  P('fn()=>true', () => true);
  P('fn()=>Buffer', () => Buffer.from('cb-bytes'));
  P('fn()=>"pw"', () => 'pw');
  P('Date(now)', new Date());
  P('X509Certificate(node)', F.x509Certificate);
  P('KeyObject(node)', F.keyObject);
  P('net.Socket(unconnected)', (() => {
    const s = new net.Socket();
    s.on('error', () => {});
    return s;
  })());
  P('{nonce:false, digest:"sha256"}', { nonce: false, digest: 'sha256' });
  P('{curve:"prime256v1"}', { curve: 'prime256v1' });
  P('{bits:1024}', { bits: 1024 });
  P('{padding:"pss", saltLength:"digest"}', { padding: 'pss', saltLength: 'digest' });
  P('{legacy:true, iter:1}', { legacy: true, iter: 1 });
  P('{context: TLS Context}', { context: F.tlsClientCtx });
  P('{context: DTLS Context}', { context: F.dtlsCCtx });
  P('{context: Context, port: 0}', { context: F.tlsClientCtx, port: 0 });
  P('{newSession: fn, removeSession: fn}', { newSession: () => undefined, removeSession: () => undefined });
  P('{buffer: Uint8Array, callback: fn}', { buffer: new Uint8Array(64), callback: () => true });
  // Objects of every class (valid, freed, children of freed parents), made once.
  for (const [, variants] of V) {
    for (const v of variants) {
      let o;
      try {
        o = v.make();
      } catch {
        continue;
      }
      if (o instanceof EventEmitter) o.on('error', () => {});
      P(v.label, o, v.crashOnly);
    }
  }
  P('[X509 leaf, X509 CA]', [F.cert, F.caCert]);
  P('[[X509, X509]]', [[F.cert, F.caCert]]);
  P('[X509Name]', [F.cert.getSubject()]);
  P('[X509Extension]', [F.ext]);
  P('[CRL]', [F.crl]);
  P('[freed X509]', [V.get(crypto.X509).find((x) => x.label === 'X509(freed)').make()]);
  // Forged instances: pass `instanceof`, but carry no handle or another class's native handle.
  // Only crashes count for these (their TypeErrors come from the JS layer's internals).
  const forge = (cls, h) => {
    const o = Object.create(cls.prototype);
    if (h !== undefined) Object.defineProperty(o, '_h', { value: h, writable: true });
    return o;
  };
  // Their handles belong to objects of their own: a forged object's free() must not free a fixture.
  const own = F.handshake();
  const handles = [['X509', crypto.loadCertificate(crypto.FILETYPE_PEM, F.certPem)._h], ['PKey', crypto.loadPrivatekey(crypto.FILETYPE_PEM, F.ecKeyPem)._h],
    ['Context', own.sctx._h], ['Connection', own.client._h], ['X509Store', new crypto.X509Store()._h], ['Session', own.client.getSession()._h],
    ['CRL', crypto.loadCrl(crypto.FILETYPE_PEM, F.crlPem)._h]];
  for (const cls of [crypto.X509, crypto.PKey, crypto.X509Name, crypto.X509Store, crypto.CRL, SSL.Context, SSL.Connection, SSL.Session]) {
    G(`forged ${cls.name}(no _h)`, forge(cls));
    for (const [hn, h] of handles) {
      if (hn === cls.name) continue;
      G(`forged ${cls.name}(_h of ${hn})`, forge(cls, h));
    }
    G(`forged ${cls.name}(_h = {})`, forge(cls, {}));
  }
  return { adv, plaus, forged, all: [...adv, ...plaus, ...forged] };
}

// ---------------------------------------------------------------------------------------------
// Handshake scenarios. A plan (a pure function of one number) installs a random subset of the
// callback setters on the server and client Contexts and Connections, each with a misbehaviour,
// then drives a memory-BIO handshake, some data, a resumption and the frees.
const CALLBACK_SETTERS = [
  // [side, setter, triggered by]
  ['server', 'setVerify'], ['client', 'setVerify'], ['server', 'setPasswdCb'], ['server', 'setInfoCallback'],
  ['client', 'setInfoCallback'], ['client', 'setKeylogCallback'], ['server', 'setTlsextServernameCallback'],
  ['server', 'setAlpnSelectCallback'], ['server', 'setOcspServerCallback'], ['client', 'setOcspClientCallback'],
  ['client', 'setSessionCallbacks'], ['server', 'setSessionCallbacks'], ['server', 'setClientHelloCallback'],
  ['server', 'setMsgCallback'], ['client', 'setPskClientCallback'], ['server', 'setPskServerCallback'],
  ['server', 'setPskFindSessionCallback'], ['client', 'setPskUseSessionCallback'], ['server', 'setCookieGenerateCallback'],
  ['server', 'setCookieVerifyCallback'], ['serverConn', 'setVerify'], ['clientConn', 'setVerify'], ['serverConn', 'setInfoCallback'],
  ['clientConn', 'setInfoCallback'],
];
const BEHAVIOURS = [
  'returns undefined', 'returns true', 'returns false', 'throws a sentinel Error', 'throws a sentinel primitive',
  'returns a pool value', 'frees its Connection', 'frees both Contexts', 'calls conn.doHandshake() again', 'returns a Promise',
  'switches conn.setContext()', 'runs gc()', 'returns a freed Session', 'returns a detached buffer', 'returns a valid answer',
];

function planScenario(entry, n, pool) {
  const rng = mulberry32(n);
  const installs = [];
  for (const [side, setter] of CALLBACK_SETTERS) {
    if (entry.dtls !== (setter === 'setCookieGenerateCallback' || setter === 'setCookieVerifyCallback') && setter.startsWith('setCookie')) continue;
    if (rng() < 0.3) {
      // Half of the callbacks answer validly, so that handshakes get far enough to call the rest.
      const b = rng() < 0.5 ? BEHAVIOURS.length - 1 : pick(rng, BEHAVIOURS.length - 1);
      const poolIdx = pick(rng, pool.adv.length + pool.plaus.length);
      installs.push({ side, setter, b, poolIdx, mode: pick(rng, 4) });
    }
  }
  const opts = {
    psk12: !entry.dtls && rng() < 0.5 && installs.some((x) => x.setter === 'setPskClientCallback' || x.setter === 'setPskServerCallback'),
    resume: rng() < 0.5,
    sni: rng() < 0.7,
    alpn: rng() < 0.7,
    ocsp: rng() < 0.5,
    clientCache: rng() < 0.5,
    encryptedKey: rng() < 0.2,
    freeMidway: rng() < 0.3 ? 1 + pick(rng, 5) : 0, // 1: server ctx, 2: client ctx, 3: server conn, 4: client conn, 5: gc only
    freeRound: pick(rng, 6),
  };
  const label = (i) => {
    const p = pool.all[i];
    return p.make || p.crashOnly ? 'undefined' : p.label;
  };
  const parts = installs.map((x) => `${x.side}.${x.setter}: ${BEHAVIOURS[x.b]}${x.b === 5 ? ` (${label(x.poolIdx)})` : ''}`);
  const flags = Object.entries(opts).filter(([, v]) => v).map(([k, v]) => (v === true ? k : `${k}=${v}`));
  return { installs, opts, desc: `{${parts.join('; ')}}${flags.length ? ` [${flags.join(', ')}]` : ''}`, label };
}

function makeScenario({ pkg, F, pool, progress, check, current, tmpDir, stats }) {
  const { SSL, crypto } = pkg;
  let encKeyFile = null;
  return async function runScenario(entry, call) {
    const plan = planScenario(entry, call.plan, pool);
    const ctxBox = current();
    const step = (what) => progress(`${ctxBox.desc} :: ${what}`, call);
    const failures = [];
    // Runs one step; WantRead/WantWrite are normal; any other error is checked and ends the scenario.
    const attempt = (what, f) => {
      step(what);
      try {
        f();
        return 'ok';
      } catch (e) {
        if (e instanceof pkg.WantReadError || e instanceof pkg.WantWriteError) return 'want';
        failures.push(e);
        check(e, ctxBox, `throw from ${what}`);
        return 'error';
      }
    };
    const method = entry.dtls ? SSL.DTLS_SERVER_METHOD : SSL.TLS_METHOD;
    let sctx = new SSL.Context(method);
    sctx.useCertificate(F.cert);
    const cctx = new SSL.Context(entry.dtls ? SSL.DTLS_CLIENT_METHOD : SSL.TLS_METHOD);
    const other = F.serverCtx(entry.dtls ? SSL.DTLS_SERVER_METHOD : SSL.TLS_METHOD);
    if (plan.opts.encryptedKey) {
      if (encKeyFile === null) {
        encKeyFile = path.join(tmpDir, 'enc.key');
        fs.writeFileSync(encKeyFile, crypto.dumpPrivatekey(crypto.FILETYPE_PEM, F.ecKey2, 'aes-256-cbc', 'pw'));
      }
    }
    let server = null;
    let client = null;
    const freedSession = F.handshake().client.getSession();
    freedSession.free();
    const behave = (x) => (...cbArgs) => {
      const conn = cbArgs.find((a) => a instanceof SSL.Connection);
      switch (x.b) {
        case 0: return undefined;
        case 1: return true;
        case 2: return false;
        case 3: throw new FuzzSentinel(`${x.setter} callback`);
        case 4: throw SENTINEL_PRIMITIVE;
        case 5: {
          const p = pool.all[x.poolIdx];
          return p.make || p.crashOnly ? undefined : p.value;
        }
        case 6: conn?.free(); return true;
        case 7: sctx.free(); cctx.free(); return true;
        case 8: conn?.doHandshake(); return true;
        case 9: return Promise.resolve(true);
        case 10: conn?.setContext(other); return true;
        case 11: globalThis.gc?.(); return true;
        case 12: return freedSession;
        case 13: {
          const u = new Uint8Array(8);
          structuredClone(u.buffer, { transfer: [u.buffer] });
          return u;
        }
        default: {
          // a plausible valid answer per callback
          switch (x.setter) {
            case 'setPasswdCb': return 'pw';
            case 'setAlpnSelectCallback': return 'h2';
            case 'setOcspServerCallback': return F.ocspRespDer ?? Buffer.alloc(0);
            case 'setPskClientCallback': return { identity: 'id', psk: Buffer.alloc(32, 1) };
            case 'setPskServerCallback': return Buffer.alloc(32, 1);
            case 'setPskFindSessionCallback': return SSL.Session.forPsk(sctx, Buffer.alloc(32, 2), 'TLS_AES_128_GCM_SHA256');
            case 'setPskUseSessionCallback': return { identity: 'id', session: SSL.Session.forPsk(cctx, Buffer.alloc(32, 2), 'TLS_AES_128_GCM_SHA256') };
            case 'setCookieGenerateCallback': return Buffer.from('cookie-cookie');
            default: return true;
          }
        }
      }
    };
    const install = (target, x) => {
      const cb = behave(x);
      const modes = [SSL.VERIFY_NONE, SSL.VERIFY_PEER, SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT, SSL.VERIFY_PEER | SSL.VERIFY_CLIENT_ONCE];
      switch (x.setter) {
        case 'setVerify': return target.setVerify(modes[x.mode] ?? SSL.VERIFY_PEER, cb);
        case 'setSessionCallbacks': return target.setSessionCallbacks({ newSession: cb, removeSession: cb });
        case 'setOcspServerCallback':
        case 'setOcspClientCallback':
        case 'setPasswdCb': return target[x.setter](cb, { data: true });
        default: return target[x.setter](cb);
      }
    };
    step('setup');
    for (const x of plan.installs) {
      if (x.side === 'server') attempt(`server ctx.${x.setter}`, () => install(sctx, x));
      if (x.side === 'client') attempt(`client ctx.${x.setter}`, () => install(cctx, x));
    }
    if (plan.opts.encryptedKey && plan.installs.some((x) => x.setter === 'setPasswdCb')) attempt('server ctx.usePrivatekeyFile(encrypted)', () => sctx.usePrivatekeyFile(encKeyFile));
    else attempt('server ctx.usePrivatekey', () => sctx.usePrivatekey(F.ecKey2));
    if (plan.opts.psk12) {
      for (const c of [sctx, cctx]) {
        attempt('setMaxProtoVersion(TLS1_2)', () => c.setMaxProtoVersion(SSL.TLS1_2_VERSION));
        attempt("setCipherList('PSK')", () => c.setCipherList('PSK:@SECLEVEL=0'));
      }
    }
    if (plan.opts.clientCache) attempt('client ctx.setSessionCacheMode', () => cctx.setSessionCacheMode(SSL.SESS_CACHE_BOTH));
    if (entry.dtls && !plan.installs.some((x) => x.setter === 'setCookieGenerateCallback')) {
      attempt('default cookie callbacks', () => {
        sctx.setCookieGenerateCallback(() => Buffer.from('cookie-cookie'));
        sctx.setCookieVerifyCallback((_c, ck) => ck.toString() === 'cookie-cookie');
      });
    }
    const transfer = (a, b) => {
      for (let i = 0; i < 64; i++) {
        let chunk;
        try {
          chunk = a.bioRead(65536);
        } catch {
          return;
        }
        try {
          b.bioWrite(chunk);
        } catch {
          return;
        }
      }
    };
    const handshake = (label, session) => {
      if (attempt(`${label}: new server Connection`, () => {
        server = new SSL.Connection(sctx);
        server.setAcceptState();
      }) !== 'ok') return false;
      if (attempt(`${label}: new client Connection`, () => {
        client = new SSL.Connection(cctx);
        client.setConnectState();
      }) !== 'ok') return false;
      for (const x of plan.installs) {
        if (x.side === 'serverConn') attempt(`server conn.${x.setter}`, () => install(server, x));
        if (x.side === 'clientConn') attempt(`client conn.${x.setter}`, () => install(client, x));
      }
      if (plan.opts.sni) attempt('client.setTlsextHostName', () => client.setTlsextHostName('localhost'));
      if (plan.opts.alpn) attempt('client.setAlpnProtos', () => client.setAlpnProtos(['h2', 'http/1.1']));
      if (plan.opts.ocsp) attempt('client.requestOcsp', () => client.requestOcsp());
      if (session) attempt('client.setSession', () => client.setSession(session));
      let cDone = false;
      let sDone = false;
      let listened = !entry.dtls;
      for (let round = 0; round < 24 && !(cDone && sDone); round++) {
        if (round === plan.opts.freeRound && plan.opts.freeMidway) {
          step(`${label}: free midway (${plan.opts.freeMidway}) in round ${round}`);
          quiet(() => [null, () => sctx.free(), () => cctx.free(), () => server.free(), () => client.free(), () => globalThis.gc?.()][plan.opts.freeMidway]());
        }
        if (!cDone) {
          const r = attempt(`${label}: client.doHandshake() round ${round}`, () => client.doHandshake());
          if (r === 'error') return false;
          cDone = r === 'ok';
        }
        step(`${label}: client -> server round ${round}`);
        transfer(client, server);
        if (!listened) {
          const r = attempt(`${label}: server.DTLSv1Listen() round ${round}`, () => server.DTLSv1Listen());
          if (r === 'error') return false;
          listened = r === 'ok';
        } else if (!sDone) {
          const r = attempt(`${label}: server.doHandshake() round ${round}`, () => server.doHandshake());
          if (r === 'error') return false;
          sDone = r === 'ok';
        }
        step(`${label}: server -> client round ${round}`);
        transfer(server, client);
      }
      if (!(cDone && sDone)) return false;
      attempt(`${label}: client.send`, () => client.send(Buffer.from('hello')));
      step(`${label}: client -> server data`);
      transfer(client, server);
      attempt(`${label}: server.recv`, () => server.recv(1024));
      attempt(`${label}: server.send`, () => server.send('world'));
      transfer(server, client);
      attempt(`${label}: client.recv`, () => client.recv(1024));
      attempt(`${label}: client.getPeerCertificate`, () => client.getPeerCertificate()?.getSubject().toString());
      attempt(`${label}: server.getPeerCertChain`, () => server.getPeerCertChain());
      attempt(`${label}: client.shutdown`, () => client.shutdown());
      transfer(client, server);
      attempt(`${label}: server.shutdown`, () => server.shutdown());
      return true;
    };
    const ok = handshake('first', null);
    stats.scenarios++;
    if (ok) stats.handshakes++;
    let session = null;
    if (ok) attempt('client.getSession', () => (session = client.getSession()));
    if (ok && plan.opts.resume && session) handshake('resumption', session);
    step('frees');
    for (const o of [client, server, session, sctx, cctx, other]) quiet(() => o?.free());
    step('gc');
    globalThis.gc?.();
    await new Promise((r) => setImmediate(r));
    return failures;
  };
}

// ---------------------------------------------------------------------------------------------
// Calls.

/**
 * Shrinking steps for a failing call, each a function of the best call so far (null: nothing to
 * try): no free()/gc() after it, the first (valid) receiver variant, then each argument from the
 * last: dropped if it is the last one, else made undefined (pool index 0).
 */
function shrinkSteps(call) {
  const steps = [
    (b) => (b.freeAfter || b.gcAfter || b.burst ? { ...b, freeAfter: false, gcAfter: false, burst: false } : null),
    (b) => (b.recv > 0 ? { ...b, recv: 0 } : null),
  ];
  for (let pos = call.args.length - 1; pos >= 0; pos--) {
    steps.push((b) => {
      if (pos >= b.args.length) return null;
      if (pos === b.args.length - 1) return { ...b, args: b.args.slice(0, pos) };
      return b.args[pos] === 0 ? null : { ...b, args: b.args.map((a, k) => (k === pos ? 0 : a)) };
    });
  }
  return steps;
}
const DESTRUCTIVE = new Set(['free', 'close', 'destroy', 'destroySoon', Symbol.dispose, Symbol.asyncDispose].filter((k) => k !== undefined));
const ATTR_KEYS = ['CN', 'commonName', 'O', 'OU', 'C', 'emailAddress', 'serialNumber', 'DC', 'UID', 'title', 'noSuchAttribute', '', '0'];

/** The call sequence of one catalog entry in one round: a pure function of (seed, id, round). */
function generateCall(seed, entry, round, j, pool, nVariants) {
  const rng = mulberry32(fnv1a(`${seed}|${entry.id}|${round}|${j}`));
  if (entry.kind === 'scenario') {
    return { id: entry.id, recv: -1, wrongRecv: -1, args: [], attr: 0, freeAfter: false, gcAfter: false, plan: Math.floor(rng() * 2 ** 31) };
  }
  const arity = pick(rng, 5); // 0..4
  const bias = rng(); // per call: how adversarial
  const args = [];
  const nA = pool.adv.length;
  const nP = pool.plaus.length;
  for (let i = 0; i < arity; i++) {
    const r = rng();
    if (r < 0.04) args.push(nA + nP + pick(rng, pool.forged.length));
    else if (r < 0.04 + 0.25 + 0.5 * bias) args.push(pick(rng, nA));
    else args.push(nA + pick(rng, nP));
  }
  let recv = -1;
  let wrongRecv = -1;
  if (entry.kind === 'method' || entry.kind === 'getter' || entry.kind === 'setter' || entry.kind === 'attrGet' || entry.kind === 'attrSet') {
    // A wrong receiver is a shared pool object: never one a destructive method would free.
    if (rng() < 0.04 && !DESTRUCTIVE.has(entry.key)) wrongRecv = pool.adv.length + pick(rng, pool.plaus.length + pool.forged.length); // any object as `this`
    else recv = pick(rng, nVariants);
  }
  const attr = pick(rng, ATTR_KEYS.length);
  if (entry.kind === 'attrSet' && args.length === 0) args.push(pick(rng, pool.all.length));
  // After the call returns (before a Promise settles): free the receiver, and/or collect garbage.
  const freeAfter = recv >= 0 && rng() < 0.08;
  const gcAfter = rng() < 0.04;
  // The same call 8 times at once (async jobs in flight together); not with a wrong receiver.
  const burst = wrongRecv < 0 && rng() < 0.04;
  return { id: entry.id, recv, wrongRecv, args, attr, freeAfter, gcAfter, burst };
}

function describeCall(call, entry, variants, pool) {
  if (entry.kind === 'scenario') return `${entry.id} ${planScenario(entry, call.plan, pool).desc}`;
  const argLabels = call.args.map((i) => pool.all[i].label);
  let thisLabel = '';
  if (call.wrongRecv >= 0) thisLabel = ` [this=${pool.all[call.wrongRecv].label} (wrong receiver)]`;
  else if (call.recv >= 0) thisLabel = ` [this=${variants[call.recv].label}]`;
  const then = `${call.burst ? ' x8 at once' : ''}${call.freeAfter ? ' then this.free()' : ''}${call.gcAfter ? ' then gc()' : ''}`;
  if (entry.kind === 'attrGet') return `${entry.id}${thisLabel} .${ATTR_KEYS[call.attr]}${then}`;
  if (entry.kind === 'attrSet') return `${entry.id}${thisLabel} .${ATTR_KEYS[call.attr]} = ${argLabels[0]}${then}`;
  if (entry.kind === 'getter' || entry.kind === 'sgetter') return `${entry.id}${thisLabel}${then}`;
  return `${entry.id}${thisLabel}(${argLabels.join(', ')})${then}`;
}

/** free() the receiver; a PKCS12 (which has none) has its key and certificates freed instead. */
function freeReceiver(recv) {
  if (typeof recv.free === 'function') {
    quiet(() => recv.free());
    return;
  }
  if (typeof recv.getPrivatekey === 'function' && typeof recv.getCaCertificates === 'function') {
    quiet(() => recv.getPrivatekey()?.free());
    quiet(() => recv.getCertificate()?.free());
    for (const c of quiet(() => recv.getCaCertificates()) ?? []) quiet(() => c.free());
  }
}

const EMITTER_CLOSERS = ['close', 'destroy'];
function cleanup(o) {
  if (o === null || typeof o !== 'object') return;
  if (o instanceof EventEmitter) {
    try {
      o.on('error', () => {});
    } catch {
      // ignore
    }
    for (const m of EMITTER_CLOSERS) {
      if (typeof o[m] === 'function') {
        try {
          o[m]();
        } catch {
          // ignore
        }
        break;
      }
    }
  }
}

async function main() {
  const mode = process.argv[2];
  const pkg = await import(path.join(distDir, 'index.js'));
  const { entries, skipped } = buildCatalog(pkg);
  if (mode === 'list') {
    process.stdout.write(JSON.stringify({ ids: entries.map((e) => e.id), skipped }));
    return;
  }
  const cfg = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  const progressFd = fs.openSync(cfg.progressFile, 'w');
  const REC = 4096;
  const recBuf = Buffer.alloc(REC);
  let callIndex = -1;
  const progress = (desc, call = null) => {
    recBuf.fill(0x20);
    const line = JSON.stringify({ i: callIndex, t: Date.now(), call, desc: desc.slice(0, 3000) });
    recBuf.write(line + '\n', 0, 'utf8');
    fs.writeSync(progressFd, recBuf, 0, REC, 0);
  };
  const emit = (obj) => fs.appendFileSync(cfg.resultFile, JSON.stringify(obj) + '\n');

  const tmpDir = fs.mkdtempSync(path.join(cfg.tmpDir ?? os.tmpdir(), 'api-fuzz-'));
  process.on('exit', () => quiet(() => fs.rmSync(tmpDir, { recursive: true, force: true })));

  // Uncoded errors: deduplicated here, reported once each.
  const seenUncoded = new Set();
  let current = { key: 'setup', desc: 'setup', crashOnly: false };
  const stats = { calls: 0, threw: 0, coded: 0, uncoded: 0, promises: 0, pending: 0, rejected: 0, asyncErrors: 0, skipped: 0, crashOnlyCalls: 0, scenarios: 0, handshakes: 0 };
  const check = (e, ctx, how) => {
    if (isCoded(e)) {
      stats.coded++;
      return;
    }
    if (ctx.crashOnly) return;
    stats.uncoded++;
    const k = `${ctx.key} :: ${how}`;
    if (seenUncoded.has(k)) return;
    seenUncoded.add(k);
    emit({ type: 'uncoded', key: ctx.key, desc: ctx.desc, how, error: describeError(e) });
  };
  process.on('uncaughtException', (e) => {
    stats.asyncErrors++;
    check(e, { ...current, key: `async after ${current.key}`, desc: `async after ${current.desc}` }, 'uncaughtException');
  });
  process.on('unhandledRejection', (e) => {
    stats.asyncErrors++;
    check(e, { ...current, key: `async after ${current.key}`, desc: `async after ${current.desc}` }, 'unhandledRejection');
  });

  const F = buildFixtures(pkg, tmpDir, progress);
  const V = receiverVariants(pkg, F, tmpDir);
  progress('setup: argument pool');
  const pool = buildPool(pkg, F, V, tmpDir);
  const byId = new Map(entries.map((e) => [e.id, e]));
  const runScenario = makeScenario({ pkg, F, pool, progress, check: (e, ctx, how) => check(e, ctx, how), current: () => current, tmpDir, stats });
  const skipKeys = new Set(cfg.skipKeys ?? []);
  const promiseTimeout = cfg.promiseTimeoutMs ?? 1000;
  const timeouts = new Map();

  // API_FUZZ_SELFTEST=crash:<re>|hang:<re>|uncoded:<re> makes matching entries abort, spin or
  // throw an uncoded error: it checks that the parent reports each (the fuzzer's own test).
  const selftest = /^(crash|hang|uncoded):(.+)$/.exec(process.env.API_FUZZ_SELFTEST ?? '');
  const selftestRe = selftest ? new RegExp(selftest[2]) : null;

  /** Makes one call; the outcome, never a throw. Fresh pool values are made and disposed here. */
  const execute = async (entry, call, recv, fast) => {
    if (selftestRe?.test(entry.id)) {
      if (selftest[1] === 'crash') process.abort();
      if (selftest[1] === 'hang') for (;;);
      return { status: 'throw', error: new TypeError(`api-fuzz self-test: uncoded error from ${entry.id}`) };
    }
    const fresh = [];
    const argVals = call.args.map((i) => {
      const p = pool.all[i];
      if (!p.make) return p.value;
      const v = p.make();
      fresh.push([p, v]);
      return v;
    });
    let result;
    let outcome = null;
    try {
      switch (entry.kind) {
        case 'func':
          result = Reflect.apply(entry.fn, undefined, argVals);
          break;
        case 'static':
          result = Reflect.apply(entry.fn, entry.cls, argVals);
          break;
        case 'ctor':
          result = Reflect.construct(entry.cls, argVals);
          break;
        case 'method':
          result = Reflect.apply(entry.fn, recv, argVals);
          break;
        case 'getter':
          result = Reflect.apply(entry.get, recv, []);
          break;
        case 'sgetter':
          result = Reflect.apply(entry.get, entry.cls, []);
          break;
        case 'setter':
          result = Reflect.apply(entry.set, recv, argVals.slice(0, 1));
          break;
        case 'attrGet':
          result = recv[ATTR_KEYS[call.attr]];
          break;
        case 'attrSet':
          recv[ATTR_KEYS[call.attr]] = argVals[0];
          break;
        case 'scenario':
          result = runScenario(entry, call);
          break;
        default:
          throw new Error(`unknown entry kind ${entry.kind}`);
      }
    } catch (e) {
      outcome = { status: 'throw', error: e };
    }
    // Right after the call returned: dispose of fresh arguments (detach buffers, free objects),
    // free the receiver, collect garbage, while a returned Promise may still be running.
    for (const [p, v] of fresh) quiet(() => p.post(v));
    if (call.freeAfter && recv) freeReceiver(recv);
    if (call.gcAfter) globalThis.gc?.();
    if (outcome) return outcome;
    if (entry.kind === 'scenario') {
      await result; // checks its own errors, step by step
      return { status: 'ok' };
    }
    if (!(result instanceof Promise)) {
      if (entry.kind === 'ctor' || entry.kind === 'func' || entry.kind === 'static') cleanup(result);
      return { status: 'ok' };
    }
    let timer;
    const settled = await Promise.race([
      result.then(
        (v) => ({ ok: true, v }),
        (e) => ({ ok: false, e }),
      ),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(null), fast ? 20 : promiseTimeout);
      }),
    ]);
    clearTimeout(timer);
    if (settled === null) return { status: 'pending', promise: result };
    if (!settled.ok) return { status: 'reject', error: settled.e };
    cleanup(settled.v);
    return { status: 'resolve' };
  };

  const makeReceiver = (variants, k) => {
    const o = variants[k].make();
    if (o instanceof EventEmitter) o.on('error', (e) => check(e, current, "'error' event"));
    return o;
  };
  const signature = (how, e) => `${how}|${e instanceof Error ? `${e.name}: ${e.message}` : typeof e}`.replace(/\d+/g, 'N');

  // Uncoded errors are minimised in process: arguments are dropped from the end or replaced by
  // undefined (pool index 0) while the same error (same message) still comes back.
  const minimisedPer = new Map();
  const minimise = async (entry, call, variants, sig) => {
    const n = (minimisedPer.get(`${entry.id}|${sig}`) ?? 0) + 1;
    minimisedPer.set(`${entry.id}|${sig}`, n);
    if (n > 12) return null; // enough shapes of this one
    let best = call;
    for (const step of shrinkSteps(call)) {
      const cand = step(best);
      if (cand === null) continue;
      let recv;
      if (cand.wrongRecv >= 0) recv = pool.all[cand.wrongRecv].value;
      else if (cand.recv >= 0) {
        try {
          progress(`minimise: setup receiver ${variants[cand.recv].label}`, cand);
          recv = makeReceiver(variants, cand.recv);
        } catch {
          continue;
        }
      }
      progress(`minimise: ${describeCall(cand, entry, variants, pool)}`, cand);
      const o = await execute(entry, cand, recv, true);
      if ((o.status === 'throw' || o.status === 'reject') && !isCoded(o.error) && signature(o.status, o.error) === sig) best = cand;
    }
    return best;
  };

  const run = async (entry, call, variants, cache) => {
    const desc = describeCall(call, entry, variants, pool);
    const crashOnly = call.args.some((i) => pool.all[i].crashOnly) || call.wrongRecv >= 0 || (call.recv >= 0 && variants[call.recv].crashOnly);
    current = { key: desc, desc, crashOnly };
    let recv;
    if (call.wrongRecv >= 0) recv = pool.all[call.wrongRecv].value;
    else if (call.recv >= 0) {
      // Receivers are made once per batch; one freed after a call is made again.
      let made = cache.get(call.recv);
      if (!made || (made.ok && made.stale)) {
        progress(`setup receiver ${variants[call.recv].label} for ${entry.id}`, call);
        try {
          made = { ok: true, o: makeReceiver(variants, call.recv) };
        } catch (e) {
          made = { ok: false, e };
          emit({ type: 'setupError', variant: variants[call.recv].label, error: describeError(e) });
        }
        cache.set(call.recv, made);
      }
      if (!made.ok) return;
      if (call.freeAfter) made.stale = true;
      recv = made.o;
    }
    progress(desc, call);
    stats.calls++;
    if (crashOnly) stats.crashOnlyCalls++;
    const fast = (timeouts.get(entry.id) ?? 0) >= 3;
    let o;
    if (call.burst) {
      const all = await Promise.all(Array.from({ length: 8 }, () => execute(entry, call, recv, fast)));
      o = all.find((x) => x.status === 'throw' || x.status === 'reject') ?? all.find((x) => x.status === 'pending') ?? all[0];
      // The others are checked too, unless they failed as `o` did (then `o` stands for them).
      const failed = (x) => x.status === 'throw' || x.status === 'reject';
      for (const x of all) {
        if (x === o || !failed(x)) continue;
        if (failed(o) && signature(x.status, x.error) === signature(o.status, o.error)) continue;
        check(x.error, current, x.status === 'reject' ? 'rejection' : 'throw');
      }
    } else o = await execute(entry, call, recv, fast);
    if (o.status === 'ok' || o.status === 'resolve') return;
    if (o.status === 'pending') {
      stats.promises++;
      stats.pending++;
      timeouts.set(entry.id, (timeouts.get(entry.id) ?? 0) + 1);
      const late = { key: `${desc} (settled late)`, desc: `${desc} (settled late)`, crashOnly };
      o.promise.then(cleanup, (e) => check(e, late, 'late rejection'));
      return;
    }
    if (o.status === 'reject') {
      stats.promises++;
      stats.rejected++;
    } else stats.threw++;
    const how = o.status === 'reject' ? 'rejection' : 'throw';
    if (isCoded(o.error) || crashOnly) {
      check(o.error, current, how);
      return;
    }
    const sig = signature(o.status, o.error);
    const min = await minimise(entry, call, variants, sig);
    if (min === null) {
      stats.uncoded++;
      return;
    }
    const key = describeCall(min, entry, variants, pool);
    check(o.error, { key, desc, crashOnly }, how);
  };

  if (cfg.mode === 'replay') {
    const entry = byId.get(cfg.call.id);
    const variants = variantsFor(V, entry.cls);
    callIndex = 0;
    emit({ type: 'replay', desc: describeCall(cfg.call, entry, variants, pool) });
    await run(entry, { freeAfter: false, gcAfter: false, ...cfg.call }, variants, new Map());
    await new Promise((r) => setTimeout(r, 50));
    progress('replay: gc');
    globalThis.gc?.();
    await new Promise((r) => setImmediate(r));
    emit({ type: 'done', stats });
    process.exit(0);
  }

  // fuzz mode
  const skipIds = new Set(cfg.skipIds ?? []);
  const ids = cfg.ids.filter((id) => byId.has(id) && !skipIds.has(id));
  const perBatch = cfg.callsPerBatch ?? 6;
  const covered = new Set();
  let lastStats = Date.now();
  let lastGc = 0;
  const deadline = cfg.deadline;
  const resumeAt = cfg.resumeAt ?? 0;
  callIndex = 0;
  outer: for (let round = 0; ; round++) {
    for (const id of ids) {
      const entry = byId.get(id);
      const variants = variantsFor(V, entry.cls ?? Object);
      const cache = new Map();
      for (let j = 0; j < perBatch; j++, callIndex++) {
        if (Date.now() >= deadline) break outer;
        const call = generateCall(cfg.seed, entry, round, j, pool, variants.length);
        if (callIndex < resumeAt) continue;
        const key = describeCall(call, entry, variants, pool);
        if (skipKeys.has(key)) {
          stats.skipped++;
          continue;
        }
        if (!covered.has(id)) {
          covered.add(id);
          emit({ type: 'cov', id });
        }
        await run(entry, call, variants, cache);
        if (stats.calls - lastGc >= 400) {
          lastGc = stats.calls;
          progress(`gc() after ${current.desc}`);
          globalThis.gc?.();
        }
        if (Date.now() - lastStats > 2000) {
          lastStats = Date.now();
          emit({ type: 'stats', stats, round });
        }
      }
      for (const m of cache.values()) if (m.ok) cleanup(m.o);
      await new Promise((r) => setImmediate(r));
    }
  }
  progress('final gc()');
  callIndex = -1;
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 20));
  emit({ type: 'stats', stats, final: true });
  emit({ type: 'done', stats });
  process.exit(0);
}

main().catch((e) => {
  process.stderr.write(`api-fuzz child driver error: ${e?.stack ?? e}\n`);
  process.exit(70);
});
