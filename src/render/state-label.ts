import type { ServiceOutcome } from '../model.js';

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
