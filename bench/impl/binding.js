// openssl-napi side of each benchmark line: the public API, used the way a user would.
// BENCH_OPS=N runs exactly N operations instead of SECONDS (see common.js), for instruction counts.
import { SSL, crypto } from '../../dist/index.js';
import { chain as chainFixture, identity, report, SERVER_NAME, TLS12_CIPHER, tcpLine, timedSync } from './common.js';

const PEM = crypto.FILETYPE_PEM;

/** A line's context, made once per process: the identity (or, for a client, its CA) parsed once. */
function context(kind, version, { server, tickets = true } = {}) {
  const ctx = new SSL.Context(SSL.TLS_METHOD);
  ctx.setMinProtoVersion(version);
  ctx.setMaxProtoVersion(version);
  const id = identity(kind);
  if (server) {
    ctx.useCertificate(crypto.loadCertificate(PEM, id.cert));
    ctx.usePrivatekey(crypto.loadPrivatekey(PEM, id.key));
    ctx.setSessionId(Buffer.from('bench'));
    if (!tickets) ctx.setOptions(SSL.OP_NO_TICKET);
  } else {
    // A client as deployed: it verifies the server's chain against its CA (and, per connection, the host name).
    ctx.setVerify(SSL.VERIFY_PEER);
    ctx.getCertStore().addCert(crypto.loadCertificate(PEM, id.cert));
    ctx.setSessionCacheMode(SSL.SESS_CACHE_CLIENT);
    if (version === SSL.TLS1_2_VERSION) ctx.setCipherList(TLS12_CIPHER[kind]);
  }
  return ctx;
}

/** Moves all pending ciphertext from one connection to the other; returns bytes moved. */
function move(from, to) {
  let moved = 0;
  for (;;) {
    const n = from.pending !== undefined && from.bioPending ? from.bioPending() : 1;
    if (n === 0) break;
    let chunk;
    try {
      chunk = from.bioRead(1 << 17);
    } catch (e) {
      if (e instanceof SSL.WantReadError) break;
      throw e;
    }
    to.bioWrite(chunk);
    moved += chunk.length;
  }
  return moved;
}

function step(conn) {
  try {
    conn.doHandshake();
    return true;
  } catch (e) {
    if (e instanceof SSL.WantReadError) return false;
    throw e;
  }
}

// The fast path: one native call per flight (Connection.pumpInto), no Want* exceptions, no
// allocation: ciphertext moves through two reused buffers and each call's one-number result says
// how many bytes it copied, whether more is pending, the handshake status and whether it finished.
const CAP = 1 << 17;
const toServerBuf = Buffer.alloc(CAP);
const toClientBuf = Buffer.alloc(CAP);
const { pumpBytes, pumpFinished, pumpMorePending, pumpStatus } = SSL;
const input = (buf, r) => (pumpBytes(r) > 0 ? buf.subarray(0, pumpBytes(r)) : null);
// Finished, status ok, and nothing left behind in the connection's write BIO.
const settled = (r) => pumpFinished(r) && !pumpMorePending(r) && pumpStatus(r) === 0;
function handshake(c, s) {
  let rc = c.pumpInto(null, toServerBuf);
  for (let i = 0; i < 100; i++) {
    // Each call delivers the other side's last bytes: done as soon as a side that has just taken
    // them has nothing new and both are settled.
    const rs = s.pumpInto(input(toServerBuf, rc), toClientBuf);
    if (pumpBytes(rs) === 0 && settled(rs) && settled(rc)) return;
    rc = c.pumpInto(input(toClientBuf, rs), toServerBuf);
    if (pumpBytes(rc) === 0 && settled(rc) && settled(rs)) return;
  }
  throw new Error('handshake did not finish');
}

// The pyOpenSSL way (doHandshake/bioRead/bioWrite with WantReadError), kept for comparison.
function handshakeClassic(c, s) {
  let cdone = false;
  let sdone = false;
  for (let i = 0; i < 100 && !(cdone && sdone); i++) {
    if (!cdone) cdone = step(c);
    move(c, s);
    if (!sdone) sdone = step(s);
    move(s, c);
  }
  if (!(cdone && sdone)) throw new Error('handshake did not finish');
}

