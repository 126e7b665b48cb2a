// Per-file pipeline (read → parse → interpolate → check against the schema → canonicalise → include → extends) and the -f merge.
import { dirname } from 'node:path';
import type { Issue } from '../model.js';
import { canonicalService } from './canonical.js';
import { checkSchema } from './check-schema.js';
import { resolveExtends, type ServiceFile } from './extends.js';
import { displayPath, type FileContext, type FileReference, hostPath, report } from './file-context.js';
import { type IncludeSpec, importResources, includeSpecs } from './include.js';
import { interpolateTree, type Lookup } from './interpolate.js';
import { mergeTrees } from './merge.js';
import { type Origin, recordOrigins } from './origins.js';
import { envFileCandidates, layeredLookup, readEnvFiles } from './project-env.js';
import type { Sources } from './read-sources.js';
import { withinTag } from './tags.js';
import { isMapping, type Mapping } from './values.js';
import { parseYaml } from './yaml.js';

/** Everything one load shares: sources, the interpolation environment and the collected problems. */
export interface ModelEnv {
  sources: Sources;
  lookup: Lookup;
  /** Shell variables, needed again for the env files of included projects. */
  shell: Record<string, string | undefined>;
  cwd: string;
  home?: string;
  issues: Issue[];
  unset: Set<string>;
  /** Parsed (not yet interpolated) files by absolute path; parsing does not depend on the environment. */
  parsed: Map<string, unknown>;
  /** Interpolated files for this environment, so a file extended many times is read once. */
  interpolated: Map<string, Mapping | undefined>;
  /** Files reached through `extends.file`, canonicalised once (their issues are reported once). */
  extended: Map<string, ServiceFile | undefined>;
  /** Files being included, outermost first, to stop include cycles. */
  including: readonly string[];
  /** Where each dotted path of the merged model was written (origins.ts). */
  origins: Map<string, Origin>;
}

/** Loads and merges the files of one project (all relative paths against `projectDir`); tags are gone afterwards. */
export function loadModel(files: readonly string[], projectDir: string, env: ModelEnv): Mapping {
  let merged: unknown;
  for (const file of files) merged = mergeTrees(merged, loadFileModel(file, projectDir, env));
  return isMapping(merged) ? merged : {};
}

/**
 * Compose files are written by hand: the largest real stacks are tens of KB and a generated 1,000-service file
 * is under 1 MB. Refusing bigger input up front keeps a wrong `-f` (a dump, a log) from costing seconds and
 * hundreds of MB before failing anyway.
 */
const MAX_COMPOSE_CHARS = 4 * 2 ** 20;

/**
 * Parses a file without interpolating it (cached; parse issues are reported once). A file that cannot be read
 * is reported at the key that names it (`via`) when there is one, since that is what the user has to fix.
 */
export function parseComposeFile(
  abs: string,
  env: Pick<ModelEnv, 'sources' | 'cwd' | 'issues' | 'parsed'>,
  via?: FileReference,
): unknown {
  if (env.parsed.has(abs)) return env.parsed.get(abs);
  const display = displayPath(abs, env.cwd);
  const read = env.sources.read(abs);
  let doc: unknown;
  if ('problem' in read) {
    const why = read.problem === 'is a directory' ? 'is a directory, not a compose file' : read.problem;
    if (via) report(via.ctx, via.path, `${via.written} ${why}`);
    else {
      const message = read.problem === 'not found' ? 'compose file not found' : why;
      env.issues.push({ file: display, message, severity: 'error' });
    }
  } else if (read.text.length > MAX_COMPOSE_CHARS) {
    const size = `${(read.text.length / 2 ** 20).toFixed(1)} MB`;
    env.issues.push({
      file: display,
      message: `${size} is too large for a compose file (the limit is ${MAX_COMPOSE_CHARS / 2 ** 20} MB); is this the right file?`,
      severity: 'error',
    });
  } else {
    const parsed = parseYaml(read.text, display);
    env.issues.push(...parsed.issues);
    doc = parsed.doc;
    if (parsed.issues.length === 0 && (doc === null || doc === undefined)) {
      env.issues.push({ file: display, message: 'empty compose file', severity: 'error' });
    } else if (doc !== null && doc !== undefined && !isMapping(doc)) {
      const message = 'does not look like a compose file (the top level is not a mapping)';
      env.issues.push({ file: display, message, severity: 'error' });
      doc = undefined;
    }
  }
  env.parsed.set(abs, doc);
  return doc;
}

function readComposeFile(abs: string, env: ModelEnv, via?: FileReference): Mapping | undefined {
  if (env.interpolated.has(abs)) return env.interpolated.get(abs);
  const doc = parseComposeFile(abs, env, via);
  let out: Mapping | undefined;
  if (isMapping(doc)) {
    const result = interpolateTree(doc, env.lookup, displayPath(abs, env.cwd));
    env.issues.push(...result.issues);
    for (const name of result.unset) env.unset.add(name);
    out = isMapping(result.value) ? result.value : undefined;
  }
  env.interpolated.set(abs, out);
  return out;
}

