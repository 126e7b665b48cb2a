// The compose loader: files → environment → project name → per-file pipeline and merge → profiles,
// default network, dependencies, environments → the strict ComposeProject. Throws one InputError.
import { dirname, resolve } from 'node:path';
import { failOnIssues } from '../errors.js';
import type { ComposeProject, Issue, Service } from '../model.js';
import { checkDependencies, serviceDependencies } from './dependencies.js';
import { displayPath, type FileContext, report } from './file-context.js';
import { interpolateString, type Lookup } from './interpolate.js';
import { loadModel, type ModelEnv, parseComposeFile } from './load-model.js';
import { normaliseService } from './normalise-service.js';
import { activeProfiles, isEnabled } from './profiles.js';
import { envFileCandidates, layeredLookup, readEnvFiles } from './project-env.js';
import { findProjectFiles } from './project-files.js';
import { resolveProjectName } from './project-name.js';
import { fileSources, type Sources } from './read-sources.js';
import { checkReferences } from './references.js';
import { normaliseNetworks, normaliseSecretsOrConfigs, normaliseVolumes } from './resources.js';
import { resolveBuildArgs, resolveServiceEnvironment } from './service-environment.js';
import { isMapping, type Mapping } from './values.js';

export interface LoadOptions {
  /** As given by the user (-f); [] = COMPOSE_FILE, else Compose's default file lookup from cwd. */
  files: string[];
  cwd: string;
  /** The process environment (shell), highest precedence. */
  env: Record<string, string | undefined>;
  /** --env-file, replaces the project .env. */
  envFiles?: string[];
  /** --profile (adds to COMPOSE_PROFILES). */
  profiles?: string[];
  /** -p / --stack; an explicit name that breaks Compose's rule is an error. */
  projectName?: string;
}

/** Loads compose files exactly as Docker Compose v2 would; throws InputError listing every problem. */
export async function loadProject(options: LoadOptions): Promise<ComposeProject> {
  return loadProjectFrom(options, fileSources());
}

/** loadProject over any Sources (the filesystem in production, fixtures in tests). */
export function loadProjectFrom(options: LoadOptions, sources: Sources): ComposeProject {
  const issues: Issue[] = [];
  const cwd = resolve(options.cwd);
  const shell = options.env;

  // Without -f, the cwd's .env may name the files (COMPOSE_FILE); the project dir's .env then ranks below it.
  const early =
    options.files.length === 0
      ? readEnvFiles(envFileCandidates(options.envFiles, cwd, cwd), shell, sources, cwd, issues)
      : undefined;
  const files = findProjectFiles(options.files, cwd, layeredLookup(shell, early?.values ?? {}), sources, issues);
  failOnIssues(withoutFollowOns(issues));
  const projectDir = dirname(files[0]!);
  const late =
    early && (options.envFiles?.length || projectDir === cwd)
      ? undefined
      : readEnvFiles(envFileCandidates(options.envFiles, cwd, projectDir), shell, sources, cwd, issues);
  const envLookup = layeredLookup(shell, early?.values ?? {}, late?.values ?? {});
  const envFileDefining = (name: string) => {
    const file = early?.definedIn[name] ?? late?.definedIn[name];
    return file === undefined ? undefined : displayPath(file, cwd);
  };

  const parsed = new Map<string, unknown>();
  const reading = { sources, cwd, issues, parsed };
  const name = resolveProjectName(
    {
      option: options.projectName,
      environment: envLookup('COMPOSE_PROJECT_NAME'),
      environmentFile: shell.COMPOSE_PROJECT_NAME === undefined ? envFileDefining('COMPOSE_PROJECT_NAME') : undefined,
      ...declaredName(files, envLookup, (abs) => parseComposeFile(abs, reading)),
      projectDir,
    },
    issues,
  );
  // A compose file that cannot be read explains what follows (even an empty name for a project directory of `/`).
  failOnIssues(
    issues.filter(
      (i) => i.severity === 'error' && i.path === undefined && files.some((f) => displayPath(f, cwd) === i.file),
    ),
  );
  const lookup: Lookup = (variable) => (variable === 'COMPOSE_PROJECT_NAME' ? name : envLookup(variable));
  const env: ModelEnv = {
    ...reading,
    lookup,
    shell,
    ...(shell.HOME ? { home: shell.HOME } : {}),
    unset: new Set(),
    interpolated: new Map(),
    extended: new Map(),
    including: [],
    origins: new Map(),
  };
  const model = loadModel(files, projectDir, env);
  // Problems found from here on are about the merged model: each names the file that wrote the value.
  const ctx: FileContext = { file: displayPath(files[0]!, cwd), baseDir: projectDir, issues, origins: env.origins };

  // A service that is not a mapping was reported by the schema check; the stages below need mappings.
  const defined = Object.fromEntries(
    Object.entries(isMapping(model.services) ? model.services : {}).filter(([, s]) => isMapping(s)),
  ) as Record<string, Mapping>;
  const profiles = activeProfiles(options.profiles, lookup('COMPOSE_PROFILES'));
  const enabled = Object.keys(defined).filter((s) => isEnabled(stringList(defined[s]!.profiles), profiles));
  const withNetworks = addDefaultNetwork(model, enabled);

  const services: Record<string, Service> = {};
  const enabledSet = new Set(enabled);
  const definedSet = new Set(Object.keys(defined));
  for (const serviceName of enabled) {
    const raw = (withNetworks.services as Record<string, Mapping>)[serviceName]!;
    checkReferences(serviceName, raw, withNetworks, ctx);
    const dependsOn = checkDependencies(serviceName, serviceDependencies(raw), enabledSet, definedSet, ctx);
    const environment = resolveServiceEnvironment(serviceName, raw, lookup, sources, cwd, ctx);
    const buildArgs = resolveBuildArgs(raw, lookup);
    services[serviceName] = normaliseService(serviceName, raw, { environment, dependsOn, buildArgs }, ctx);
  }
  checkContainerNamesUnique(services, ctx);
  const reported = withoutFollowOns(issues);
  failOnIssues(reported);

  return {
    name,
    workingDir: projectDir,
    files,
    envFiles: [...(early?.files ?? []), ...(late?.files ?? [])],
    activeProfiles: profiles,
    services,
    disabledServices: Object.keys(defined)
      .filter((s) => !enabledSet.has(s))
      .sort(),
    networks: normaliseNetworks(withNetworks.networks, name, ctx),
    volumes: normaliseVolumes(model.volumes, name, ctx),
    secrets: normaliseSecretsOrConfigs(model.secrets, 'secrets', name, ctx),
    configs: normaliseSecretsOrConfigs(model.configs, 'configs', name, ctx),
    unsetVariables: [...env.unset].sort(),
    warnings: reported.filter((i) => i.severity === 'warning'),
    extensions: Object.fromEntries(Object.entries(model).filter(([k]) => k.startsWith('x-'))),
  };
}

