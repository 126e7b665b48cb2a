import { stripVTControlCharacters } from 'node:util';
import { formatAge } from '../compose/duration.js';
import type { PolicyRules, Risk, Trend } from '../model.js';
import type { Palette } from './colors.js';

/** Formats milliseconds as seconds with one decimal (`12.4s`), the one duration format of the terminal output. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Formats a stored ISO timestamp as `YYYY-MM-DD HH:MM:SSZ` without consulting the local time zone. */
export function formatTimestamp(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.exec(iso);
  return match ? `${match[1]} ${match[2]}${match[3]}` : iso;
}

const TREND_LABEL: Record<Trend, string> = { UP: '↑ UP', DOWN: '↓ DOWN', SAME: '→ SAME' };

/** Labels a trend with its arrow (`↓ DOWN`), coloured by direction; `-` when there is no earlier run to compare. */
export function formatTrend(trend: Trend | undefined, palette: Palette): string {
  if (trend === undefined) return '-';
  const label = TREND_LABEL[trend];
  return trend === 'UP' ? palette.green(label) : trend === 'DOWN' ? palette.red(label) : palette.dim(label);
}

/** Colours any text by a risk band: green LOW, yellow MODERATE, red HIGH, bold red CRITICAL. */
export function colorByRisk(text: string, risk: Risk, palette: Palette): string {
  switch (risk) {
    case 'LOW':
      return palette.green(text);
    case 'MODERATE':
      return palette.yellow(text);
    case 'HIGH':
      return palette.red(text);
    case 'CRITICAL':
      return palette.bold(palette.red(text));
  }
}

/** Describes the rules a policy sets, in a fixed order (`min-confidence 70, block-on-regression`); `none` when empty. */
export function describePolicy(rules: PolicyRules): string {
  const parts: string[] = [];
  if (rules.minConfidence !== undefined) parts.push(`min-confidence ${rules.minConfidence}`);
  if (rules.blockOnRegression) parts.push('block-on-regression');
  if (rules.failOnDurationSpike) {
    parts.push(
      rules.durationSpikePercent === undefined
        ? 'fail-on-duration-spike'
        : `fail-on-duration-spike ${rules.durationSpikePercent}%`,
    );
  }
  if (rules.maxBackupAgeMs !== undefined) parts.push(`max-backup-age ${formatAge(rules.maxBackupAgeMs)}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** Makes text captured from containers safe for a terminal line: no ANSI sequences, no control characters, no trailing blanks. */
export function sanitizeLine(text: string): string {
  return stripVTControlCharacters(text)
    .replace(/\t/g, '  ')
    .replace(/[\x00-\x1f\x7f]/g, ' ')
    .trimEnd();
}

/** Orders strings by code point, the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A size in binary units with one decimal (`10.0 KiB`, `45.9 MiB`); plain bytes below 1 KiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
