// Post-quantum keys, certificates and TLS (issue 17): ML-DSA, ML-KEM and SLH-DSA by OpenSSL's
// algorithm name, X509/X509Req/CRL signed with ML-DSA, mutual TLS with ML-DSA certificates on
// X25519MLKEM768, in memory and against `openssl s_server` of the same build. These need OpenSSL
// 3.5+; on 3.0 the same calls must fail with an error that names the version needed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { SSL, crypto, version } from '../lib/index.js';
import { clientContext, handshake, pair, pki, roundTrip, sameBuildOpenssl, serverContext } from './ssl-helpers.js';
import { startSServer } from './sockets-helpers.js';

const [major, minor] = version().openssl.split('.').map(Number) as [number, number];
const hasPq = major > 3 || (major === 3 && minor >= 5);
const PQ_SKIP = `post-quantum algorithms need OpenSSL >= 3.5; the binding runs ${version().openssl}`;

const cli = hasPq ? sameBuildOpenssl() : null;
const CLI_SKIP = `needs the openssl CLI of OpenSSL ${version().openssl} (set OPENSSL_NAPI_OPENSSL_BIN)`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openssl-napi-pq-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function keyOf(name: string): crypto.PKey {
  const k = new crypto.PKey();
  k.generateKey(name);
  return k;
}

function certOf(cn: string, key: crypto.PKey, issuer?: { cert: crypto.X509; key: crypto.PKey }, ca = false): crypto.X509 {
  const cert = new crypto.X509();
  cert.setVersion(2);
  cert.setSerialNumber(BigInt(Date.now()) * 1000n + BigInt(Math.floor(Math.random() * 1000)));
  cert.getSubject().CN = cn;
  cert.setIssuer(issuer ? issuer.cert.getSubject() : cert.getSubject());
  cert.gmtimeAdjNotBefore(-60);
  cert.gmtimeAdjNotAfter(3600);
  cert.setPubkey(key);
  const exts = [new crypto.X509Extension('basicConstraints', true, ca ? 'CA:TRUE' : 'CA:FALSE')];
  if (!ca) exts.push(new crypto.X509Extension('subjectAltName', false, `DNS:${cn}`));
  cert.addExtensions(exts);
  cert.sign(issuer ? issuer.key : key, null); // ML-DSA signs without a separate digest
  return cert;
}

