import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult, ServiceOutcome } from '../model.js';
import { makePalette } from './colors.js';
import { renderRun } from './render-run.js';

const plain = makePalette(false);

function outcome(overrides: Partial<ServiceOutcome> & { service: string }): ServiceOutcome {
  return {
    state: 'healthy',
    oneShot: false,
    hasHealthcheck: true,
    restartCount: 0,
    healthLog: [],
    logTail: [],
    timings: {},
    score: 100,
    ...overrides,
  };
}

function run(overrides: Partial<RunResult> = {}): RunResult {
  return {
    schemaVersion: 1,
    runId: 'r1',
    stack: 'shop',
    startedAt: '2025-01-02T03:04:05.000Z',
    finishedAt: '2025-01-02T03:04:17.400Z',
    files: ['/srv/shop/compose.yml'],
    interrupted: false,
    findings: [],
    services: [],
    summary: { confidence: 100, risk: 'LOW', stability: 100, durationMs: 12400 },
    verdict: { passed: true, policy: { minConfidence: 70 }, defaultPolicy: true, violations: [] },
    exitCode: 0,
    ...overrides,
  };
}

test('a passing run: table sorted by service, summary without trend, PASS verdict', () => {
  const out = renderRun(
    run({
      services: [
        outcome({ service: 'web', timings: { startedMs: 1000, readyMs: 4250 } }),
        outcome({ service: 'migrate', state: 'completed', exitCode: 0, oneShot: true, hasHealthcheck: false }),
        outcome({ service: 'db', timings: { startedMs: 200, readyMs: 3400 } }),
      ],
    }),
    plain,
  );
  assert.equal(
    out,
    [
      'SERVICE  STATE               SCORE  READY IN  REASON',
      'db       healthy               100      3.2s',
      'migrate  completed (exit 0)    100         -',
      'web      healthy               100      3.3s',
      '',
      'confidence 100%  risk LOW  stability 100%  duration 12.4s',
      '',
      'PASS  policy: min-confidence 70 (default)',
      '',
    ].join('\n'),
  );
});

test('a failing run explains every service under 100 and lists each violation', () => {
  const out = renderRun(
    run({
      services: [
        outcome({
          service: 'web',
          state: 'exited',
          exitCode: 1,
          score: 0,
          reasonClass: 'exit',
          reason: 'exited with code 1',
          logTail: ['booting', 'Error: connect ECONNREFUSED db:5432', ''],
          timings: { startedMs: 500, exitedMs: 2500 },
        }),
        outcome({
          service: 'cache',
          state: 'running',
          hasHealthcheck: false,
          score: 85,
          timings: { startedMs: 100, readyMs: 600 },
        }),
        outcome({
          service: 'db',
          state: 'unhealthy',
          score: 40,
          reasonClass: 'unhealthy',
          reason: 'healthcheck failed 3 times',
          healthLog: ['pg_isready: no response\n', 'pg_isready: no response'],
        }),
        outcome({ service: 'worker', state: 'not_started', score: 0, reason: 'dependency db is unhealthy' }),
      ],
      summary: {
        confidence: 56,
        risk: 'HIGH',
        stability: 61,
        trend: 'DOWN',
        previousConfidence: 80,
        durationMs: 12400,
      },
      verdict: {
        passed: false,
        policy: { minConfidence: 70, blockOnRegression: true },
        defaultPolicy: false,
        violations: [
          { rule: 'min_confidence', message: 'confidence 56% is below the minimum 70%' },
          { rule: 'block_on_regression', message: 'confidence fell from 80% to 56%' },
        ],
      },
      exitCode: 1,
    }),
    plain,
  );
  assert.equal(
    out,
    [
      'SERVICE  STATE                     SCORE  READY IN  REASON',
      'cache    running (no healthcheck)     85      0.5s',
      'db       unhealthy                    40         -  healthcheck failed 3 times',
      'web      exited (1)                    0         -  exited with code 1',
      'worker   not started                   0         -  dependency db is unhealthy',
      '',
      'confidence 56%  risk HIGH  stability 61%  trend ↓ DOWN  duration 12.4s',
      '',
      '! cache: running (no healthcheck)',
      '',
      '! db: healthcheck failed 3 times',
      '  health (last 2 probes): pg_isready: no response',
      '',
      '✗ web: exited with code 1',
      '  log:',
      '    booting',
      '    Error: connect ECONNREFUSED db:5432',
      '',
      '✗ worker: dependency db is unhealthy',
      '',
      'FAIL  policy: min-confidence 70, block-on-regression',
      '  ✗ confidence 56% is below the minimum 70%',
      '  ✗ confidence fell from 80% to 56%',
      '',
    ].join('\n'),
  );
});

