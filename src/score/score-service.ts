import type { ServiceOutcome, ServiceState } from '../model.js';

// One row per state so a new state cannot be added to the model without deciding its score here.
const SCORE_BY_STATE: Record<ServiceState, number> = {
  healthy: 100,
  completed: 100,
  // Running without a healthcheck proves the process stayed up, not that it serves: less than healthy.
  running: 85,
  unhealthy: 40,
  // Still starting at the deadline: it never proved readiness, so it counts as unhealthy.
  starting: 40,
  exited: 0,
  failed: 0,
  not_started: 0,
};

/** Returns the 0-100 score of a service from its final state; every state has exactly one score. */
export function scoreService(outcome: Pick<ServiceOutcome, 'state'>): number {
  return SCORE_BY_STATE[outcome.state];
}
