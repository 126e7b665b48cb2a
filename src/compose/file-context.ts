import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Issue } from '../model.js';
import type { Origin } from './origins.js';

/** Where a compose fragment came from: issues are attributed to `file`, relative paths resolve against `baseDir`. */
export interface FileContext {
  /** The file as shown in issues (relative to the cwd when below it, else absolute). */
  file: string;
  /** Absolute directory that relative paths in this fragment resolve against. */
  baseDir: string;
  /** Home directory used for `~` in host paths. */
  home?: string;
  /** Collected problems; loading never stops at the first one. */
  issues: Issue[];
  /** For a merged model: where each dotted path was written (see origins.ts); issues name that file and path. */
  origins?: ReadonlyMap<string, Origin>;
}

/** The key that names another file (`include.0`, `services.web.extends.file`): problems reading it are reported there. */
export interface FileReference {
  ctx: FileContext;
  path: string;
  /** The file as written at that key. */
  written: string;
}

/** Records an error-severity issue at a dotted path, attributed to the file (and path there) the value came from. */
export function report(ctx: FileContext, path: string, message: string): void {
  ctx.issues.push({ ...originOf(ctx, path), message, severity: 'error' });
}

/** Records a warning at a dotted path, attributed to the file (and path there) the value came from. */
export function warn(ctx: FileContext, path: string, message: string): void {
  ctx.issues.push({ ...originOf(ctx, path), message, severity: 'warning' });
}

/**
 * The origin of the longest recorded prefix of `path` (`services.db.healthcheck.interval`, then
 * `services.db.healthcheck`…), with the rest of the path appended to the path written in that file.
 */
function originOf(ctx: FileContext, path: string): { file: string; path: string } {
  if (!ctx.origins) return { file: ctx.file, path };
  for (let prefix = path; prefix !== ''; prefix = prefix.slice(0, Math.max(0, prefix.lastIndexOf('.')))) {
    const origin = ctx.origins.get(prefix);
    if (origin !== undefined) return { file: origin.file, path: origin.path + path.slice(prefix.length) };
  }
  return { file: ctx.file, path };
}

/** Absolute host path: `~` expands to the home directory, relative paths resolve against the fragment's base. */
export function hostPath(ctx: FileContext, path: string): string {
  if (path === '~' || path.startsWith('~/')) return join(ctx.home ?? '~', path.slice(1));
  return isAbsolute(path) ? resolve(path) : resolve(ctx.baseDir, path);
}

/** A path as issues show it: relative to the cwd when below it (and the cwd is not `/`), else absolute. */
export function displayPath(abs: string, cwd: string): string {
  // Relative to `/`, a path would only lose its leading slash.
  if (dirname(cwd) === cwd) return abs;
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}
