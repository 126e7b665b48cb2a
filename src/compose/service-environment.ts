// A service's container environment: env_file values first, `environment` on top (it wins even when empty);
// and its build args, whose bare keys take their value from the interpolation environment.
import { parseDotenv, parseRawEnvFile } from './dotenv.js';
import { displayPath, type FileContext, report } from './file-context.js';
import type { Lookup } from './interpolate.js';
import type { Sources } from './read-sources.js';
import { isMapping, type Mapping, scalarText } from './values.js';

/** Resolved environment; a bare key takes its value from the interpolation environment, or stays null when unset. */
export function resolveServiceEnvironment(
  name: string,
  service: Mapping,
  lookup: Lookup,
  sources: Sources,
  cwd: string,
  ctx: FileContext,
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const files = Array.isArray(service.env_file) ? service.env_file : [];
  files.forEach((entry, i) => {
    if (!isMapping(entry) || typeof entry.path !== 'string') return;
    const shown = displayPath(entry.path, cwd);
    const read = sources.read(entry.path);
    if ('problem' in read) {
      if (entry.required !== false) report(ctx, `services.${name}.env_file.${i}`, `env file ${shown} ${read.problem}`);
      return;
    }
    const text = read.text;
    if (scalarText(entry.format) === 'raw') Object.assign(out, parseRawEnvFile(text, lookup));
    else {
      const parsed = parseDotenv(text, shown, lookup);
      ctx.issues.push(...parsed.issues);
      Object.assign(out, parsed.values);
    }
  });
  const declared = isMapping(service.environment) ? service.environment : {};
  for (const [key, value] of Object.entries(declared)) {
    out[key] = typeof value === 'string' ? value : (lookup(key) ?? null);
  }
  return out;
}

/** Build args with bare keys resolved from the interpolation environment; a bare key that is unset is left out. */
export function resolveBuildArgs(service: Mapping, lookup: Lookup): Record<string, string> {
  const build = isMapping(service.build) ? service.build : {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(isMapping(build.args) ? build.args : {})) {
    const resolved = typeof value === 'string' ? value : lookup(key);
    if (resolved !== undefined) out[key] = resolved;
  }
  return out;
}
