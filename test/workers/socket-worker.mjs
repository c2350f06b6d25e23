// Worker: socket-mode TLS on 127.0.0.1 with traffic always in flight, to be terminated mid-way.
// workerData: { port: number|null (null: run an echo server here too), conns, nativeIo, churn }
// Each client writes 16 KiB chunks as fast as the echo comes back; with `churn` new connections
// (full handshakes) keep opening and closing beside them. Posts 'ready' once 256 KiB came back.
import { parentPort, workerData } from 'node:worker_threads';
import { once } from 'node:events';
import { SSL, contexts } from './common.mjs';

const { port: givenPort = null, conns = 2, nativeIo = true, churn = true } = workerData ?? {};
const ctxs = contexts();
let port = givenPort;
if (port === null) {
  const server = SSL.createServer({ context: ctxs.server, nativeIo, handshakeTimeout: 5000 }, (s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = server.address().port;
}

const chunk = Buffer.alloc(16 * 1024, 0x42);
let echoed = 0;
let ready = false;
function client(loop) {
  const c = SSL.connect({ context: ctxs.client, host: '127.0.0.1', port, nativeIo });
  c.on('error', () => {});
  c.on('secureConnect', () => {
    const write = () => {
      while (c.write(chunk));
    };
    c.on('drain', write);
    write();
  });
  c.on('data', (d) => {
    echoed += d.length;
    if (!ready && echoed >= 256 * 1024) {
      ready = true;
      parentPort.postMessage({ type: 'ready', echoed });
    }
  });
  c.on('close', () => {
    if (loop) setImmediate(() => client(loop));
  });
  return c;
}
for (let i = 0; i < conns; i++) client(true);
if (churn) {
  // Short connections: handshake, a little data, destroy; always one in progress.
  const short = () => {
    const c = SSL.connect({ context: ctxs.client, host: '127.0.0.1', port, nativeIo });
    c.on('error', () => {});
    c.on('secureConnect', () => c.write('hello'));
    c.on('data', () => c.destroy());
    c.on('close', () => setImmediate(short));
  };
  short();
}
