// The published declarations, as consumers see them (issue 20): a strict ESM project and a
// CommonJS `.cts` one (module node16), neither with "types": ["node"] configured, type-check
// test/types/*/consumer.* against dist/ through the package's own name and exports. The
// consumers assert that Buffer results are not `any`, that every Context callback gets the
// either-mode Connection type, that `new SSL.Connection(ctx, socketOrNull)` compiles, and that
// internal members (`_h`, `_engine`, ...) are not declared.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

describe('published declarations', () => {
  it('dist/ has them, with their CommonJS twins and no @internal member', () => {
    expect(fs.existsSync(path.join(root, 'dist', 'index.d.ts'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'dist', 'index.d.cts'))).toBe(true);
    expect(fs.readFileSync(path.join(root, 'dist', 'index.d.ts'), 'utf8')).toMatch(/^\/\/\/ <reference types="node"/);
    const context = fs.readFileSync(path.join(root, 'dist', 'ssl', 'context.d.ts'), 'utf8');
    expect(context).not.toMatch(/\b_h\b|\b_hook\b/);
  });

  for (const project of ['esm', 'cjs']) {
    it(`a strict ${project} consumer type-checks`, () => {
      const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'test', 'types', project, 'tsconfig.json')], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    }, 120_000);
  }
});
