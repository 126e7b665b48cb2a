import type { PlannedContainer, ReasonClass, ServiceState } from '../model.js';
import type { ContainerReadiness } from './readiness.js';

/** Why a service never got a running container (image, create, start, dependency, timeout). */
export interface BootFailure {
  reasonClass: ReasonClass;
  reason: string;
  /** true when the container was never created because of this failure. */
  notStarted: boolean;
}

/** What the boot knows beyond the readiness fold. */
export interface ClassifyContext {
  /** Restarts Rehearsa requested itself (depends_on restart: true); they are not a crash loop. */
  requestedRestarts?: number;
  /** Set when the service's own healthcheck budget ran out before the global deadline: how it was reckoned. */
  healthBudgetExpired?: { ms: number; formula: string };
  /** The whole rehearsal's deadline (`--timeout`) in ms, named in timeout reasons. */
  timeoutMs?: number;
}

/** `the deadline (--timeout 8)`: the global deadline as a reason names it, so the user knows which knob to turn. */
export function describeDeadline(timeoutMs: number | undefined): string {
  return timeoutMs === undefined ? 'the deadline' : `the deadline (--timeout ${+(timeoutMs / 1000).toFixed(3)})`;
}

export interface Classification {
  state: ServiceState;
  reasonClass?: ReasonClass;
  reason?: string;
}

/**
 * Turns what was observed of one service into its final state and reason. A one-shot that exits 0 and
 * would not be restarted is `completed`; a container the engine restarted, or exited with a failure its
 * restart policy will restart, is a crash loop; OOM kills say so first; a relapse after readiness loses
 * the score.
 */
export function classifyOutcome(
  container: Pick<PlannedContainer, 'oneShot' | 'restart' | 'healthcheck'>,
  readiness: ContainerReadiness | undefined,
  failure: BootFailure | undefined,
  lastProbeOutput?: string,
  context: ClassifyContext = {},
): Classification {
  if (failure) {
    return {
      state: failure.notStarted ? 'not_started' : 'failed',
      reasonClass: failure.reasonClass,
      reason: failure.reason,
    };
  }
  if (!readiness || readiness.starts === 0) {
    return { state: 'failed', reasonClass: 'start', reason: 'container never started' };
  }
  const restarts = readiness.starts - 1 - (context.requestedRestarts ?? 0);
  const code = readiness.exitCode ?? -1;
  const times = (n: number) => `${n} time${n === 1 ? '' : 's'}`;
  if (readiness.oomKilled) {
    const again = restarts > 0 ? `, restarted ${times(restarts)}` : '';
    return {
      state: readiness.status === 'exited' ? 'exited' : 'failed',
      reasonClass: 'oom',
      reason: `killed by the OOM killer (exit ${code}${again})`,
    };
  }
  if (restarts > 0) {
    const last = readiness.exitCode !== undefined ? ` (last exit code ${readiness.exitCode})` : '';
    return { state: 'failed', reasonClass: 'crash_loop', reason: `crash loop: restarted ${times(restarts)}${last}` };
  }
  if (readiness.status === 'exited') {
    const policy = container.restart.name;
    const wouldRestart = policy === 'always' || policy === 'unless-stopped';
    // Without a healthcheck "ready" only means "started", so dying later is not worth calling a relapse; a service
    // that passed its healthcheck is a long-running one, and stopping afterwards is a relapse even with exit 0.
    const wasHealthy = readiness.relapsed && container.healthcheck !== undefined && !container.healthcheck.disabled;
    if (code === 0 && !wouldRestart && !wasHealthy) return { state: 'completed' };
    // The engine is about to restart it: it was caught between two turns of a crash loop.
    if (code !== 0 && (wouldRestart || policy === 'on-failure') && !exhausted(container.restart, restarts)) {
      return {
        state: 'failed',
        reasonClass: 'crash_loop',
        reason: `crash loop: exited with code ${code} and restart: ${policy} restarts it`,
      };
    }
    if (wasHealthy)
      return { state: 'exited', reasonClass: 'exit', reason: `exited with code ${code} after being healthy` };
    return { state: 'exited', reasonClass: 'exit', reason: `exited with code ${code}` };
  }
  if (container.oneShot) {
    return {
      state: 'starting',
      reasonClass: 'timeout',
      reason: `still running at ${describeDeadline(context.timeoutMs)}; a dependent waits for it to complete`,
    };
  }
  const probe = lastProbeOutput ? `: ${lastProbeOutput}` : '';
  switch (readiness.health) {
    case 'none':
      return { state: 'running' };
    case 'healthy':
      return { state: 'healthy' };
    case 'unhealthy':
      return {
        state: 'unhealthy',
        reasonClass: 'unhealthy',
        reason: readiness.relapsed ? `turned unhealthy after being ready${probe}` : `healthcheck failing${probe}`,
      };
    case 'starting': {
      const budget = context.healthBudgetExpired;
      const why = budget
        ? `not healthy within its healthcheck budget of ${(budget.ms / 1000).toFixed(1)}s (${budget.formula})`
        : `not healthy before ${describeDeadline(context.timeoutMs)}`;
      return { state: 'starting', reasonClass: 'timeout', reason: `${why}${probe}` };
    }
  }
}

function exhausted(restart: PlannedContainer['restart'], restarts: number): boolean {
  return restart.name === 'on-failure' && restart.maxRetries !== undefined && restarts >= restart.maxRetries;
}
