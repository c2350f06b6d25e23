// Ownership under GC: thousands of certificates, names, extensions and CSRs created and dropped,
// views outliving their parents; memory settles.
import { describe, expect, it } from 'vitest';
import { crypto } from '../lib/index.js';

const gc = (globalThis as { gc?: () => void }).gc;

async function collect(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((r) => setImmediate(r));
  }
}

describe.skipIf(!gc)('GC stress (needs --expose-gc)', () => {
  const key = new crypto.PKey();
  key.generateKey(crypto.TYPE_EC, 'prime256v1');

  function churn(n: number): crypto.X509Name[] {
    const survivors: crypto.X509Name[] = [];
    for (let i = 0; i < n; i++) {
      const c = new crypto.X509();
      const s = c.getSubject();
      s.CN = `host-${i}.example`;
      s.O = 'Org';
      c.setIssuer(s);
      c.setPubkey(key);
      c.gmtimeAdjNotBefore(0);
      c.gmtimeAdjNotAfter(60);
      c.addExtensions([new crypto.X509Extension('subjectAltName', false, `DNS:host-${i}.example`)]);
      c.sign(key, 'sha256');
      const back = crypto.loadCertificate(crypto.FILETYPE_ASN1, crypto.dumpCertificate(crypto.FILETYPE_ASN1, c));
      back.getExtension(0).toString();
      const n = new crypto.X509Name(back.getIssuer());
      n.OU = 'x';
      const r = new crypto.X509Req();
      r.getSubject().CN = 'r';
      r.setPubkey(key);
      r.addExtensions([new crypto.X509Extension('basicConstraints', false, 'CA:FALSE')]);
      r.getExtensions();
      // keep one view in 100: its certificate must stay alive through it
      if (i % 100 === 0) survivors.push(i % 200 === 0 ? back.getSubject() : r.getSubject());
    }
    return survivors;
  }

  it('views outlive their dropped parents', async () => {
    const views = churn(500);
    await collect();
    views.forEach((v, k) => {
      expect(v.CN).toBe(k % 2 === 0 ? `host-${k * 100}.example` : 'r');
      expect(v.getComponents().length).toBeGreaterThan(0);
    });
  });

  it('RSS settles over rounds of churn', async () => {
    churn(1000);
    await collect();
    const base = process.memoryUsage().rss;
    let last = base;
    for (let round = 0; round < 4; round++) {
      churn(1500);
      await collect();
      last = process.memoryUsage().rss;
    }
    // 6000 certificates later, growth stays well below what leaking them would cost (~5 KB each).
    // Under ASan, freed memory sits in its quarantine and LeakSanitizer does this check instead.
    if (process.env.OPENSSL_NAPI_ASAN !== '1') expect(last - base).toBeLessThan(40 * 1024 * 1024);
  }, 120_000);

  it('freeing explicitly and dropping mixed objects is safe', async () => {
    const freed: crypto.X509[] = [];
    for (let i = 0; i < 2000; i++) {
      const c = new crypto.X509();
      const v = c.getSubject();
      v.CN = 'x';
      if (i % 2) c.free();
      else v.free();
      if (i % 500 === 1) freed.push(c);
      const e = new crypto.X509Extension('keyUsage', false, 'digitalSignature');
      if (i % 3 === 0) e.free();
      const s = new crypto.NetscapeSPKI();
      s.setPubkey(key);
      if (i % 5 === 0) s.free();
    }
    await collect();
    // Freed objects stay freed (a clear error), and the heap is sound for new ones.
    for (const c of freed) expect(() => c.getVersion()).toThrow(/freed/);
    const probe = new crypto.X509();
    probe.getSubject().CN = 'after the churn';
    expect(probe.getSubject().CN).toBe('after the churn');
  });
});
