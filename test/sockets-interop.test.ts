// Interop over loopback with real peers, each started here and stopped after: the binding as
// client (openssl s_server, node:tls, Python ssl) and as server (openssl s_client, node:tls,
// Python ssl, curl), TLS 1.2 and 1.3, mTLS, ALPN, SNI, session resumption, keylog, failures.
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenSSLError, SSL, SysCallError } from '../lib/index.js';
import { pki, serverContext } from './ssl-helpers.js';
import { CURL, OPENSSL, PYTHON, collect, exited, freePort, startPeer, tempScript, waitForPort, type Peer } from './sockets-helpers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
function track(p: Peer): Peer {
  cleanups.push(p.stop);
  return p;
}
async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => new Promise((r) => server.close(r)));
  return (server.address() as net.AddressInfo).port;
}

async function waitReady(p: Peer): Promise<void> {
  for (let i = 0; i < 500 && !p.output().includes('ready'); i++) {
    if (p.child.exitCode !== null) throw new Error(`peer exited: ${p.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const VERSIONS = [
  { name: 'TLSv1.2', min: SSL.TLS1_2_VERSION, max: SSL.TLS1_2_VERSION, flag: '-tls1_2', node: 'TLSv1.2' as const, py: 'TLSv1_2' },
  { name: 'TLSv1.3', min: SSL.TLS1_3_VERSION, max: SSL.TLS1_3_VERSION, flag: '-tls1_3', node: 'TLSv1.3' as const, py: 'TLSv1_3' },
];

function clientCtx(v: (typeof VERSIONS)[number], opts: { mtls?: boolean; alpn?: string[] } = {}): SSL.Context {
  const ctx = new SSL.Context(SSL.TLS_METHOD);
  ctx.setMinProtoVersion(v.min);
  ctx.setMaxProtoVersion(v.max);
  ctx.setVerify(SSL.VERIFY_PEER);
  ctx.loadVerifyLocations(pki().caFile, null);
  if (opts.mtls) {
    ctx.useCertificate(pki().client.cert);
    ctx.usePrivatekey(pki().client.key);
  }
  if (opts.alpn) ctx.setAlpnProtos(opts.alpn.map((p) => Buffer.from(p)));
  return ctx;
}

function serverCtx(v: (typeof VERSIONS)[number], opts: { mtls?: boolean; keylog?: string[] } = {}): SSL.Context {
  const ctx = serverContext();
  ctx.setMinProtoVersion(v.min);
  ctx.setMaxProtoVersion(v.max);
  ctx.setSessionId(Buffer.from('interop'));
  ctx.setAlpnSelectCallback((_c, offered) => (offered.some((p) => p.toString() === 'http/1.1') ? 'http/1.1' : offered[0]!));
  if (opts.mtls) {
    ctx.setVerify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT);
    ctx.loadVerifyLocations(pki().caFile, null);
  }
  if (opts.keylog) {
    const lines = opts.keylog;
    ctx.setKeylogCallback((_c, line) => lines.push(line.toString()));
  }
  return ctx;
}

/** Connects, sends `req`, reads until the peer closes; returns the reply and the stream. */
async function exchange(options: SSL.ConnectOptions, req: string, end = false): Promise<{ reply: string; s: SSL.SecureSocket }> {
  const s = SSL.connect(options); // allowHalfOpen false: the peer's close_notify is answered
  cleanups.push(() => s.destroy());
  if (end) s.end(req); // close_notify right after the request (peers that wait for it: Python's unwrap)
  else s.write(req);
  const reply = (await collect(s)).toString('latin1');
  return { reply, s };
}

// ------------------------------------------------------------------ the binding as client
describe.each(VERSIONS)('binding as client, $name', (v) => {
  it('against openssl s_server: verify, SNI selects the second certificate', async () => {
    const port = await freePort();
    const p = track(startPeer(OPENSSL, ['s_server', '-accept', String(port), '-4', v.flag, '-www',
      '-cert', pki().rsa.certFile, '-key', pki().rsa.keyFile,
      '-servername', 'example.com', '-cert2', pki().ec.certFile, '-key2', pki().ec.keyFile]));
    await waitForPort(port, p.child);
    const sni = await exchange({ context: clientCtx(v), port, servername: 'example.com', checkHost: true }, 'GET / HTTP/1.0\r\n\r\n');
    expect(sni.reply).toMatch(/^HTTP\/1\.0 200 ok/);
    expect(sni.s.getConnection().getProtocolVersionName()).toBe(v.name);
    expect(sni.s.getConnection().getPeerCertificate()!.getPubkey().type()).toBe(408); // EC: the SNI certificate
    const plain = await exchange({ context: clientCtx(v), port, servername: 'localhost' }, 'GET / HTTP/1.0\r\n\r\n');
    expect(plain.s.getConnection().getPeerCertificate()!.getPubkey().type()).toBe(6); // RSA: the default one
  });

  it('against openssl s_server: session resumption across two connections', async () => {
    const port = await freePort();
    const p = track(startPeer(OPENSSL, ['s_server', '-accept', String(port), '-4', v.flag, '-www', '-cert', pki().rsa.certFile, '-key', pki().rsa.keyFile]));
    await waitForPort(port, p.child);
    const ctx = clientCtx(v);
    const first = await exchange({ context: ctx, port }, 'GET / HTTP/1.0\r\n\r\n');
    expect(first.reply).toMatch(/New, TLSv1/);
    expect(first.s.getConnection().sessionReused()).toBe(false);
    const second = await exchange({ context: ctx, port, session: first.s.getConnection().getSession() }, 'GET / HTTP/1.0\r\n\r\n');
    expect(second.reply).toMatch(/Reused, TLSv1/);
    expect(second.s.getConnection().sessionReused()).toBe(true);
  });

  it('against openssl s_server with mTLS (-Verify)', async () => {
    const port = await freePort();
    const p = track(startPeer(OPENSSL, ['s_server', '-accept', String(port), '-4', v.flag, '-www',
      '-cert', pki().rsa.certFile, '-key', pki().rsa.keyFile, '-Verify', '2', '-CAfile', pki().caFile, '-verify_return_error',
      '-alpn', 'http/1.1']));
    await waitForPort(port, p.child);
    const { reply, s } = await exchange({ context: clientCtx(v, { mtls: true, alpn: ['h2', 'http/1.1'] }), port }, 'GET / HTTP/1.0\r\n\r\n');
    expect(s.alpnProtocol).toBe('http/1.1');
    expect(reply).toMatch(/Client certificate/);
    expect(reply).toMatch(/CN ?= ?client/);
  });

  it('against a node:tls server: mTLS, SNI, ALPN, resumption', async () => {
    const srv = tls.createServer({
      cert: pki().rsa.certPem, key: pki().rsa.keyPem, minVersion: v.node, maxVersion: v.node,
      requestCert: true, rejectUnauthorized: true, ca: fs.readFileSync(pki().caFile), ALPNProtocols: ['http/1.1'],
    }, (s) => {
      s.on('error', () => {});
      s.once('data', (d) => s.end(`node:${d} sni=${(s as tls.TLSSocket & { servername?: string }).servername} peer=${s.getPeerCertificate().subject.CN} reused=${s.isSessionReused()}`));
    });
    const port = await listen(srv);
    const ctx = clientCtx(v, { mtls: true, alpn: ['http/1.1'] });
    const a = await exchange({ context: ctx, port, servername: 'localhost', checkHost: true }, 'one');
    expect(a.reply).toBe('node:one sni=localhost peer=client reused=false');
    expect(a.s.alpnProtocol).toBe('http/1.1');
    const b = await exchange({ context: ctx, port, servername: 'localhost', session: a.s.getConnection().getSession() }, 'two');
    expect(b.reply).toMatch(/^node:two sni=(localhost|false) peer=client reused=true$/);
  });

  it.skipIf(!PYTHON)('against a Python ssl server: mTLS, ALPN, resumption', async () => {
    const port = await freePort();
    const script = tempScript('server.py', `
import socket, ssl, sys
port, cert, key, ca, ver = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, ver)
ctx.set_alpn_protocols(['http/1.1'])
ctx.verify_mode = ssl.CERT_REQUIRED
ctx.load_verify_locations(ca)
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', port))
srv.listen()
print('ready', flush=True)
for _ in range(2):
    raw, _ = srv.accept()
    s = ctx.wrap_socket(raw, server_side=True)
    data = s.recv(1024)
    peer = dict(x[0] for x in s.getpeercert()['subject'])['commonName']
    s.sendall(b'py:' + data + (' alpn=%s peer=%s reused=%s' % (s.selected_alpn_protocol(), peer, s.session_reused)).encode())
    s.unwrap()
    s.close()
`);
    const p = track(startPeer(PYTHON!, [script, String(port), pki().rsa.certFile, pki().rsa.keyFile, pki().caFile, v.py]));
    await waitReady(p);
    const ctx = clientCtx(v, { mtls: true, alpn: ['http/1.1'] });
    const a = await exchange({ context: ctx, port, servername: 'localhost', checkHost: true }, 'hi', true);
    expect(a.reply).toBe('py:hi alpn=http/1.1 peer=client reused=False');
    expect(a.s.getConnection().getShutdown()).toBe(SSL.SENT_SHUTDOWN | SSL.RECEIVED_SHUTDOWN);
    const b = await exchange({ context: ctx, port, servername: 'localhost', session: a.s.getConnection().getSession() }, 'again', true);
    expect(b.reply).toBe('py:again alpn=http/1.1 peer=client reused=True');
    expect(await exited(p.child)).toBe(0);
  });
});

describe('binding as client: Python ssl server resumption', () => {
  it.skipIf(!PYTHON)('resumes a TLS 1.3 session with a Python server', async () => {
    const port = await freePort();
    const script = tempScript('server2.py', `
import socket, ssl, sys
port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', port))
srv.listen()
print('ready', flush=True)
for _ in range(2):
    raw, _ = srv.accept()
    s = ctx.wrap_socket(raw, server_side=True)
    data = s.recv(1024)
    s.sendall(b'reused=' + str(s.session_reused).encode())
    s.unwrap()
    s.close()
`);
    const p = track(startPeer(PYTHON!, [script, String(port), pki().rsa.certFile, pki().rsa.keyFile]));
    await waitReady(p);
    const ctx = new SSL.Context(SSL.TLS_METHOD);
    const a = await exchange({ context: ctx, port }, 'x', true);
    expect(a.reply).toBe('reused=False');
    const b = await exchange({ context: ctx, port, session: a.s.getConnection().getSession() }, 'y', true);
    expect(b.reply).toBe('reused=True');
    expect(b.s.getConnection().sessionReused()).toBe(true);
  });
});

// ------------------------------------------------------------------ the binding as server
/** Our server: replies `pong:<data> ...` then closes (close_notify). */
async function ourServer(ctx: SSL.Context): Promise<number> {
  const srv = SSL.createServer({ context: ctx, allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    s.once('data', (d: Buffer) => {
      const c = s.getConnection();
      const peer = c.getPeerCertificate()?.getSubject().CN ?? 'none';
      s.end(`pong:${d.toString().trim()} sni=${c.getServername()} alpn=${s.alpnProtocol} peer=${peer} reused=${c.sessionReused()}`);
    });
  });
  return listen(srv);
}

describe.each(VERSIONS)('binding as server, $name', (v) => {
  it('openssl s_client: mTLS, ALPN, SNI; keylog lines agree; -sess_in resumption', async () => {
    const keylog: string[] = [];
    const port = await ourServer(serverCtx(v, { mtls: true, keylog }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossl-kl-'));
    const klFile = path.join(dir, 'keylog.txt');
    const sess = path.join(dir, 'sess.pem');
    const args = ['s_client', '-connect', `127.0.0.1:${port}`, v.flag, '-servername', 'localhost', '-alpn', 'h2,http/1.1',
      '-CAfile', pki().caFile, '-verify_return_error', '-cert', pki().client.certFile, '-key', pki().client.keyFile, '-ign_eof'];
    const p = track(startPeer(OPENSSL, [...args, '-keylogfile', klFile, '-sess_out', sess], { input: 'ping\n' }));
    expect(await exited(p.child)).toBe(0);
    const out = p.output();
    expect(out).toContain('pong:ping sni=localhost alpn=http/1.1 peer=client reused=false');
    expect(out).toContain('Verify return code: 0 (ok)');
    expect(out).toMatch(new RegExp(`Protocol *: ?${v.name.replace('.', '\\.')}`));
    // The same secrets, line for line.
    const theirs = fs.readFileSync(klFile, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(theirs.length).toBeGreaterThan(0);
    expect([...keylog].sort()).toEqual([...theirs].sort());
    // Resumption from the saved session.
    const p2 = track(startPeer(OPENSSL, [...args, '-sess_in', sess], { input: 'again\n' }));
    expect(await exited(p2.child)).toBe(0);
    expect(p2.output()).toMatch(/pong:again sni=(localhost|null) alpn=http\/1\.1 peer=client reused=true/);
    expect(p2.output()).toMatch(/Reused, TLSv1\.[23]/);
  });

  it('node:tls client: mTLS, ALPN, SNI, resumption', async () => {
    const port = await ourServer(serverCtx(v, { mtls: true }));
    const opts = {
      host: '127.0.0.1', port, servername: 'localhost', ca: fs.readFileSync(pki().caFile), cert: pki().client.certPem, key: pki().client.keyPem,
      ALPNProtocols: ['http/1.1'], minVersion: v.node, maxVersion: v.node,
    };
    const run = async (msg: string, session?: Buffer) => {
      const s = tls.connect({ ...opts, session });
      let sess: Buffer | undefined;
      s.on('session', (b) => (sess = b));
      await once(s, 'secureConnect');
      s.write(msg);
      const reply = (await collect(s)).toString();
      return { reply, sess: sess ?? s.getSession(), reused: s.isSessionReused() };
    };
    const a = await run('one');
    expect(a.reply).toBe('pong:one sni=localhost alpn=http/1.1 peer=client reused=false');
    const b = await run('two', a.sess);
    // (on a TLS 1.2 resumption OpenSSL's server reports no SNI: the name is not re-negotiated)
    expect(b.reply).toMatch(/^pong:two sni=(localhost|null) alpn=http\/1\.1 peer=client reused=true$/);
    expect(b.reused).toBe(true);
  });

  it.skipIf(!PYTHON)('Python ssl client: mTLS, ALPN, SNI, resumption', async () => {
    const port = await ourServer(serverCtx(v, { mtls: true }));
    const script = tempScript('client.py', `
import socket, ssl, sys
port, ca, cert, key, ver = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
ctx = ssl.create_default_context(cafile=ca)
ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, ver)
ctx.load_cert_chain(cert, key)
ctx.set_alpn_protocols(['http/1.1'])
sess = None
for msg in (b'one', b'two'):
    with socket.create_connection(('127.0.0.1', port)) as raw:
        with ctx.wrap_socket(raw, server_hostname='localhost', session=sess) as s:
            s.sendall(msg)
            data = b''
            while True:
                d = s.recv(4096)
                if not d:
                    break
                data += d
            print(data.decode(), s.version(), s.session_reused, flush=True)
            sess = s.session
`);
    const p = track(startPeer(PYTHON!, [script, String(port), pki().caFile, pki().client.certFile, pki().client.keyFile, v.py]));
    expect(await exited(p.child)).toBe(0);
    const lines = p.output().trim().split('\n');
    expect(lines[0]).toBe(`pong:one sni=localhost alpn=http/1.1 peer=client reused=false ${v.name} False`);
    expect(lines[1]).toMatch(new RegExp(`^pong:two sni=(localhost|null) alpn=http/1\\.1 peer=client reused=true ${v.name.replace('.', '\\.')} True$`));
  });
});

describe('binding as server: curl over http.Server on SecureSocket', () => {
  it.skipIf(!CURL)('curl --cacert fetches https://127.0.0.1:PORT/', async () => {
    const httpServer = http.createServer((req, res) => res.end(`hello ${req.url} from http.Server over SecureSocket`));
    const ctx = serverContext();
    ctx.setAlpnSelectCallback((_c, offered) => (offered.some((p) => p.toString() === 'http/1.1') ? 'http/1.1' : SSL.NO_OVERLAPPING_PROTOCOLS));
    const port = await listen(SSL.createServer({ context: ctx }, (s) => httpServer.emit('connection', s)));
    cleanups.push(() => httpServer.close());
    for (const ver of ['--tlsv1.2 --tls-max 1.2', '--tlsv1.3']) {
      const p = track(startPeer(CURL!, ['-sS', '--http1.1', ...ver.split(' '), '--cacert', pki().caFile, `https://127.0.0.1:${port}/path`]));
      expect(await exited(p.child)).toBe(0);
      expect(p.output()).toBe('hello /path from http.Server over SecureSocket');
    }
  });
});

