import type { HistoryEntry } from '../model.js';
import { stabilityOf } from '../score/summarise-run.js';
import { escapeAttribute, escapeMarkup } from './escape-markup.js';
import { formatTimestamp } from './format.js';

export interface HistoryChartOptions {
  /** The policy's minimum confidence, drawn as a horizontal line when above 0. */
  threshold?: number;
  /** The run the page is about, ringed on the chart. */
  currentRunId?: string;
  /** Makes each point a link (the dashboard); a saved report has nowhere to link to. */
  runHref?: (runId: string) => string;
  /** How many of the newest runs to draw (default 30). */
  maxRuns?: number;
}

const WIDTH = 860;
const HEIGHT = 220;
const LEFT = 42;
const RIGHT = 16;
const TOP = 14;
const BOTTOM = 30;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;

const round = (n: number): string => String(Math.round(n * 10) / 10);

/**
 * Draws a stack's confidence over its runs (oldest left) as an SVG line chart, with the stability line (mean of
 * the last 5 runs at each point, computed over the whole list given, newest first) and the policy threshold.
 * Deterministic; an empty history draws an empty frame with a note.
 */
export function renderHistoryChartSvg(historyNewestFirst: HistoryEntry[], options: HistoryChartOptions = {}): string {
  const shown = historyNewestFirst.slice(0, options.maxRuns ?? 30);
  const points = shown
    .map((entry, k) => ({
      entry,
      stability: stabilityOf(historyNewestFirst.slice(k).map((e) => e.confidence)),
    }))
    .reverse();
  const n = points.length;
  const x = (i: number) => (n === 1 ? LEFT + PLOT_W / 2 : LEFT + (i * PLOT_W) / (n - 1));
  const y = (percent: number) => TOP + ((100 - Math.min(100, Math.max(0, percent))) / 100) * PLOT_H;

  const grid = [0, 25, 50, 75, 100].flatMap((p) => [
    `<line class="grid" x1="${LEFT}" y1="${round(y(p))}" x2="${WIDTH - RIGHT}" y2="${round(y(p))}"/>`,
    `<text class="dim" x="${LEFT - 6}" y="${round(y(p) + 4)}" text-anchor="end">${p}%</text>`,
  ]);
  const parts: string[] = [...grid];

  if (options.threshold !== undefined && options.threshold > 0) {
    const ty = round(y(options.threshold));
    parts.push(
      `<line class="threshold" x1="${LEFT}" y1="${ty}" x2="${WIDTH - RIGHT}" y2="${ty}"><title>policy minimum ${options.threshold}%</title></line>`,
      `<text class="dim" x="${WIDTH - RIGHT}" y="${round(y(options.threshold) - 4)}" text-anchor="end">min ${options.threshold}%</text>`,
    );
  }

  if (n === 0) {
    parts.push(
      `<text class="dim" x="${LEFT + PLOT_W / 2}" y="${TOP + PLOT_H / 2}" text-anchor="middle">no runs yet</text>`,
    );
  } else {
    const line = (value: (p: (typeof points)[number]) => number) =>
      points.map((p, i) => `${round(x(i))},${round(y(value(p)))}`).join(' ');
    parts.push(`<polyline class="stability" points="${line((p) => p.stability)}"/>`);
    parts.push(`<polyline class="confidence" points="${line((p) => p.entry.confidence)}"/>`);
    points.forEach(({ entry, stability }, i) => {
      const cx = round(x(i));
      const cy = round(y(entry.confidence));
      const title = `${formatTimestamp(entry.startedAt)} run ${entry.runId}: confidence ${entry.confidence}% (${entry.risk}), stability ${stability}%`;
      const ring = entry.runId === options.currentRunId ? `<circle class="current" cx="${cx}" cy="${cy}" r="8"/>` : '';
      const dot = `${ring}<circle class="point ${entry.risk}" cx="${cx}" cy="${cy}" r="4.5"><title>${escapeMarkup(title)}</title></circle>`;
      parts.push(options.runHref ? `<a href="${escapeAttribute(options.runHref(entry.runId))}">${dot}</a>` : dot);
    });
    const first = points[0]!.entry;
    const last = points[n - 1]!.entry;
    const date = (e: HistoryEntry) => escapeMarkup(formatTimestamp(e.startedAt).slice(0, 16));
    const baseline = HEIGHT - 8;
    if (n === 1) {
      parts.push(`<text class="dim" x="${round(x(0))}" y="${baseline}" text-anchor="middle">${date(first)}</text>`);
    } else {
      parts.push(
        `<text class="dim" x="${LEFT}" y="${baseline}" text-anchor="start">${date(first)}</text>`,
        `<text class="dim" x="${WIDTH - RIGHT}" y="${baseline}" text-anchor="end">${date(last)}</text>`,
      );
    }
  }

  return [
    `<svg class="chart history" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="Confidence of the last ${n} runs">`,
    ...parts,
    '</svg>',
  ].join('\n');
}
