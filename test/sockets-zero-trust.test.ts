// The zero-trust demo (examples/zero-trust/main.js, `npm start`) runs against dist/ and exits 0
// when every client's outcome is the expected one.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

describe('examples/zero-trust', () => {
  it('node examples/zero-trust/main.js exits 0 with the six expected outcomes', async () => {
    if (!fs.existsSync(path.join(root, 'dist/index.js'))) throw new Error('dist/ missing: run npx tsc -p tsconfig.json');
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(process.execPath, ['examples/zero-trust/main.js'], { cwd: root, timeout: 30_000 }, (err, stdout) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }));
    });
    expect(stdout).toContain('all outcomes as expected');
    expect(stdout).toMatch(/anonymous.*refused\s+refused\s+peer did not return a certificate/);
    expect(stdout).toMatch(/revoked.*ERR_CERT_REVOKED/);
    expect(stdout).toMatch(/expired.*ERR_CERT_HAS_EXPIRED/);
    expect(stdout).toMatch(/intruder.*not authorised/);
    expect(stdout).toContain("OCSP staple: 6 of 6 clients verified the server's stapled status");
    expect(code).toBe(0);
  });
});
