import type { HistoryEntry, RunResult, StackStatus } from '../model.js';
import { escapeMarkup as e, escapeAttribute } from '../render/escape-markup.js';
import { compareText, formatSeconds, formatTimestamp } from '../render/format.js';
import { renderPage } from '../render/html-page.js';
import { renderHistoryFigure, renderRunSections, runTitle } from '../render/render-html.js';

/** Dashboard pages reload themselves this often, so new rehearsals show up without a click. */
export const REFRESH_SECONDS = 10;

const TREND_TEXT = { UP: '↑ up', DOWN: '↓ down', SAME: '→ same' } as const;

/** Dashboard URL of a stack page. */
export function stackHref(stack: string): string {
  return `/stacks/${encodeURIComponent(stack)}`;
}

/** Dashboard URL of a run page. */
export function runHref(runId: string): string {
  return `/runs/${encodeURIComponent(runId)}`;
}

const home = { label: 'Rehearsa', href: '/' };

function link(href: string, text: string): string {
  return `<a href="${escapeAttribute(href)}">${e(text)}</a>`;
}

/** The dashboard's front page: one row per stack, as `rehearsa status` prints them. */
export function renderStatusPage(rows: StackStatus[]): string {
  const body =
    rows.length === 0
      ? '<section><p>No rehearsals recorded yet. Run <code>rehearsa stack test</code> and this page will show it.</p></section>'
      : `<section>
<div class="table-wrap"><table id="status">
<thead><tr><th>Stack</th><th class="num">Confidence</th><th>Risk</th><th class="num">Stability</th><th>Trend</th><th class="wide">Last run</th><th class="num wide">Runs</th></tr></thead>
<tbody>
${[...rows]
  .sort((a, b) => compareText(a.stack, b.stack))
  .map(
    (r) =>
      `<tr data-stack="${escapeAttribute(r.stack)}"><td>${link(stackHref(r.stack), r.stack)}</td><td class="num ${r.risk}">${r.confidence}%</td><td><span class="badge ${r.risk}">${r.risk}</span></td><td class="num">${r.stability}%</td><td>${r.trend === undefined ? '-' : TREND_TEXT[r.trend]}</td><td class="nowrap wide">${e(formatTimestamp(r.lastRunAt))}</td><td class="num wide">${r.runs}</td></tr>`,
  )
  .join('\n')}
</tbody>
</table></div>
</section>`;
  const footer =
    '<p class="muted">Machine-readable: <a href="/api/status">/api/status</a> · <a href="/metrics">/metrics</a></p>';
  return renderPage({ title: 'Rehearsa stacks', body: `${body}\n${footer}`, refreshSeconds: REFRESH_SECONDS });
}

function deltaText(delta: number | undefined): string {
  if (delta === undefined) return '-';
  return delta > 0 ? `<span class="pass">+${delta}</span>` : delta < 0 ? `<span class="fail">${delta}</span>` : '0';
}

/** A stack's page: its latest status, the confidence history chart and the list of its runs, newest first. */
export function renderStackPage(input: {
  stack: string;
  status?: StackStatus;
  runs: HistoryEntry[];
  policyMinConfidence?: number;
}): string {
  const { stack, status, runs } = input;
  const summary = status
    ? `<section><div class="verdict"><div><div class="big ${status.risk}">${status.confidence}%</div><div class="muted">latest confidence</div></div>
<dl class="stats"><div><dt>Risk</dt><dd><span class="badge ${status.risk}">${status.risk}</span></dd></div><div><dt>Stability</dt><dd>${status.stability}%</dd></div><div><dt>Trend</dt><dd>${status.trend === undefined ? '-' : TREND_TEXT[status.trend]}</dd></div><div><dt>Runs</dt><dd>${status.runs}</dd></div><div><dt>Policy minimum</dt><dd>${input.policyMinConfidence === undefined ? 'off' : `${input.policyMinConfidence}%`}</dd></div></dl></div></section>`
    : '';
  const chart = `<section id="history"><h2>Confidence history</h2>
${renderHistoryFigure(runs, { ...(input.policyMinConfidence !== undefined && { threshold: input.policyMinConfidence }), runHref })}
</section>`;
  const list =
    runs.length === 0
      ? '<section><p>No runs recorded for this stack yet.</p></section>'
      : `<section id="runs"><h2>Runs</h2>
<div class="table-wrap"><table>
<thead><tr><th>Time</th><th>Run</th><th class="num">Confidence</th><th class="num wide">Delta</th><th>Risk</th><th class="num">Duration</th><th class="num wide">Exit</th></tr></thead>
<tbody>
${runs
  .map(
    (r) =>
      `<tr data-run="${escapeAttribute(r.runId)}"><td class="nowrap">${e(formatTimestamp(r.startedAt))}</td><td>${link(runHref(r.runId), r.runId)}</td><td class="num ${r.risk}">${r.confidence}%</td><td class="num wide">${deltaText(r.confidenceDelta)}</td><td><span class="badge ${r.risk}">${r.risk}</span></td><td class="num">${formatSeconds(r.durationMs)}</td><td class="num wide">${r.exitCode}${r.interrupted ? ' (interrupted)' : ''}</td></tr>`,
  )
  .join('\n')}
</tbody>
</table></div>
</section>`;
  return renderPage({
    title: stack,
    crumbs: [home, { label: stack }],
    body: [summary, chart, list].filter(Boolean).join('\n'),
    refreshSeconds: REFRESH_SECONDS,
  });
}

/** A run's page: the same sections as the saved HTML report, with links back to its stack and between runs. */
export function renderRunPage(result: RunResult, history: HistoryEntry[]): string {
  return renderPage({
    title: runTitle(result),
    crumbs: [home, { label: result.stack, href: stackHref(result.stack) }, { label: `run ${result.runId}` }],
    body: renderRunSections({ result, history, runHref }),
    refreshSeconds: REFRESH_SECONDS,
  });
}

/** A page saying what could not be found or done, with a way back to the front page. */
export function renderMessagePage(title: string, message: string): string {
  return renderPage({
    title,
    crumbs: [home, { label: title }],
    body: `<section><p>${e(message)}</p><p><a href="/">Back to all stacks</a></p></section>`,
    refreshSeconds: REFRESH_SECONDS,
  });
}
