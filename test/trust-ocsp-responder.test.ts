// The OCSP responder side (issue 19): build and sign basic responses for good, revoked (reason,
// time) and unknown certificates, with the request's nonce, by the CA or a delegated responder;
// the binding and `openssl ocsp -respin` both verify them; error responses without a body.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { crypto } from '../lib/index.js';
import { OPENSSL, makePki, tmpdir } from './trust-helpers.js';

const dir = tmpdir('trust-ocsp-responder-');
const load = (name: string) => crypto.loadCertificate(crypto.FILETYPE_PEM, fs.readFileSync(path.join(dir, `${name}.pem`)));
const key = (name: string) => crypto.loadPrivatekey(crypto.FILETYPE_PEM, fs.readFileSync(path.join(dir, `${name}.key`)));

let ca: crypto.X509;
let store: crypto.X509Store;
beforeAll(() => {
  makePki(dir, ['good', 'revoked', 'unknown']);
  ca = load('ca');
  store = new crypto.X509Store();
  store.addCert(ca);
});

/** `openssl ocsp -respin`: the CLI's own verdict on a response we made. */
function cli(resp: crypto.OCSPResponse, cert: string): string {
  const file = path.join(dir, `resp-${cert}-${Math.random().toString(36).slice(2)}.der`);
  fs.writeFileSync(file, resp.toDER());
  // (-cert makes the CLI a request of its own, with a nonce of its own: the binding checks ours.)
  const r = spawnSync(OPENSSL, ['ocsp', '-respin', file, '-no_nonce', '-CAfile', 'ca.pem', '-issuer', 'ca.pem', '-cert', `${cert}.pem`], { cwd: dir, encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

describe('OCSPResponse.create', () => {
  it('a delegated responder: good, revoked with reason and time, unknown; nonce copied; both sides verify', () => {
    const good = load('good');
    const revoked = load('revoked');
    const unknown = load('unknown');
    const request = crypto.OCSPRequest.create([[good, ca], [revoked, ca], [unknown, ca]], null, { nonce: true });
    const resp = crypto.OCSPResponse.create(
      [
        { certificate: good, issuer: ca, status: 'good' },
        { certificate: revoked, issuer: ca, status: 'revoked', revocationTime: '20260102030405Z', revocationReason: 'keyCompromise' },
        { certificate: unknown, issuer: ca, status: 'unknown' },
      ],
      { responderCert: load('ocsp'), responderKey: key('ocsp'), request, validitySeconds: 600 },
    );
    expect(resp.getStatus()).toBe('successful');
    resp.verify(store);
    expect(resp.checkNonce(request)).toBe(1);
    expect(resp.getResponderId().name?.getComponents().map(([k, v]) => `${k}=${v}`)).toEqual(['CN=ocsp']);
    const g = resp.getStatusFor(good, ca)!;
    expect(g.status).toBe('good');
    expect(g.nextUpdate).not.toBeNull();
    const r = resp.getStatusFor(revoked, ca)!;
    expect(r).toMatchObject({ status: 'revoked', revocationTime: '20260102030405Z', revocationReason: 'keyCompromise' });
    expect(resp.getStatusFor(unknown, ca)!.status).toBe('unknown');

    const g2 = cli(resp, 'good');
    expect(g2).toMatch(/Response verify OK/);
    expect(g2).toMatch(/good\.pem: good/);
    const r2 = cli(resp, 'revoked');
    expect(r2).toMatch(/revoked\.pem: revoked/);
    expect(r2).toMatch(/Reason: keyCompromise/);
    expect(r2).toMatch(/Revocation Time: Jan\s+2 03:04:05 2026 GMT/);
    expect(cli(resp, 'unknown')).toMatch(/unknown\.pem: unknown/);
  });

  it('signed by the CA itself, responder named by key hash, no nextUpdate', () => {
    const good = load('good');
    const resp = crypto.OCSPResponse.create([{ certificate: good, issuer: ca, status: 'good' }], {
      responderCert: ca,
      responderKey: key('ca'),
      responderIdByKey: true,
      validitySeconds: 0,
    });
    resp.verify(store);
    expect(resp.getResponderId().keyHash).toHaveLength(20);
    expect(resp.getStatusFor(good, ca)!.nextUpdate).toBeNull();
    const out = cli(resp, 'good');
    expect(out).toMatch(/Response verify OK/);
    expect(out).toMatch(/good\.pem: good/);
  });

  it('a responder the CA did not delegate does not verify', () => {
    const other = tmpdir('trust-ocsp-rogue-');
    makePki(other, []);
    const rogue = crypto.loadCertificate(crypto.FILETYPE_PEM, fs.readFileSync(path.join(other, 'ocsp.pem')));
    const rogueKey = crypto.loadPrivatekey(crypto.FILETYPE_PEM, fs.readFileSync(path.join(other, 'ocsp.key')));
    const resp = crypto.OCSPResponse.create([{ certificate: load('good'), issuer: ca, status: 'good' }], { responderCert: rogue, responderKey: rogueKey });
    expect(resp.isValid(store)).toBe(false);
    expect(cli(resp, 'good')).toMatch(/Response Verify Failure/i);
  });

  it('error responses carry only their status', () => {
    for (const status of ['tryLater', 'unauthorized', 'malformedRequest', 'internalError', 'sigRequired'] as const) {
      const resp = crypto.OCSPResponse.createError(status);
      expect(resp.getStatus()).toBe(status);
      expect(resp.hasBasicResponse()).toBe(false);
      expect(crypto.OCSPResponse.fromDER(resp.toDER()).getStatus()).toBe(status);
    }
    expect(() => crypto.OCSPResponse.createError('successful' as never)).toThrow(RangeError);
  });

  it('bad input: clear errors', () => {
    const good = load('good');
    const opts = { responderCert: load('ocsp'), responderKey: key('ocsp') };
    expect(() => crypto.OCSPResponse.create([], opts)).toThrow(TypeError);
    expect(() => crypto.OCSPResponse.create([{ certificate: good, issuer: ca, status: 'fine' as never }], opts)).toThrow(TypeError);
    expect(() => crypto.OCSPResponse.create([{ certificate: good, issuer: ca, status: 'revoked', revocationReason: 'boredom' }], opts)).toThrow(RangeError);
    expect(() => crypto.OCSPResponse.create([{ certificate: good, issuer: ca, status: 'revoked', revocationReason: 7 }], opts)).toThrow(RangeError);
    expect(() => crypto.OCSPResponse.create([{ certificate: good, issuer: ca, status: 'revoked', revocationTime: 'yesterday' }], opts)).toThrow(TypeError);
    expect(() => crypto.OCSPResponse.create([{ certificate: good, issuer: ca, status: 'good' }], { ...opts, responderKey: key('good') })).toThrow(/does not match/);
    expect(() => crypto.OCSPResponse.create([{ certificate: 'x' as never, issuer: ca, status: 'good' }], opts)).toThrow(TypeError);
    expect(() => crypto.OCSPResponse.create([{ certificate: good, issuer: ca, status: 'good' }], { ...opts, digest: 'nope' })).toThrow(RangeError);
  });
});
