// OCSP against a real `openssl ocsp` responder on loopback: good, revoked and unknown
// certificates; verification against an X509Store; a response signed by the wrong key.
// (openssl 3.0 ocsp -port takes only a number and listens on all interfaces; we connect to 127.0.0.1.)
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { OpenSSLError, crypto } from '../lib/index.js';
import { OPENSSL, makePki, ossl, tmpdir } from './trust-helpers.js';

const dir = tmpdir('trust-ocsp-');
let responder: ChildProcess | null = null;
let port = 0;
const load = (f: string) => crypto.loadCertificate(crypto.FILETYPE_PEM, fs.readFileSync(path.join(dir, f)));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

function post(body: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'Content-Type': 'application/ocsp-request', 'Content-Length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function ask(cert: crypto.X509, issuer: crypto.X509, nonce = true) {
  const req = crypto.OCSPRequest.create(cert, issuer, { nonce });
  for (let i = 0; ; i++) {
    try {
      return { req, resp: crypto.OCSPResponse.fromDER(await post(req.toDER())) };
    } catch (e) {
      if (i > 50) throw e; // the responder may still be starting
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

beforeAll(async () => {
  makePki(dir, ['good', 'revoked', 'unknown', 'rogue']);
  // index.txt: good valid, revoked revoked; 'unknown' absent.
  const cnf = path.join(dir, 'ca.cnf');
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(cnf, `[ca]\ndefault_ca=d\n[d]\ndatabase=${dir}/index.txt\ndefault_md=sha256\n`);
  ossl(dir, ['ca', '-config', cnf, '-keyfile', 'ca.key', '-cert', 'ca.pem', '-valid', 'good.pem']);
  ossl(dir, ['ca', '-config', cnf, '-keyfile', 'ca.key', '-cert', 'ca.pem', '-revoke', 'revoked.pem', '-crl_reason', 'keyCompromise']);
  port = await freePort();
  responder = spawn(OPENSSL, ['ocsp', '-index', 'index.txt', '-port', String(port), '-rsigner', 'ocsp.pem', '-rkey', 'ocsp.key',
    '-CA', 'ca.pem', '-nrequest', '100'], { cwd: dir, stdio: 'ignore' });
});

afterAll(() => {
  responder?.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('OCSP with a real responder', () => {
  test('good, revoked and unknown; the response verifies against the store', async () => {
    const ca = load('ca.pem');
    const store = new crypto.X509Store();
    store.addCert(ca);
    for (const [name, want] of [['good.pem', 'good'], ['revoked.pem', 'revoked'], ['unknown.pem', 'unknown']] as const) {
      const cert = load(name);
      const { req, resp } = await ask(cert, ca);
      expect(req.hasNonce()).toBe(true);
      expect(req.getCertificateCount()).toBe(1);
      expect(resp.getStatus()).toBe('successful');
      expect(resp.hasBasicResponse()).toBe(true);
      resp.verify(store);
      expect(resp.isValid(store)).toBe(true);
      expect(resp.checkNonce(req)).toBe(1);
      const s = resp.getStatusFor(cert, ca)!;
      expect(s.status).toBe(want);
      expect(s.serialNumber).toBe(cert.getSerialNumber());
      expect(s.thisUpdate).toMatch(/^\d{14}Z$/);
      expect(resp.getResponses()).toHaveLength(1);
      expect(resp.getProducedAt()).toMatch(/^\d{14}Z$/);
      const rid = resp.getResponderId();
      expect(rid.name?.getComponents().map(([k, v]) => `${k}=${v}`) ?? []).toEqual(['CN=ocsp']);
      expect(resp.getCertificates().map((c) => c.getSerialNumber())).toContain(load('ocsp.pem').getSerialNumber());
      if (want === 'revoked') {
        expect(s.revocationTime).toMatch(/^\d{14}Z$/);
        expect(s.revocationReason).toBe('keyCompromise');
      } else {
        expect(s.revocationTime).toBeNull();
      }
      // Round trip of the raw DER, as a stapling callback would hand it over.
      expect(crypto.loadOcspResponse(resp.toDER()).getStatusFor(cert, ca)!.status).toBe(want);
      expect(crypto.OCSPRequest.fromDER(req.toDER()).hasNonce()).toBe(true);
    }
  });

  test('a response signed by the wrong key fails verification', async () => {
    const ca = load('ca.pem');
    const good = load('good.pem');
    const { resp } = await ask(good, ca, false);
    // A store trusting some other CA: the responder's chain does not verify.
    const otherDir = tmpdir('trust-ocsp-other-');
    makePki(otherDir, []);
    const other = new crypto.X509Store();
    other.addCert(crypto.loadCertificate(crypto.FILETYPE_PEM, fs.readFileSync(path.join(otherDir, 'ca.pem'))));
    expect(() => resp.verify(other)).toThrow(OpenSSLError);
    expect(resp.isValid(other)).toBe(false);
    // A responder signing with a key the CA never authorised for OCSP (no OCSPSigning EKU).
    const badPort = await freePort();
    const bad = spawn(OPENSSL, ['ocsp', '-index', 'index.txt', '-port', String(badPort), '-rsigner', 'rogue.pem', '-rkey', 'rogue.key',
      '-CA', 'ca.pem', '-nrequest', '5'], { cwd: dir, stdio: 'ignore' });
    try {
      const saved = port;
      port = badPort;
      const r2 = await ask(good, ca, false);
      port = saved;
      const store = new crypto.X509Store();
      store.addCert(ca);
      expect(() => r2.resp.verify(store)).toThrow(OpenSSLError);
      try {
        r2.resp.verify(store);
      } catch (e) {
        expect((e as OpenSSLError).operation).toBe('OCSP_basic_verify');
      }
    } finally {
      bad.kill('SIGKILL');
      fs.rmSync(otherDir, { recursive: true, force: true });
    }
  });

  test('failures: bad DER, wrong types, freed objects, no basic response', () => {
    const ca = load('ca.pem');
    expect(() => crypto.OCSPResponse.fromDER(Buffer.from('junk'))).toThrow(OpenSSLError);
    expect(() => crypto.OCSPRequest.fromDER(Buffer.from('junk'))).toThrow(OpenSSLError);
    expect(() => crypto.OCSPResponse.fromDER('x' as never)).toThrow(TypeError);
    expect(() => crypto.OCSPRequest.create('x' as never, ca)).toThrow(TypeError);
    expect(() => crypto.OCSPRequest.create(ca, null)).toThrow(TypeError);
    expect(() => crypto.OCSPRequest.create(ca, ca, { digest: 'nope' })).toThrow(RangeError);
    // A tryLater response (status 3, no body): 30 03 0a 01 03
    const tryLater = crypto.OCSPResponse.fromDER(Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x03]));
    expect(tryLater.getStatus()).toBe('tryLater');
    expect(tryLater.hasBasicResponse()).toBe(false);
    expect(() => tryLater.getResponses()).toThrow(OpenSSLError);
    expect(() => tryLater.verify('x' as never)).toThrow();
    const req = crypto.OCSPRequest.create(ca, ca);
    req.free();
    expect(() => req.toDER()).toThrow(/OCSPRequest has been freed/);
    tryLater.free();
    expect(() => tryLater.getStatus()).toThrow(/OCSPResponse has been freed/);
    expect(crypto.OCSPConstants.V_OCSP_CERTSTATUS_REVOKED).toBe(1);
  });
});
