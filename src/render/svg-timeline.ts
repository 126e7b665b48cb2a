import type { Plan, ServiceOutcome } from '../model.js';
import { escapeAttribute, escapeMarkup } from './escape-markup.js';
import { compareText } from './format.js';
import { stateLabel } from './service-labels.js';

/** `[service, dependency]`: the first service depends on (was made to wait for) the second. */
export type DependencyEdge = readonly [from: string, to: string];

export interface TimelineInput {
  services: ServiceOutcome[];
  /** Length of the whole run; bars of services still up at the end reach it. */
  durationMs: number;
  edges?: readonly DependencyEdge[];
}

const PLOT_WIDTH = 640;
const ROW_HEIGHT = 26;
const BAR_HEIGHT = 14;
const TOP = 6;
const AXIS_HEIGHT = 26;
const RIGHT_PAD = 14;
const MAX_LABEL_CHARS = 24;
const TICK_STEPS_MS = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000];

const round = (n: number): string => String(Math.round(n * 10) / 10);
const secondsLabel = (ms: number): string => `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;

/** The score band a bar is coloured by; the page stylesheet maps it to green, light green, amber or red. */
function band(score: number): string {
  return score >= 100 ? 's100' : score >= 85 ? 's85' : score > 0 ? 's40' : 's0';
}

function startOf(o: ServiceOutcome): number {
  return o.timings.createdMs ?? o.timings.startedMs ?? Number.POSITIVE_INFINITY;
}

function labelOf(name: string): string {
  return name.length > MAX_LABEL_CHARS ? `${name.slice(0, MAX_LABEL_CHARS - 1)}…` : name;
}

function describe(o: ServiceOutcome): string {
  const t = o.timings;
  const parts = (
    [
      ['created', t.createdMs],
      ['started', t.startedMs],
      ['ready', t.readyMs],
      ['exited', t.exitedMs],
    ] as const
  )
    .filter(([, ms]) => ms !== undefined)
    .map(([name, ms]) => `${name} ${(ms! / 1000).toFixed(2)}s`);
  return `${o.service}: ${stateLabel(o)}, score ${o.score}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** The moment dependents of this service could go: its exit for a one-shot that completed, else its readiness. */
function releaseMs(o: ServiceOutcome): number | undefined {
  const t = o.timings;
  return o.state === 'completed' ? (t.exitedMs ?? t.readyMs) : (t.readyMs ?? t.startedMs);
}

function tickStep(totalMs: number): number {
  return TICK_STEPS_MS.find((step) => totalMs / step <= 8) ?? Math.ceil(totalMs / 8 / 60_000) * 60_000;
}

/**
 * Draws the boot of a run as an SVG Gantt chart: one row per service in the order they were created (then by
 * name), with created → started → ready → exited segments coloured by score, exit marks, and a curved arrow
 * from each dependency to its dependent for the edges given (unknown services ignored). Same input, same bytes.
 */
