import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { ExitCode, failOnIssues, InterruptedError, RehearsaError } from '../errors.js';
import { acquireStackLock, describeOwner } from '../history/stack-lock.js';
import type { ComposeProject, Finding, Issue, Plan, RunResult, ServiceOutcome } from '../model.js';
import { buildPlan, type PullPolicy } from '../plan/build-plan.js';
import { checkEngineSupport, checkRecursiveReadOnly } from '../plan/check-engine-support.js';
import { type HostAccess, refuseHostAccess } from '../plan/refuse-host-access.js';
import { evaluatePolicy } from '../policy/evaluate-policy.js';
import { runPreflight } from '../preflight/run-preflight.js';
import { collectSecrets } from '../redact/collect-secrets.js';
import { readSecretInputs } from '../redact/read-secret-inputs.js';
import { redactRunResult, redactText } from '../redact/redact.js';
import { createProgress } from '../render/progress.js';
import { renderFindings } from '../render/render-findings.js';
import { renderRunJson } from '../render/render-json.js';
import { renderRun } from '../render/render-run.js';
import { dependencyEdges } from '../render/svg-timeline.js';
import type { BindMode, RestoreConfig } from '../restore-config/restore-config.js';
import { bootServices } from '../run/boot-services.js';
import { checkBuildContexts } from '../run/check-build-contexts.js';
import { currentOwner } from '../run/owner.js';
import type { BuildMode } from '../run/prepare-images.js';
import { RunScope } from '../run/run-scope.js';
import { sweepDeadRuns } from '../run/sweep-dead-runs.js';
import { summariseRun } from '../score/summarise-run.js';
import type { CommandContext } from './context.js';
import {
  bindPlanOptions,
  type DataChecks,
  type DataResults,
  foldDataResults,
  prepareDataChecks,
  readDataDeclaration,
  restoreBeforeBoot,
  verifyAfterBoot,
} from './data-checks.js';
import { gatherHostFacts, hostMountPoints, resolveSocketLinks } from './host-facts.js';
import { displayPath, loadStack, type ProjectOptions } from './stack-inspect.js';
import { checkReportsSpareInputs, checkReportTargets, type ReportTargets, writeReports } from './write-reports.js';

export interface StackTestOptions extends ProjectOptions {
  /** Report files to write besides the terminal or JSON output. */
  reports: ReportTargets;
  timeoutSeconds: number;
  settleSeconds: number;
  pull: PullPolicy;
  /** When `build:` services are built (default `missing`). */
  build?: BuildMode;
  json: boolean;
  allowEgress: boolean;
  /** Host access the user opted into with `--allow-*` flags. */
  allowHost: HostAccess[];
  /** Directory of the per-stack lock files. */
  lockDir: string;
  /** How long to wait for another rehearsal of the same stack: 0 refuses at once. */
  waitLockMs: number;
  /** `--restore NAME=SOURCE` flags, in order. */
  restore?: string[];
  /** `--binds`: overrides the declared bind mode. */
  binds?: BindMode;
}

/**
 * `rehearsa stack test`: load → refuse host access not opted into → lock the stack → rehearse; returns the exit
 * code. Nothing is created on the engine before the refusals and the lock have passed.
 */
export async function stackTest(
  options: StackTestOptions,
  ctx: CommandContext,
  signal: AbortSignal,
): Promise<ExitCode> {
  // First of all, so a rehearsal never runs only to lose its report.
  checkReportTargets(options.reports);
  const loaded = await loadStack(options, ctx);
  const project = resolveSocketLinks(loaded.project);
  const { stack } = loaded;
  const firstDir = project.files[0] === undefined ? ctx.cwd : dirname(project.files[0]);
  // `.env` even when absent: a report written there would be read as the project's env file by the next run.
  const inputs = [...project.files, ...project.envFiles, join(firstDir, '.env'), join(firstDir, 'rehearsa.yml')];
  checkReportsSpareInputs(options.reports, inputs, dirname(options.lockDir));
  const file = displayPath(project.files[0], ctx.cwd);
  failOnIssues(nothingToRehearse(project, file));
  failOnIssues(checkBuildContexts(project));
  failOnIssues(refuseHostAccess(project, new Set(options.allowHost), file));
  const declared = await readDataDeclaration(project, options, ctx);
  const lock = await acquireStackLock(options.lockDir, stack, {
    owner: currentOwner(),
    waitMs: options.waitLockMs,
    signal,
    onWait: (holder) =>
      ctx.err.write(
        `waiting for ${holder ? describeOwner(holder.owner) : 'another process'} to finish rehearsing ${stack}\n`,
      ),
  });
  try {
    return await rehearseStack(project, stack, declared, options, ctx, signal);
  } catch (error) {
    // An abort can surface as the raw abort reason from an engine call made before the boot stage.
    if (signal.aborted && !(error instanceof RehearsaError)) {
      throw new InterruptedError('interrupted: the rehearsal was stopped', { cause: error });
    }
    throw error;
  } finally {
    lock.release();
  }
}

