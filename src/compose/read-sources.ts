// The only filesystem access of compose/: everything else receives a Sources and stays pure.
import { readFileSync, statSync } from 'node:fs';

/** Read access to compose files, env files and everything they reference. */
export interface Sources {
  /** Text of a file, or undefined when it does not exist or is not a readable file. */
  readText(path: string): string | undefined;
  /** True when a regular file exists at the path. */
  isFile(path: string): boolean;
}

/** Sources backed by the local filesystem (synchronous: a handful of small files per load). */
export function fileSources(): Sources {
  return {
    readText(path) {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    isFile(path) {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    },
  };
}
