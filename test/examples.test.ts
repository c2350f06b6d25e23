// The runnable examples (examples/<name>/main.js), each run as `node examples/<name>/main.js` in a
// child process against dist/ (they import 'openssl-napi' by name, which the package's "exports"
// resolves to dist/index.js): each must exit 0 on its own, on loopback, and print its key lines.
// Also: private-ca writing into a directory it is given, and the probe's command line against the
// HTTPS example in --listen mode (then stopped with SIGINT).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { version } from '../lib/index.js';

const root = path.resolve(__dirname, '..');
const children: ChildProcess[] = [];
const tempDirs: string[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

beforeAll(() => {
  if (!fs.existsSync(path.join(root, 'dist/index.js'))) throw new Error('dist/ missing: run npx tsc -p tsconfig.json');
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node examples/<name>/main.js ...args` to completion (killed after `timeout` ms). */
function runExample(name: string, args: string[] = [], timeout = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [`examples/${name}/main.js`, ...args], { cwd: root, timeout, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          stdout,
          stderr,
        });
      });
    children.push(child);
  });
}

/** Asserts a clean exit, showing the output when it is not. */
function expectSuccess(r: Run): void {
  expect({ code: r.code, signal: r.signal }, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toEqual({ code: 0, signal: null });
}

describe('examples', () => {
  it('zero-trust: six outcomes as expected, every staple verified', async () => {
    const r = await runExample('zero-trust');
    expectSuccess(r);
    expect(r.stdout).toContain('all outcomes as expected');
    expect(r.stdout).toMatch(/revoked.*ERR_CERT_REVOKED/);
  });

  it('private-ca: root, intermediate, CSR, CRL and OCSP checks all pass (temporary directory removed)', async () => {
    const r = await runExample('private-ca');
    expectSuccess(r);
    expect(r.stdout).toMatch(/all \d+ checks passed/);
    expect(r.stdout).not.toContain('FAIL');
    expect(r.stdout).toMatch(/ok\s+server chain to the root.*www\.example\.test -> Example Issuing CA 1 -> Example Root CA/);
    expect(r.stdout).toMatch(/ok\s+revoked certificate with CRL_CHECK_ALL: error = X509_V_ERR_CERT_REVOKED/);
    expect(r.stdout).toMatch(/ok\s+OCSP status of the revoked certificate: revoked at \d{14}Z \(keyCompromise\)/);
    const dir = /Files in (\S+) \(temporary/.exec(r.stdout)?.[1];
    expect(dir).toBeTruthy();
    expect(fs.existsSync(dir!)).toBe(false);
  });

  it('private-ca: writes its files into the directory given, and keeps them', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-test-'));
    tempDirs.push(base);
    const out = path.join(base, 'pki');
    const r = await runExample('private-ca', [out]);
    expectSuccess(r);
    for (const f of ['root-ca.pem', 'intermediate-ca.pem', 'server.csr', 'server.pem', 'issuing-ca-1.crl', 'ocsp-response.der']) {
      expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    }
    expect(fs.statSync(path.join(out, 'root-ca.key')).mode & 0o077).toBe(0);
    expect(fs.readFileSync(path.join(out, 'server.csr'), 'latin1')).toContain('-----BEGIN CERTIFICATE REQUEST-----');
  });

  it('probe (no arguments): probes its own server, prints the handshake, then a refused one', async () => {
    const r = await runExample('probe');
    expectSuccess(r);
    expect(r.stdout).toContain('self-test passed');
    expect(r.stdout).toMatch(/>>> TLSv1\.3 Handshake\s+ClientHello/);
    expect(r.stdout).toMatch(/<<< TLSv1\.3 Handshake\s+Certificate/);
    expect(r.stdout).toMatch(/Protocol\s+: TLSv1\.3/);
    expect(r.stdout).toMatch(/ALPN\s+: http\/1\.1/);
    // OpenSSL 4.0's server sends no staple for this self-signed certificate (the zero-trust demo's
    // CA-issued one is stapled on 4.0 too): an open question, noted in issue 20's note.
    if (version().openssl.startsWith('4.')) expect(r.stdout).toMatch(/OCSP staple: (successful, certificate good|none)/);
    else expect(r.stdout).toMatch(/OCSP staple: successful, certificate good/);
    expect(r.stdout).toContain('Verify return code: 0 (OK)');
    expect(r.stdout).toMatch(/ 0 s: CN=localhost,O=openssl-napi probe/);
    expect(r.stdout).toMatch(/>>> TLSv1\.3 Alert\s+fatal bad_certificate/);
    expect(r.stdout).toContain('(ERR_HOSTNAME_MISMATCH)');
  });

  it('https-server (no arguments): answers node:https requests over SSL.createServer + node:http', async () => {
    const r = await runExample('https-server');
    expectSuccess(r);
    expect(r.stdout).toMatch(/ok\s+GET\s+\/\s+-> 200 hello world, over TLSv1\.3/);
    expect(r.stdout).toMatch(/ok\s+POST \/echo\s+-> 200 \(20000 bytes\) \(same connection\)/);
    expect(r.stdout).toMatch(/a client without the CA is refused/);
    expect(r.stdout).toContain('all requests answered as expected (4 served)');
  });

  it('dtls-echo: every datagram comes back over DTLS on 127.0.0.1', async () => {
    const r = await runExample('dtls-echo', ['3']);
    expectSuccess(r);
    expect(r.stdout).toMatch(/client: connected, DTLSv1\.2 /);
    expect(r.stdout.match(/^ok\s+sent/gm)?.length).toBe(3);
    expect(r.stdout).toContain('all 3 messages echoed');
    expect(r.stdout).toMatch(/server: 127\.0\.0\.1:\d+ closed/);
  });

  it('probe host:port --cafile --verify against https-server --listen, which SIGINT stops', async () => {
    const server = spawn(process.execPath, ['examples/https-server/main.js', '--listen', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(server);
    let out = '';
    server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      server.once('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 15_000;
    while (!/try: curl/.test(out)) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`https-server did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const port = /https:\/\/localhost:(\d+)\//.exec(out)![1]!;
    const caFile = /CA certificate: (\S+)/.exec(out)![1]!;

    const ok = await runExample('probe', [`127.0.0.1:${port}`, '--servername', 'localhost', '--cafile', caFile, '--verify', '--alpn', 'http/1.1']);
    expectSuccess(ok);
    expect(ok.stdout).toContain('Verify return code: 0 (OK)');
    expect(ok.stdout).toMatch(/ALPN\s+: http\/1\.1/);
    expect(ok.stdout).toMatch(/ 0 s: CN=localhost,O=openssl-napi https example/);
    expect(ok.stdout).toMatch(/ 0 s: .*\n\s+i: CN=Example HTTPS Test CA/);

    // Without the CA, --verify refuses the server: exit 1.
    const refused = await runExample('probe', [`127.0.0.1:${port}`, '--servername', 'localhost', '--verify']);
    expect(refused.code, refused.stdout + refused.stderr).toBe(1);
    expect(refused.stdout).toContain('HANDSHAKE FAILED');
    expect(refused.stdout).toMatch(/>>> TLSv1\.3 Alert\s+fatal unknown_ca/);

    server.kill('SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(out).toContain('stopping after 0 request(s)');
    expect(fs.existsSync(caFile)).toBe(false);
  });
});
