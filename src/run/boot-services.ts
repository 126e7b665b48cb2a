import type { ContainerSpec, Engine } from '../engine/engine.js';
import { EngineError, InterruptedError } from '../errors.js';
import type { Plan, PlannedContainer, ServiceEvent, ServiceOutcome } from '../model.js';
import { runFilter } from '../plan/labels.js';
import { scoreService } from '../score/score-service.js';
import { type BootFailure, classifyOutcome, describeDeadline } from './classify-outcome.js';
import { type HealthBudget, healthBudget } from './health-budget.js';
import { type BuildMode, type ImageResult, prepareImages } from './prepare-images.js';
import { type ContainerReadiness, isSettled, judgeCondition, reconcileReadiness } from './readiness.js';
import { ReadinessTracker } from './readiness-tracker.js';
import type { RunScope } from './run-scope.js';

const INTERRUPTED = 'interrupted: the rehearsal was stopped and everything it created was removed';

export interface BootDeps {
  engine: Engine;
  scope: RunScope;
  signal: AbortSignal;
  now: () => number;
  onPhase: (service: string, phase: string, detail?: string) => void;
  /** Runs once every service settled, while the containers still run (data probes, mount and network checks). */
  afterSettle?: () => Promise<void>;
}

export interface BootOptions {
  /** Epoch ms when the run started; timings are relative to it. */
  startedAtMs: number;
  /** Epoch ms after which nothing new is started and waiting stops. */
  deadlineMs: number;
  /** Observation window after every service settled; a relapse inside it loses the score. */
  settleMs: number;
  logTailLines: number;
  /** When `build:` services are built (default `missing`). */
  buildMode?: BuildMode;
}

/** What one boot observed besides the readiness fold; owned by one bootServices call. */
interface BootState {
  tracker: ReadinessTracker;
  containerIds: Map<string, string>;
  failures: Map<string, BootFailure>;
  /** Build output of services whose build failed. */
  buildLogs: Map<string, string[]>;
  /** Per service: when its readiness stops being worth waiting for (its healthcheck budget, capped by the deadline). */
  readyDeadlines: Map<string, { atMs: number; budget?: HealthBudget }>;
  events: Map<string, ServiceEvent[]>;
  /** Restarts requested by Rehearsa (depends_on restart: true), per service. */
  requestedRestarts: Map<string, number>;
  /** Requests in flight, awaited before outcomes are collected. */
  inFlight: Set<Promise<void>>;
}

/**
 * Boots the plan's containers in dependency order (each as soon as its own conditions are met, so
 * independent services start concurrently), watches readiness through engine events, and returns one
 * scored outcome per service. A failing stack is a result; only engine failures and interruption throw.
 */