export function renderTimelineSvg(input: TimelineInput): string {
  const rows = [...input.services].sort((a, b) => startOf(a) - startOf(b) || compareText(a.service, b.service));
  const allTimes = rows.flatMap((o) => Object.values(o.timings).filter((v): v is number => v !== undefined));
  const totalMs = Math.max(1, input.durationMs, ...allTimes);
  const longest = Math.max(4, ...rows.map((o) => labelOf(o.service).length));
  const left = Math.min(200, 14 + longest * 7);
  const width = left + PLOT_WIDTH + RIGHT_PAD;
  const height = TOP + rows.length * ROW_HEIGHT + AXIS_HEIGHT;
  const x = (ms: number) => left + (Math.max(0, ms) / totalMs) * PLOT_WIDTH;
  const rowIndex = new Map(rows.map((o, i) => [o.service, i]));
  const mid = (i: number) => TOP + i * ROW_HEIGHT + ROW_HEIGHT / 2;

  const step = tickStep(totalMs);
  const grid: string[] = [];
  for (let ms = 0; ms <= totalMs; ms += step) {
    const gx = round(x(ms));
    const bottom = TOP + rows.length * ROW_HEIGHT;
    grid.push(
      `<line class="grid" x1="${gx}" y1="${TOP}" x2="${gx}" y2="${bottom}"/>`,
      `<text class="dim" x="${gx}" y="${bottom + 16}" text-anchor="middle">${secondsLabel(ms)}</text>`,
    );
  }

  const edges = (input.edges ?? []).flatMap(([from, to]) => {
    const i = rowIndex.get(from);
    const j = rowIndex.get(to);
    if (i === undefined || j === undefined || i === j) return [];
    const dependency = rows[j]!;
    const dependent = rows[i]!;
    const release = releaseMs(dependency);
    if (release === undefined) return [];
    const x1 = x(release);
    const begin = startOf(dependent);
    // A dependent that never started (blocked) still gets its arrow, pointing just past the release.
    const x2 = Number.isFinite(begin) ? x(begin) : x1 + 14;
    const down = i > j ? 1 : -1;
    // Leave the dependency's bar vertically and arrive at the dependent's bar from the left, so the arrow
    // reads as "then this one started" even when the two moments are close or out of order.
    const y1 = mid(j) + (down * BAR_HEIGHT) / 2;
    const y2 = mid(i);
    const cx = Math.min(x1, x2 - 12);
    const d = `M${round(x1)} ${round(y1)} C${round(x1)} ${round((y1 + y2) / 2)} ${round(cx)} ${round(y2)} ${round(x2)} ${round(y2)}`;
    return [
      `<path class="edge" d="${d}" marker-end="url(#rehearsa-arrow)"><title>${escapeMarkup(`${from} waits for ${to}`)}</title></path>`,
    ];
  });

  const bars = rows.map((o, i) => {
    const t = o.timings;
    const y = TOP + i * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2;
    const rect = (from: number, until: number, cls: string) => {
      const w = Math.max(2, x(until) - x(from));
      return `<rect class="${cls}" x="${round(x(from))}" y="${round(y)}" width="${round(w)}" height="${BAR_HEIGHT}" rx="2"/>`;
    };
    const parts: string[] = [];
    if (t.createdMs !== undefined && t.startedMs !== undefined && t.startedMs > t.createdMs) {
      parts.push(rect(t.createdMs, t.startedMs, 'seg-created'));
    }
    if (t.startedMs !== undefined) {
      const stop = t.exitedMs ?? totalMs;
      if (t.readyMs !== undefined) {
        if (t.readyMs > t.startedMs) parts.push(rect(t.startedMs, t.readyMs, 'seg-starting'));
        parts.push(rect(t.readyMs, Math.max(stop, t.readyMs), `seg-${band(o.score)}`));
      } else {
        // Never ready: still starting when it scored well, otherwise coloured by how badly it did.
        parts.push(rect(t.startedMs, stop, o.score >= 85 ? 'seg-starting' : `seg-${band(o.score)}`));
      }
    } else {
      parts.push(`<text class="dim" x="${left + 6}" y="${round(mid(i) + 4)}">${escapeMarkup(stateLabel(o))}</text>`);
    }
    if (t.exitedMs !== undefined) {
      const ex = round(x(t.exitedMs));
      const cls = o.state === 'completed' ? 'exit completed' : 'exit';
      parts.push(`<line class="${cls}" x1="${ex}" y1="${round(y - 3)}" x2="${ex}" y2="${round(y + BAR_HEIGHT + 3)}"/>`);
    }
    const label = `<text x="${left - 8}" y="${round(mid(i) + 4)}" text-anchor="end">${escapeMarkup(labelOf(o.service))}</text>`;
    return `<g class="row" data-service="${escapeAttribute(o.service)}"><title>${escapeMarkup(describe(o))}</title>${label}${parts.join('')}</g>`;
  });

  return [
    `<svg class="chart timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Boot timeline of ${rows.length} services">`,
    '<defs><marker id="rehearsa-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path class="arrow" d="M0 0L8 4L0 8z"/></marker></defs>',
    ...grid,
    ...edges,
    ...bars,
    '</svg>',
  ].join('\n');
}

/** The plan's dependency edges as the timeline draws them, `[service, dependency]`, sorted. */
export function dependencyEdges(plan: Pick<Plan, 'containers'>): DependencyEdge[] {
  return plan.containers
    .flatMap((c) => Object.keys(c.dependsOn).map((dependency): DependencyEdge => [c.service, dependency]))
    .sort((a, b) => compareText(a[0], b[0]) || compareText(a[1], b[1]));
}
