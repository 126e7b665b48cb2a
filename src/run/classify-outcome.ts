import type { PlannedContainer, ReasonClass, ServiceState } from '../model.js';
import type { ContainerReadiness } from './readiness.js';

/** Why a service never got a running container (image, create, start, dependency, timeout). */
export interface BootFailure {
  reasonClass: ReasonClass;
  reason: string;
  /** true when the container was never created because of this failure. */
  notStarted: boolean;
}

export interface Classification {
  state: ServiceState;
  reasonClass?: ReasonClass;
  reason?: string;
}

/**
 * Turns what was observed of one service into its final state and reason. A one-shot that exits 0 and
 * would not be restarted is `completed`; a restarted container is a crash loop; a relapse after readiness
 * loses the score.
 */
export function classifyOutcome(
  container: Pick<PlannedContainer, 'oneShot' | 'restart' | 'healthcheck'>,
  readiness: ContainerReadiness | undefined,
  failure: BootFailure | undefined,
  lastProbeOutput?: string,
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
  const restarts = readiness.starts - 1;
  if (restarts > 0) {
    return {
      state: 'failed',
      reasonClass: 'crash_loop',
      reason: `crash loop: restarted ${restarts} time${restarts === 1 ? '' : 's'}`,
    };
  }
  if (readiness.status === 'exited') {
    const code = readiness.exitCode ?? -1;
    if (readiness.oomKilled)
      return { state: 'exited', reasonClass: 'oom', reason: `killed by the OOM killer (exit ${code})` };
    const wouldRestart = container.restart.name === 'always' || container.restart.name === 'unless-stopped';
    if (code === 0 && !wouldRestart) return { state: 'completed' };
    // Without a healthcheck "ready" only means "started", so dying later is not worth calling a relapse.
    const wasHealthy = readiness.relapsed && container.healthcheck !== undefined && !container.healthcheck.disabled;
    if (wasHealthy)
      return { state: 'exited', reasonClass: 'exit', reason: `exited with code ${code} after being healthy` };
    return { state: 'exited', reasonClass: 'exit', reason: `exited with code ${code}` };
  }
  if (container.oneShot) {
    return {
      state: 'starting',
      reasonClass: 'timeout',
      reason: 'still running at the deadline; a dependent waits for it to complete',
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
    case 'starting':
      return { state: 'starting', reasonClass: 'timeout', reason: `not healthy before the deadline${probe}` };
  }
}
