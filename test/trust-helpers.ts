// Shared helpers of the trust tests: corpus lookup, the OpenSSL oracle, openssl CLI fixtures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { version } from '../lib/index.js';
import { corpus } from './corpora.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const OPENSSL = '/usr/bin/openssl';

/** A corpus directory through the one path helper (test/corpora.ts). */
export function trustCorpus(rel: string): string | null {
  return corpus(rel);
}

export function tmpdir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Compiles test/oracle/verify_oracle.c against the OpenSSL of the addon under test (the
 * openssl.json beside the build that loaded: build/, build-cmake/, build/ossl35/, ...); the binary
 * path or a reason.
 */
export function buildOracle(dir: string): { bin: string } | { reason: string } {
  const cfgFile = path.join(path.dirname(version().addonFile), '..', 'openssl.json');
  if (!fs.existsSync(cfgFile)) return { reason: `${cfgFile} missing (addon not configured)` };
  const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as { include: string; libdir: string; linkage: string; libs: string[] };
  const bin = path.join(dir, 'verify_oracle');
  // Linked as the addon is (cfg.libs: the archives and what they need, -lz for a zlib build).
  const libs = cfg.libs;
  const r = spawnSync('cc', ['-O1', '-o', bin, path.join(here, 'oracle', 'verify_oracle.c'), `-I${cfg.include}`, ...libs], { encoding: 'utf8' });
  if (r.status !== 0) return { reason: `cc failed: ${r.error?.message ?? r.stderr}` };
  return { bin };
}

/** Runs the oracle: {ok, code, depth}. */
export function runOracle(bin: string, args: string[]): { ok: boolean; code: number; depth: number } {
  const out = execFileSync(bin, args, { encoding: 'utf8' }).trim().split(' ');
  if (out[0] === 'OK') return { ok: true, code: 0, depth: -1 };
  return { ok: false, code: Number(out[1]), depth: Number(out[2]) };
}

/** Runs the openssl CLI in `cwd`, returning stdout; throws with stderr on failure. */
export function ossl(cwd: string, args: string[], input?: string): string {
  const r = spawnSync(OPENSSL, args, { cwd, encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/**
 * A small PKI made with the openssl CLI: root CA (CA:TRUE, keyCertSign+cRLSign, SKI/AKI, CRL
 * distribution point), an OCSP responder cert, and leaves. Files in `dir`.
 */
export function makePki(dir: string, leaves: string[]): void {
  const ext = `
[req]
distinguished_name=dn
[dn]
[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
[leaf]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
crlDistributionPoints=URI:http://127.0.0.1/ca.crl
subjectAltName=DNS:leaf.example.com
[ocsp]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=critical,OCSPSigning
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
`;
  fs.writeFileSync(path.join(dir, 'ext.cnf'), ext);
  const ecKey = (name: string) => ossl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
  ecKey('ca');
  ossl(dir, ['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=Trust Test CA', '-days', '3650', '-out', 'ca.pem',
    '-config', 'ext.cnf', '-extensions', 'ca', '-set_serial', '1']);
  let serial = 100;
  for (const name of [...leaves, 'ocsp']) {
    ecKey(name);
    ossl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`, '-config', 'ext.cnf']);
    ossl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(serial++),
      '-days', '3650', '-extfile', 'ext.cnf', '-extensions', name === 'ocsp' ? 'ocsp' : 'leaf', '-out', `${name}.pem`]);
  }
}