describe.skipIf(!hasPq)(`post-quantum keys (${hasPq ? `OpenSSL ${version().openssl}` : PQ_SKIP})`, () => {
  it.each(['ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87', 'ML-KEM-512', 'ML-KEM-768', 'ML-KEM-1024', 'SLH-DSA-SHA2-128f'])(
    'generates %s by name, dumps and loads it in PEM and DER',
    (name) => {
      const key = keyOf(name);
      expect(key.typeName()).toBe(name);
      expect(key.hasPrivateKey()).toBe(true);
      expect(key.bits()).toBeGreaterThan(0);
      for (const type of [crypto.FILETYPE_PEM, crypto.FILETYPE_ASN1]) {
        const priv = crypto.loadPrivatekey(type, crypto.dumpPrivatekey(type, key));
        expect(priv.typeName()).toBe(name);
        expect(priv.equals(key)).toBe(true);
        const pub = crypto.loadPublickey(type, crypto.dumpPublickey(type, key));
        expect(pub.equals(key)).toBe(true);
        expect(pub.hasPrivateKey()).toBe(false);
      }
      expect(crypto.dumpPrivatekey(crypto.FILETYPE_PEM, key).toString()).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    },
  );

  it('generates off the event loop by name', async () => {
    const key = await crypto.PKey.generate('ML-DSA-65');
    expect(key.typeName()).toBe('ML-DSA-65');
  });

  it.each(['ML-DSA-65', 'SLH-DSA-SHA2-128f'])('signs and verifies with %s (no digest), and rejects a changed message', (name) => {
    const key = keyOf(name);
    const sig = crypto.sign(key, 'attack at dawn', null);
    crypto.verifyWithKey(key, sig, 'attack at dawn', null);
    expect(() => crypto.verifyWithKey(key, sig, 'attack at dusk', null)).toThrow(crypto.Error);
    // A digest name is ignored for an algorithm that hashes internally, as for Ed25519.
    crypto.verifyWithKey(key, crypto.sign(key, 'm', 'sha256'), 'm', null);
  });

  it('ML-KEM keys cannot sign: a clear error, no crash', () => {
    const kem = keyOf('ML-KEM-768');
    expect(() => crypto.sign(kem, 'x', null)).toThrow(/A digest name is required/);
    expect(() => crypto.sign(kem, 'x', 'sha256')).toThrow(crypto.Error);
  });

  it('an unknown algorithm name is a RangeError naming it', () => {
    expect(() => keyOf('ML-DSA-99')).toThrow(/cannot generate "ML-DSA-99" keys/);
    expect(() => keyOf('')).toThrow(RangeError);
  });

  it('signs a certificate chain, a CSR and a CRL with ML-DSA, and each verifies', () => {
    const caKey = keyOf('ML-DSA-87');
    const ca = certOf('PQ Root', caKey, undefined, true);
    const leafKey = keyOf('ML-DSA-65');
    const leaf = certOf('localhost', leafKey, { cert: ca, key: caKey });
    expect(leaf.getSignatureAlgorithm()).toBe('ML-DSA-87');

    const store = new crypto.X509Store();
    store.addCert(ca);
    new crypto.X509StoreContext(store, leaf).verifyCertificate();

    const req = new crypto.X509Req();
    req.getSubject().CN = 'csr';
    req.setPubkey(leafKey);
    req.sign(leafKey, null);
    expect(req.verify(leafKey)).toBe(true);
    expect(() => req.verify(keyOf('ML-DSA-65'))).toThrow(crypto.Error);

    const crl = new crypto.CRL();
    const revoked = new crypto.Revoked();
    revoked.setSerial('0A');
    revoked.setRevDate('20260101000000Z');
    crl.addRevoked(revoked);
    crl.setLastUpdate('20260101000000Z');
    crl.setNextUpdate('20300101000000Z');
    crl.sign(ca, caKey, null);
    expect(crl.verify(caKey)).toBe(true);
    expect(crl.verify(keyOf('ML-DSA-87'))).toBe(false); // another key of the same type
    expect(() => crl.verify(leafKey)).toThrow(crypto.Error); // a key of another parameter set
  });

  it.skipIf(!cli)(`the openssl CLI of the same build verifies what the binding signed${cli ? '' : ` (${CLI_SKIP})`}`, () => {
    const caKey = keyOf('ML-DSA-65');
    const ca = certOf('PQ Root', caKey, undefined, true);
    const leaf = certOf('localhost', keyOf('ML-DSA-44'), { cert: ca, key: caKey });
    const caFile = path.join(dir, 'ca.pem');
    const leafFile = path.join(dir, 'leaf.pem');
    fs.writeFileSync(caFile, crypto.dumpCertificate(crypto.FILETYPE_PEM, ca));
    fs.writeFileSync(leafFile, crypto.dumpCertificate(crypto.FILETYPE_PEM, leaf));
    const r = spawnSync(cli!, ['verify', '-CAfile', caFile, leafFile], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toContain(': OK');
    expect(r.status).toBe(0);
  });
});

/** ML-DSA identities for mutual TLS: one root, a server and a client leaf. */
function pqIdentities(): { ca: crypto.X509; server: { cert: crypto.X509; key: crypto.PKey }; client: { cert: crypto.X509; key: crypto.PKey } } {
  const caKey = keyOf('ML-DSA-65');
  const ca = certOf('PQ Root', caKey, undefined, true);
  const serverKey = keyOf('ML-DSA-65');
  const clientKey = keyOf('ML-DSA-44');
  return {
    ca,
    server: { cert: certOf('localhost', serverKey, { cert: ca, key: caKey }), key: serverKey },
    client: { cert: certOf('client', clientKey, { cert: ca, key: caKey }), key: clientKey },
  };
}

function mtlsContext(id: { cert: crypto.X509; key: crypto.PKey }, ca: crypto.X509): SSL.Context {
  const ctx = new SSL.Context(SSL.TLS_METHOD);
  ctx.setMinProtoVersion(SSL.TLS1_3_VERSION);
  ctx.useCertificate(id.cert);
  ctx.usePrivatekey(id.key);
  ctx.getCertStore().addCert(ca);
  ctx.setVerify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT);
  ctx.setGroupsList('X25519MLKEM768');
  return ctx;
}

