// Top-level `include`: each entry is loaded as its own project (own directory, own .env), then its resources
// are imported; a resource the including file also defines differently is a conflict.
import { dirname } from 'node:path';
import { type FileContext, hostPath, report } from './file-context.js';
import { deepEqual, isMapping, type Mapping } from './values.js';

/** One `include` entry with every path absolute. */
export interface IncludeSpec {
  files: string[];
  /** The key naming each file and the path as written there, so that a file that cannot be read is reported there. */
  namedAt: { path: string; written: string }[];
  projectDir: string;
  /** Undefined: the included project's own `.env`, when present. */
  envFiles?: string[];
  /** The key naming the env files (`include.2.env_file`), where one that cannot be read is reported. */
  envFilesAt?: string;
}

/**
 * Parses `include` (string or `{path, project_directory, env_file}` entries), resolving paths against the file's
 * base. Shapes were checked against the schema, which reported anything else; such entries are skipped.
 */
export function includeSpecs(value: unknown, ctx: FileContext): IncludeSpec[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, i) => {
    const entry: Mapping = typeof item === 'string' ? { path: item } : isMapping(item) ? item : {};
    const namedAt =
      typeof item === 'string'
        ? [{ path: `include.${i}`, written: item }]
        : typeof entry.path === 'string'
          ? [{ path: `include.${i}.path`, written: entry.path }]
          : Array.isArray(entry.path) && entry.path.every((p) => typeof p === 'string')
            ? entry.path.map((p: string, j) => ({ path: `include.${i}.path.${j}`, written: p }))
            : [];
    if (namedAt.length === 0) {
      // An empty path list fits the schema but names nothing to include.
      if (Array.isArray(entry.path) && entry.path.length === 0) report(ctx, `include.${i}.path`, 'needs a path');
      return [];
    }
    const files = namedAt.map((n) => hostPath(ctx, n.written));
    const projectDir =
      typeof entry.project_directory === 'string' ? hostPath(ctx, entry.project_directory) : dirname(files[0]!);
    const envFiles = entry.env_file === undefined ? undefined : toList(entry.env_file).map((p) => hostPath(ctx, p));
    return [{ files, namedAt, projectDir, ...(envFiles ? { envFiles, envFilesAt: `include.${i}.env_file` } : {}) }];
  });
}

const IMPORTED_SECTIONS = ['services', 'networks', 'volumes', 'secrets', 'configs', 'models'] as const;

/** Adds the included projects' resources to the model; identical duplicates are allowed, different ones are issues. */
export function importResources(model: Mapping, included: readonly Mapping[], ctx: FileContext): Mapping {
  const out: Mapping = { ...model };
  for (const project of included) {
    for (const section of IMPORTED_SECTIONS) {
      const imported = project[section];
      if (!isMapping(imported)) continue;
      const target: Mapping = isMapping(out[section]) ? { ...(out[section] as Mapping) } : {};
      for (const [name, resource] of Object.entries(imported)) {
        if (Object.hasOwn(target, name) && !deepEqual(target[name], resource)) {
          report(ctx, `${section}.${name}`, 'conflicts with imported resource');
        } else target[name] = resource;
      }
      out[section] = target;
    }
  }
  return out;
}

function toList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