function contextFor(abs: string, baseDir: string, env: ModelEnv): FileContext {
  return { file: displayPath(abs, env.cwd), baseDir, ...(env.home ? { home: env.home } : {}), issues: env.issues };
}

function loadFileModel(abs: string, baseDir: string, env: ModelEnv): Mapping {
  const doc = readComposeFile(abs, env);
  if (!doc) return {};
  const ctx = contextFor(abs, baseDir, env);
  checkSchema(doc, ctx);
  let model = canonicalModel(doc, ctx);
  recordOrigins(model, ctx.file, env.origins);
  if (model.include !== undefined) {
    const included = includeSpecs(model.include, ctx).map((spec) => {
      const cycle = spec.files.find((f) => f === abs || env.including.includes(f));
      if (cycle) {
        report(ctx, 'include', `include cycle through ${displayPath(cycle, env.cwd)}`);
        return {};
      }
      // Parsed first with the key naming each file, so that one that cannot be read is reported at that key.
      for (const [i, file] of spec.files.entries()) parseComposeFile(file, env, { ctx, ...spec.namedAt[i]! });
      return loadIncluded(spec, [...env.including, abs], env, ctx);
    });
    delete model.include;
    model = importResources(model, included, ctx);
  }
  if (isMapping(model.services)) {
    const own: ServiceFile = { services: model.services, ctx };
    model.services = resolveExtends(abs, own, (other, via) => extendedFile(other, via, env), env.origins);
  }
  return model;
}

/** A file reached through `extends.file`: its relative paths resolve against its own directory. */
function extendedFile(abs: string, via: FileReference, env: ModelEnv): ServiceFile | undefined {
  if (env.extended.has(abs)) return env.extended.get(abs);
  const doc = readComposeFile(abs, env, via);
  let file: ServiceFile | undefined;
  if (doc) {
    const ctx = contextFor(abs, dirname(abs), env);
    checkSchema(doc, ctx);
    const services = canonicalModel(doc, ctx).services;
    file = { services: isMapping(services) ? services : {}, ctx };
  }
  env.extended.set(abs, file);
  return file;
}

function loadIncluded(spec: IncludeSpec, including: string[], env: ModelEnv, ctx: FileContext): Mapping {
  const { files, projectDir, envFiles } = spec;
  const candidates = envFiles
    ? envFiles.map((path) => ({ path, required: true }))
    : envFileCandidates(undefined, env.cwd, projectDir);
  const envIssues: Issue[] = [];
  const own = readEnvFiles(candidates, env.shell, env.sources, env.cwd, envIssues);
  for (const issue of envIssues) {
    // An env file the include names but that cannot be read is reported at the key naming it.
    const named = spec.envFilesAt !== undefined && issue.path === undefined && !/^line \d+/.test(issue.message);
    if (named) report(ctx, spec.envFilesAt!, `${issue.file}: ${issue.message}`);
    else env.issues.push(issue);
  }
  const parent = env.lookup;
  const child: ModelEnv = {
    ...env,
    // The including project's environment wins over the included project's own .env.
    lookup: (name) => parent(name) ?? layeredLookup({}, own.values)(name),
    interpolated: new Map(),
    extended: new Map(),
    including,
  };
  const model = loadModel(files, projectDir, child);
  delete model.name;
  return model;
}

const PATH_KEYS_OF_RESOURCES: Record<string, readonly string[]> = {
  secrets: ['file'],
  configs: ['file'],
};

/** Canonical services and absolute resource paths; everything else is kept for the project-wide stages. */
function canonicalModel(doc: Mapping, ctx: FileContext): Mapping {
  const out: Mapping = { ...doc };
  if (isMapping(doc.services)) {
    const services: Mapping = {};
    for (const [name, service] of Object.entries(doc.services)) {
      services[name] = withinTag(service, (inner) =>
        isMapping(inner) ? canonicalService(inner, `services.${name}`, ctx) : inner,
      );
    }
    out.services = services;
  }
  for (const [section, keys] of Object.entries(PATH_KEYS_OF_RESOURCES)) {
    if (!isMapping(doc[section])) continue;
    const resources: Mapping = {};
    for (const [name, resource] of Object.entries(doc[section] as Mapping)) {
      resources[name] = withinTag(resource, (inner) => {
        if (!isMapping(inner)) return inner;
        const copy: Mapping = { ...inner };
        for (const key of keys) if (typeof copy[key] === 'string') copy[key] = hostPath(ctx, copy[key] as string);
        return copy;
      });
    }
    out[section] = resources;
  }
  return out;
}