test('only the last 20 log lines are shown, stripped of terminal escapes', () => {
  const logTail = Array.from({ length: 25 }, (_, i) => `line ${i + 1}`);
  logTail[24] = '\x1b[31mred\x1b[0m\tend\r';
  const out = renderRun(
    run({ services: [outcome({ service: 'app', state: 'failed', score: 0, reason: 'start failed', logTail })] }),
    plain,
  );
  const lines = out.split('\n');
  const logAt = lines.indexOf('  log:');
  assert.equal(lines[logAt + 1], '    line 6');
  assert.equal(lines[logAt + 20], '    red  end');
  assert.equal(lines[logAt + 21], '');
});

test('an interrupted run says so, and the duration spike is shown only when measured', () => {
  const out = renderRun(
    run({
      interrupted: true,
      summary: {
        confidence: 90,
        risk: 'LOW',
        stability: 95,
        trend: 'SAME',
        durationMs: 20000,
        medianPreviousDurationMs: 10000,
        durationDeltaPercent: 100,
      },
    }),
    plain,
  );
  assert.match(
    out,
    /\ninterrupted: the run was stopped before it finished\nconfidence 90% {2}risk LOW {2}stability 95% {2}trend → SAME {2}duration 20\.0s \(\+100% vs median 10\.0s\)\n/,
  );
});

test('state labels cover every state', () => {
  const states: [Partial<ServiceOutcome>, string][] = [
    [{ state: 'running', hasHealthcheck: true }, 'running'],
    [{ state: 'starting' }, 'starting'],
    [{ state: 'exited' }, 'exited'],
    [{ state: 'completed', exitCode: 0 }, 'completed (exit 0)'],
    [{ state: 'failed' }, 'failed'],
  ];
  for (const [fields, label] of states) {
    const out = renderRun(run({ services: [outcome({ service: 's', score: 100, ...fields })] }), plain);
    assert.equal(out.split('\n')[1]?.split(/ {2,}/)[1], label);
  }
});

test('colour is applied only through the palette', () => {
  const out = renderRun(run({ services: [outcome({ service: 'db' })] }), makePalette(true));
  assert.match(out, /\x1b\[32mhealthy\x1b\[39m/);
  assert.match(out, /\x1b\[32m\x1b\[1mPASS/);
});

test('a failed probe shows what it saw under its verdict; a passed one only its first line', () => {
  const out = renderRun(
    run({
      probes: [
        {
          service: 'web',
          type: 'http',
          target: 'http://web/',
          passed: false,
          attempts: 3,
          ms: 900,
          reason: 'answered 200 without "hello" in its body',
          evidence: 'HTTP/1.1 200 OK\n\n<h1>It works</h1>\n',
        },
        { service: 'db', type: 'tcp', target: 'db:5432', passed: true, attempts: 1, ms: 20, evidence: 'open\nmore' },
      ],
    }),
    plain,
  );
  assert.ok(
    out.includes(
      [
        '✗ probe web http http://web/: answered 200 without "hello" in its body',
        '    HTTP/1.1 200 OK',
        '    <h1>It works</h1>',
        '✓ probe db tcp db:5432: open',
      ].join('\n'),
    ),
    out,
  );
});
