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
    // Missing or unreadable files are reported when they are read (load-model.ts), with the reason.
    if (explicit.includes('-')) {
      issues.push({ message: 'reading a compose file from standard input is not supported', severity: 'error' });
    }
    return explicit.map((f) => resolve(cwd, f));
  }
  // Compose stats the candidates, so a directory named compose.yaml is found, then fails to read.
  for (let dir = cwd; ; dir = dirname(dir)) {
    const main = DEFAULT_COMPOSE_FILES.map((n) => join(dir, n)).find((p) => sources.exists(p));
    if (main) {
      const override = DEFAULT_OVERRIDE_FILES.map((n) => join(dir, n)).find((p) => sources.exists(p));
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
