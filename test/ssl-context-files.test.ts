// Context loaders that read files, and the key-exchange settings.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenSSLError, SSL, crypto } from '../lib/index.js';
import { clientContext, handshake, pair, pki } from './ssl-helpers.js';

describe('Context file loaders', () => {
  it('useCertificateChainFile / useCertificateFile (PEM and ASN1) / usePrivatekeyFile', () => {
    const dir = pki().dir;
    const chain = path.join(dir, 'chain.pem');
    fs.writeFileSync(chain, pki().rsa.certPem + fs.readFileSync(pki().caFile, 'utf8'));
    const der = path.join(dir, 'rsa.der');
    fs.writeFileSync(der, crypto.dumpCertificate(crypto.FILETYPE_ASN1, pki().rsa.cert));
    const a = new SSL.Context(SSL.TLS_METHOD);
    a.useCertificateChainFile(chain);
    a.usePrivatekeyFile(pki().rsa.keyFile);
    a.checkPrivatekey();
    const p = pair(a, clientContext());
    handshake(p.client, p.server);
    expect(p.client.getPeerCertChain()!.map((c) => c.getSubject().CN)).toEqual(['localhost', 'Test CA']);

    const b = new SSL.Context(SSL.TLS_METHOD);
    b.useCertificateFile(der, crypto.FILETYPE_ASN1);
    b.usePrivatekeyFile(pki().rsa.keyFile, crypto.FILETYPE_PEM);
    b.addExtraChainCert(pki().ca);
    b.checkPrivatekey();
    const q = pair(b, clientContext());
    handshake(q.client, q.server);
    expect(q.client.getPeerCertChain()!.length).toBe(2);

    const c = new SSL.Context(SSL.TLS_METHOD);
    c.useCertificate(pki().rsa.cert);
    c.usePrivatekey(pki().ec.key);
    expect(() => c.checkPrivatekey()).toThrow(OpenSSLError);
    expect(() => c.useCertificateFile(pki().rsa.keyFile)).toThrow(OpenSSLError);
    expect(() => c.useCertificateChainFile('/nonexistent.pem')).toThrow(OpenSSLError);
    expect(() => c.useCertificateFile(der, 7 as never)).toThrow(RangeError);
    expect(() => c.loadVerifyLocations('/nonexistent.pem')).toThrow(OpenSSLError);
    expect(() => c.loadVerifyLocations(null, null)).toThrow(TypeError);
    expect(() => c.loadClientCa('/nonexistent.pem')).toThrow(OpenSSLError);
    c.setDefaultVerifyPaths();
  });

  it('loadVerifyLocations with a hashed directory', () => {
    const dir = fs.mkdtempSync(path.join(pki().dir, 'capath-'));
    const hash = execFileSync('openssl', ['x509', '-hash', '-noout', '-in', pki().caFile], { encoding: 'utf8' }).trim();
    fs.copyFileSync(pki().caFile, path.join(dir, `${hash}.0`));
    const cctx = clientContext();
    cctx.setVerify(SSL.VERIFY_PEER);
    cctx.loadVerifyLocations(null, dir);
    const sctx = new SSL.Context(SSL.TLS_METHOD);
    sctx.useCertificate(pki().ec.cert);
    sctx.usePrivatekey(pki().ec.key);
    const p = pair(sctx, cctx);
    handshake(p.client, p.server);
    expect(p.client.getVerifyResult()).toBe(0);
  });

  it('loadTmpDh enables DHE; setTmpEcdh and setGroupsList pick the group', () => {
    const dh = path.join(pki().dir, 'dh.pem');
    execFileSync('openssl', ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048', '-out', dh]);
    const sctx = new SSL.Context(SSL.TLSv1_2_METHOD);
    sctx.useCertificate(pki().rsa.cert);
    sctx.usePrivatekey(pki().rsa.key);
    sctx.loadTmpDh(dh);
    sctx.setCipherList('DHE-RSA-AES128-GCM-SHA256');
    const p = pair(sctx, clientContext());
    handshake(p.client, p.server);
    expect(p.client.getCipherName()).toBe('DHE-RSA-AES128-GCM-SHA256');
    expect(p.client.getPeerTmpKey()!.bits()).toBe(2048);
    expect(() => sctx.loadTmpDh(pki().caFile)).toThrow(OpenSSLError);

    const e = new SSL.Context(SSL.TLS_METHOD);
    e.useCertificate(pki().ec.cert);
    e.usePrivatekey(pki().ec.key);
    e.setTmpEcdh('secp384r1');
    const q = pair(e, clientContext());
    handshake(q.client, q.server);
    expect(q.client.getGroupName()).toBe('secp384r1');

    const g = new SSL.Context(SSL.TLS_METHOD);
    g.useCertificate(pki().ec.cert);
    g.usePrivatekey(pki().ec.key);
    g.setGroupsList('X25519');
    const r = pair(g, clientContext());
    handshake(r.client, r.server);
    expect(r.client.getGroupName()).toBe('x25519');
    expect(() => g.setGroupsList('nope')).toThrow(OpenSSLError);
    expect(() => g.setSigalgsList('nope')).toThrow(OpenSSLError);
  });
});

describe('setDefaultVerifyPaths finds the platform CA bundle (issue 17)', () => {
  const bundle = '/etc/ssl/certs/ca-certificates.crt';
  const hasBundle = fs.existsSync(bundle);
  it.skipIf(!hasBundle)(`trusts a root of ${bundle} with SSL_CERT_FILE/SSL_CERT_DIR unset, whatever OPENSSLDIR holds${hasBundle ? '' : ' (no such file: install ca-certificates)'}`, () => {
    // A child process: OpenSSL reads the variables when the paths are set, and they must be unset.
    const env = { ...process.env };
    delete env.SSL_CERT_FILE;
    delete env.SSL_CERT_DIR;
    const index = path.resolve(__dirname, '../dist/index.js');
    const script = `
      import fs from 'node:fs';
      const { SSL, crypto, version } = await import(${JSON.stringify(index)});
      const pem = fs.readFileSync(${JSON.stringify(bundle)}, 'utf8').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/)[0];
      const root = crypto.loadCertificate(crypto.FILETYPE_PEM, pem);
      const verdict = (store) => { try { new crypto.X509StoreContext(store, root).verifyCertificate(); return 'trusted'; } catch (e) { return e.message; } };
      const ctx = new SSL.Context(SSL.TLS_METHOD);
      const before = verdict(ctx.getCertStore());
      ctx.setDefaultVerifyPaths();
      const store = new crypto.X509Store();
      store.setDefaultPaths();
      console.log(JSON.stringify({ before, context: verdict(ctx.getCertStore()), store: verdict(store), dir: version().opensslDir }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' })) as Record<string, string>;
    expect(out.before).not.toBe('trusted');
    expect(out.context).toBe('trusted');
    expect(out.store).toBe('trusted');
  });
});
