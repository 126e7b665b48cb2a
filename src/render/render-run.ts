import type { RunResult, ServiceOutcome } from '../model.js';
import type { Palette } from './colors.js';
import {
  colorByRisk,
  compareText,
  describePolicy,
  formatBytes,
  formatSeconds,
  formatTrend,
  sanitizeLine,
} from './format.js';
import { renderFindings } from './render-findings.js';
import { readyIn, stateLabel } from './service-labels.js';
import { renderTable } from './table.js';

/** The report never shows more log than this per service, whatever the outcome holds. */
const MAX_LOG_LINES = 20;
/** State changes shown per service in the report (the JSON document keeps them all). */
const MAX_EVENTS = 12;

function colorState(outcome: ServiceOutcome, text: string, palette: Palette): string {
  if (outcome.score >= 100) return palette.green(text);
  return outcome.score > 0 ? palette.yellow(text) : palette.red(text);
}

function serviceTable(services: ServiceOutcome[], palette: Palette): string {
  const rows = services.map((o) => [
    o.service,
    colorState(o, stateLabel(o), palette),
    String(o.score),
    readyIn(o),
    sanitizeLine(o.reason ?? ''),
  ]);
  return renderTable(['SERVICE', 'STATE', 'SCORE', 'READY IN', 'REASON'], rows, {
    align: ['left', 'left', 'right', 'right', 'left'],
  });
}

function summaryLine(result: RunResult, palette: Palette): string {
  const s = result.summary;
  const parts = [
    `confidence ${colorByRisk(`${s.confidence}%`, s.risk, palette)}`,
    `risk ${colorByRisk(s.risk, s.risk, palette)}`,
    `stability ${s.stability}%`,
  ];
  if (s.trend !== undefined) parts.push(`trend ${formatTrend(s.trend, palette)}`);
  let duration = `duration ${formatSeconds(s.durationMs)}`;
  if (s.durationDeltaPercent !== undefined && s.medianPreviousDurationMs !== undefined) {
    const sign = s.durationDeltaPercent > 0 ? '+' : '';
    duration += ` (${sign}${s.durationDeltaPercent}% vs median ${formatSeconds(s.medianPreviousDurationMs)})`;
  }
  parts.push(duration);
  return parts.join('  ');
}

/** Explains one service that scored under 100: what happened, its last probe outputs, then the tail of its log. */
function problemBlock(outcome: ServiceOutcome, palette: Palette): string[] {
  const mark = outcome.score > 0 ? palette.yellow('!') : palette.red('✗');
  const lines = [`${mark} ${palette.bold(outcome.service)}: ${sanitizeLine(outcome.reason ?? stateLabel(outcome))}`];
  const changes = (outcome.events ?? []).map(
    (e) => `${e.state}${e.detail ? ` (${e.detail})` : ''} ${formatSeconds(e.atMs)}`,
  );
  // A crash loop can log dozens of changes; the latest ones explain the outcome.
  const shown = changes.length > MAX_EVENTS ? ['…', ...changes.slice(-MAX_EVENTS)] : changes;
  if (shown.length > 0) lines.push(`  events: ${shown.map(sanitizeLine).join(' · ')}`);
  const probes = outcome.healthLog.map((probe) => probe.split('\n').map(sanitizeLine).filter(Boolean).join(' '));
  for (const { text, count } of collapseRepeats(probes.filter(Boolean))) {
    lines.push(count > 1 ? `  health (last ${count} probes): ${text}` : `  health: ${text}`);
  }
  // Blank lines would read as the end of the block, so they are left out of the excerpt.
  const log = outcome.logTail.slice(-MAX_LOG_LINES).map(sanitizeLine).filter(Boolean);
  if (log.length > 0) lines.push('  log:', ...log.map((line) => `    ${line}`));
  return lines;
}

function verdictLines(result: RunResult, palette: Palette): string[] {
  const { verdict } = result;
  const policy = `policy: ${describePolicy(verdict.policy)}${verdict.defaultPolicy ? ' (default)' : ''}`;
  const head = `${verdict.passed ? palette.green(palette.bold('PASS')) : palette.red(palette.bold('FAIL'))}  ${policy}`;
  return [head, ...verdict.violations.map((v) => `  ${palette.red('✗')} ${v.message}`)];
}

/**
 * Renders the terminal report of one rehearsal: the service table sorted by name, the summary line, a block per
 * service under 100, then the policy verdict; sections separated by a blank line, ending with a newline.
 * Only measured values appear: no trend without an earlier run, no ready time without both timestamps.
 */
export function renderRun(result: RunResult, palette: Palette): string {
  const services = [...result.services].sort((a, b) => compareText(a.service, b.service));
  const sections: string[][] = [[serviceTable(services, palette)]];
  const summary = [summaryLine(result, palette)];
  if (result.interrupted) summary.unshift(palette.yellow('interrupted: the run was stopped before it finished'));
  sections.push(summary);
  const data = dataLines(result, palette);
  if (data.length > 0) sections.push(data);
  const afterBoot = renderFindings(
    result.findings.filter((f) => f.phase === 'after_boot'),
    palette,
  ).trimEnd();
  if (afterBoot) sections.push([palette.bold('checks inside the sandbox'), afterBoot]);
  for (const outcome of services) {
    if (outcome.score < 100) sections.push(problemBlock(outcome, palette));
  }
  sections.push(verdictLines(result, palette));
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

/** Groups consecutive identical lines, so five identical probe failures read as one line. */
function collapseRepeats(lines: string[]): { text: string; count: number }[] {
  const groups: { text: string; count: number }[] = [];
  for (const text of lines) {
    const last = groups.at(-1);
    if (last?.text === text) last.count++;
    else groups.push({ text, count: 1 });
  }
  return groups;
}

/** What the run restored and what its probes found: the "with its data" half of the answer. */
function dataLines(result: RunResult, palette: Palette): string[] {
  const lines: string[] = [];
  for (const r of result.restores ?? []) {
    const what = `${r.name} from ${r.source}${r.snapshot ? ` (${r.snapshot})` : ''}`;
    lines.push(
      r.error
        ? `${palette.red('✗')} restore ${what}: ${sanitizeLine(r.error)}`
        : `${palette.green('✓')} restored ${what}: ${formatBytes(r.bytes)} in ${formatSeconds(r.ms)}`,
    );
  }
  for (const p of result.probes ?? []) {
    const mark = p.skipped ? palette.yellow('!') : p.passed ? palette.green('✓') : palette.red('✗');
    const detail = p.passed ? firstEvidenceLine(p.evidence) : (p.reason ?? 'failed');
    lines.push(
      `${mark} probe ${p.service} ${p.type} ${sanitizeLine(p.target)}${detail ? `: ${sanitizeLine(detail)}` : ''}`,
    );
    // A failed probe shows what it saw, as a failed service shows its log tail.
    if (!p.passed && !p.skipped) lines.push(...evidenceLines(p.evidence).map((l) => `    ${l}`));
  }
  return lines;
}

/** At most the first 5 non-empty lines of what a probe saw, each made safe for the terminal. */
function evidenceLines(evidence: string | undefined): string[] {
  return (evidence ?? '')
    .split('\n')
    .map(sanitizeLine)
    .filter((l) => l.trim() !== '')
    .slice(0, 5);
}

function firstEvidenceLine(evidence: string | undefined): string {
  return evidence?.split('\n').find((l) => l.trim() !== '') ?? '';
}
