import type { Finding, HistoryEntry, RunResult, ServiceOutcome } from '../model.js';
import { compareFindings } from '../preflight/compare-findings.js';
import { escapeAttribute, escapeMarkup } from './escape-markup.js';
import { compareText, describePolicy, formatSeconds, formatTimestamp } from './format.js';
import { renderPage } from './html-page.js';
import { readyIn, stateLabel } from './service-labels.js';
import { type HistoryChartOptions, renderHistoryChartSvg } from './svg-history-chart.js';
import { type DependencyEdge, renderTimelineSvg } from './svg-timeline.js';

export interface HtmlReportInput {
  result: RunResult;
  /** Runs of the same stack, newest first (this run included or not: it is added when missing). */
  history: HistoryEntry[];
  /** The minimum confidence to draw on the history chart; defaults to the one the run was judged by. */
  policyMinConfidence?: number;
  /** Dependency edges of the plan, `[service, dependency]`; without them the timeline draws no arrows. */
  edges?: readonly DependencyEdge[];
  /** Where a run links to (the dashboard); a saved report has no links between runs. */
  runHref?: (runId: string) => string;
}

const TREND_TEXT = { UP: '↑ up', DOWN: '↓ down', SAME: '→ same' } as const;

const e = escapeMarkup;

function scoreClass(score: number): string {
  return score >= 100 ? 's100' : score >= 85 ? 's85' : score > 0 ? 's40' : 's0';
}

function sortedServices(result: RunResult): ServiceOutcome[] {
  return [...result.services].sort((a, b) => compareText(a.service, b.service));
}

function anchor(service: string): string {
  return `svc-${service}`;
}

function stat(label: string, value: string): string {
  return `<div><dt>${e(label)}</dt><dd>${value}</dd></div>`;
}

function verdictSection({ result }: HtmlReportInput): string {
  const { summary: s, verdict: v } = result;
  const policy = `${describePolicy(v.policy)}${v.defaultPolicy ? ' (default)' : ''}`;
  let duration = formatSeconds(s.durationMs);
  if (s.durationDeltaPercent !== undefined && s.medianPreviousDurationMs !== undefined) {
    const sign = s.durationDeltaPercent > 0 ? '+' : '';
    duration += ` (${sign}${s.durationDeltaPercent}% vs median ${formatSeconds(s.medianPreviousDurationMs)})`;
  }
  const stats = [
    stat('Risk', `<span class="badge ${s.risk}">${s.risk}</span>`),
    stat('Stability', `${s.stability}%`),
    stat('Trend', s.trend === undefined ? '-' : e(`${TREND_TEXT[s.trend]} (was ${s.previousConfidence}%)`)),
    stat('Duration', e(duration)),
    stat('Started', e(formatTimestamp(result.startedAt))),
    stat('Run', `<code>${e(result.runId)}</code>`),
    stat('Policy', e(policy)),
    stat('Services', String(result.services.length)),
  ];
  const violations =
    v.violations.length === 0
      ? ''
      : `<ul class="plain fail">${v.violations.map((x) => `<li>${e(x.message)}</li>`).join('')}</ul>`;
  const interrupted = result.interrupted
    ? '<p class="fail"><strong>Interrupted:</strong> the run was stopped before it finished.</p>'
    : '';
  const files = result.files.map((f) => `<code>${e(f)}</code>`).join(', ');
  return `<section class="summary" id="verdict">
<div class="verdict">
<div><div class="big ${v.passed ? 'pass' : 'fail'}" data-verdict="${v.passed ? 'pass' : 'fail'}">${v.passed ? 'PASS' : 'FAIL'}</div><div class="muted">verdict</div></div>
<div><div class="big ${s.risk}">${s.confidence}%</div><div class="muted">confidence</div></div>
<dl class="stats">${stats.join('')}</dl>
</div>
${violations}${interrupted}<p class="muted">Compose files: ${files || '-'}</p>
</section>`;
}

function serviceDetails(o: ServiceOutcome): string {
  const health = o.healthLog.map((p) => p.trimEnd()).filter(Boolean);
  const blocks = [
    health.length > 0 ? `<div class="muted">health check output</div><pre>${e(health.join('\n'))}</pre>` : '',
    o.logTail.length > 0
      ? `<div class="muted">log tail</div><pre>${e(o.logTail.map((l) => l.trimEnd()).join('\n'))}</pre>`
      : '<div class="muted">no log output captured</div>',
  ];
  const extra = [
    o.oomKilled ? 'OOM killed' : '',
    o.restartCount > 0 ? `${o.restartCount} restarts` : '',
    o.oneShot ? 'one-shot' : '',
  ].filter(Boolean);
  // Problems are open from the start so the page explains itself without a click.
  const open = o.score < 100 ? ' open="open"' : '';
  const headline = o.reason ?? stateLabel(o);
  return `<details id="${escapeAttribute(anchor(o.service))}"${open}><summary><span class="${scoreClass(o.score)}">${e(o.service)}</span> <span class="muted">— ${e(headline)}${extra.length > 0 ? ` · ${e(extra.join(', '))}` : ''}</span></summary>
${blocks.join('\n')}
</details>`;
}