// ------------------------------------------------------------------ failures
describe('failures', () => {
  it('an untrusted server certificate is refused with VERIFY_PEER (openssl s_server)', async () => {
    const port = await freePort();
    const p = track(startPeer(OPENSSL, ['s_server', '-accept', String(port), '-4', '-www', '-cert', pki().other.certFile, '-key', pki().other.keyFile]));
    await waitForPort(port, p.child);
    const s = SSL.connect({ context: clientCtx(VERSIONS[1]!), port });
    const [err] = (await once(s, 'error').catch((e) => [e])) as [Error];
    expect(err).toBeInstanceOf(OpenSSLError);
    expect(err.message).toMatch(/certificate verify failed/);
    expect(s.getConnection().getVerifyResult()).toBe(SSL.X509VerificationCodes.ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  });

  it('a hostname mismatch is refused (setHost) against node:tls', async () => {
    const srv = tls.createServer({ cert: pki().rsa.certPem, key: pki().rsa.keyPem }, (s) => s.on('error', () => {}));
    srv.on('tlsClientError', () => {});
    const port = await listen(srv);
    const s = SSL.connect({ context: clientCtx(VERSIONS[1]!), port, checkHost: 'not-this-host.example' });
    const [err] = (await once(s, 'error').catch((e) => [e])) as [Error];
    expect(err).toBeInstanceOf(OpenSSLError);
    expect(s.getConnection().getVerifyResult()).toBe(SSL.X509VerificationCodes.ERR_HOSTNAME_MISMATCH);
  });

  it('the peer closing mid-handshake: SysCallError unexpected EOF, no leak', async () => {
    const srv = net.createServer((raw) => raw.once('data', () => raw.end())); // reads the ClientHello, hangs up
    const port = await listen(srv);
    const s = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port });
    const [err] = (await once(s, 'error').catch((e) => [e])) as [Error];
    expect(err).toBeInstanceOf(SysCallError);
    expect((err as SysCallError).unexpectedEof).toBe(true);
    if (!s.socket.destroyed) await once(s.socket, 'close');
    // Socket mode Connection too.
    const c = new SSL.Connection(new SSL.Context(SSL.TLS_METHOD), net.connect({ host: '127.0.0.1', port }));
    c.setConnectState();
    await expect(c.doHandshake()).rejects.toBeInstanceOf(SysCallError);
    c.close();
  });

  it('the peer closing mid-stream (node:tls destroy, no close_notify): SysCallError unexpected EOF', async () => {
    const srv = tls.createServer({ cert: pki().rsa.certPem, key: pki().rsa.keyPem }, (s) => {
      s.write('partial');
      setTimeout(() => s.destroy(), 20);
    });
    const port = await listen(srv);
    const s = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port });
    const data: Buffer[] = [];
    s.on('data', (d) => data.push(d));
    const [err] = (await once(s, 'error').catch((e) => [e])) as [Error];
    expect(Buffer.concat(data).toString()).toBe('partial');
    expect(err).toBeInstanceOf(SysCallError);
    expect((err as SysCallError).unexpectedEof).toBe(true);
  });
});