/** load → preflight → plan → boot → score → record → judge → report, for a stack this process has locked. */
async function rehearseStack(
  project: ComposeProject,
  stack: string,
  declared: RestoreConfig,
  options: StackTestOptions,
  ctx: CommandContext,
  signal: AbortSignal,
): Promise<ExitCode> {
  // The clock starts once the lock is held, so time spent waiting for another run is not this run's duration.
  const startedAtMs = ctx.now();
  const secrets = collectSecrets(project, readSecretInputs(project, ctx.env));
  const history = ctx.history();
  // A damaged history found only when recording would lose the whole run: look at every page before booting.
  history.checkReadable();
  const engine = ctx.engine();
  const info = await engine.ping(signal);
  const file = displayPath(project.files[0], ctx.cwd);
  failOnIssues(checkEngineSupport(project, info.apiVersion, file));
  await sweepDeadRuns(engine);

  const facts = await gatherHostFacts(project, engine);
  const data = await prepareDataChecks(project, declared, ctx, engine);
  const findings = runPreflight(project, facts);
  if (!options.json && findings.length > 0)
    ctx.out.write(`${redactText(renderFindings(findings, ctx.palette), secrets)}\n`);

  const plan = buildPlan(project, {
    runId: randomBytes(4).toString('hex'),
    stack,
    owner: currentOwner(),
    pull: options.pull,
    existingPaths: facts.existingPaths,
    allowEgress: options.allowEgress,
    allowHost: new Set(options.allowHost),
    binds: await bindPlanOptions(data, facts.existingPaths),
  });
  failOnIssues(checkRecursiveReadOnly(plan, info.apiVersion, hostMountPoints(), file));
  const { outcomes, dataResults } = await rehearse(plan, data, engine, ctx, signal, secrets, {
    startedAtMs,
    deadlineMs: startedAtMs + options.timeoutSeconds * 1000,
    settleMs: options.settleSeconds * 1000,
    buildMode: options.build ?? 'missing',
  });

  const result: RunResult = redactRunResult(
    {
      ...judge(plan, project, findings, outcomes, dataResults, { startedAtMs, finishedAtMs: ctx.now() }, history),
      sandbox: { egress: options.allowEgress, optIns: [...new Set(options.allowHost)].sort() },
    },
    secrets,
  );
  history.recordRun(result);
  ctx.out.write(options.json ? renderRunJson(result) : `${renderRun(result, ctx.palette)}\n`);
  writeReports(options.reports, result, history, { edges: dependencyEdges(plan) });
  return result.exitCode as ExitCode;
}

/** Restores data, boots the plan and verifies it inside a cleanup scope that always tears down, whatever happens. */
async function rehearse(
  plan: Plan,
  data: DataChecks,
  engine: Engine,
  ctx: CommandContext,
  signal: AbortSignal,
  secrets: readonly string[],
  timing: { startedAtMs: number; deadlineMs: number; settleMs: number; buildMode: BuildMode },
): Promise<{ outcomes: ServiceOutcome[]; dataResults: DataResults }> {
  const scope = new RunScope(engine, plan.runId);
  const progress = createProgress(ctx.err, ctx.errPalette);
  try {
    const stageDeps = { engine, scope, signal, now: ctx.now };
    const restored = await restoreBeforeBoot(plan, data, stageDeps, timing.startedAtMs);
    let verification: DataResults['verification'] = { probes: [], mounts: [], edges: [], findings: [] };
    const outcomes = await bootServices(
      plan,
      {
        engine,
        scope,
        signal,
        now: ctx.now,
        onPhase: (service, phase, detail) =>
          progress.update(service, phase, detail === undefined ? undefined : redactText(detail, secrets)),
        afterSettle: async () => {
          verification = await verifyAfterBoot(plan, data, stageDeps);
        },
      },
      { ...timing, logTailLines: 20 },
    );
    return { outcomes, dataResults: { ...restored, verification } };
  } finally {
    const problems = await scope.close();
    progress.done();
    for (const p of problems) ctx.err.write(`cleanup: ${p}\n`);
  }
}

function judge(
  plan: Plan,
  project: ComposeProject,
  findings: Finding[],
  booted: ServiceOutcome[],
  dataResults: DataResults,
  time: { startedAtMs: number; finishedAtMs: number },
  history: ReturnType<CommandContext['history']>,
): RunResult {
  const durationMs = time.finishedAtMs - time.startedAtMs;
  const data = foldDataResults(booted, plan, dataResults);
  const services = data.outcomes;
  const summary = summariseRun({
    scores: services.map((s) => s.score),
    durationMs,
    previous: history.previousRuns(plan.stack, 5),
  });
  const verdict = evaluatePolicy(history.getPolicy(plan.stack), summary, data.backups);
  return {
    schemaVersion: 1,
    runId: plan.runId,
    stack: plan.stack,
    startedAt: new Date(time.startedAtMs).toISOString(),
    finishedAt: new Date(time.finishedAtMs).toISOString(),
    files: project.files,
    interrupted: false,
    findings: [...findings, ...data.findings.map((f) => ({ ...f, phase: 'after_boot' as const }))],
    services: [...services].sort((a, b) => a.service.localeCompare(b.service)),
    summary,
    verdict,
    exitCode: verdict.passed ? ExitCode.Passed : ExitCode.PolicyFailed,
    ...data.fields,
  };
}

/** A stack with no service to start is bad input, not a 0% run: usually every service sits behind a profile. */
function nothingToRehearse(project: ComposeProject, file: string | undefined): Issue[] {
  const started = Object.values(project.services).filter((s) => s.replicas > 0);
  if (started.length > 0) return [];
  const hint =
    project.disabledServices.length > 0
      ? `; ${project.disabledServices.join(', ')} ${project.disabledServices.length === 1 ? 'needs' : 'need'} a profile (--profile)`
      : '';
  return [{ file, message: `no service to rehearse${hint}`, severity: 'error' }];
}