export async function bootServices(plan: Plan, deps: BootDeps, options: BootOptions): Promise<ServiceOutcome[]> {
  const { engine, scope, signal } = deps;
  const boot: BootState = {
    tracker: new ReadinessTracker(),
    containerIds: new Map(),
    failures: new Map(),
    buildLogs: new Map(),
    readyDeadlines: new Map(),
    events: new Map(),
    requestedRestarts: new Map(),
    inFlight: new Set(),
  };
  const { tracker, failures } = boot;
  // Once teardown starts, the kills it causes are not news: they must not read as services crashing.
  let tearingDown = false;
  tracker.onEvent = (service, event, state) => {
    const phase = phaseFor(event.action, state.health, event.exitCode);
    if (phase && !tearingDown) deps.onPhase(service, phase);
    recordEvent(boot, service, event.action, state, event.timeMs - options.startedAtMs, event.exitCode);
    if (event.action === 'start' && state.starts > 1)
      restartDependents(plan, service, boot, deps, event.timeMs - options.startedAtMs);
  };

  const streamAbort = new AbortController();
  const stopStream = () => streamAbort.abort();
  signal.addEventListener('abort', stopStream, { once: true });
  // A broken event stream means the engine went away: every wait fails at once with that error (exit 3), instead
  // of the rejection going unhandled and crashing the process.
  const streamBroken = new AbortController();
  const stream = consumeEvents(engine, plan.runId, options.startedAtMs, streamAbort.signal, tracker).catch(
    (error: unknown) => streamBroken.abort(error),
  );
  const live: BootDeps = { ...deps, signal: AbortSignal.any([signal, streamBroken.signal]) };

  try {
    await createInfrastructure(plan, engine, scope);
    const images = prepareImages(plan, options.buildMode ?? 'missing', {
      engine,
      scope,
      signal,
      onPhase: deps.onPhase,
    });
    const booted = new Map<string, Promise<void>>();

    const bootOne = async (c: PlannedContainer): Promise<void> => {
      deps.onPhase(c.service, 'Waiting');
      const blocker = await awaitDependencies(c, booted, boot, live, options);
      if (blocker) {
        failures.set(c.service, blocker);
        deps.onPhase(c.service, 'Blocked', blocker.reason);
        return;
      }
      const image: ImageResult = await images.get(c.service)!;
      if (!image.ok) {
        failures.set(c.service, image.failure);
        if (image.log) boot.buildLogs.set(c.service, image.log);
        deps.onPhase(c.service, 'Failed', image.failure.reason);
        return;
      }
      if (deps.now() >= options.deadlineMs) {
        failures.set(c.service, {
          reasonClass: 'timeout',
          reason: `${describeDeadline(options.deadlineMs - options.startedAtMs)} was reached before it could start`,
          notStarted: true,
        });
        return;
      }
      const failure = await createAndStart(c, image.image, plan, boot, live);
      if (failure) {
        failures.set(c.service, failure);
        deps.onPhase(c.service, 'Failed', failure.reason);
        return;
      }
      boot.readyDeadlines.set(c.service, readyDeadline(c, deps.now(), options.deadlineMs));
    };

    // Every service's task is registered before any runs, so dependents can await their dependencies' tasks.
    for (const c of plan.containers)
      booted.set(
        c.service,
        Promise.resolve().then(() => bootOne(c)),
      );
    await Promise.all(booted.values());
    if (signal.aborted) throw new InterruptedError(INTERRUPTED);

    await waitUntilSettled(plan, boot, live, options);
    if (signal.aborted) throw new InterruptedError(INTERRUPTED);
    await Promise.all(boot.inFlight);
    await deps.afterSettle?.();
    const outcomes = await collectOutcomes(plan, boot, live, options);
    tearingDown = true;
    return await removeContainers(outcomes, boot, live, options);
  } catch (error) {
    if (signal.aborted) throw new InterruptedError(INTERRUPTED, { cause: error });
    throw error;
  } finally {
    signal.removeEventListener('abort', stopStream);
    streamAbort.abort();
    await stream;
  }
}

/** A service with a healthcheck is waited on only as long as its healthcheck could still report; others until the deadline. */
function readyDeadline(
  c: PlannedContainer,
  startedMs: number,
  deadlineMs: number,
): { atMs: number; budget?: HealthBudget } {
  if (!hasHealthcheck(c)) return { atMs: deadlineMs };
  const budget = healthBudget(c.healthcheck!);
  return startedMs + budget.ms < deadlineMs ? { atMs: startedMs + budget.ms, budget } : { atMs: deadlineMs };
}

/** Words for the state changes worth showing; exec and attach chatter is left out. */
function recordEvent(
  boot: BootState,
  service: string,
  action: string,
  state: ContainerReadiness,
  atMs: number,
  exitCode: number | undefined,
): void {
  const entry = eventEntry(action, state, exitCode);
  if (!entry) return;
  const list = boot.events.get(service) ?? [];
  list.push({ atMs: Math.max(0, atMs), ...entry });
  boot.events.set(service, list);
}

function eventEntry(
  action: string,
  state: ContainerReadiness,
  exitCode: number | undefined,
): Omit<ServiceEvent, 'atMs'> | undefined {
  switch (action) {
    case 'create':
      return { state: 'created' };
    case 'start':
      return { state: state.starts > 1 ? 'restarted' : 'running' };
    case 'die':
      return { state: 'exited', ...(exitCode !== undefined ? { detail: `code ${exitCode}` } : {}) };
    case 'oom':
      return { state: 'oom-killed' };
    case 'health_status':
      return state.health === 'healthy' || state.health === 'unhealthy' ? { state: state.health } : undefined;
    default:
      return undefined;
  }
}

/**
 * Honours `depends_on: { X: { restart: true } }`: when the engine restarted X during the run, every running
 * dependent that asked for it is restarted too (at once, no stop grace), and the request is recorded.
 */
