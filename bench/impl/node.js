// node:tls / node:crypto side of each benchmark line, in memory where the line says so.
import { Duplex } from 'node:stream';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { identity, report, tcpBulkLine, timed, timedSync } from './common.js';

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

function contexts(kind, version, tickets) {
  const id = identity(kind);
  const server = tls.createSecureContext({ key: id.key, cert: id.cert, minVersion: version, maxVersion: version, sessionIdContext: 'bench' });
  return { server, id, tickets };
}

async function handshakeOnce(cx, version, session) {
  const [ca, sa] = duplexPair();
  const server = new tls.TLSSocket(sa, { isServer: true, secureContext: cx.server, requestCert: false });
  if (!cx.tickets) server._handle?.setOptions?.(0);
  const client = tls.connect({ socket: ca, rejectUnauthorized: false, minVersion: version, maxVersion: version, session });
  let newSession = null;
  client.once('session', (s) => (newSession = s));
  await new Promise((resolve, reject) => {
    let n = 0;
    const done = () => ++n === 2 && resolve();
    client.once('secureConnect', done);
    server.once('secure', done);
    client.once('error', reject);
    server.once('error', reject);
  });
  // TLS 1.3 tickets arrive after the handshake
  if (version === 'TLSv1.3' && session !== undefined) await new Promise((r) => setImmediate(r));
  const reused = client.isSessionReused();
  client.destroy();
  server.destroy();
  return { reused, session: newSession ?? client.getSession() };
}

async function listen(server) {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server.address().port;
}

function tcpBulk(line, s) {
  const id = identity('ec');
  return tcpBulkLine(
    line,
    s,
    (onSocket) => tls.createServer({ key: id.key, cert: id.cert, minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' }, onSocket),
    (port, onread) => tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, minVersion: 'TLSv1.3', onread }),
  );
}

const lines = {
  async 'tcp-hs13'(s) {
    const id = identity('ec');
    const server = tls.createServer({ key: id.key, cert: id.cert, minVersion: 'TLSv1.3' }, (sock) => {
      sock.on('error', () => {});
      sock.end();
    });
    const port = await listen(server);
    const r = await timed(s, 1, () =>
      new Promise((resolve, reject) => {
        const c = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, minVersion: 'TLSv1.3' }, () => {
          c.destroy();
          resolve();
        });
        c.on('error', reject);
      }),
    );
    server.close();
    report('tcp-hs13', 'handshakes/s', r);
  },
  'tcp-bulk': (s) => tcpBulk('tcp-bulk', s),
  'tcp-bulk-events': (s) => tcpBulk('tcp-bulk-events', s),
  async 'hs13-ecdsa'(s) {
    const cx = contexts('ec', 'TLSv1.3', true);
    report('hs13-ecdsa', 'handshakes/s', await timed(s, 1, () => handshakeOnce(cx, 'TLSv1.3')));
  },
  async 'hs12-rsa'(s) {
    const cx = contexts('rsa', 'TLSv1.2', true);
    report('hs12-rsa', 'handshakes/s', await timed(s, 1, () => handshakeOnce(cx, 'TLSv1.2')));
  },
  async resume13(s) {
    const cx = contexts('ec', 'TLSv1.3', true);
    let { session } = await handshakeOnce(cx, 'TLSv1.3');
    await new Promise((r) => setImmediate(r));
    let missed = 0;
    const r = await timed(s, 1, async () => {
      const out = await handshakeOnce(cx, 'TLSv1.3', session);
      missed += out.reused ? 0 : 1;
      if (out.session) session = out.session;
    });
    report('resume13', 'handshakes/s', r, 1, { reused: r.ops - missed });
  },
  async 'resume12-ticket'(s) {
    const cx = contexts('ec', 'TLSv1.2', true);
    let { session } = await handshakeOnce(cx, 'TLSv1.2');
    let missed = 0;
    const r = await timed(s, 1, async () => {
      const out = await handshakeOnce(cx, 'TLSv1.2', session);
      missed += out.reused ? 0 : 1;
    });
    report('resume12-ticket', 'handshakes/s', r, 1, { reused: r.ops - missed });
  },
  async bulk(s, line, cipher) {
    const id = identity('ec');
    const [ca, sa] = duplexPair();
    const server = new tls.TLSSocket(sa, { isServer: true, secureContext: tls.createSecureContext({ key: id.key, cert: id.cert, minVersion: 'TLSv1.3' }) });
    const client = tls.connect({ socket: ca, rejectUnauthorized: false, ciphers: cipher });
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

const [line, seconds] = process.argv.slice(2);
const fn = lines[line];
if (!fn) {
  console.log(JSON.stringify({ line, unsupported: true }));
} else {
  await fn(Number(seconds));
}
