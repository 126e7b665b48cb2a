import { readFile, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { parseYaml } from '../compose/yaml.js';
import type { Engine } from '../engine/engine.js';
import { failOnIssues } from '../errors.js';
import type { ComposeProject, Finding, Issue, Plan, RunResult, ServiceOutcome } from '../model.js';
import type { BindPlanOptions } from '../plan/build-plan.js';
import type { BackupAge } from '../policy/evaluate-policy.js';
import { applyVerification } from '../probe/apply-verification.js';
import { type Verification, verifySandbox } from '../probe/verify-sandbox.js';
import { inspectRestores, type ResolvedRestore } from '../restore/inspect-restores.js';
import { type RestoreDeps, restoreVolumes } from '../restore/restore-volumes.js';
import { checkRestoreTargets } from '../restore-config/check-restore-targets.js';
import { mergeRestoreConfig } from '../restore-config/merge-restore-config.js';
import { parseRestoreConfig, type RestoreConfigLayer } from '../restore-config/parse-restore-config.js';
import { parseRestoreFlag } from '../restore-config/parse-restore-flag.js';
import type { BindMode, RestoreConfig } from '../restore-config/restore-config.js';

/** The file beside the first compose file that declares restores and probes without touching the compose file. */
export const DECLARATION_FILE = 'rehearsa.yml';

/** The validated data declaration of a run, its sources checked and pinned. */
export interface DataChecks {
  config: RestoreConfig;
  resolved: ResolvedRestore[];
}

/** What the data stages produced during a run, folded into the result by foldDataResults. */
export interface DataResults {
  restores: RunResult['restores'] & {};
  verification: Verification;
  findings: Finding[];
}

/**
 * Reads and validates the declaration (compose `x-rehearsa`, then rehearsa.yml, then `--restore`/`--binds`)
 * against the stack, without an engine. Throws one InputError (exit 2) listing every problem.
 */
export async function readDataDeclaration(
  project: ComposeProject,
  flags: { restore?: string[]; binds?: BindMode },
  ctx: { cwd: string },
): Promise<RestoreConfig> {
  const first = project.files[0] ?? join(project.workingDir, 'compose.yaml');
  const issues: Issue[] = [];
  const layers: RestoreConfigLayer[] = [];
  const composeDecl = parseRestoreConfig(project.extensions['x-rehearsa'], {
    file: relative(ctx.cwd, first) || first,
    prefix: 'x-rehearsa',
    baseDir: dirname(first),
  });
  layers.push(composeDecl.layer);
  issues.push(...composeDecl.issues);
  const declPath = join(dirname(first), DECLARATION_FILE);
  const file = relative(ctx.cwd, declPath) || declPath;
  const text = await readDeclarationFile(declPath, file, issues);
  if (text !== undefined) {
    const parsed = parseYaml(text, file);
    issues.push(...parsed.issues);
    const decl = parseRestoreConfig(parsed.doc, { file, prefix: '', baseDir: dirname(declPath) });
    layers.push(decl.layer);
    issues.push(...decl.issues);
  }
  const cli: RestoreConfigLayer = { restores: [] };
  for (const flag of flags.restore ?? []) {
    const parsed = parseRestoreFlag(flag, ctx.cwd);
    if (parsed.spec && cli.restores!.some((r) => r.name === parsed.spec!.name)) {
      issues.push({ message: `--restore ${parsed.spec.name}: given more than once`, severity: 'error' });
    } else if (parsed.spec) cli.restores!.push(parsed.spec);
    if (parsed.issue) issues.push(parsed.issue);
  }
  if (flags.binds) cli.binds = flags.binds;
  layers.push(cli);
  // Entries that failed to parse are not in their layer, so checking targets now adds no follow-on problem.
  const config = mergeRestoreConfig(layers);
  failOnIssues([...issues, ...checkRestoreTargets(config, project)]);
  return config;
}

/** rehearsa.yml's text; undefined when there is none, an issue when one is there but cannot be read. */
async function readDeclarationFile(path: string, file: string, issues: Issue[]): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    const why =
      code === 'EISDIR' ? 'is a directory, not a file' : code === 'EACCES' ? 'permission denied' : String(error);
    issues.push({ file, message: `cannot be read: ${why}`, severity: 'error' });
    return undefined;
  }
}

/**
 * Opens every declared source far enough to trust it (archives, repositories and their passwords, live
 * volumes). Throws one InputError (exit 2) listing every problem, before anything is created on the engine.
 */
export async function prepareDataChecks(
  project: ComposeProject,
  config: RestoreConfig,
  ctx: { env: NodeJS.ProcessEnv },
  engine: Engine,
): Promise<DataChecks> {
  const inspected = await inspectRestores(config.restores, project, { engine, env: ctx.env });
  failOnIssues(inspected.issues);
  return { config, resolved: inspected.resolved };
}

/** The plan's bind handling: the declared mode, which existing bind sources are directories, which targets get restored. */
export async function bindPlanOptions(data: DataChecks, existingPaths: ReadonlySet<string>): Promise<BindPlanOptions> {
  const checks = await Promise.all(
    [...existingPaths].map(async (p) => ((await stat(p).catch(() => undefined))?.isDirectory() ? p : undefined)),
  );
  return {
    mode: data.config.binds,
    directories: new Set(checks.filter((p): p is string => p !== undefined)),
    restoredTargets: new Set(data.config.restores.map((r) => r.name).filter((n) => n.startsWith('/'))),
  };
}

/** Restores every scratch volume that has a source; call after the scope exists and before the boot. */
export async function restoreBeforeBoot(
  plan: Plan,
  data: DataChecks,
  deps: RestoreDeps,
  startedAtMs: number,
): Promise<Pick<DataResults, 'restores' | 'findings'>> {
  const { records, findings } = await restoreVolumes(
    plan,
    { restores: data.resolved, bindSizeCapBytes: data.config.bindSizeCapBytes, startedAtMs },
    deps,
  );
  return { restores: records, findings };
}

/** Probes, inspects mounts and checks edges; call after the boot settled and before the scope closes. */
export function verifyAfterBoot(
  plan: Plan,
  data: DataChecks,
  deps: Parameters<typeof verifySandbox>[2],
): Promise<Verification> {
  return verifySandbox(plan, data.config, deps);
}

/** Scores data failures into the outcomes and lists the snapshot ages the policy judges. */
export function foldDataResults(
  outcomes: ServiceOutcome[],
  plan: Plan,
  results: DataResults,
): {
  outcomes: ServiceOutcome[];
  findings: Finding[];
  backups: BackupAge[];
  fields: Pick<RunResult, 'restores' | 'probes' | 'mounts' | 'edges'>;
} {
  const { restores, verification } = results;
  return {
    outcomes: applyVerification(outcomes, plan, restores, verification.probes),
    findings: [...results.findings, ...verification.findings],
    backups: restores.filter((r) => r.ageMs !== undefined).map((r) => ({ source: r.source, ageMs: r.ageMs! })),
    fields: {
      ...(restores.length > 0 ? { restores } : {}),
      ...(verification.probes.length > 0 ? { probes: verification.probes } : {}),
      mounts: verification.mounts,
      edges: verification.edges,
    },
  };
}
