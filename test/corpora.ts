// The one path helper for external test data in ../shared/corpora (override: OPENSSL_NAPI_CORPORA).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Root of the corpora, or null when absent. */
export function corporaRoot(): string | null {
  if (process.env.OPENSSL_NAPI_CORPORA) return fs.existsSync(process.env.OPENSSL_NAPI_CORPORA) ? process.env.OPENSSL_NAPI_CORPORA : null;
  // ../shared from a checkout next to shared/, ../../shared from a worktree under wt/.
  for (const up of [['..', '..'], ['..', '..', '..']]) {
    const root = path.resolve(here, ...up, 'shared', 'corpora');
    if (fs.existsSync(root)) return root;
  }
  return null;
}

/** Path of a corpus (e.g. `wycheproof/testvectors_v1`), or null when absent. */
export function corpus(rel: string): string | null {
  const root = corporaRoot();
  if (root === null) return null;
  const p = path.join(root, rel);
  return fs.existsSync(p) ? p : null;
}

/** Why a corpus suite is skipped, for describe.skipIf titles. */
export function missingReason(rel: string): string {
  return `corpus ${rel} not found (set OPENSSL_NAPI_CORPORA or place ../shared/corpora)`;
}
