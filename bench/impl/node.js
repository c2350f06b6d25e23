// node:tls / node:crypto side of each benchmark line, in memory where the line says so.
import { Duplex } from 'node:stream';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { identity, report, SERVER_NAME, TLS12_CIPHER, tcpLine, timed, timedSync } from './common.js';

/** Two connected in-memory duplex streams. */
function duplexPair() {
  let a, b;
  const make = () =>
    new Duplex({
      read() {},
      write(chunk, _enc, cb) {
        (this === a ? b : a).push(chunk);
        cb();
      },
      final(cb) {
        (this === a ? b : a).push(null);
        cb();
      },
    });
  a = make();
  b = make();
  return [a, b];
}

/**
 * A line's secure contexts, made once per process (tls.connect without `secureContext` would make
 * one per connection, parsing its CA each time): the server's identity (and its options, for a
 * tls.Server, which makes its context once), and the client's CA for a verified chain. `ciphers`
 * are the TLS 1.3 suites, or else the TLS 1.2 cipher the others offer.
 */
function contexts(kind, version, ciphers = version === 'TLSv1.2' ? TLS12_CIPHER[kind] : undefined) {
  const id = identity(kind);
  const v = { minVersion: version, maxVersion: version, ciphers };
  const serverOptions = { key: id.key, cert: id.cert, sessionIdContext: 'bench', ...v };
  return { serverOptions, server: tls.createSecureContext(serverOptions), client: tls.createSecureContext({ ca: id.cert, ...v }) };
}

/** A client as deployed: chain verified (rejectUnauthorized), host name checked against the SNI name. */
const clientOptions = (cx) => ({ secureContext: cx.client, servername: SERVER_NAME });

async function handshakeOnce(cx, session) {
  const [ca, sa] = duplexPair();
  const server = new tls.TLSSocket(sa, { isServer: true, secureContext: cx.server });
  const client = tls.connect({ socket: ca, ...clientOptions(cx), session });
  let newSession = null;
  client.on('session', (s) => (newSession = s));
  await new Promise((resolve, reject) => {
    let n = 0;
    const done = () => ++n === 2 && resolve();
    client.once('secureConnect', done);
    server.once('secure', done);
    client.once('error', reject);
    server.once('error', reject);
  });
  // TLS 1.3 tickets arrive after the handshake: the client reads them (each a 'session' event;
  // node's server sends none after a resumption).
  const reused = client.isSessionReused();
  if (client.getProtocol() === 'TLSv1.3' && !reused && !newSession) await new Promise((r) => client.once('session', r));
  client.destroy();
  server.destroy();
  return { reused, session: newSession };
}

/** The TCP lines (common.js): tls.Server and tls.connect, TLS 1.3 with AES-128-GCM. */
function tcp(line, s, role) {
  const cx = contexts('ec', 'TLSv1.3', 'TLS_AES_128_GCM_SHA256');
  return tcpLine(line, s, role, {
    createServer: (onSocket) => tls.createServer(cx.serverOptions, onSocket),
    connect: (port, onread, onSecure) => tls.connect({ port, host: '127.0.0.1', ...clientOptions(cx), onread }, onSecure),
  });
}

/** Resumes with the newest session (TLS 1.3 clients use each ticket once); every handshake must resume. */
async function resumptions(line, cx, s) {
  let { session } = await handshakeOnce(cx);
  let missed = 0;
  const r = await timed(s, 1, async () => {
    const out = await handshakeOnce(cx, session);
    missed += out.reused ? 0 : 1;
    session = out.session ?? session; // a TLS 1.2 resumption brings no new session: keep the one
  });
  if (missed > 0) throw new Error(`${missed} handshakes did not resume`);
  report(line, 'handshakes/s', r, 1, { reused: r.ops });
}

const lines = {
  'tcp-hs13': (s, role) => tcp('tcp-hs13', s, role),
  'tcp-bulk': (s, role) => tcp('tcp-bulk', s, role),
  'tcp-bulk-events': (s, role) => tcp('tcp-bulk-events', s, role),
  async 'hs13-ecdsa'(s) {
    const cx = contexts('ec', 'TLSv1.3');
    report('hs13-ecdsa', 'handshakes/s', await timed(s, 1, () => handshakeOnce(cx)));
  },
  async 'hs12-rsa'(s) {
    const cx = contexts('rsa', 'TLSv1.2');
    report('hs12-rsa', 'handshakes/s', await timed(s, 1, () => handshakeOnce(cx)));
  },
  resume13: (s) => resumptions('resume13', contexts('ec', 'TLSv1.3'), s),
  // No resume12-id: node's servers keep no session cache of their own (an application keeps one
  // through tls.Server's newSession / resumeSession events).
  'resume12-ticket': (s) => resumptions('resume12-ticket', contexts('rsa', 'TLSv1.2'), s),
  async bulk(s, line, cipher) {
    const cx = contexts('ec', 'TLSv1.3', cipher);
    const [ca, sa] = duplexPair();
    const server = new tls.TLSSocket(sa, { isServer: true, secureContext: cx.server });
    const client = tls.connect({ socket: ca, ...clientOptions(cx) });
    await new Promise((r) => client.once('secureConnect', r));
    const chunk = Buffer.alloc(16384, 'x');
    let received = 0;
    server.on('data', (d) => (received += d.length));
    const r = await timed(s, 64 * 16384, async () => {
      const target = received + 64 * 16384;
      for (let i = 0; i < 64; i++) client.write(chunk);
      while (received < target) await new Promise((res) => setImmediate(res));
    });
    report(line, 'MB/s', r, 1e-6);
    client.destroy();
    server.destroy();
  },
  'bulk-aesgcm'(s) {
    return lines.bulk(s, 'bulk-aesgcm', 'TLS_AES_128_GCM_SHA256');
  },
  'bulk-chacha'(s) {
    return lines.bulk(s, 'bulk-chacha', 'TLS_CHACHA20_POLY1305_SHA256');
  },
  'parse-pem'(s) {
    const pem = identity('ec').cert;
    report('parse-pem', 'certs/s', timedSync(s, 100, () => {
      for (let i = 0; i < 100; i++) new X509Certificate(pem);
    }));
  },
};

const [line, seconds, role] = process.argv.slice(2);
const fn = lines[line];
if (!fn) console.log(JSON.stringify({ line, unsupported: true }));
else await fn(Number(seconds), role);
