// Test support: where the real-world compose corpus lives. The steering repo's shared/ folder sits beside
// the project's clone (in CI and in a session alike); REHEARSA_CORPUS overrides it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Absolute path of shared/corpus/real. */
export const CORPUS = process.env.REHEARSA_CORPUS ?? resolve(import.meta.dirname, '../../../shared/corpus/real');

// Said once, plainly, instead of one ENOENT per corpus test.
if (!existsSync(CORPUS)) {
  throw new Error(
    `the compose corpus is not at ${CORPUS}: the loader tests read shared/corpus/real beside the clone (as CI lays it out); set REHEARSA_CORPUS to its path`,
  );
}
