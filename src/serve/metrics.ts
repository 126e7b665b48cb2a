import type { Risk, RunResult, StackStatus } from '../model.js';
import { compareText } from '../render/format.js';

/** What the exposition knows about one stack: its status row and, when it could be read, its latest run. */
export interface StackMetrics {
  status: StackStatus;
  last?: RunResult;
}

const RISK_LEVEL: Record<Risk, number> = { LOW: 0, MODERATE: 1, HIGH: 2, CRITICAL: 3 };

interface Family {
  name: string;
  help: string;
  samples: (stack: StackMetrics) => { labels: Record<string, string>; value: number }[];
}

const perStack =
  (value: (s: StackMetrics) => number | undefined): Family['samples'] =>
  (s) => {
    const v = value(s);
    return v === undefined ? [] : [{ labels: { stack: s.status.stack }, value: v }];
  };

// Every family is a gauge: each describes the latest state, none counts events.
const FAMILIES: readonly Family[] = [
  {
    name: 'rehearsa_stack_confidence',
    help: 'Confidence of the latest rehearsal of the stack, in percent (0-100).',
    samples: perStack((s) => s.status.confidence),
  },
  {
    name: 'rehearsa_stack_stability',
    help: 'Mean confidence of the last 5 rehearsals of the stack, in percent (0-100).',
    samples: perStack((s) => s.status.stability),
  },
  {
    name: 'rehearsa_stack_risk_level',
    help: 'Risk band of the latest rehearsal: 0 LOW, 1 MODERATE, 2 HIGH, 3 CRITICAL.',
    samples: perStack((s) => RISK_LEVEL[s.status.risk]),
  },
  {
    name: 'rehearsa_stack_last_run_timestamp_seconds',
    help: 'Start time of the latest rehearsal of the stack, in seconds since the Unix epoch.',
    samples: perStack((s) => {
      const ms = Date.parse(s.status.lastRunAt);
      return Number.isNaN(ms) ? undefined : ms / 1000;
    }),
  },
  {
    name: 'rehearsa_stack_last_duration_seconds',
    help: 'Duration of the latest rehearsal of the stack, in seconds.',
    samples: perStack((s) => (s.last === undefined ? undefined : s.last.summary.durationMs / 1000)),
  },
  {
    name: 'rehearsa_stack_last_verdict_passed',
    help: 'Whether the latest rehearsal of the stack passed its policy (1) or not (0).',
    samples: perStack((s) => (s.last === undefined ? undefined : s.last.verdict.passed ? 1 : 0)),
  },
  {
    name: 'rehearsa_service_last_score',
    help: 'Score of each service in the latest rehearsal of its stack (100, 85, 40 or 0).',
    samples: (s) =>
      [...(s.last?.services ?? [])]
        .sort((a, b) => compareText(a.service, b.service))
        .map((o) => ({ labels: { stack: s.status.stack, service: o.service }, value: o.score })),
  },
];

/** Escapes a label value as the text format requires: backslash, double quote and line feed. */
function labelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

function sampleLine(name: string, labels: Record<string, string>, value: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${labelValue(v)}"`);
  return `${name}{${pairs.join(',')}} ${value}`;
}

/**
 * Renders the Prometheus text exposition (format 0.0.4) of the stacks: every family with its HELP and TYPE
 * lines, samples grouped under it and sorted by stack then service, label values escaped, trailing newline.
 */
export function renderMetrics(stacks: StackMetrics[]): string {
  const sorted = [...stacks].sort((a, b) => compareText(a.status.stack, b.status.stack));
  const lines = FAMILIES.flatMap((family) => [
    `# HELP ${family.name} ${family.help}`,
    `# TYPE ${family.name} gauge`,
    ...sorted.flatMap((s) => family.samples(s).map((x) => sampleLine(family.name, x.labels, x.value))),
  ]);
  return `${lines.join('\n')}\n`;
}

/** Content-Type of the exposition, as Prometheus expects for the text format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
