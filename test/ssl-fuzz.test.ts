// OpenSSL's own fuzz corpora (fuzz/corpora/server and /client) fed into fresh memory-BIO
// Connections: nothing may crash, and every failure must be a typed OpenSSLError.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenSSLError, SSL, WantReadError } from '../lib/index.js';
import { corpus, missingReason } from './corpora.js';
import { pki } from './ssl-helpers.js';

const serverDir = corpus('openssl-fuzz-corpora/server');
const clientDir = corpus('openssl-fuzz-corpora/client');

function drive(conn: SSL.Connection, input: Buffer): string {
  const tally: string[] = [];
  const attempt = (f: () => void): boolean => {
    try {
      f();
      return true;
    } catch (e) {
      if (!(e instanceof OpenSSLError)) throw e;
      tally.push(e.constructor.name);
      return false;
    }
  };
  conn.bioWrite(input);
  if (attempt(() => conn.doHandshake())) {
    for (let i = 0; i < 8; i++) if (!attempt(() => conn.recv(16384))) break;
    attempt(() => conn.send('x'));
  }
  // drain whatever the TLS layer wrote (alerts, flights)
  for (;;) {
    try {
      conn.bioRead(65536);
    } catch (e) {
      if (e instanceof WantReadError) break;
      throw e;
    }
  }
  return tally.join(',');
}

function runCorpus(dir: string, make: () => SSL.Connection): { files: number; outcomes: Map<string, number> } {
  const outcomes = new Map<string, number>();
  const files = fs.readdirSync(dir).sort();
  for (const f of files) {
    const input = fs.readFileSync(path.join(dir, f));
    const conn = make();
    const r = drive(conn, input) || 'ok';
    outcomes.set(r, (outcomes.get(r) ?? 0) + 1);
    conn.free();
  }
  return { files: files.length, outcomes };
}

describe.skipIf(!serverDir)(`OpenSSL fuzz corpus: server${serverDir ? '' : ` (skipped: ${missingReason('openssl-fuzz-corpora/server')})`}`, () => {
  it('every input fails cleanly or completes', () => {
    const ctx = new SSL.Context(SSL.TLS_METHOD);
    ctx.useCertificate(pki().rsa.cert);
    ctx.usePrivatekey(pki().rsa.key);
    ctx.setSecurityLevel(0);
    ctx.setCipherList('ALL:@SECLEVEL=0');
    ctx.setMinProtoVersion(0);
    ctx.setVerify(SSL.VERIFY_PEER, () => true);
    ctx.setTlsextServernameCallback(() => undefined);
    ctx.setAlpnSelectCallback((_c, offered) => offered[0] ?? SSL.NO_OVERLAPPING_PROTOCOLS);
    const { files, outcomes } = runCorpus(serverDir!, () => {
      const c = new SSL.Connection(ctx);
      c.setAcceptState();
      return c;
    });
    expect(files).toBeGreaterThan(100);
    expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(files);
  }, 120_000);
});

describe.skipIf(!clientDir)(`OpenSSL fuzz corpus: client${clientDir ? '' : ` (skipped: ${missingReason('openssl-fuzz-corpora/client')})`}`, () => {
  it('every input fails cleanly or completes', () => {
    const ctx = new SSL.Context(SSL.TLS_METHOD);
    ctx.setSecurityLevel(0);
    ctx.setCipherList('ALL:@SECLEVEL=0');
    ctx.setMinProtoVersion(0);
    ctx.setVerify(SSL.VERIFY_PEER, () => true);
    ctx.setOcspClientCallback(() => true);
    const { files, outcomes } = runCorpus(clientDir!, () => {
      const c = new SSL.Connection(ctx);
      c.setConnectState();
      c.setTlsextHostName('localhost');
      c.requestOcsp();
      try {
        c.doHandshake();
      } catch (e) {
        if (!(e instanceof WantReadError)) throw e;
      }
      c.bioRead(65536); // discard our ClientHello
      return c;
    });
    expect(files).toBeGreaterThan(100);
    expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(files);
  }, 120_000);
});
