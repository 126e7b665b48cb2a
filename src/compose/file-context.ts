import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Issue } from '../model.js';

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
  /** For a merged model: the file each dotted path came from (see origins.ts); issues name that file. */
  origins?: ReadonlyMap<string, string>;
}

/** Records an error-severity issue at a dotted path, attributed to the file the path came from. */
export function report(ctx: FileContext, path: string, message: string): void {
  ctx.issues.push({ file: fileOf(ctx, path), path, message, severity: 'error' });
}

/** Records a warning at a dotted path, attributed to the file the path came from. */
export function warn(ctx: FileContext, path: string, message: string): void {
  ctx.issues.push({ file: fileOf(ctx, path), path, message, severity: 'warning' });
}

/** The file of the longest recorded prefix of `path` (`services.db.healthcheck.interval`, then `services.db.healthcheck`…). */
function fileOf(ctx: FileContext, path: string): string {
  if (!ctx.origins) return ctx.file;
  for (let prefix = path; prefix !== ''; prefix = prefix.slice(0, Math.max(0, prefix.lastIndexOf('.')))) {
    const file = ctx.origins.get(prefix);
    if (file !== undefined) return file;
  }
  return ctx.file;
}

/** Absolute host path: `~` expands to the home directory, relative paths resolve against the fragment's base. */
export function hostPath(ctx: FileContext, path: string): string {
  if (path === '~' || path.startsWith('~/')) return join(ctx.home ?? '~', path.slice(1));
  return isAbsolute(path) ? resolve(path) : resolve(ctx.baseDir, path);
}

/** A path as issues show it: relative to the cwd when below it, else absolute. */
export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}
