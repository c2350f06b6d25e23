// Worker: in-memory TLS handshakes in a loop (optionally with callbacks, optionally getting stuck
// inside one so that terminate() lands while native code is calling into JS).
// workerData: { callbacks: string[], spinUs, count (null = forever), stuckIn: kind|null,
//   exitIn: kind|null (process.exit(9) from inside that callback), stuckAfter (handshakes first) }
import { parentPort, workerData } from 'node:worker_threads';
import { contexts, handshakeOnce } from './common.mjs';

const { callbacks = [], spinUs = 0, count = null, stuckIn = null, exitIn = null, stuckAfter = 1 } = workerData ?? {};
let handshakes = 0;
let stuck = false;
const hook = (kind) => {
  if (exitIn === kind && handshakes >= stuckAfter) process.exit(9);
  if (stuckIn === kind && !stuck && handshakes >= stuckAfter) {
    stuck = true;
    parentPort.postMessage({ type: 'stuck', kind });
    for (;;) {
      // Never returns: only terminate() gets this thread out, from inside the callback.
    }
  }
};
const ctxs = contexts({ callbacks, spinUs, hook });
let protocol = null;
while (count === null || handshakes < count) {
  protocol = handshakeOnce(ctxs);
  handshakes++;
  if (handshakes === 1) parentPort.postMessage({ type: 'ready' });
}
parentPort.postMessage({ type: 'done', handshakes, protocol, counts: ctxs.counts });
