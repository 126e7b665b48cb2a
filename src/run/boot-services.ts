import type { ContainerSpec, Engine } from '../engine/engine.js';
import { EngineError, InterruptedError } from '../errors.js';
import type { Plan, PlannedContainer, ServiceOutcome } from '../model.js';
import { runFilter } from '../plan/labels.js';
import { scoreService } from '../score/score-service.js';
import { type BootFailure, classifyOutcome } from './classify-outcome.js';
import { prepareImages } from './prepare-images.js';
import { isSettled, judgeCondition } from './readiness.js';
import { ReadinessTracker } from './readiness-tracker.js';
import type { RunScope } from './run-scope.js';

const INTERRUPTED = 'interrupted: the rehearsal was stopped and everything it created was removed';

export interface BootDeps {
  engine: Engine;
  scope: RunScope;
  signal: AbortSignal;
  now: () => number;
  onPhase: (service: string, phase: string, detail?: string) => void;
}

export interface BootOptions {
  /** Epoch ms when the run started; timings are relative to it. */
  startedAtMs: number;
  /** Epoch ms after which nothing new is started and waiting stops. */
  deadlineMs: number;
  /** Observation window after every service settled; a relapse inside it loses the score. */
  settleMs: number;
  logTailLines: number;
}

/**
 * Boots the plan's containers in dependency order (each as soon as its own conditions are met, so
 * independent services start concurrently), watches readiness through engine events, and returns one
 * scored outcome per service. A failing stack is a result; only engine failures and interruption throw.
 */
export async function bootServices(plan: Plan, deps: BootDeps, options: BootOptions): Promise<ServiceOutcome[]> {
  const { engine, scope, signal } = deps;
  const tracker = new ReadinessTracker();
  const containerIds = new Map<string, string>();
  const failures = new Map<string, BootFailure>();
  tracker.onEvent = (service, event, state) => {
    const phase = phaseFor(event.action, state.health, event.exitCode);
    if (phase) deps.onPhase(service, phase);
  };

  const streamAbort = new AbortController();
  const stopStream = () => streamAbort.abort();
  signal.addEventListener('abort', stopStream, { once: true });
  const stream = consumeEvents(engine, plan.runId, options.startedAtMs, streamAbort.signal, tracker);

  try {
    await createInfrastructure(plan, engine, scope);
    const images = prepareImages(plan.containers, engine, signal, deps.onPhase);
    const booted = new Map<string, Promise<void>>();

    const bootOne = async (c: PlannedContainer): Promise<void> => {
      deps.onPhase(c.service, 'Waiting');
      const blocker = await awaitDependencies(c, booted, failures, tracker, deps, options);
      if (blocker) {
        failures.set(c.service, blocker);
        deps.onPhase(c.service, 'Blocked', blocker.reason);
        return;
      }
      const image = await images.get(c.service)!;
      if (!image.ok) {
        failures.set(c.service, image.failure);
        deps.onPhase(c.service, 'Failed', image.failure.reason);
        return;
      }
      if (deps.now() >= options.deadlineMs) {
        failures.set(c.service, {
          reasonClass: 'timeout',
          reason: 'deadline reached before it could start',
          notStarted: true,
        });
        return;
      }
      const failure = await createAndStart(c, plan, engine, scope, tracker, containerIds, deps);
      if (failure) {
        failures.set(c.service, failure);
        deps.onPhase(c.service, 'Failed', failure.reason);
      }
    };

    // Every service's task is registered before any runs, so dependents can await their dependencies' tasks.
    for (const c of plan.containers)
      booted.set(
        c.service,
        Promise.resolve().then(() => bootOne(c)),
      );
    await Promise.all(booted.values());
    if (signal.aborted) throw new InterruptedError(INTERRUPTED);

    await waitUntilSettled(plan, tracker, failures, deps, options);
    if (signal.aborted) throw new InterruptedError(INTERRUPTED);
    return await collectOutcomes(plan, tracker, failures, containerIds, deps, options);
  } catch (error) {
    if (signal.aborted) throw new InterruptedError(INTERRUPTED, { cause: error });
    throw error;
  } finally {
    signal.removeEventListener('abort', stopStream);
    streamAbort.abort();
    await stream;
  }
}

