import type { ServiceOutcome } from '../model.js';
import { formatSeconds } from './format.js';

/** Names what was observed, in the words of `docker compose ps`, plus what Rehearsa adds (no healthcheck, exit code). */
export function stateLabel(outcome: ServiceOutcome): string {
  switch (outcome.state) {
    case 'healthy':
    case 'unhealthy':
    case 'starting':
    case 'failed':
      return outcome.state;
    case 'running':
      return outcome.hasHealthcheck ? 'running' : 'running (no healthcheck)';
    case 'completed':
      return `completed (exit ${outcome.exitCode ?? 0})`;
    case 'exited':
      return outcome.exitCode === undefined ? 'exited' : `exited (${outcome.exitCode})`;
    case 'not_started':
      return 'not started';
  }
}

/**
 * Time from start to ready as shown in every report: a completed one-shot shows its run time, a service that
 * ended up exited or failed was never ready in a useful sense (`-`).
 */
export function readyIn(outcome: ServiceOutcome): string {
  const { startedMs, readyMs, exitedMs } = outcome.timings;
  if (outcome.state === 'completed' && startedMs !== undefined && exitedMs !== undefined) {
    return formatSeconds(exitedMs - startedMs);
  }
  const wasReady = outcome.score > 0 && startedMs !== undefined && readyMs !== undefined;
  return wasReady ? formatSeconds(readyMs - startedMs) : '-';
}