function restartDependents(plan: Plan, service: string, boot: BootState, deps: BootDeps, atMs: number): void {
  for (const c of plan.containers) {
    const id = boot.containerIds.get(c.service);
    if (!c.dependsOn[service]?.restart || !id || boot.failures.has(c.service)) continue;
    boot.requestedRestarts.set(c.service, (boot.requestedRestarts.get(c.service) ?? 0) + 1);
    const list = boot.events.get(c.service) ?? [];
    list.push({ atMs: Math.max(0, atMs), state: 'restart requested', detail: `dependency ${service} restarted` });
    boot.events.set(c.service, list);
    deps.onPhase(c.service, 'Restarting', `dependency ${service} restarted`);
    const request = deps.engine.restartContainer(id).catch(() => {
      // A dependent that is already gone has nothing left to restart; its outcome shows what happened to it.
    });
    boot.inFlight.add(request);
    void request.finally(() => boot.inFlight.delete(request));
  }
}

/** Removes every container at once (killed, no stop grace) and stamps when each was gone. */
async function removeContainers(
  outcomes: ServiceOutcome[],
  boot: BootState,
  deps: BootDeps,
  options: BootOptions,
): Promise<ServiceOutcome[]> {
  return Promise.all(
    outcomes.map(async (o) => {
      const id = boot.containerIds.get(o.service);
      if (!id) return o;
      deps.onPhase(o.service, 'Removing');
      try {
        await deps.scope.removeContainerNow(id);
        deps.onPhase(o.service, 'Removed');
      } catch {
        // Left registered in the scope, whose teardown retries it and reports what still fails.
        return o;
      }
      const removedMs = Math.max(0, deps.now() - options.startedAtMs);
      return {
        ...o,
        timings: { ...o.timings, removedMs },
        events: [...(o.events ?? []), { atMs: removedMs, state: 'removed' }],
      };
    }),
  );
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
  boot: BootState,
  deps: BootDeps,
  options: BootOptions,
): Promise<BootFailure | undefined> {
  const { tracker, failures } = boot;
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
        // A healthy-gated dependency is waited on only while its own healthcheck could still turn healthy.
        const own = dependency.condition === 'service_healthy' ? boot.readyDeadlines.get(target) : undefined;
        const outcome = await tracker.waitFor(
          () => {
            const state = tracker.get(target);
            if (!state) return undefined;
            const judged = judgeCondition(dependency.condition, state);
            return judged.state === 'pending' ? undefined : judged;
          },
          own?.atMs ?? options.deadlineMs,
          deps.signal,
          deps.now,
        );
        if ('timedOut' in outcome) {
          if (own?.budget) {
            return blocked(
              `failed: not healthy within its healthcheck budget of ${(own.budget.ms / 1000).toFixed(1)}s`,
            );
          }
          return {
            reasonClass: 'timeout',
            reason: `not started: dependency ${target} not ${conditionWord(dependency.condition)} before ${describeDeadline(options.deadlineMs - options.startedAtMs)}`,
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
  image: string,
  plan: Plan,
  boot: BootState,
  deps: BootDeps,
): Promise<BootFailure | undefined> {
  const { engine, scope } = deps;
  deps.onPhase(c.service, 'Creating');
  let id: string;
  try {
    id = await engine.createContainer({ ...toContainerSpec(c, boot.containerIds), image });
  } catch (error) {
    if (error instanceof EngineError && error.statusCode !== undefined && error.statusCode < 500) {
      return { reasonClass: 'create', reason: `create failed: ${error.message}`, notStarted: false };
    }
    throw error;
  }
  scope.trackContainer(id);
  boot.containerIds.set(c.service, id);
  boot.tracker.register(c.service, hasHealthcheck(c));
  try {
    const networks = plan.networks.filter((n) => c.networks.slice(1).some((cn) => cn.name === n.name));
    for (const n of networks) {
      await engine.connectNetwork(n.name, id, c.networks.find((cn) => cn.name === n.name)!.aliases);
    }
    deps.onPhase(c.service, 'Starting');
    await engine.startContainer(id);
  } catch (error) {
    // Any answer from the engine is about this container (a missing user, device or entrypoint comes back as
    // a 500); only a transport failure means the engine itself is gone.
    if (error instanceof EngineError && error.statusCode === undefined) throw error;
    return {
      reasonClass: 'start',
      reason: `start failed: ${error instanceof Error ? error.message : String(error)}`,
      notStarted: false,
    };
  }
  return undefined;
}

function toContainerSpec(c: PlannedContainer, containerIds: Map<string, string>): ContainerSpec {
  const first = c.networks[0];
  const networkMode =
    c.networkMode?.kind === 'none' || c.networkMode?.kind === 'host'
      ? c.networkMode.kind
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
    ...(c.memLimitBytes !== undefined ? { memoryBytes: c.memLimitBytes } : {}),
    ...(c.init !== undefined ? { init: c.init } : {}),
    ...(c.pid ? { pid: c.pid } : {}),
    ...(c.ipc ? { ipc: c.ipc } : {}),
    ...(c.stopSignal ? { stopSignal: c.stopSignal } : {}),
    readOnlyRootfs: c.readOnlyRootfs,
    securityOpt: c.securityOpt,
    restart: c.restart,
  };
}

function hasHealthcheck(c: PlannedContainer): boolean {
  return c.healthcheck !== undefined && !c.healthcheck.disabled && c.healthcheck.test !== undefined;
}

/**
 * Waits until every started container settled, each no longer than its own readiness deadline, then watches
 * for relapses during the settle window.
 */
async function waitUntilSettled(plan: Plan, boot: BootState, deps: BootDeps, options: BootOptions): Promise<void> {
  const { tracker } = boot;
  const live = plan.containers.filter((c) => !boot.failures.has(c.service) && tracker.get(c.service));
  await Promise.all(
    live.map((c) =>
      tracker.waitFor(
        () => (isSettled(tracker.get(c.service)!, hasHealthcheck(c), c.oneShot) ? true : undefined),
        boot.readyDeadlines.get(c.service)?.atMs ?? options.deadlineMs,
        deps.signal,
        deps.now,
      ),
    ),
  );
  const settleEnd = Math.min(options.deadlineMs, deps.now() + options.settleMs);
  await tracker.waitFor(() => undefined, settleEnd, deps.signal, deps.now);
}

async function collectOutcomes(
  plan: Plan,
  boot: BootState,
  deps: BootDeps,
  options: BootOptions,
): Promise<ServiceOutcome[]> {
  const { tracker, failures, containerIds } = boot;
  const rel = (ms: number | undefined) => (ms === undefined ? undefined : Math.max(0, ms - options.startedAtMs));
  const at = deps.now();
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
      const merged =
        state && inspected
          ? reconcileReadiness(state, {
              ...inspected,
              ...(inspected.finishedAt ? { finishedAtMs: Date.parse(inspected.finishedAt) } : {}),
            })
          : state;
      const own = boot.readyDeadlines.get(c.service);
      const requestedRestarts = boot.requestedRestarts.get(c.service) ?? 0;
      const classified = classifyOutcome(c, merged, failures.get(c.service), healthLog.at(-1), {
        requestedRestarts,
        timeoutMs: options.deadlineMs - options.startedAtMs,
        ...(own?.budget && at >= own.atMs ? { healthBudgetExpired: own.budget } : {}),
      });
      const score = scoreService(classified);
      const logTail =
        id && score < 100
          ? await deps.engine.logs(id, options.logTailLines).catch(() => [])
          : (boot.buildLogs.get(c.service) ?? []);
      const timings = {
        ...(rel(state?.createdAtMs) !== undefined ? { createdMs: rel(state?.createdAtMs) } : {}),
        ...(rel(state?.startedAtMs) !== undefined ? { startedMs: rel(state?.startedAtMs) } : {}),
        ...(rel(state?.readyAtMs) !== undefined ? { readyMs: rel(state?.readyAtMs) } : {}),
        ...(rel(merged?.exitedAtMs) !== undefined ? { exitedMs: rel(merged?.exitedAtMs) } : {}),
      };
      const events = boot.events.get(c.service);
      return {
        service: c.service,
        state: classified.state,
        oneShot: c.oneShot,
        hasHealthcheck: hasHealthcheck(c),
        ...(classified.reasonClass ? { reasonClass: classified.reasonClass } : {}),
        ...(classified.reason ? { reason: classified.reason } : {}),
        ...(merged?.exitCode !== undefined && merged.status === 'exited' ? { exitCode: merged.exitCode } : {}),
        ...(merged?.oomKilled ? { oomKilled: true } : {}),
        restartCount: Math.max(0, (merged?.starts ?? 0) - 1 - requestedRestarts),
        healthLog: score < 100 ? healthLog : [],
        logTail,
        timings,
        ...(events ? { events: [...events] } : {}),
        ...(requestedRestarts > 0 ? { dependencyRestarts: requestedRestarts } : {}),
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
