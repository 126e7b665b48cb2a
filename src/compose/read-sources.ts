// The only filesystem access of compose/: everything else receives a Sources and stays pure.
import { readFileSync, statSync } from 'node:fs';

/** Why a path could not be read, worded to follow the path in an issue (`./x.yaml not found`). */
export type ReadProblem = 'not found' | 'permission denied' | 'is a directory' | 'cannot be read';

/** Read access to compose files, env files and everything they reference. */
export interface Sources {
  /** Text of a file, or why it cannot be read. */
  read(path: string): { text: string } | { problem: ReadProblem };
  /** True when anything exists at the path (Compose's default file lookup stats, so a directory counts). */
  exists(path: string): boolean;
}

/** Sources backed by the local filesystem (synchronous: a handful of small files per load). */
export function fileSources(): Sources {
  return {
    read(path) {
      try {
        return { text: readFileSync(path, 'utf8') };
      } catch (error) {
        return { problem: problemOf((error as NodeJS.ErrnoException).code) };
      }
    },
    exists(path) {
      try {
        statSync(path);
        return true;
      } catch {
        return false;
      }
    },
  };
}

function problemOf(code: string | undefined): ReadProblem {
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return 'cannot be read';
}
