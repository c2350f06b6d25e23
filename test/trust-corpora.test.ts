// NIST PKITS and x509-limbo through X509StoreContext, with OpenSSL's own verdict (a C harness
// linked against the same OpenSSL) as the oracle.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { crypto } from '../lib/index.js';
import { buildOracle, runOracle, tmpdir, trustCorpus } from './trust-helpers.js';

const { X509Store, X509StoreContext, X509StoreContextError, X509StoreFlags: F, X509Purpose } = crypto;

const pkitsDir = trustCorpus('nist-pkits');
const limboDir = trustCorpus('x509-limbo');
const work = tmpdir('trust-corpora-');
const oracle = buildOracle(work);
const oracleReason = 'reason' in oracle ? oracle.reason : '';
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

type Verdict = { ok: boolean; code: number; depth: number };

function bindingVerdict(ctx: InstanceType<typeof X509StoreContext>): Verdict {
  try {
    ctx.verifyCertificate();
    return { ok: true, code: 0, depth: -1 };
  } catch (e) {
    if (!(e instanceof X509StoreContextError)) throw e;
    expect(e.errors).toHaveLength(3);
    expect(e.codeName).toMatch(/^X509_V_ERR_/);
    return { ok: false, code: e.errors[0], depth: e.errors[1] };
  }
}

const same = (a: Verdict, b: Verdict) => a.ok === b.ok && a.code === b.code && (a.ok || a.depth === b.depth);

interface PkitsCase {
  id: string;
  name: string;
  cert: string;
  other_certs?: string[];
  path_intermediates?: string[];
  crls?: string[];
  params?: {
    user_initial_policy_set?: string[];
    initial_explicit_policy?: boolean;
    initial_policy_mapping_inhibit?: boolean;
    initial_any_policy_inhibit?: boolean;
  };
  error?: unknown;
}

