import type { Healthcheck } from '../model.js';

/** The engine's defaults for healthcheck fields left unset (Docker's, not Compose's). */
const ENGINE_DEFAULTS = { intervalMs: 30_000, timeoutMs: 30_000, startPeriodMs: 0, retries: 3 };
/** Allowance for event delivery and the probe that straddles the end of the start period. */
const SLACK_MS = 1000;

/** How long a healthcheck may take, at most, to report healthy or unhealthy, and how that was reckoned. */
export interface HealthBudget {
  ms: number;
  /** `start_period 0s + 3 × (interval 300ms + timeout 2s) + slack 1s`. */
  formula: string;
}

/**
 * The longest a container can stay `starting` under Docker's healthcheck rules: failures count only after
 * the start period, and `retries` consecutive failures (each at most interval + timeout apart) make it
 * unhealthy. Past this budget the healthcheck can no longer turn healthy in time to matter, so the service
 * is judged a timeout instead of waiting for the global deadline.
 */
export function healthBudget(hc: Healthcheck): HealthBudget {
  const interval = positive(hc.intervalMs) ?? ENGINE_DEFAULTS.intervalMs;
  const timeout = positive(hc.timeoutMs) ?? ENGINE_DEFAULTS.timeoutMs;
  const startPeriod = hc.startPeriodMs ?? ENGINE_DEFAULTS.startPeriodMs;
  const retries = positive(hc.retries) ?? ENGINE_DEFAULTS.retries;
  // One extra interval: the first probe runs one interval after start, and a probe straddling the end of the
  // start period does not count.
  const ms = startPeriod + interval + retries * (interval + timeout) + SLACK_MS;
  const formula =
    `start_period ${seconds(startPeriod)} + (${retries} + 1) × interval ${seconds(interval)} + ` +
    `${retries} × timeout ${seconds(timeout)} + slack ${seconds(SLACK_MS)}`;
  return { ms, formula };
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? value : undefined;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
