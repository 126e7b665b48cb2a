import { formatAge } from '../compose/duration.js';
import type { HistoryEntry, PolicyRules, StackStatus } from '../model.js';
import { DEFAULT_DURATION_SPIKE_PERCENT } from '../policy/evaluate-policy.js';
import type { Palette } from './colors.js';
import { colorByRisk, compareText, formatSeconds, formatTimestamp, formatTrend } from './format.js';
import { renderTable } from './table.js';

/** Renders `rehearsa status`: one row per stack sorted by name, or a friendly line when nothing was rehearsed yet. */
export function renderStatus(rows: StackStatus[], palette: Palette): string {
  if (rows.length === 0) return 'No rehearsals recorded yet.\n';
  const body = [...rows]
    .sort((a, b) => compareText(a.stack, b.stack))
    .map((r) => [
      r.stack,
      colorByRisk(`${r.confidence}%`, r.risk, palette),
      colorByRisk(r.risk, r.risk, palette),
      `${r.stability}%`,
      formatTrend(r.trend, palette),
      formatTimestamp(r.lastRunAt),
    ]);
  const table = renderTable(['STACK', 'CONFIDENCE', 'RISK', 'STABILITY', 'TREND', 'LAST RUN'], body, {
    align: ['left', 'right', 'left', 'right', 'left', 'left'],
  });
  return `${table}\n`;
}

function formatDelta(delta: number | undefined, palette: Palette): string {
  if (delta === undefined) return '-';
  if (delta > 0) return palette.green(`+${delta}`);
  return delta < 0 ? palette.red(String(delta)) : '0';
}

/** Renders `rehearsa history STACK` oldest first (ties broken by run id), or a friendly line when it is empty. */
export function renderHistory(entries: HistoryEntry[], palette: Palette): string {
  if (entries.length === 0) return 'No rehearsals recorded for this stack yet.\n';
  const body = [...entries]
    .sort((a, b) => compareText(a.startedAt, b.startedAt) || compareText(a.runId, b.runId))
    .map((e) => [
      formatTimestamp(e.startedAt),
      e.runId,
      colorByRisk(`${e.confidence}%`, e.risk, palette),
      formatDelta(e.confidenceDelta, palette),
      colorByRisk(e.risk, e.risk, palette),
      formatSeconds(e.durationMs),
      e.interrupted ? `${e.exitCode} (interrupted)` : String(e.exitCode),
    ]);
  const table = renderTable(['TIME', 'RUN', 'CONFIDENCE', 'DELTA', 'RISK', 'DURATION', 'EXIT'], body, {
    align: ['left', 'left', 'right', 'right', 'left', 'right', 'left'],
  });
  return `${table}\n`;
}

/**
 * Renders the policy that judges a stack: the stored rules laid over the defaults (as evaluatePolicy applies
 * them), and whether anything is stored at all.
 */
export function renderPolicy(stack: string, rules: PolicyRules | undefined, defaults: PolicyRules): string {
  const effective = { ...defaults, ...rules };
  const head = rules ? `policy for ${stack}: stored` : `policy for ${stack}: default (none stored)`;
  const yesNo = (value: boolean | undefined) => (value ? 'yes' : 'no');
  const table = renderTable(
    ['RULE', 'VALUE'],
    [
      ['min-confidence', effective.minConfidence === undefined ? 'off' : String(effective.minConfidence)],
      ['block-on-regression', yesNo(effective.blockOnRegression)],
      ['fail-on-duration-spike', yesNo(effective.failOnDurationSpike)],
      ['duration-spike-percent', `${effective.durationSpikePercent ?? DEFAULT_DURATION_SPIKE_PERCENT}%`],
      // Shown only when set: most stacks restore from no snapshot, and the row would only say "off".
      ...(effective.maxBackupAgeMs === undefined ? [] : [['max-backup-age', formatAge(effective.maxBackupAgeMs)]]),
    ],
  );
  return `${head}\n${table}\n`;
}
