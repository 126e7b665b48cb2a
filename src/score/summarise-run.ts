import type { Risk, RunSummary, Trend } from '../model.js';

/** How many runs (this one included) stability averages, and how many previous durations the median uses. */
export const RECENT_RUNS = 5;

// Lower bounds, highest first; anything below the last bound is CRITICAL.
const RISK_BANDS: readonly (readonly [minimum: number, risk: Risk])[] = [
  [90, 'LOW'],
  [70, 'MODERATE'],
  [40, 'HIGH'],
];

/** Maps a confidence percent to its risk band: LOW >= 90, MODERATE >= 70, HIGH >= 40, CRITICAL below. */
export function riskFor(confidence: number): Risk {
  return RISK_BANDS.find(([minimum]) => confidence >= minimum)?.[1] ?? 'CRITICAL';
}

/** Compares a confidence with the previous one; undefined when there is no previous run. */
export function trendFor(current: number, previous: number | undefined): Trend | undefined {
  if (previous === undefined) return undefined;
  return current > previous ? 'UP' : current < previous ? 'DOWN' : 'SAME';
}

/** Rounded mean of the newest RECENT_RUNS confidences (newest first); 0 for an empty list. */
export function stabilityOf(confidencesNewestFirst: readonly number[]): number {
  return roundedMean(confidencesNewestFirst.slice(0, RECENT_RUNS));
}

function roundedMean(values: readonly number[]): number {
  // A stack with no services (or no runs) has proved nothing: 0, not NaN.
  if (values.length === 0) return 0;
  return Math.round(values.reduce((sum, v) => sum + v, 0) / values.length);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Summarises one run against the previous runs of the same stack (newest first, this run excluded):
 * never throws, and every comparison field is undefined when there is nothing to compare with.
 */
export function summariseRun(input: {
  scores: number[];
  durationMs: number;
  previous: { confidence: number; durationMs: number }[];
}): RunSummary {
  const confidence = roundedMean(input.scores);
  const previousConfidence = input.previous[0]?.confidence;
  const trend = trendFor(confidence, previousConfidence);
  const recentDurations = input.previous.slice(0, RECENT_RUNS).map((p) => p.durationMs);
  const medianMs = recentDurations.length > 0 ? median(recentDurations) : undefined;
  return {
    confidence,
    risk: riskFor(confidence),
    stability: stabilityOf([confidence, ...input.previous.map((p) => p.confidence)]),
    ...(trend !== undefined && { trend }),
    ...(previousConfidence !== undefined && { previousConfidence }),
    durationMs: input.durationMs,
    // Durations are whole milliseconds; an even count can land on a half, which is noise.
    ...(medianMs !== undefined && { medianPreviousDurationMs: Math.round(medianMs) }),
    // A zero median (instant runs, clock glitch) has no meaningful percentage.
    ...(medianMs !== undefined &&
      medianMs > 0 && { durationDeltaPercent: Math.round(((input.durationMs - medianMs) * 100) / medianMs) }),
  };
}
