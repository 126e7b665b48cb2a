import { parseDuration } from '../compose/duration.js';
import type { Issue, PolicyRules } from '../model.js';

type Parsed = { value: number | boolean } | { problem: string };

function integerFrom(min: number, max: number): (raw: string) => Parsed {
  return (raw) => {
    // Digits only: Number() would accept '', ' 80', '8e1' and '0x50'.
    const value = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
    return value >= min && value <= max ? { value } : { problem: `must be an integer from ${min} to ${max}` };
  };
}

function duration(raw: string): Parsed {
  const ms = parseDuration(raw);
  return ms !== undefined && ms > 0 ? { value: ms } : { problem: 'must be a duration such as 26h or 90m' };
}

function boolean(raw: string): Parsed {
  if (raw === 'true') return { value: true };
  if (raw === 'false') return { value: false };
  return { problem: 'must be true or false' };
}

// Keys are the camelCase names commander gives the options, which are also the PolicyRules fields unless
// `option` names the commander key (a duration flag stores milliseconds under a `…Ms` field).
const FLAGS: readonly { key: keyof PolicyRules; flag: string; option?: string; parse: (raw: string) => Parsed }[] = [
  { key: 'minConfidence', flag: '--min-confidence', parse: integerFrom(0, 100) },
  { key: 'blockOnRegression', flag: '--block-on-regression', parse: boolean },
  { key: 'failOnDurationSpike', flag: '--fail-on-duration-spike', parse: boolean },
  { key: 'durationSpikePercent', flag: '--duration-spike-percent', parse: integerFrom(1, 10000) },
  { key: 'maxBackupAgeMs', flag: '--max-backup-age', option: 'maxBackupAge', parse: duration },
];

/**
 * Parses the policy options (camelCase keys, as commander's `opts()` returns them) into rules holding only
 * the options given; every bad value becomes one issue `--flag: "value" must be …`, all reported together.
 */
export function parsePolicyFlags(flags: Record<string, string | undefined>): { rules: PolicyRules; issues: Issue[] } {
  const rules: Record<string, number | boolean> = {};
  const issues: Issue[] = [];
  for (const { key, flag, option, parse } of FLAGS) {
    const raw = flags[option ?? key];
    if (raw === undefined) continue;
    const parsed = parse(raw);
    if ('problem' in parsed) {
      issues.push({ path: flag, message: `${JSON.stringify(raw)} ${parsed.problem}`, severity: 'error' });
    } else {
      rules[key] = parsed.value;
    }
  }
  return { rules: rules as PolicyRules, issues };
}

/** Applies an update to a stored policy: fields the update leaves undefined keep their stored value. */
export function mergePolicy(existing: PolicyRules | undefined, update: PolicyRules): PolicyRules {
  const given = Object.entries(update).filter(([, value]) => value !== undefined);
  return { ...existing, ...Object.fromEntries(given) };
}
