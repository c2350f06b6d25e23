// Used only by `npm run test:asan` (scripts/test-asan.sh sets OPENSSL_NAPI_ASAN_LOG_DIR): records
// which test file each vitest worker ran, so that a worker whose LeakSanitizer tracer crashed
// can have just its files run again, instead of the whole suite.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll } from 'vitest';

const logDir = process.env.OPENSSL_NAPI_ASAN_LOG_DIR;
if (logDir) {
  beforeAll(({}, suite) => {
    const file = 'filepath' in suite ? suite.filepath : suite.file.filepath;
    appendFileSync(join(logDir, `files.${process.pid}`), `${file}\n`);
  });
}
