// Which compose files make up the project: -f, else COMPOSE_FILE, else Compose's default names searched upwards.
import { dirname, join, resolve } from 'node:path';
import type { Issue } from '../model.js';
import type { Sources } from './read-sources.js';

/** File names Compose looks for, in order, when no file is given. */
const DEFAULT_COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'] as const;

/** Override file looked up next to each default file name (same index). */
const DEFAULT_OVERRIDE_FILES = [
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yml',
  'docker-compose.override.yaml',
] as const;

/** Absolute compose file paths in merge order, or an issue explaining why there are none. */
export function findProjectFiles(
  given: readonly string[],
  cwd: string,
  lookup: (name: string) => string | undefined,
  sources: Sources,
  issues: Issue[],
): string[] {
  const explicit = given.length > 0 ? given : splitComposeFile(lookup);
  if (explicit.length > 0) {
    const files = explicit.map((f) => resolve(cwd, f));
    files.forEach((abs, i) => {
      if (!sources.isFile(abs))
        issues.push({ file: explicit[i], message: 'compose file not found', severity: 'error' });
    });
    return files;
  }
  for (let dir = cwd; ; dir = dirname(dir)) {
    const main = DEFAULT_COMPOSE_FILES.map((n) => join(dir, n)).find((p) => sources.isFile(p));
    if (main) {
      const override = DEFAULT_OVERRIDE_FILES.map((n) => join(dir, n)).find((p) => sources.isFile(p));
      return override ? [main, override] : [main];
    }
    if (dirname(dir) === dir) break;
  }
  issues.push({
    message: `no configuration file provided: none of ${DEFAULT_COMPOSE_FILES.join(', ')} found in ${cwd} or its parents`,
    severity: 'error',
  });
  return [];
}

function splitComposeFile(lookup: (name: string) => string | undefined): string[] {
  const list = lookup('COMPOSE_FILE');
  if (!list) return [];
  const separator = lookup('COMPOSE_PATH_SEPARATOR') || ':';
  return list.split(separator).filter((f) => f !== '');
}
