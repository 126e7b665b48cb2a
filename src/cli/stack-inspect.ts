import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDotenv } from '../compose/dotenv.js';
import { displayPath as displayComposePath } from '../compose/file-context.js';
import { checkImageReferences } from '../compose/image-reference.js';
import { loadProject } from '../compose/load-project.js';
import type { Engine } from '../engine/engine.js';
import { EngineError, failOnIssues, InputError } from '../errors.js';
import { validateStackName } from '../history/stack-name.js';
import type { ComposeProject } from '../model.js';
import { buildPlan, type PullPolicy } from '../plan/build-plan.js';
import { checkDependencies } from '../plan/dependency-graph.js';
import { runPreflight } from '../preflight/run-preflight.js';
import { collectSecrets, maskableValues } from '../redact/collect-secrets.js';
import { readSecretInputs } from '../redact/read-secret-inputs.js';
import { redactPlan, redactText } from '../redact/redact.js';
import { renderConfig } from '../render/render-config.js';
import { renderPlan } from '../render/render-plan.js';
import type { BindMode } from '../restore-config/restore-config.js';
import type { CommandContext } from './context.js';
import { bindPlanOptions, prepareDataChecks, readDataDeclaration } from './data-checks.js';
import { gatherHostFacts, resolveSocketLinks } from './host-facts.js';

/** Options every stack command shares: which files, env files, profiles and stack name. */
export interface ProjectOptions {
  files: string[];
  envFiles: string[];
  profiles: string[];
  stack?: string;
}

/** Loads the project as Compose would and rejects an invalid dependency graph; touches nothing but files. */
export async function loadStack(
  options: ProjectOptions,
  ctx: CommandContext,
): Promise<{ project: ComposeProject; stack: string }> {
  const project = await loadProject({
    files: options.files,
    cwd: ctx.cwd,
    env: ctx.env,
    envFiles: options.envFiles,
    profiles: options.profiles,
  }).catch((error: unknown) => {
    throw error instanceof InputError ? maskEnvFileValues(error, options, ctx) : error;
  });
  const file = displayPath(project.files[0], ctx.cwd);
  failOnIssues([...checkDependencies(project.services, file), ...checkImageReferences(project, file)]);
  const stack = options.stack ?? project.name;
  const problem = validateStackName(stack);
  if (problem) {
    // Name the source the user can fix: the flag when given, else the project name Compose derived.
    throw new InputError(
      options.stack !== undefined
        ? `--stack: ${problem}`
        : [{ file, path: 'name', message: `${problem} (give a shorter one with --stack)`, severity: 'error' }],
    );
  }
  return { project, stack };
}

/**
 * The same input error with the values of the env files masked: a value interpolated into the wrong field
 * (a password into `cpus:`) is quoted by the validation message, and an env file is where secrets live.
 */
function maskEnvFileValues(error: InputError, options: ProjectOptions, ctx: CommandContext): InputError {
  const first = options.files[0] === undefined ? undefined : resolve(ctx.cwd, options.files[0]);
  const files = options.envFiles.length > 0 ? options.envFiles : [join(first ? dirname(first) : ctx.cwd, '.env')];
  const values = files.flatMap((f) => {
    const text = readTextIfAny(resolve(ctx.cwd, f));
    if (text === undefined) return [];
    // Compose's own settings are shown, as everywhere else: an invalid COMPOSE_PROJECT_NAME must be readable.
    const entries = Object.entries(parseDotenv(text, f, () => undefined).values);
    return entries.filter(([key]) => !key.startsWith('COMPOSE_')).map(([, value]) => value);
  });
  const secrets = maskableValues(values);
  if (secrets.length === 0) return error;
  return new InputError(error.issues.map((i) => ({ ...i, message: redactText(i.message, secrets) })));
}

function readTextIfAny(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** `rehearsa stack config`: prints the resolved, normalised project (YAML, or JSON with --json). */
export async function stackConfig(options: ProjectOptions & { json: boolean }, ctx: CommandContext): Promise<void> {
  const { project } = await loadStack(options, ctx);
  ctx.out.write(renderConfig(project, options.json ? 'json' : 'yaml'));
  for (const w of project.warnings)
    ctx.err.write(`warning: ${[w.file, w.path].filter(Boolean).join(' › ')}: ${w.message}\n`);
}

/** `rehearsa stack plan`: prints the sandbox plan and preflight findings; makes only read-only engine calls. */
export async function stackPlan(
  options: ProjectOptions & {
    json: boolean;
    pull: PullPolicy;
    allowEgress: boolean;
    restore?: string[];
    binds?: BindMode;
  },
  ctx: CommandContext,
  signal: AbortSignal,
): Promise<void> {
  const loaded = await loadStack(options, ctx);
  const project = resolveSocketLinks(loaded.project);
  const { stack } = loaded;
  const engine = await reachableEngine(ctx, signal);
  if (!engine) ctx.err.write('note: no Docker engine answered; networks, volumes and images were not checked\n');
  const facts = await gatherHostFacts(project, engine);
  // The same data declaration a run would use, so the plan shows binds and restores as `stack test` does them.
  const config = await readDataDeclaration(project, options, ctx);
  const data = engine ? await prepareDataChecks(project, config, ctx, engine) : { config, resolved: [] };
  const findings = runPreflight(project, facts);
  // The plan carries each container's environment; a plan is shown, so secrets are masked as in a run report.
  const secrets = collectSecrets(project, readSecretInputs(project, ctx.env));
  const plan = redactPlan(
    buildPlan(project, {
      runId: 'plan',
      stack,
      owner: 'plan',
      pull: options.pull,
      existingPaths: facts.existingPaths,
      allowEgress: options.allowEgress,
      binds: await bindPlanOptions(data, facts.existingPaths),
    }),
    secrets,
  );
  ctx.out.write(
    options.json
      ? `${JSON.stringify({ plan, findings, restores: data.config.restores }, null, 2)}\n`
      : renderPlan(plan, findings, ctx.palette, data.config.restores),
  );
}

/** A path as the user would have typed it: relative to the working directory when inside it. */
export function displayPath(path: string | undefined, cwd: string): string | undefined {
  return path ? displayComposePath(path, cwd) : undefined;
}

async function reachableEngine(ctx: CommandContext, signal: AbortSignal): Promise<Engine | undefined> {
  try {
    const engine = ctx.engine();
    await engine.ping(signal);
    return engine;
  } catch (error) {
    if (error instanceof EngineError) return undefined;
    throw error;
  }
}