const scratch = Buffer.alloc(16);
/** The client reads what the server sent after the handshake (TLS 1.3 tickets) until it wants more. */
function readTickets(c) {
  let n;
  while ((n = c.tryRecvInto(scratch)) > 0);
  if (n !== SSL.STATUS_WANT_READ) throw new Error(`reading tickets: status ${n}`);
}

function pair(cctx, sctx, session) {
  const c = new SSL.Connection(cctx);
  c.setConnectState();
  // SNI, and the name the server's certificate must carry: per connection, as a client sets them.
  c.setTlsextHostName(SERVER_NAME);
  c.setHost(SERVER_NAME);
  if (session) c.setSession(session);
  const s = new SSL.Connection(sctx);
  s.setAcceptState();
  handshake(c, s);
  readTickets(c);
  return [c, s];
}

function close(c, s) {
  // Quiet shutdown, as the C loop does, so sessions stay resumable.
  c.setShutdown(SSL.SENT_SHUTDOWN | SSL.RECEIVED_SHUTDOWN);
  s.setShutdown(SSL.SENT_SHUTDOWN | SSL.RECEIVED_SHUTDOWN);
  c.free();
  s.free();
}

function handshakes(line, kind, version, s) {
  const sctx = context(kind, version, { server: true });
  const cctx = context(kind, version, {});
  report(line, 'handshakes/s', timedSync(s, 10, () => {
    for (let i = 0; i < 10; i++) close(...pair(cctx, sctx));
  }));
}

function resumptions(line, kind, version, tickets, s) {
  const sctx = context(kind, version, { server: true, tickets });
  const cctx = context(kind, version, {});
  let [c0, s0] = pair(cctx, sctx);
  let session = c0.getSession();
  close(c0, s0);
  let missed = 0; // every handshake, warm-up included, must resume
  const r = timedSync(s, 10, () => {
    for (let i = 0; i < 10; i++) {
      const [c, sv] = pair(cctx, sctx, session);
      if (!c.sessionReused()) missed++;
      if (version === SSL.TLS1_3_VERSION) {
        // TLS 1.3 clients use each ticket once: resume with the newest, and release the old one
        // now rather than at the next GC (as the C loop's SSL_SESSION_free).
        const used = session;
        session = c.getSession();
        used.free();
      }
      close(c, sv);
    }
  });
  if (missed > 0) throw new Error(`${missed} handshakes did not resume`);
  report(line, 'handshakes/s', r, 1, { reused: r.ops });
}

function bulk(line, suite, s) {
  const sctx = context('ec', SSL.TLS1_3_VERSION, { server: true });
  const cctx = context('ec', SSL.TLS1_3_VERSION, {});
  sctx.setTls13Ciphersuites(suite);
  cctx.setTls13Ciphersuites(suite);
  const [c, sv] = pair(cctx, sctx);
  const plain = Buffer.alloc(16384, 'x');
  const out = Buffer.alloc(16384);
  const wire = Buffer.alloc(1 << 17);
  const r = timedSync(s, 64 * 16384, () => {
    for (let i = 0; i < 64; i++) {
      if (c.send(plain) !== plain.length) throw new Error('partial write');
      // Ciphertext moves through one reusable buffer: no allocation per record, and one call
      // per record (pumpInto says whether more is pending; bioReadInto needs a call that gets 0).
      for (;;) {
        const r = c.pumpInto(null, wire);
        if (pumpBytes(r) > 0) sv.bioWrite(wire.subarray(0, pumpBytes(r)));
        if (!pumpMorePending(r)) break;
      }
      let got = 0;
      while (got < plain.length) got += sv.recvInto(out);
    }
  });
  report(line, 'MB/s', r, 1e-6);
}

