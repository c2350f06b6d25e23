// Worker: in-memory TLS handshakes in a loop (optionally with callbacks, optionally getting stuck
// inside one so that terminate() lands while native code is calling into JS).
// workerData: { callbacks: string[], spinUs, count (null = forever), stuckIn: kind|null ('verify',
//   'info', 'msg', or 'msg-cert': the client's msg callback as it reads the server's Certificate,
//   so the same native call then goes on to verify the certificate),
//   exitIn: kind|null (process.exit(9) from inside that callback), stuckAfter (handshakes first),
//   groups (key exchange groups), armNative: post 'armed' right before the client's second
//   doHandshake() (which reads the server's flight, derives the keys and then verifies the
//   certificate) so that terminate() lands while that call is in native code }
import { parentPort, workerData } from 'node:worker_threads';
import { contexts, handshakeOnce } from './common.mjs';

const { callbacks = [], spinUs = 0, count = null, stuckIn = null, exitIn = null, stuckAfter = 1, groups = null, armNative = false } = workerData ?? {};
let handshakes = 0;
let stuck = false;
const matches = (want, kind, args) => {
  if (want === 'msg-cert') return kind === 'msg' && args[1] === 'read' && args[3] === 22 && args[4]?.[0] === 11;
  return want === kind;
};
const hook = (kind, ...args) => {
  if (exitIn && matches(exitIn, kind, args) && handshakes >= stuckAfter) process.exit(9);
  if (stuckIn && matches(stuckIn, kind, args) && !stuck && handshakes >= stuckAfter) {
    stuck = true;
    parentPort.postMessage({ type: 'stuck', kind });
    for (;;) {
      // Never returns: only terminate() gets this thread out, from inside the callback.
    }
  }
};
const ctxs = contexts({ callbacks, spinUs, hook, groups });
const beforeClientStep = armNative
  ? (i) => {
      if (i === 1 && handshakes >= stuckAfter) parentPort.postMessage({ type: 'armed' });
    }
  : null;
let protocol = null;
while (count === null || handshakes < count) {
  protocol = handshakeOnce(ctxs, beforeClientStep);
  handshakes++;
  if (handshakes === 1) parentPort.postMessage({ type: 'ready' });
}
parentPort.postMessage({ type: 'done', handshakes, protocol, counts: ctxs.counts });
