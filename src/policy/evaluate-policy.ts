import { formatAge } from '../compose/duration.js';
import type { PolicyRules, RunSummary, Verdict, Violation } from '../model.js';
import { mergePolicy } from './policy-flags.js';

/** The policy of a stack that has none stored: fail below 70% confidence, nothing else. */
export const DEFAULT_POLICY: PolicyRules = { minConfidence: 70 };

/** Spike threshold when `failOnDurationSpike` is on without an explicit percentage. */
export const DEFAULT_DURATION_SPIKE_PERCENT = 50;

type Rule = (policy: PolicyRules, summary: RunSummary) => Violation | undefined;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

const minConfidence: Rule = (policy, { confidence }) =>
  policy.minConfidence !== undefined && confidence < policy.minConfidence
    ? { rule: 'min_confidence', message: `confidence ${confidence}% is below the minimum ${policy.minConfidence}%` }
    : undefined;

const blockOnRegression: Rule = (policy, { trend, confidence, previousConfidence }) =>
  policy.blockOnRegression === true && trend === 'DOWN'
    ? {
        rule: 'block_on_regression',
        message: `confidence fell from ${previousConfidence}% to ${confidence}% since the previous run`,
      }
    : undefined;

// Compared with the median of recent runs, not the previous run alone, so one slow outlier neither
// triggers nor masks a spike. Faster runs (negative percentages) never violate.
const durationSpike: Rule = (policy, { durationMs, durationDeltaPercent, medianPreviousDurationMs }) => {
  const limit = policy.durationSpikePercent ?? DEFAULT_DURATION_SPIKE_PERCENT;
  if (policy.failOnDurationSpike !== true || durationDeltaPercent === undefined || durationDeltaPercent <= limit) {
    return undefined;
  }
  return {
    rule: 'duration_spike',
    message:
      `duration ${seconds(durationMs)} is ${durationDeltaPercent}% above the median ` +
      `${seconds(medianPreviousDurationMs ?? 0)} of the previous runs (limit ${limit}%)`,
  };
};

const RULES: readonly Rule[] = [minConfidence, blockOnRegression, durationSpike];

/** Age of one restic or borg snapshot a run restored from. */
export interface BackupAge {
  source: string;
  ageMs: number;
}

// Checked after the summary rules, one violation per stale snapshot, so each stale source is named.
function backupAge(policy: PolicyRules, backups: readonly BackupAge[]): Violation[] {
  const limit = policy.maxBackupAgeMs;
  if (limit === undefined) return [];
  return backups
    .filter((b) => b.ageMs > limit)
    .map((b) => ({
      rule: 'max_backup_age',
      message: `${b.source} is ${formatAge(b.ageMs)} old, older than the maximum ${formatAge(limit)}`,
    }));
}

/**
 * Judges a run summary: violations come in rule order, and a stored policy only overrides the default
 * fields it sets, so enabling one rule never drops the minimum confidence (set it to 0 to disable it).
 */
export function evaluatePolicy(
  stored: PolicyRules | undefined,
  summary: RunSummary,
  backups: readonly BackupAge[] = [],
): Verdict {
  const policy = mergePolicy(DEFAULT_POLICY, stored ?? {});
  const violations = [
    ...RULES.map((rule) => rule(policy, summary)).filter((v): v is Violation => v !== undefined),
    ...backupAge(policy, backups),
  ];
  return { passed: violations.length === 0, policy, defaultPolicy: stored === undefined, violations };
}
