import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeOutcome, makeRun, mixedServices } from '../../test/support/run-results.js';
import type { StackStatus } from '../model.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

// A strict reader of the text exposition format 0.0.4: it rejects anything Prometheus would reject, and also
// samples that come before their family's TYPE line or away from their family's block.
function parseExposition(text: string): { types: Map<string, string>; help: Map<string, string>; samples: Sample[] } {
  assert.ok(text.endsWith('\n'), 'the exposition ends with a line feed');
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  const closed = new Set<string>();
  let current: string | undefined;
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`).exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (name !== current) {
        if (current) closed.add(current);
        assert.ok(!closed.has(name), `family ${name} appears twice`);
        current = name;
      }
      if (kind === 'TYPE') {
        assert.match(rest, /^(counter|gauge|histogram|summary|untyped)$/);
        assert.ok(!types.has(name), `second TYPE for ${name}`);
        types.set(name, rest);
      } else {
        assert.doesNotMatch(rest, /\\[^\\n]/, 'HELP escapes only backslash and line feed');
        help.set(name, rest);
      }
      continue;
    }
    const sample = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`).exec(line);
    assert.ok(sample, `not a valid sample line: ${JSON.stringify(line)}`);
    const [, name, rawLabels, rawValue] = sample as unknown as [string, string, string | undefined, string];
    assert.equal(name, current, `sample ${name} is outside its family block`);
    assert.ok(types.has(name), `sample ${name} before its TYPE line`);
    assert.match(rawValue, /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|NaN|[+-]Inf)$/);
    const labels: Record<string, string> = {};
    if (rawLabels !== undefined) {
      const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
      let at = 0;
      while (at < rawLabels.length) {
        pair.lastIndex = at;
        const m = pair.exec(rawLabels);
        assert.ok(m, `bad label set: ${rawLabels}`);
        labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
        at = pair.lastIndex;
      }
    }
    samples.push({ name, labels, value: Number(rawValue) });
  }
  return { types, help, samples };
}

function status(stack: string, overrides: Partial<StackStatus> = {}): StackStatus {
  return {
    stack,
    confidence: 56,
    risk: 'HIGH',
    stability: 78,
    trend: 'DOWN',
    lastRunAt: '2025-01-02T03:04:05.000Z',
    lastExitCode: 1,
    runs: 3,
    ...overrides,
  };
}

const text = renderMetrics([
  { status: status('shop'), last: makeRun({ services: mixedServices() }) },
  {
    status: status('blog', { confidence: 100, risk: 'LOW', stability: 100 }),
    last: makeRun({ stack: 'blog', services: [makeOutcome({ service: 'we"ird\\name\n' })] }),
  },
  { status: status('unread', { risk: 'CRITICAL', confidence: 0 }) },
]);
const parsed = parseExposition(text);
const value = (name: string, labels: Record<string, string>) =>
  parsed.samples.find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))?.value;

test('every family has HELP and a gauge TYPE and is served as text format 0.0.4', () => {
  assert.equal(METRICS_CONTENT_TYPE.split(';').slice(0, 2).join(';'), 'text/plain; version=0.0.4');
  const families = [
    'rehearsa_stack_confidence',
    'rehearsa_stack_stability',
    'rehearsa_stack_risk_level',
    'rehearsa_stack_last_run_timestamp_seconds',
    'rehearsa_stack_last_duration_seconds',
    'rehearsa_stack_last_verdict_passed',
    'rehearsa_service_last_score',
  ];
  assert.deepEqual([...parsed.types.keys()], families);
  for (const family of families) {
    assert.equal(parsed.types.get(family), 'gauge');
    assert.ok(parsed.help.get(family));
  }
});

test('per-stack values come from the status row and the latest run', () => {
  assert.equal(value('rehearsa_stack_confidence', { stack: 'shop' }), 56);
  assert.equal(value('rehearsa_stack_stability', { stack: 'shop' }), 78);
  assert.equal(value('rehearsa_stack_risk_level', { stack: 'shop' }), 2);
  assert.equal(value('rehearsa_stack_risk_level', { stack: 'blog' }), 0);
  assert.equal(value('rehearsa_stack_risk_level', { stack: 'unread' }), 3);
  assert.equal(value('rehearsa_stack_last_run_timestamp_seconds', { stack: 'shop' }), 1735787045);
  assert.equal(value('rehearsa_stack_last_duration_seconds', { stack: 'shop' }), 4.2);
  assert.equal(value('rehearsa_stack_last_verdict_passed', { stack: 'shop' }), 0);
  assert.equal(value('rehearsa_stack_last_verdict_passed', { stack: 'blog' }), 1);
  assert.equal(value('rehearsa_stack_last_verdict_passed', { stack: 'unread' }), undefined, 'unknown, not invented');
});

test('per-service scores carry stack and service labels, escaped and sorted', () => {
  const scores = parsed.samples.filter((s) => s.name === 'rehearsa_service_last_score');
  assert.deepEqual(
    scores.map((s) => [s.labels.stack, s.labels.service, s.value]),
    [
      ['blog', 'we"ird\\name\n', 100],
      ['shop', 'cache', 85],
      ['shop', 'db', 100],
      ['shop', 'search', 40],
      ['shop', 'web', 0],
    ],
  );
  assert.ok(text.includes('service="we\\"ird\\\\name\\n"'));
});

test('no stacks: the families are still declared, with no samples', () => {
  const empty = parseExposition(renderMetrics([]));
  assert.equal(empty.samples.length, 0);
  assert.equal(empty.types.size, 7);
});
