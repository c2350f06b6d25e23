// Worker: many async jobs on the libuv pool at once (key generation, digests, random bytes,
// PKCS#12 export and load). With `verify` it awaits them all and posts the results back; without,
// every job that settles queues another of its kind (RSA-4096 aside), so jobs are always pending
// when the parent terminates the worker. With `exitAfter` it calls process.exit() meanwhile.
// workerData: { rsa4096: n, rsa2048: n, digests: n, exitAfter: ms|null, exitCode, verify }
import { parentPort, workerData } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { digestAsync, randomBytesAsync } from '../../dist/index.js';
import { crypto, selfSigned } from './common.mjs';

const { rsa4096 = 1, rsa2048 = 2, digests = 16, exitAfter = null, exitCode = 7, verify = false } = workerData ?? {};
const data = Buffer.alloc(1 << 20, 0x61);
const jobs = [];
const expect = [];
for (let i = 0; i < rsa4096; i++) {
  jobs.push(crypto.PKey.generate(crypto.TYPE_RSA, 4096).then((k) => k.bits()));
  expect.push(4096);
}
for (let i = 0; i < rsa2048; i++) {
  jobs.push(crypto.PKey.generate(crypto.TYPE_RSA, { bits: 2048 }).then((k) => k.bits()));
  expect.push(2048);
}
jobs.push(crypto.PKey.generate(crypto.TYPE_EC, { curve: 'P-256' }).then((k) => k.bits()));
expect.push(256);
const sha = createHash('sha256').update(data).digest('hex');
for (let i = 0; i < digests; i++) {
  jobs.push(digestAsync('sha256', data).then((d) => d.toString('hex')));
  expect.push(sha);
}
jobs.push(randomBytesAsync(1 << 20).then((b) => b.length));
expect.push(1 << 20);
// PKCS#12: export a bundle, and load one, both on the pool (high iteration counts keep them busy).
const { key, cert } = selfSigned();
const p12 = new crypto.PKCS12();
p12.setPrivatekey(key);
p12.setCertificate(cert);
const der = p12.export('pw', 4000, 4000);
jobs.push(p12.exportAsync('pw', 4000, 4000).then((b) => b.length > 0));
expect.push(true);
jobs.push(crypto.loadPkcs12Async(der, 'pw').then((b) => b.getCertificate().getSubject().CN));
expect.push('localhost');

parentPort.postMessage({ type: 'ready', pending: jobs.length });
if (!verify) {
  // Keep the pool busy until the parent stops this worker.
  const again = [
    () => crypto.PKey.generate(crypto.TYPE_RSA, 2048),
    () => digestAsync('sha256', data),
    () => randomBytesAsync(1 << 20),
    () => p12.exportAsync('pw', 4000, 4000),
    () => crypto.loadPkcs12Async(der, 'pw'),
  ];
  const refill = (make) => make().then(() => refill(make));
  for (const make of again) refill(make);
}
if (exitAfter !== null) {
  setTimeout(() => process.exit(exitCode), exitAfter);
  // A job that settles first exits from inside its reaction, the rest still pending.
  jobs[jobs.length - 1].then(() => {
    if (exitAfter < 0) process.exit(exitCode);
  });
}
const results = await Promise.all(jobs);
if (verify) {
  const bad = results.map((r, i) => (r === expect[i] ? null : `job ${i}: got ${r}, want ${expect[i]}`)).filter(Boolean);
  parentPort.postMessage({ type: 'done', jobs: results.length, bad });
} else {
  parentPort.postMessage({ type: 'done', jobs: results.length, bad: [] });
}
