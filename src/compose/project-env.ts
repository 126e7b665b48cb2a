// The interpolation environment: shell env over --env-file (or the .env files Compose reads by default).
import { join, resolve } from 'node:path';
import type { Issue } from '../model.js';
import { parseDotenv } from './dotenv.js';
import { displayPath } from './file-context.js';
import type { Lookup } from './interpolate.js';
import type { Sources } from './read-sources.js';

/** Variables read from env files (later files win) and the files actually read, absolute. */
export interface EnvFileValues {
  values: Record<string, string>;
  files: string[];
  /** The file that set each variable (the last one, as later files win). */
  definedIn: Record<string, string>;
}

/** Reads env files in order; missing `required` files are issues, missing optional ones are skipped. */
export function readEnvFiles(
  paths: readonly { path: string; required: boolean }[],
  shell: Record<string, string | undefined>,
  sources: Sources,
  cwd: string,
  issues: Issue[],
): EnvFileValues {
  const values: Record<string, string> = {};
  const definedIn: Record<string, string> = {};
  const files: string[] = [];
  for (const { path, required } of paths) {
    const read = sources.read(path);
    if ('problem' in read) {
      // Like Compose (compose-go's WithEnvFiles), the default `.env` is skipped when missing or a directory;
      // any other reason it cannot be read is an error, as is any problem with an --env-file.
      const skipped = !required && (read.problem === 'not found' || read.problem === 'is a directory');
      if (!skipped) {
        const message =
          read.problem === 'not found'
            ? 'env file not found'
            : read.problem === 'is a directory'
              ? 'is a directory, not an env file'
              : read.problem;
        issues.push({ file: displayPath(path, cwd), message, severity: 'error' });
      }
      continue;
    }
    const parsed = parseDotenv(read.text, displayPath(path, cwd), (name) => shell[name] ?? values[name]);
    issues.push(...parsed.issues);
    for (const [k, v] of Object.entries(parsed.values)) {
      if (v === undefined) continue;
      values[k] = v;
      definedIn[k] = path;
    }
    files.push(path);
  }
  return { values, files, definedIn };
}

/** --env-file paths (resolved against the cwd, all required), else the optional `.env` of `dir`. */
export function envFileCandidates(
  given: readonly string[] | undefined,
  cwd: string,
  dir: string,
): { path: string; required: boolean }[] {
  if (given && given.length > 0) return given.map((p) => ({ path: resolve(cwd, p), required: true }));
  return [{ path: join(dir, '.env'), required: false }];
}

/** Shell variables win over env-file values; an empty shell value still counts as set. */
export function layeredLookup(shell: Record<string, string | undefined>, ...layers: Record<string, string>[]): Lookup {
  return (name) => {
    const fromShell = shell[name];
    if (fromShell !== undefined) return fromShell;
    for (const layer of layers) if (Object.hasOwn(layer, name)) return layer[name];
    return undefined;
  };
}