describe.skipIf(!hasPq)(`post-quantum TLS (${hasPq ? `OpenSSL ${version().openssl}` : PQ_SKIP})`, () => {
  it('completes a TLS 1.3 handshake on X25519MLKEM768', () => {
    const sctx = serverContext(pki().ec);
    const cctx = clientContext();
    sctx.setGroupsList('X25519MLKEM768');
    cctx.setGroupsList('X25519MLKEM768');
    const { server, client } = pair(sctx, cctx);
    handshake(client, server);
    expect(client.getProtocolVersionName()).toBe('TLSv1.3');
    expect(client.getGroupName()).toBe('X25519MLKEM768');
    expect(server.getGroupName()).toBe('X25519MLKEM768');
  });

  it('mutual TLS in memory with ML-DSA certificates on both sides', () => {
    const id = pqIdentities();
    const { server, client } = pair(mtlsContext(id.server, id.ca), mtlsContext(id.client, id.ca));
    client.setTlsextHostName('localhost');
    handshake(client, server);
    expect(client.getGroupName()).toBe('X25519MLKEM768');
    expect(client.getPeerCertificate()!.getSubject().CN).toBe('localhost');
    expect(server.getPeerCertificate()!.getSubject().CN).toBe('client');
    expect(server.getVerifyResult()).toBe(0);
    expect(client.getVerifyResult()).toBe(0);
    expect(roundTrip(client, server, Buffer.from('post-quantum')).toString()).toBe('post-quantum');
  });

  it('a client whose ML-DSA certificate is from another root is refused', () => {
    const id = pqIdentities();
    const other = pqIdentities();
    const { server, client } = pair(mtlsContext(id.server, id.ca), mtlsContext(other.client, id.ca));
    expect(() => handshake(client, server)).toThrow(SSL.Error);
  });

  it('mutual TLS over sockets: SSL.createServer and SSL.connect', async () => {
    const id = pqIdentities();
    const server = SSL.createServer({ context: mtlsContext(id.server, id.ca) }, (s) => s.pipe(s));
    server.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const sock = SSL.connect({ host: '127.0.0.1', port, context: mtlsContext(id.client, id.ca), servername: 'localhost' });
      await new Promise<void>((resolve, reject) => {
        sock.once('secureConnect', resolve);
        sock.once('error', reject);
      });
      expect(sock.getConnection().getGroupName()).toBe('X25519MLKEM768');
      sock.end('over TCP');
      const chunks: Buffer[] = [];
      for await (const d of sock) chunks.push(d as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('over TCP');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it.skipIf(!cli)(`mutual TLS against openssl s_server of the same build${cli ? '' : ` (${CLI_SKIP})`}`, async () => {
    const id = pqIdentities();
    const w = (name: string, data: Buffer) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, data);
      return p;
    };
    const caFile = w('mtls-ca.pem', crypto.dumpCertificate(crypto.FILETYPE_PEM, id.ca));
    const certFile = w('mtls-server.pem', crypto.dumpCertificate(crypto.FILETYPE_PEM, id.server.cert));
    const keyFile = w('mtls-server.key', crypto.dumpPrivatekey(crypto.FILETYPE_PEM, id.server.key));
    const srv = await startSServer(cli!, ['-cert', certFile, '-key', keyFile, '-CAfile', caFile, '-Verify', '2', '-verify_return_error', '-tls1_3', '-groups', 'X25519MLKEM768', '-rev', '-naccept', '1']);
    const port = srv.port;
    try {
      const conn = new SSL.Connection(mtlsContext(id.client, id.ca), net.connect(port, '127.0.0.1'));
      conn.setConnectState();
      conn.setTlsextHostName('localhost');
      await conn.doHandshake();
      expect(conn.getGroupName()).toBe('X25519MLKEM768');
      expect(conn.getPeerCertificate()!.getSignatureAlgorithm()).toBe('ML-DSA-65');
      await conn.sendall(Buffer.from('kyber\n'));
      const echoed = (await conn.recv(1024)).toString();
      expect(echoed).toContain('rebyk'); // s_server -rev answers each line reversed
      conn.free();
    } finally {
      await srv.stop();
    }
  });

  it.skipIf(!cli)(`mutual TLS with openssl s_client of the same build against the binding's server${cli ? '' : ` (${CLI_SKIP})`}`, async () => {
    const id = pqIdentities();
    const w = (name: string, data: Buffer) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, data);
      return p;
    };
    const caFile = w('c-ca.pem', crypto.dumpCertificate(crypto.FILETYPE_PEM, id.ca));
    const certFile = w('c-client.pem', crypto.dumpCertificate(crypto.FILETYPE_PEM, id.client.cert));
    const keyFile = w('c-client.key', crypto.dumpPrivatekey(crypto.FILETYPE_PEM, id.client.key));
    const seen: string[] = [];
    const server = SSL.createServer({ context: mtlsContext(id.server, id.ca) }, (s) => {
      const c = s.getConnection();
      seen.push(`${c.getPeerCertificate()?.getSubject().CN} ${c.getGroupName()} ${c.getPeerCertificate()?.getSignatureAlgorithm()}`);
      s.end('pq-ok\n');
    });
    server.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const out = await new Promise<string>((resolve) => {
        const c = spawn(cli!, ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', caFile,
          '-cert', certFile, '-key', keyFile, '-groups', 'X25519MLKEM768', '-tls1_3', '-verify_return_error'], { stdio: ['pipe', 'pipe', 'pipe'] });
        let text = '';
        c.stdout.on('data', (d: Buffer) => (text += d.toString()));
        c.stderr.on('data', (d: Buffer) => (text += d.toString()));
        c.on('close', () => resolve(text));
        setTimeout(() => c.stdin.end(), 1500);
      });
      expect(out).toMatch(/Verification: OK/);
      expect(out).toContain('pq-ok');
      expect(seen).toEqual(['client X25519MLKEM768 ML-DSA-65']);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  // node:tls runs Node's bundled OpenSSL (3.0 on Node 20): the same group name is refused there.
  it.skipIf(!process.versions.openssl.startsWith('3.0'))("is a group Node's own TLS (OpenSSL 3.0) refuses", () => {
    expect(() => tls.createSecureContext({ ecdhCurve: 'X25519MLKEM768' })).toThrow();
  });
});

describe.skipIf(hasPq)(`on OpenSSL before 3.5 (the binding runs ${version().openssl})`, () => {
  it('asking for a post-quantum key names the OpenSSL version needed', () => {
    for (const name of ['ML-DSA-65', 'ML-KEM-768', 'SLH-DSA-SHA2-128s']) {
      let err: unknown;
      try {
        keyOf(name);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RangeError);
      expect((err as Error).message).toMatch(/need OpenSSL 3\.5 or later/);
      expect((err as NodeJS.ErrnoException).code).toBe('ERR_OPENSSL_NAPI_UNSUPPORTED');
    }
  });

  it('the async form rejects the same way', async () => {
    await expect(crypto.PKey.generate('ML-DSA-44')).rejects.toThrow(/need OpenSSL 3\.5 or later/);
  });
});
