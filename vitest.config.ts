import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Under the ASan run only: which file each worker ran (see scripts/test-asan.sh).
    setupFiles: process.env.OPENSSL_NAPI_ASAN_LOG_DIR ? ['test/setup/asan-files.ts'] : [],
    pool: 'forks',
    execArgv: ['--expose-gc'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
