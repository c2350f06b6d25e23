// A CommonJS consumer (module node16): require() of the ESM package (Node >= 20.19).
import openssl = require('openssl-napi');

const ctx: openssl.SSL.Context = new openssl.SSL.Context(openssl.SSL.TLS_METHOD);
const conn: openssl.SSL.MemoryConnection = new openssl.SSL.Connection(ctx);
const out: Buffer = conn.bioRead(100);
void out;
