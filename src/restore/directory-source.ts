import { commandStream } from './run-command.js';
import type { TarSource } from './tar-source.js';

/**
 * The contents of a host directory (a bind path, or a restored snapshot) as a tar from the host's `tar`,
 * with numeric owners and modes as they are on disk; the directory is only read.
 */
export function directorySource(dir: string, label = `directory ${dir}`): TarSource {
  return {
    label,
    async open(signal) {
      const stream = commandStream('tar', ['--numeric-owner', '-C', dir, '-cf', '-', '.'], { signal });
      return { stream, rooted: false, close: async () => {} };
    },
  };
}
