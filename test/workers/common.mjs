// Shared by the worker_threads scenarios (test/workers.test.ts runs them in a child process):
// a self-signed EC certificate made with the API, contexts with or without callbacks, and an
// in-memory handshake between two memory-BIO Connections.
import { SSL, WantReadError, crypto } from '../../dist/index.js';

export { SSL, crypto };

let identity = null;
/** One EC P-256 key and self-signed certificate per thread (CN=localhost). */
export function selfSigned() {
  if (identity) return identity;
  const key = new crypto.PKey();
  key.generateKey(crypto.TYPE_EC, 'P-256');
  const cert = new crypto.X509();
  cert.setSerialNumber(1);
  cert.getSubject().CN = 'localhost';
  cert.gmtimeAdjNotBefore(-60);
  cert.gmtimeAdjNotAfter(24 * 3600);
  cert.setIssuer(cert.getSubject());
  cert.setPubkey(key);
  cert.sign(key, 'sha256');
  identity = { key, cert };
  return identity;
}

/** Busy-waits `us` microseconds (keeps a thread inside a callback). */
export function spin(us) {
  if (!us) return;
  const end = process.hrtime.bigint() + BigInt(Math.round(us * 1000));
  while (process.hrtime.bigint() < end);
}

/**
 * Server and client contexts. `callbacks`: a list of 'verify', 'info', 'msg'; each callback
 * busy-waits `spinUs` per call, and calls `hook(kind, ...callbackArgs)` first (the worker uses it
 * to get stuck inside a callback on purpose).
 */
export function contexts({ callbacks = [], spinUs = 0, hook = null, groups = null } = {}) {
  const { key, cert } = selfSigned();
  const server = new SSL.Context(SSL.TLS_METHOD);
  server.useCertificate(cert);
  server.usePrivatekey(key);
  const client = new SSL.Context(SSL.TLS_METHOD);
  if (groups) {
    // e.g. 'ffdhe8192': a key exchange that keeps each handshake step in native code for a while.
    server.setGroupsList(groups);
    client.setGroupsList(groups);
  }
  const counts = { verify: 0, info: 0, msg: 0, peerSeen: 0 };
  if (callbacks.includes('verify')) {
    client.setVerify(SSL.VERIFY_PEER, (...args) => {
      counts.verify++;
      if (hook) hook('verify', ...args);
      spin(spinUs);
      // Self-signed: accept it by name (as real verify callbacks look at the certificate).
      return args[1].getSubject().CN === 'localhost';
    });
  }
  if (callbacks.includes('info')) {
    const cb = (...args) => {
      counts.info++;
      if (hook) hook('info', ...args);
      spin(spinUs);
      // Look at the connection as info callbacks do (a new X509 object once there is a peer).
      if (args[0].getPeerCertificate() !== null) counts.peerSeen++;
    };
    server.setInfoCallback(cb);
    client.setInfoCallback(cb);
  }
  if (callbacks.includes('msg')) {
    const cb = (...args) => {
      counts.msg++;
      if (hook) hook('msg', ...args);
      spin(spinUs);
    };
    server.setMsgCallback(cb);
    client.setMsgCallback(cb);
  }
  return { server, client, counts };
}

function pump(from, to) {
  while (from.bioPending() > 0) to.bioWrite(from.bioRead(65536));
}

function step(conn) {
  try {
    conn.doHandshake();
    return true;
  } catch (e) {
    if (e instanceof WantReadError) return false;
    throw e;
  }
}

/**
 * One full handshake and a small echo between two memory-BIO Connections; returns the protocol.
 * `beforeClientStep(n)` runs before the client's n-th doHandshake() (n from 0).
 */
export function handshakeOnce(ctxs, beforeClientStep = null) {
  const server = new SSL.Connection(ctxs.server);
  server.setAcceptState();
  const client = new SSL.Connection(ctxs.client);
  client.setConnectState();
  let done = false;
  for (let i = 0; i < 50 && !done; i++) {
    if (beforeClientStep) beforeClientStep(i);
    const c = step(client);
    pump(client, server);
    const s = step(server);
    pump(server, client);
    done = c && s;
  }
  if (!done) throw new Error('handshake did not finish');
  const msg = Buffer.from('ping');
  client.send(msg);
  pump(client, server);
  const got = server.recv(1024);
  if (!got.equals(msg)) throw new Error(`echo mismatch: ${got.toString('hex')}`);
  const peer = client.getPeerCertificate();
  if (peer?.getSubject().CN !== 'localhost') throw new Error('no peer certificate');
  return client.getProtocolVersionName();
}