function servicesSection({ result }: HtmlReportInput): string {
  const services = sortedServices(result);
  const rows = services.map(
    (o) =>
      `<tr class="${scoreClass(o.score)}"><td><a href="#${escapeAttribute(anchor(o.service))}">${e(o.service)}</a></td><td class="${scoreClass(o.score)}">${e(stateLabel(o))}</td><td class="num ${scoreClass(o.score)}">${o.score}</td><td class="num wide">${readyIn(o)}</td><td>${e(o.reason ?? '')}</td></tr>`,
  );
  return `<section id="services">
<h2>Services</h2>
<div class="table-wrap"><table>
<thead><tr><th>Service</th><th>State</th><th class="num">Score</th><th class="num wide">Ready in</th><th>Reason</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>
${services.map(serviceDetails).join('\n')}
</section>`;
}

/** The edges to draw: the plan's when given, else the depends_on edges the run itself checked, if it recorded them. */
function edgesFor({ result, edges }: HtmlReportInput): readonly DependencyEdge[] {
  if (edges) return edges;
  const checked = (result.edges ?? []).filter((x) => x.origin === 'depends_on');
  return [...new Map(checked.map((x): [string, DependencyEdge] => [`${x.from}\n${x.to}`, [x.from, x.to]])).values()];
}

function timelineSection(input: HtmlReportInput): string | undefined {
  const { result } = input;
  const timed = result.services.some((o) => Object.values(o.timings).some((v) => v !== undefined));
  if (!timed) return undefined;
  const edges = edgesFor(input);
  const svg = renderTimelineSvg({ services: result.services, durationMs: result.summary.durationMs, edges });
  return `<section id="timeline">
<h2>Boot timeline</h2>
<div class="chart-wrap">${svg}</div>
<ul class="legend"><li><i style="background:var(--line)"></i>created</li><li><i style="background:var(--warn);opacity:.45"></i>starting</li><li><i style="background:var(--ok)"></i>ready</li><li><i style="background:var(--ok2)"></i>running, no healthcheck</li><li><i style="background:var(--warn)"></i>unhealthy</li><li><i style="background:var(--bad)"></i>failed</li>${edges.length > 0 ? '<li>→ waits for</li>' : ''}</ul>
</section>`;
}

/** The history chart with its legend, as the run report and the dashboard's stack page both show it. */
export function renderHistoryFigure(historyNewestFirst: HistoryEntry[], options: HistoryChartOptions): string {
  const threshold =
    options.threshold !== undefined && options.threshold > 0
      ? `<li><i style="background:var(--bad);height:2px"></i>policy minimum ${options.threshold}%</li>`
      : '';
  return `<div class="chart-wrap">${renderHistoryChartSvg(historyNewestFirst, options)}</div>
<ul class="legend"><li><i style="background:var(--accent);height:3px"></i>confidence</li><li><i style="background:var(--muted);height:2px"></i>stability (mean of the last 5 runs)</li>${threshold}</ul>`;
}

/** The run as a history entry, for a report written before (or without) the run being recorded. */
function entryOf(result: RunResult): HistoryEntry {
  return {
    runId: result.runId,
    stack: result.stack,
    startedAt: result.startedAt,
    confidence: result.summary.confidence,
    ...(result.summary.previousConfidence !== undefined && {
      confidenceDelta: result.summary.confidence - result.summary.previousConfidence,
    }),
    risk: result.summary.risk,
    durationMs: result.summary.durationMs,
    exitCode: result.exitCode,
    interrupted: result.interrupted,
  };
}

/**
 * The stack's history as seen by this run: runs newer than it are left out, so a report of a past run looks as
 * it did when the run was made; the run itself is added when the history does not have it yet.
 */
function historyUpTo(result: RunResult, history: HistoryEntry[]): HistoryEntry[] {
  const at = history.findIndex((h) => h.runId === result.runId);
  return at === -1 ? [entryOf(result), ...history] : history.slice(at);
}

function historySection({ result, history, policyMinConfidence, runHref }: HtmlReportInput): string {
  const entries = historyUpTo(result, history);
  const figure = renderHistoryFigure(entries, {
    threshold: policyMinConfidence ?? result.verdict.policy.minConfidence,
    currentRunId: result.runId,
    ...(runHref && { runHref }),
  });
  return `<section id="history">
<h2>Confidence history <span class="muted">(${entries.length} run${entries.length === 1 ? '' : 's'})</span></h2>
${figure}
</section>`;
}