async function memory(s) {
  // RSS over many in-memory TLS 1.2 ticket resumptions, sampled every 10%. The loop yields to the
  // event loop every 1000 handshakes, as any Node program does: Node runs Node-API finalizers
  // (which release the native halves of dropped wrappers) from the loop, not inside a sync loop.
  const total = s < 1 ? 10000 : 100000;
  const sctx = context('ec', SSL.TLS1_2_VERSION, { server: true });
  const cctx = context('ec', SSL.TLS1_2_VERSION, {});
  const [c0, s0] = pair(cctx, sctx);
  const session = c0.getSession();
  close(c0, s0);
  const rssMB = [];
  for (let i = 0; i < total; i++) {
    close(...pair(cctx, sctx, session));
    if ((i + 1) % 1000 === 0) await new Promise((r) => setImmediate(r));
    if ((i + 1) % (total / 10) === 0) {
      globalThis.gc?.();
      rssMB.push(process.memoryUsage().rss / 2 ** 20);
    }
  }
  const warm = rssMB[1];
  const growthPct = ((rssMB.at(-1) - warm) / warm) * 100;
  console.log(JSON.stringify({ line: 'memory', handshakes: total, rssMB, growthPct, flat: Math.abs(growthPct) <= 10, rate: rssMB.at(-1), unit: 'MB' }));
}

/** The TCP lines (common.js): SecureSocket server and client, TLS 1.3 with AES-128-GCM. */
function tcp(line, s, role) {
  const sctx = context('ec', SSL.TLS1_3_VERSION, { server: true });
  const cctx = context('ec', SSL.TLS1_3_VERSION, {});
  sctx.setTls13Ciphersuites('TLS_AES_128_GCM_SHA256');
  return tcpLine(line, s, role, {
    createServer: (onSocket) => SSL.createServer({ context: sctx }, onSocket),
    connect: (port, onread, onSecure) => SSL.connect({ context: cctx, port, servername: SERVER_NAME, checkHost: true, onread }, onSecure),
  });
}

const lines = {
  'tcp-hs13': (s, role) => tcp('tcp-hs13', s, role),
  'tcp-bulk': (s, role) => tcp('tcp-bulk', s, role),
  'tcp-bulk-events': (s, role) => tcp('tcp-bulk-events', s, role),
  'hs13-ecdsa': (s) => handshakes('hs13-ecdsa', 'ec', SSL.TLS1_3_VERSION, s),
  'hs12-rsa': (s) => handshakes('hs12-rsa', 'rsa', SSL.TLS1_2_VERSION, s),
  resume13: (s) => resumptions('resume13', 'ec', SSL.TLS1_3_VERSION, true, s),
  'resume12-id': (s) => resumptions('resume12-id', 'rsa', SSL.TLS1_2_VERSION, false, s),
  'resume12-ticket': (s) => resumptions('resume12-ticket', 'rsa', SSL.TLS1_2_VERSION, true, s),
  'bulk-aesgcm': (s) => bulk('bulk-aesgcm', 'TLS_AES_128_GCM_SHA256', s),
  'bulk-chacha': (s) => bulk('bulk-chacha', 'TLS_CHACHA20_POLY1305_SHA256', s),
  'parse-pem'(s) {
    const pem = identity('ec').cert;
    report('parse-pem', 'certs/s', timedSync(s, 100, () => {
      for (let i = 0; i < 100; i++) crypto.loadCertificate(PEM, pem).free();
    }));
  },
  'selfsigned-p256'(s) {
    const key = new crypto.PKey();
    key.generateKey(crypto.TYPE_EC, 'P-256');
    let serial = 0;
    report('selfsigned-p256', 'certs/s', timedSync(s, 20, () => {
      for (let i = 0; i < 20; i++) {
        const x = new crypto.X509();
        x.setSerialNumber(serial++);
        x.getSubject().CN = 'example.com';
        x.setIssuer(x.getSubject());
        x.gmtimeAdjNotBefore(0);
        x.gmtimeAdjNotAfter(86400 * 365);
        x.setPubkey(key);
        x.sign(key, 'sha256');
        crypto.dumpCertificate(PEM, x);
        x.free();
      }
    }));
  },
  'verify-chain'(s) {
    const pem = chainFixture();
    const store = new crypto.X509Store();
    store.addCert(crypto.loadCertificate(PEM, pem.root));
    const leaf = crypto.loadCertificate(PEM, pem.leaf);
    const chain = [crypto.loadCertificate(PEM, pem.intermediate)];
    report('verify-chain', 'verifications/s', timedSync(s, 20, () => {
      for (let i = 0; i < 20; i++) new crypto.X509StoreContext(store, leaf, chain).verifyCertificate();
    }));
  },
  memory,
};

const [line, seconds, role] = process.argv.slice(2);
const fn = lines[line];
if (!fn) console.log(JSON.stringify({ line, unsupported: true }));
else await fn(Number(seconds), role);