/**
 * One line per problem. Stages check what earlier ones already reported (a value that failed its cast is
 * still not a number to the normaliser; a service whose `extends` failed still lacks an image), so an error
 * is dropped when an earlier error has the same file and path, or when an error inside it explains it
 * (`services.web` after `services.web.extends.file`). Duplicates (a service and the one extending it
 * reporting the same base value) are dropped too.
 */
function withoutFollowOns(issues: readonly Issue[]): Issue[] {
  const at = (issue: Issue, path = issue.path ?? '') => `${issue.file ?? ''}\0${path}`;
  const errors = issues.filter((i) => i.severity === 'error');
  const explained = new Set<string>();
  for (const error of errors) {
    for (const other of error.explains ?? []) explained.add(at(error, other));
    const path = error.path ?? '';
    for (let end = path.lastIndexOf('.'); end > 0; end = path.lastIndexOf('.', end - 1)) {
      explained.add(at(error, path.slice(0, end)));
    }
  }
  const seen = new Set<string>();
  return issues.filter((issue) => {
    // Without a path, two errors of one file (two bad lines of a .env) are distinct problems.
    const key = issue.severity === 'error' && issue.path ? at(issue) : `${at(issue)}\0${issue.message}`;
    if (seen.has(key) || (issue.severity === 'error' && issue.path && explained.has(key))) return false;
    seen.add(key);
    return true;
  });
}

/** The top-level `name:` of the last file declaring one, interpolated, and that file (Compose reads it before the full load). */
function declaredName(
  files: readonly string[],
  lookup: Lookup,
  parse: (abs: string) => unknown,
): { declared?: string; declaredIn?: string } {
  let found: { declared?: string; declaredIn?: string } = {};
  for (const file of files) {
    const doc = parse(file);
    if (!isMapping(doc) || typeof doc.name !== 'string') continue;
    try {
      found = { declared: interpolateString(doc.name, lookup).value, declaredIn: file };
    } catch {
      // The full load reports the bad template at `name`.
    }
  }
  return found;
}

/** Services without `networks` and `network_mode` join `default`, which then exists at the top level. */
function addDefaultNetwork(model: Mapping, enabled: readonly string[]): Mapping {
  const services = { ...(model.services as Record<string, Mapping>) };
  let used = false;
  for (const name of enabled) {
    const service = services[name]!;
    if (service.networks === undefined && service.network_mode === undefined) {
      services[name] = { ...service, networks: { default: {} } };
      used = true;
    } else if (isMapping(service.networks) && 'default' in service.networks) used = true;
  }
  const networks = isMapping(model.networks) ? { ...model.networks } : {};
  if (used && !networks.default) networks.default = {};
  return { ...model, services, networks };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Two enabled services may not claim the same container_name (compose-go's CheckContainerNameUnicity). */
function checkContainerNamesUnique(services: Record<string, Service>, ctx: FileContext): void {
  const owners = new Map<string, string>();
  for (const service of Object.values(services)) {
    if (service.containerName === undefined) continue;
    const owner = owners.get(service.containerName);
    if (owner === undefined) owners.set(service.containerName, service.name);
    else {
      report(
        ctx,
        `services.${service.name}.container_name`,
        `container name ${JSON.stringify(service.containerName)} is already used by service "${owner}"`,
      );
    }
  }
}