function findingRow(f: Finding): string {
  const when = f.phase === 'after_boot' ? 'inside the sandbox' : 'preflight';
  return `<tr><td class="nowrap ${f.severity === 'critical' ? 'fail' : f.severity === 'warning' ? 'MODERATE' : 'muted'}">${f.severity}</td><td>${when}</td><td>${e(f.rule)}</td><td>${e(f.service ?? '-')}</td><td>${e(f.message)}</td></tr>`;
}

function findingsSection({ result }: HtmlReportInput): string {
  if (result.findings.length === 0) {
    return '<section id="findings"><h2>Findings</h2><p class="muted">No findings.</p></section>';
  }
  const rows = [...result.findings].sort(compareFindings).map(findingRow);
  return `<section id="findings">
<h2>Findings</h2>
<div class="table-wrap"><table>
<thead><tr><th>Severity</th><th>Found</th><th>Rule</th><th>Service</th><th>Message</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>
</section>`;
}

/** A titled table, or undefined when there are no rows: sections for data a run may not carry share it. */
function tableSection(id: string, title: string, headers: string[], rows: string[][]): string | undefined {
  if (rows.length === 0) return undefined;
  const head = headers.map((h) => `<th>${e(h)}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<section id="${id}">
<h2>${e(title)}</h2>
<div class="table-wrap"><table>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table></div>
</section>`;
}

const passFail = (passed: boolean) =>
  `<span class="${passed ? 'pass' : 'fail'}">${passed ? 'passed' : 'failed'}</span>`;

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  return n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;
}

function restoresSection({ result }: HtmlReportInput): string | undefined {
  const rows = [...(result.restores ?? [])]
    .sort((a, b) => compareText(a.name, b.name))
    .map((r) => [
      e(r.name),
      e(r.source),
      r.error === undefined ? '<span class="pass">restored</span>' : `<span class="fail">${e(r.error)}</span>`,
      `<span class="nowrap">${bytes(r.bytes)}</span>`,
      formatSeconds(r.ms),
      e([r.snapshot, r.snapshotTime && formatTimestamp(r.snapshotTime)].filter(Boolean).join(' · ')),
    ]);
  return tableSection('restores', 'Restored data', ['Volume', 'Source', 'Result', 'Size', 'Took', 'Snapshot'], rows);
}

function probesSection({ result }: HtmlReportInput): string | undefined {
  const rows = [...(result.probes ?? [])]
    .sort((a, b) => compareText(a.service, b.service) || compareText(a.target, b.target))
    .map((p) => [
      e(p.service),
      e(p.type),
      `<code>${e(p.target)}</code>`,
      passFail(p.passed),
      e([p.reason, p.evidence].filter(Boolean).join(' — ')),
    ]);
  return tableSection('probes', 'Probes', ['Service', 'Type', 'Target', 'Result', 'Evidence'], rows);
}

function mountsSection({ result }: HtmlReportInput): string | undefined {
  const rows = [...(result.mounts ?? [])]
    .sort((a, b) => compareText(a.service, b.service) || compareText(a.target, b.target))
    .map((m) => [
      e(m.service),
      `<code>${e(m.target)}</code>`,
      e(`${m.kind}${m.source ? ` ${m.source}` : ''}${m.readOnly ? ' (read-only)' : ''}`),
      m.writable === undefined ? '-' : m.writable ? 'yes' : '<span class="fail">no</span>',
      m.sizeBytes === undefined ? '-' : bytes(m.sizeBytes),
      e(m.note ?? ''),
    ]);
  return tableSection('mounts', 'Mounts', ['Service', 'Target', 'Source', 'Writable', 'Size', 'Note'], rows);
}

// The report's sections, in page order. A section with nothing to show returns undefined and leaves no trace, so
// runs recorded before restores, probes or mounts were measured render without them.
const SECTIONS: readonly ((input: HtmlReportInput) => string | undefined)[] = [
  verdictSection,
  servicesSection,
  timelineSection,
  restoresSection,
  probesSection,
  mountsSection,
  historySection,
  findingsSection,
];

/** The report's body without the page around it: every section that has something to show, all values escaped. */
export function renderRunSections(input: HtmlReportInput): string {
  return SECTIONS.map((section) => section(input))
    .filter((html): html is string => html !== undefined)
    .join('\n');
}

/** The title every run page carries: stack, verdict and run id. */
export function runTitle(result: RunResult): string {
  return `${result.stack} · ${result.verdict.passed ? 'PASS' : 'FAIL'} · run ${result.runId}`;
}

/**
 * Renders the report of one run as one self-contained HTML file (inline CSS and SVG, no script, no remote
 * loads, readable on a phone): verdict, services with log tails, boot timeline, confidence history, findings.
 */
export function renderHtml(input: HtmlReportInput): string {
  return renderPage({ title: runTitle(input.result), body: renderRunSections(input) });
}
