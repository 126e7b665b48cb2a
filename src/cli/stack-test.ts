import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import { ExitCode } from '../errors.js';
import type { ComposeProject, Finding, Plan, RunResult, ServiceOutcome } from '../model.js';
import { buildPlan, type PullPolicy } from '../plan/build-plan.js';
import { evaluatePolicy } from '../policy/evaluate-policy.js';
import { runPreflight } from '../preflight/run-preflight.js';
import { createProgress } from '../render/progress.js';
import { renderFindings } from '../render/render-findings.js';
import { renderRunJson } from '../render/render-json.js';
import { renderRun } from '../render/render-run.js';
import { bootServices } from '../run/boot-services.js';
import { currentOwner } from '../run/owner.js';
import { RunScope } from '../run/run-scope.js';
import { sweepDeadRuns } from '../run/sweep-dead-runs.js';
import { summariseRun } from '../score/summarise-run.js';
import type { CommandContext } from './context.js';
import { gatherHostFacts } from './host-facts.js';
import { loadStack, type ProjectOptions } from './stack-inspect.js';

export interface StackTestOptions extends ProjectOptions {
  timeoutSeconds: number;
  settleSeconds: number;
  pull: PullPolicy;
  json: boolean;
  allowEgress: boolean;
}

/** `rehearsa stack test`: load → preflight → plan → boot → score → record → judge → report; returns the exit code. */
export async function stackTest(
  options: StackTestOptions,
  ctx: CommandContext,
  signal: AbortSignal,
): Promise<ExitCode> {
  const startedAtMs = ctx.now();
  const { project, stack } = await loadStack(options, ctx);
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
      {
        engine,
        scope,
        signal,
        now: ctx.now,
        onPhase: (service, phase, detail) => progress.update(service, phase, detail),
      },
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
