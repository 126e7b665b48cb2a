import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BUSYBOX, leftovers, runRehearsa, startRehearsa, uniqueStack, writeTree } from '../../test/support/cli.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'rehearsa-data-'));
const check = (test: string, interval = '300ms', retries = 2) =>
  `{ test: ${test}, interval: ${interval}, timeout: 2s, retries: ${retries} }`;

interface RunDoc {
  runId: string;
  stack: string;
  services: {
    service: string;
    state: string;
    score: number;
    reason?: string;
    reasonClass?: string;
    timings: Record<string, number>;
  }[];
  summary: { confidence: number; risk: string; stability: number; trend?: string };
  verdict: { passed: boolean; violations: { rule: string; message: string }[] };
  exitCode: number;
}

async function rehearse(compose: string, stack: string, data: string, extra: string[] = []) {
  const dir = writeTree({ 'compose.yaml': compose });
  const result = await runRehearsa(
    ['stack', 'test', 'compose.yaml', '--stack', stack, '--json', '--settle', '0', ...extra],
    {
      cwd: dir,
      dataDir: data,
    },
  );
  assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), [], 'nothing labelled with the stack may remain');
  return result;
}

function parse(stdout: string): RunDoc {
  return JSON.parse(stdout) as RunDoc;
}

describe('rehearsa stack test against the real engine', { timeout: 180_000 }, () => {
  test('one service of each outcome scores exactly 100/85/40/0, confidence 56, HIGH, exit 1', async () => {
    const stack = uniqueStack('outcomes');
    const result = await rehearse(
      `services:
  healthy: { image: ${BUSYBOX}, command: sleep 300, healthcheck: ${check('["CMD", "true"]')} }
  plain: { image: ${BUSYBOX}, command: sleep 300 }
  sick: { image: ${BUSYBOX}, command: sleep 300, healthcheck: ${check('["CMD-SHELL", "echo db not ready; exit 1"]')} }
  crash: { image: ${BUSYBOX}, command: sh -c "echo boom >&2; exit 1" }
`,
      stack,
      dataDir(),
    );
    assert.equal(result.code, 1, result.stderr);
    const doc = parse(result.stdout);
    const scores = Object.fromEntries(doc.services.map((s) => [s.service, s.score]));
    assert.deepEqual(scores, { crash: 0, healthy: 100, plain: 85, sick: 40 });
    assert.equal(doc.summary.confidence, 56);
    assert.equal(doc.summary.risk, 'HIGH');
    const crash = doc.services.find((s) => s.service === 'crash')!;
    assert.equal(crash.reason, 'exited with code 1');
    const sick = doc.services.find((s) => s.service === 'sick')!;
    assert.match(sick.reason ?? '', /db not ready/);
    assert.equal(doc.verdict.violations[0]?.rule, 'min_confidence');
  });

  test('a service_healthy chain starts in order; independent services start concurrently', async () => {
    const stack = uniqueStack('chain');
    const slowHealthy = check('["CMD-SHELL", "test -f /tmp/ok"]', '300ms', 20);
    const svc = (name: string, dep?: string) =>
      `  ${name}:\n    image: ${BUSYBOX}\n    command: sh -c "sleep 1; touch /tmp/ok; sleep 300"\n    healthcheck: ${slowHealthy}\n` +
      (dep ? `    depends_on: { ${dep}: { condition: service_healthy } }\n` : '');
    const result = await rehearse(
      `services:\n${svc('a')}${svc('b', 'a')}${svc('c', 'b')}${svc('x')}${svc('y')}${svc('z')}`,
      stack,
      dataDir(),
    );
    assert.equal(result.code, 0, result.stderr);
    const t = Object.fromEntries(parse(result.stdout).services.map((s) => [s.service, s.timings]));
    assert.ok(t.b!.startedMs! >= t.a!.readyMs!, 'b starts only after a is healthy');
    assert.ok(t.c!.startedMs! >= t.b!.readyMs!, 'c starts only after b is healthy');
    const independent = [t.a!, t.x!, t.y!, t.z!];
    assert.ok(
      Math.max(...independent.map((s) => s.startedMs!)) < Math.min(...independent.map((s) => s.readyMs!)),
      'all independent services were started before any of them became healthy',
    );
  });

  test('a one-shot exiting 0 completes and unblocks its dependent; exiting 3 blocks it', async () => {
    const data = dataDir();
    const compose = (code: number) => `services:
  migrate: { image: ${BUSYBOX}, command: sh -c "exit ${code}", restart: "no" }
  app:
    image: ${BUSYBOX}
    command: sleep 300
    healthcheck: ${check('["CMD", "true"]')}
    depends_on: { migrate: { condition: service_completed_successfully } }
`;
    const ok = parse((await rehearse(compose(0), uniqueStack('oneshot-ok'), data)).stdout);
    assert.deepEqual(
      ok.services.map((s) => [s.service, s.state, s.score]),
      [
        ['app', 'healthy', 100],
        ['migrate', 'completed', 100],
      ],
    );
    const bad = await rehearse(compose(3), uniqueStack('oneshot-bad'), data);
    const doc = parse(bad.stdout);
    assert.deepEqual(
      doc.services.map((s) => [s.service, s.state, s.score]),
      [
        ['app', 'not_started', 0],
        ['migrate', 'exited', 0],
      ],
    );
    assert.equal(doc.services[0]!.reason, 'not started: dependency migrate exited with code 3');
    assert.equal(doc.services[0]!.timings.startedMs, undefined, 'the dependent was never started');
  });

  test('a missing image under --pull never scores 0 with the reason, and the run is recorded', async () => {
    const data = dataDir();
    const stack = uniqueStack('noimage');
    const result = await rehearse(
      `services:\n  ghost: { image: rehearsa-fixture/absent:1, command: sleep 300 }\n  ok: { image: ${BUSYBOX}, command: sleep 300 }\n`,
      stack,
      data,
      ['--pull', 'never'],
    );
    const ghost = parse(result.stdout).services.find((s) => s.service === 'ghost')!;
    assert.equal(ghost.score, 0);
    assert.equal(ghost.reasonClass, 'image');
    assert.match(ghost.reason!, /not present locally and the pull policy is never/);
    const history = await runRehearsa(['history', stack, '--json'], { dataDir: data });
    assert.equal(history.code, 0, history.stderr);
    assert.equal(JSON.parse(history.stdout).length, 1);
  });

  test('SIGINT in the middle of boot exits 130 and leaves nothing with the run label', async () => {
    const stack = uniqueStack('sigint');
    const dir = writeTree({
      'compose.yaml': `services:
  slow: { image: ${BUSYBOX}, command: sleep 300, healthcheck: ${check('["CMD", "false"]', '1s', 100)} }
  after: { image: ${BUSYBOX}, command: sleep 300, depends_on: { slow: { condition: service_healthy } } }
`,
    });
    const run = startRehearsa(['stack', 'test', '--stack', stack, '--timeout', '120'], {
      cwd: dir,
      dataDir: dataDir(),
    });
    for (
      let i = 0;
      i < 200 && (await leftovers(`rehearsa.stack=${stack}`)).every((r) => !r.startsWith('container'));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    run.child.kill('SIGINT');
    const result = await run.result;
    assert.equal(result.code, 130, result.stderr);
    assert.match(result.stderr, /everything it created was removed/);
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
  });

  test('policy set then a worse run fails naming the rule; status after 6 runs shows stability and trend', async () => {
    const data = dataDir();
    const stack = uniqueStack('policy');
    const good = `services:\n  a: { image: ${BUSYBOX}, command: sleep 300 , healthcheck: ${check('["CMD", "true"]')} }\n  b: { image: ${BUSYBOX}, command: sleep 300, healthcheck: ${check('["CMD", "true"]')} }\n`;
    const worse = `services:\n  a: { image: ${BUSYBOX}, command: sleep 300, healthcheck: ${check('["CMD", "true"]')} }\n  b: { image: ${BUSYBOX}, command: sh -c "exit 2" }\n`;
    const set = await runRehearsa(['policy', 'set', stack, '--min-confidence', '80', '--block-on-regression', 'true'], {
      dataDir: data,
    });
    assert.equal(set.code, 0, set.stderr);
    const codes: number[] = [];
    for (const compose of [good, good, worse, good, worse, good]) {
      codes.push((await rehearse(compose, stack, data)).code ?? -1);
    }
    assert.deepEqual(codes, [0, 0, 1, 0, 1, 0]);
    const failed = await rehearse(worse, stack, data);
    const doc = parse(failed.stdout);
    assert.equal(failed.code, 1);
    assert.deepEqual(doc.verdict.violations.map((v) => v.rule).sort(), ['block_on_regression', 'min_confidence']);

    const status = await runRehearsa(['status', '--json'], { dataDir: data });
    const row = JSON.parse(status.stdout).find((r: { stack: string }) => r.stack === stack);
    // The last five runs are worse, good, worse, good, worse: (50 + 100 + 50 + 100 + 50) / 5 = 70.
    assert.equal(row.confidence, 50);
    assert.equal(row.stability, 70);
    assert.equal(row.trend, 'DOWN');
    const text = await runRehearsa(['status'], { dataDir: data });
    assert.match(text.stdout, new RegExp(`${stack}\\s+50%\\s+HIGH\\s+70%\\s+↓ DOWN`));
  });
});