describe.skipIf(!pkitsDir || !!oracleReason)(
  `NIST PKITS vs OpenSSL${!pkitsDir ? ' (skipped: nist-pkits corpus not found)' : oracleReason ? ` (skipped: ${oracleReason})` : ''}`,
  () => {
    test('every case: the binding agrees with OpenSSL', () => {
      const dir = pkitsDir!;
      const bin = (oracle as { bin: string }).bin;
      const cases = JSON.parse(fs.readFileSync(path.join(dir, 'pkits.json'), 'utf8')) as PkitsCase[];
      const certFile = (n: string) => path.join(dir, 'certs', n);
      const crlFile = (n: string) => path.join(dir, 'crls', n);
      const loadCert = (f: string) => crypto.loadCertificate(crypto.FILETYPE_ASN1, fs.readFileSync(f));
      const loadCrl = (f: string) => crypto.loadCrl(crypto.FILETYPE_ASN1, fs.readFileSync(f));
      const anchor = loadCert(certFile('TrustAnchorRootCertificate.crt'));
      const when = Date.UTC(2020, 0, 1) / 1000;
      const baseFlags = F.CRL_CHECK | F.CRL_CHECK_ALL | F.EXTENDED_CRL_SUPPORT | F.USE_DELTAS | F.POLICY_CHECK;
      let agreeOpenSSL = 0, agreeExpected = 0;
      const disagreements: string[] = [];
      const seen = new Set<string>();
      for (const c of cases) {
        const key = `${c.id}:${c.name}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
        let flags = baseFlags;
        if (c.params?.initial_explicit_policy) flags |= F.EXPLICIT_POLICY;
        if (c.params?.initial_policy_mapping_inhibit) flags |= F.INHIBIT_MAP;
        if (c.params?.initial_any_policy_inhibit) flags |= F.INHIBIT_ANY;
        const inter = c.path_intermediates ?? c.other_certs ?? [];
        const crls = ['TrustAnchorRootCRL.crl', ...(c.crls ?? [])];
        // The binding: store holds the anchor; every parameter is set on the context.
        const store = new X509Store();
        store.addCert(anchor);
        const ctx = new X509StoreContext(store, loadCert(certFile(c.cert)), inter.map((n) => loadCert(certFile(n))));
        ctx.setCrls(crls.map((n) => loadCrl(crlFile(n))));
        ctx.setTime(new Date(when * 1000));
        ctx.setFlags(flags);
        if (c.params?.user_initial_policy_set) ctx.setPolicies(c.params.user_initial_policy_set);
        const ours = bindingVerdict(ctx);
        const args = ['-trusted', certFile('TrustAnchorRootCertificate.crt'), '-attime', String(when), '-flags', String(flags)];
        for (const n of inter) args.push('-untrusted', certFile(n));
        for (const n of crls) args.push('-crl', crlFile(n));
        for (const p of c.params?.user_initial_policy_set ?? []) args.push('-policy', p);
        args.push(certFile(c.cert));
        const theirs = runOracle(bin, args);
        if (same(ours, theirs)) agreeOpenSSL++;
        else disagreements.push(`${key}: binding ${JSON.stringify(ours)} openssl ${JSON.stringify(theirs)}`);
        if (ours.ok === !c.error) agreeExpected++;
        ctx.free();
        store.free();
      }
      console.log(
        `PKITS: ${cases.length} cases; agreement with OpenSSL ${agreeOpenSSL}/${cases.length}; ` +
          `agreement with the expected result ${agreeExpected}/${cases.length}`,
      );
      expect(disagreements).toEqual([]);
      expect(agreeOpenSSL).toBe(cases.length);
    });
  },
);

interface LimboCase {
  id: string;
  validation_kind: 'SERVER' | 'CLIENT';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  expected_result: 'SUCCESS' | 'FAILURE';
  expected_peer_name: { kind: 'DNS' | 'IP' | 'RFC822'; value: string } | null;
  expected_peer_names: { kind: 'DNS' | 'IP' | 'RFC822'; value: string }[];
  max_chain_depth: number | null;
  crls: string[];
}

describe.skipIf(!limboDir || !!oracleReason)(
  `x509-limbo vs OpenSSL${!limboDir ? ' (skipped: x509-limbo corpus not found)' : oracleReason ? ` (skipped: ${oracleReason})` : ''}`,
  () => {
    let cases: LimboCase[] = [];
    beforeAll(() => {
      cases = (JSON.parse(fs.readFileSync(path.join(limboDir!, 'limbo.json'), 'utf8')) as { testcases: LimboCase[] }).testcases;
    });

    test('every case: the binding agrees with OpenSSL', () => {
      const bin = (oracle as { bin: string }).bin;
      const caseDir = path.join(work, 'limbo');
      fs.mkdirSync(caseDir, { recursive: true });
      const pem = (list: string[]) => list.join('\n');
      let agreeOpenSSL = 0, agreeExpected = 0, notExpressible = 0, loadFailures = 0;
      const disagreements: string[] = [];
      cases.forEach((c, i) => {
        const base = path.join(caseDir, String(i));
        const files = { trusted: `${base}-t.pem`, untrusted: `${base}-u.pem`, leaf: `${base}-l.pem`, crl: `${base}-c.pem` };
        fs.writeFileSync(files.trusted, pem(c.trusted_certs));
        fs.writeFileSync(files.untrusted, pem(c.untrusted_intermediates));
        fs.writeFileSync(files.leaf, c.peer_certificate);
        fs.writeFileSync(files.crl, pem(c.crls));
        const purpose = c.validation_kind === 'SERVER' ? X509Purpose.SSL_SERVER : X509Purpose.SSL_CLIENT;
        let flags = F.X509_STRICT;
        if (c.crls.length > 0) flags |= F.CRL_CHECK;
        const when = c.validation_time ? Math.floor(Date.parse(c.validation_time) / 1000) : null;
        const names = [...(c.expected_peer_name ? [c.expected_peer_name] : []), ...c.expected_peer_names];
        if (names.length > 1) notExpressible++;
        const name = names[0];
        // Oracle args.
        const args = ['-flags', String(flags), '-purpose', String(purpose)];
        if (c.trusted_certs.length) args.push('-trusted', files.trusted);
        if (c.untrusted_intermediates.length) args.push('-untrusted', files.untrusted);
        if (c.crls.length) args.push('-crl', files.crl);
        if (when !== null) args.push('-attime', String(when));
        if (c.max_chain_depth !== null) args.push('-depth', String(c.max_chain_depth));
        if (name) args.push(name.kind === 'DNS' ? '-host' : name.kind === 'IP' ? '-ip' : '-email', name.value);
        args.push(files.leaf);
        // The binding: certificates may not even parse (malformed-input cases): then both sides
        // must fail to load.
        let ours: Verdict;
        try {
          const load = (s: string) => crypto.loadCertificate(crypto.FILETYPE_PEM, s);
          const store = new X509Store();
          for (const t of c.trusted_certs) store.addCert(load(t));
          // Half the cases set the parameters on the store, half on the context.
          const ctx = new X509StoreContext(store, load(c.peer_certificate), c.untrusted_intermediates.map(load));
          const target = i % 2 === 0 ? ctx : store;
          target.setFlags(flags);
          target.setPurpose(purpose);
          if (when !== null) target.setTime(new Date(when * 1000));
          if (c.max_chain_depth !== null) target.setDepth(c.max_chain_depth);
          if (name?.kind === 'DNS') target.setHost(name.value);
          if (name?.kind === 'IP') target.setIpAddress(name.value);
          if (name?.kind === 'RFC822') target.setEmail(name.value);
          if (c.crls.length) ctx.setCrls(c.crls.map((s) => crypto.loadCrl(crypto.FILETYPE_PEM, s)));
          ours = bindingVerdict(ctx);
        } catch (e) {
          if (e instanceof X509StoreContextError) throw e;
          loadFailures++;
          ours = { ok: false, code: -1, depth: -1 };
        }
        let theirs: Verdict;
        try {
          theirs = runOracle(bin, args);
        } catch {
          theirs = { ok: false, code: -1, depth: -1 }; // the oracle could not load an input either
        }
        if (same(ours, theirs)) agreeOpenSSL++;
        else disagreements.push(`${c.id}: binding ${JSON.stringify(ours)} openssl ${JSON.stringify(theirs)}`);
        if (ours.ok === (c.expected_result === 'SUCCESS')) agreeExpected++;
      });
      console.log(
        `x509-limbo: ${cases.length} cases; agreement with OpenSSL ${agreeOpenSSL}/${cases.length}; ` +
          `agreement with the expected result ${agreeExpected}/${cases.length}; ` +
          `inputs neither side could load ${loadFailures}; cases with several expected names (first one checked) ${notExpressible}`,
      );
      expect(disagreements).toEqual([]);
      expect(agreeOpenSSL).toBe(cases.length);
    });
  },
);
