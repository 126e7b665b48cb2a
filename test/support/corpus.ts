// Test support: where the real-world compose corpus lives. The steering repo's shared/ folder sits beside
// the project's clone (in CI and in a session alike); REHEARSA_CORPUS overrides it.
import { resolve } from 'node:path';

/** Absolute path of shared/corpus/real. */
export const CORPUS = process.env.REHEARSA_CORPUS ?? resolve(import.meta.dirname, '../../../shared/corpus/real');
