import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { loadProject } from '../compose/load-project.js';
import type { Engine } from '../engine/engine.js';
import { ExitCode, InputError } from '../errors.js';
import { validateStackName } from '../history/stack-name.js';
import type { ComposeProject, Finding, Plan, RunResult, ServiceOutcome } from '../model.js';
import { buildPlan, type PullPolicy } from '../plan/build-plan.js';
import { checkDependencies } from '../plan/dependency-graph.js';
import { evaluatePolicy } from '../policy/evaluate-policy.js';
import { factsToGather, type HostFacts, runPreflight } from '../preflight/run-preflight.js';
import { renderFindings } from '../render/render-findings.js';
import { renderRunJson } from '../render/render-json.js';
import { renderRun } from '../render/render-run.js';
import { createProgress } from '../render/progress.js';
import { bootServices } from '../run/boot-services.js';
import { currentOwner } from '../run/owner.js';
import { RunScope } from '../run/run-scope.js';
import { sweepDeadRuns } from '../run/sweep-dead-runs.js';
import { summariseRun } from '../score/summarise-run.js';
import type { CommandContext } from './context.js';

export interface StackTestOptions {
  files: string[];
  timeoutSeconds: number;
  settleSeconds: number;
  pull: PullPolicy;
  stack?: string;
  envFiles: string[];
  profiles: string[];
  json: boolean;
  allowEgress: boolean;
}

/** `rehearsa stack test`: load → preflight → plan → boot → score → record → judge → report; returns the exit code. */
export async function stackTest(options: StackTestOptions, ctx: CommandContext, signal: AbortSignal): Promise<ExitCode> {
  const startedAtMs = ctx.now();
  const project = await loadProject({
    files: options.files,
    cwd: ctx.cwd,
    env: ctx.env,
    envFiles: options.envFiles,
    profiles: options.profiles,
  });
  const stack = stackNameFor(project, options.stack);
  rejectInvalidGraph(project);
  const history = ctx.history();
  const engine = ctx.engine();
  await engine.ping(signal);
  await sweepDeadRuns(engine);

  const facts = await gatherHostFacts(project, engine);
  const findings = runPreflight(project, facts);
  if (!options.json && findings.length > 0) ctx.out.write(`${renderFindings(findings, ctx.palette)}\n`);

  const plan = buildPlan(project, {
    runId: randomBytes(4).toString('hex'),
    stack,
    owner: currentOwner(),
    pull: options.pull,
    existingPaths: facts.existingPaths,
    allowEgress: options.allowEgress,
  });
  const outcomes = await rehearse(plan, engine, ctx, signal, {
    startedAtMs,
    deadlineMs: startedAtMs + options.timeoutSeconds * 1000,
    settleMs: options.settleSeconds * 1000,
  });

  const result = judge(plan, project, findings, outcomes, { startedAtMs, finishedAtMs: ctx.now() }, history);
  history.recordRun(result);
  ctx.out.write(options.json ? renderRunJson(result) : `${renderRun(result, ctx.palette)}\n`);
  return result.exitCode as ExitCode;
}

/** Boots the plan inside a cleanup scope that always tears down, whatever happens. */
async function rehearse(
  plan: Plan,
  engine: Engine,
  ctx: CommandContext,
  signal: AbortSignal,
  timing: { startedAtMs: number; deadlineMs: number; settleMs: number },
): Promise<ServiceOutcome[]> {
  const scope = new RunScope(engine, plan.runId);
  const progress = createProgress(ctx.err, ctx.errPalette);
  try {
    return await bootServices(
      plan,
      { engine, scope, signal, now: ctx.now, onPhase: (service, phase, detail) => progress.update(service, phase, detail) },
      { ...timing, logTailLines: 20 },
    );
  } finally {
    for (const c of plan.containers) progress.update(c.service, 'Removing');
    const problems = await scope.close();
    progress.done();
    for (const p of problems) ctx.err.write(`cleanup: ${p}\n`);
  }
}

function judge(
  plan: Plan,
  project: ComposeProject,
  findings: Finding[],
  services: ServiceOutcome[],
  time: { startedAtMs: number; finishedAtMs: number },
  history: ReturnType<CommandContext['history']>,
): RunResult {
  const durationMs = time.finishedAtMs - time.startedAtMs;
  const summary = summariseRun({
    scores: services.map((s) => s.score),
    durationMs,
    previous: history.previousRuns(plan.stack, 5),
  });
  const verdict = evaluatePolicy(history.getPolicy(plan.stack), summary);
  return {
    schemaVersion: 1,
    runId: plan.runId,
    stack: plan.stack,
    startedAt: new Date(time.startedAtMs).toISOString(),
    finishedAt: new Date(time.finishedAtMs).toISOString(),
    files: project.files,
    interrupted: false,
    findings,
    services: [...services].sort((a, b) => a.service.localeCompare(b.service)),
    summary,
    verdict,
    exitCode: verdict.passed ? ExitCode.Passed : ExitCode.PolicyFailed,
  };
}

function stackNameFor(project: ComposeProject, explicit: string | undefined): string {
  const stack = explicit ?? project.name;
  const problem = validateStackName(stack);
  if (problem) throw new InputError(`--stack: ${problem}`);
  return stack;
}

function rejectInvalidGraph(project: ComposeProject): void {
  const issues = checkDependencies(project.services, project.files[0]);
  if (issues.length > 0) throw new InputError(issues);
}

async function gatherHostFacts(project: ComposeProject, engine: Engine): Promise<HostFacts> {
  const wanted = factsToGather(project);
  const [networks, volumes, images] = await Promise.all([
    filterAsync(wanted.networks, (n) => engine.networkExists(n)),
    filterAsync(wanted.volumes, (v) => engine.volumeExists(v)),
    filterAsync(wanted.images, (i) => engine.imageExists(i)),
  ]);
  return {
    existingPaths: new Set(wanted.paths.filter((p) => existsSync(p))),
    networks: new Set(networks),
    volumes: new Set(volumes),
    images: new Set(images),
  };
}

async function filterAsync(values: string[], keep: (v: string) => Promise<boolean>): Promise<string[]> {
  const kept = await Promise.all(values.map(async (v) => ((await keep(v)) ? v : undefined)));
  return kept.filter((v): v is string => v !== undefined);
}