async function consumeEvents(
  engine: Engine,
  runId: string,
  sinceMs: number,
  signal: AbortSignal,
  tracker: ReadinessTracker,
): Promise<void> {
  try {
    for await (const event of engine.events(runFilter(runId), signal, sinceMs - 1000)) tracker.apply(event);
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

async function createInfrastructure(plan: Plan, engine: Engine, scope: RunScope): Promise<void> {
  await Promise.all(
    plan.networks.map(async (n) => {
      const id = await engine.createNetwork({ name: n.name, labels: plan.labels, internal: n.internal });
      scope.track(`network ${n.name}`, () => engine.removeNetwork(id));
    }),
  );
  await Promise.all(
    plan.volumes.map(async (v) => {
      await engine.createVolume({ name: v.name, labels: plan.labels });
      scope.track(`volume ${v.name}`, () => engine.removeVolume(v.name));
    }),
  );
}

/** Waits for every dependency's condition; returns why the service must not start, or undefined. */
async function awaitDependencies(
  c: PlannedContainer,
  booted: Map<string, Promise<void>>,
  failures: Map<string, BootFailure>,
  tracker: ReadinessTracker,
  deps: BootDeps,
  options: BootOptions,
): Promise<BootFailure | undefined> {
  const results = await Promise.all(
    Object.entries(c.dependsOn)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(async ([target, dependency]): Promise<BootFailure | undefined> => {
        await booted.get(target);
        const failed = failures.get(target);
        const blocked = (why: string): BootFailure | undefined =>
          dependency.required
            ? { reasonClass: 'dependency', reason: `not started: dependency ${target} ${why}`, notStarted: true }
            : undefined;
        if (failed) return blocked('failed');
        const outcome = await tracker.waitFor(
          () => {
            const state = tracker.get(target);
            if (!state) return undefined;
            const judged = judgeCondition(dependency.condition, state);
            return judged.state === 'pending' ? undefined : judged;
          },
          options.deadlineMs,
          deps.signal,
          deps.now,
        );
        if ('timedOut' in outcome) {
          return {
            reasonClass: 'timeout',
            reason: `not started: dependency ${target} not ${conditionWord(dependency.condition)} before the deadline`,
            notStarted: true,
          };
        }
        return outcome.value.state === 'failed' ? blocked(outcome.value.why ?? 'failed') : undefined;
      }),
  );
  return results.find((r) => r !== undefined);
}

async function createAndStart(
  c: PlannedContainer,
  plan: Plan,
  engine: Engine,
  scope: RunScope,
  tracker: ReadinessTracker,
  containerIds: Map<string, string>,
  deps: BootDeps,
): Promise<BootFailure | undefined> {
  deps.onPhase(c.service, 'Creating');
  let id: string;
  try {
    id = await engine.createContainer(toContainerSpec(c, containerIds));
  } catch (error) {
    if (error instanceof EngineError && error.statusCode !== undefined && error.statusCode < 500) {
      return { reasonClass: 'create', reason: `create failed: ${error.message}`, notStarted: false };
    }
    throw error;
  }
  scope.trackContainer(id);
  containerIds.set(c.service, id);
  tracker.register(c.service, hasHealthcheck(c));
  try {
    const networks = plan.networks.filter((n) => c.networks.slice(1).some((cn) => cn.name === n.name));
    for (const n of networks) {
      await engine.connectNetwork(n.name, id, c.networks.find((cn) => cn.name === n.name)!.aliases);
    }
    deps.onPhase(c.service, 'Starting');
    await engine.startContainer(id);
  } catch (error) {
    if (
      error instanceof EngineError &&
      (error.statusCode === undefined || error.statusCode >= 500) &&
      !isStartRefusal(error)
    )
      throw error;
    return {
      reasonClass: 'start',
      reason: `start failed: ${error instanceof Error ? error.message : String(error)}`,
      notStarted: false,
    };
  }
  return undefined;
}

/** The engine answers 500 for a container whose process cannot be started (bad entrypoint, missing mount). */
function isStartRefusal(error: EngineError): boolean {
  return /OCI runtime|exec|no such file|not found|permission denied|invalid/i.test(error.message);
}

function toContainerSpec(c: PlannedContainer, containerIds: Map<string, string>): ContainerSpec {
  const first = c.networks[0];
  const networkMode =
    c.networkMode?.kind === 'none'
      ? 'none'
      : c.networkMode?.kind === 'service'
        ? `container:${containerIds.get(c.networkMode.service) ?? c.networkMode.service}`
        : undefined;
  return {
    name: c.name,
    image: c.image,
    labels: c.labels,
    env: c.env,
    ...(c.cmd ? { cmd: c.cmd } : {}),
    ...(c.entrypoint ? { entrypoint: c.entrypoint } : {}),
    ...(c.user ? { user: c.user } : {}),
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    ...(c.hostname && !networkMode ? { hostname: c.hostname } : {}),
    ...(c.healthcheck ? { healthcheck: c.healthcheck } : {}),
    mounts: c.mounts,
    ...(networkMode ? { networkMode } : first ? { network: first } : {}),
    exposedPorts: networkMode ? [] : c.exposedPorts,
    capAdd: c.capAdd,
    capDrop: c.capDrop,
    privileged: c.privileged,
    devices: c.devices,
    ulimits: c.ulimits,
    sysctls: networkMode ? {} : c.sysctls,
    extraHosts: networkMode ? [] : c.extraHosts,
    dns: networkMode ? [] : c.dns,
    ...(c.shmSizeBytes !== undefined ? { shmSizeBytes: c.shmSizeBytes } : {}),
    ...(c.init !== undefined ? { init: c.init } : {}),
    ...(c.stopSignal ? { stopSignal: c.stopSignal } : {}),
    readOnlyRootfs: c.readOnlyRootfs,
    securityOpt: c.securityOpt,
    restart: c.restart,
  };
}

function hasHealthcheck(c: PlannedContainer): boolean {
  return c.healthcheck !== undefined && !c.healthcheck.disabled && c.healthcheck.test !== undefined;
}

/** Waits until every started container settled (or the deadline), then watches for relapses during the settle window. */
async function waitUntilSettled(
  plan: Plan,
  tracker: ReadinessTracker,
  failures: Map<string, BootFailure>,
  deps: BootDeps,
  options: BootOptions,
): Promise<void> {
  const live = plan.containers.filter((c) => !failures.has(c.service) && tracker.get(c.service));
  const allSettled = () =>
    live.every((c) => isSettled(tracker.get(c.service)!, hasHealthcheck(c), c.oneShot)) ? true : undefined;
  await tracker.waitFor(allSettled, options.deadlineMs, deps.signal, deps.now);
  const settleEnd = Math.min(options.deadlineMs, deps.now() + options.settleMs);
  await tracker.waitFor(() => undefined, settleEnd, deps.signal, deps.now);
}

async function collectOutcomes(
  plan: Plan,
  tracker: ReadinessTracker,
  failures: Map<string, BootFailure>,
  containerIds: Map<string, string>,
  deps: BootDeps,
  options: BootOptions,
): Promise<ServiceOutcome[]> {
  const rel = (ms: number | undefined) => (ms === undefined ? undefined : Math.max(0, ms - options.startedAtMs));
  return Promise.all(
    plan.containers.map(async (c): Promise<ServiceOutcome> => {
      const id = containerIds.get(c.service);
      const state = tracker.get(c.service);
      const inspected = id ? await deps.engine.inspectContainer(id).catch(() => undefined) : undefined;
      const healthLog =
        inspected?.healthLog
          .map((h) => h.output.trim())
          .filter(Boolean)
          .slice(-5) ?? [];
      const merged = state && inspected ? { ...state, oomKilled: state.oomKilled || inspected.oomKilled } : state;
      const classified = classifyOutcome(c, merged, failures.get(c.service), healthLog.at(-1));
      const score = scoreService(classified);
      const logTail = id && score < 100 ? await deps.engine.logs(id, options.logTailLines).catch(() => []) : [];
      const timings = {
        ...(rel(state?.createdAtMs) !== undefined ? { createdMs: rel(state?.createdAtMs) } : {}),
        ...(rel(state?.startedAtMs) !== undefined ? { startedMs: rel(state?.startedAtMs) } : {}),
        ...(rel(state?.readyAtMs) !== undefined ? { readyMs: rel(state?.readyAtMs) } : {}),
        ...(rel(state?.exitedAtMs) !== undefined ? { exitedMs: rel(state?.exitedAtMs) } : {}),
      };
      return {
        service: c.service,
        state: classified.state,
        oneShot: c.oneShot,
        hasHealthcheck: hasHealthcheck(c),
        ...(classified.reasonClass ? { reasonClass: classified.reasonClass } : {}),
        ...(classified.reason ? { reason: classified.reason } : {}),
        ...(state?.exitCode !== undefined && state.status === 'exited' ? { exitCode: state.exitCode } : {}),
        ...(merged?.oomKilled ? { oomKilled: true } : {}),
        restartCount: Math.max(0, (state?.starts ?? 0) - 1, inspected?.restartCount ?? 0),
        healthLog: score < 100 ? healthLog : [],
        logTail,
        timings,
        score,
      };
    }),
  );
}

/** The progress phase a lifecycle event announces; healthcheck execs and other chatter announce nothing. */
function phaseFor(action: string, health: string, exitCode?: number): string | undefined {
  switch (action) {
    case 'start':
      return 'Started';
    case 'die':
      return exitCode === 0 ? 'Completed' : `Exited (${exitCode ?? '?'})`;
    case 'health_status':
      return health === 'healthy' ? 'Healthy' : health === 'unhealthy' ? 'Unhealthy' : 'Starting';
    case 'oom':
      return 'OOM-killed';
    default:
      return undefined;
  }
}

function conditionWord(condition: string): string {
  return condition === 'service_healthy'
    ? 'healthy'
    : condition === 'service_completed_successfully'
      ? 'completed'
      : 'started';
}
