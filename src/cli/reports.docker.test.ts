import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BUSYBOX, leftovers, runRehearsa, startRehearsa, uniqueStack, writeTree } from '../../test/support/cli.js';
import { openHistory } from '../history/history-store.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'rehearsa-data-'));

const compose = `services:
  db:
    image: ${BUSYBOX}
    command: sleep 300
    healthcheck: { test: ["CMD", "true"], interval: 300ms, timeout: 2s, retries: 2 }
  app:
    image: ${BUSYBOX}
    command: sh -c "echo '<script>alert(1)</script>' >&2; exit 1"
    depends_on:
      db: { condition: service_healthy }
`;

function runsOf(data: string, stack: string): number {
  const history = openHistory(data);
  try {
    return history.listRuns(stack).length;
  } finally {
    history.close();
  }
}

describe('report files of a real rehearsal', { timeout: 180_000 }, () => {
  test('--report-junit, --report-html and --report-json are written alongside the terminal report', async () => {
    const stack = uniqueStack('reports');
    const data = dataDir();
    const dir = writeTree({ 'compose.yaml': compose, 'out/.keep': '' });
    const result = await runRehearsa(
      [
        'stack',
        'test',
        'compose.yaml',
        '--stack',
        stack,
        '--report-junit',
        'out/junit.xml',
        '--report-html',
        'out/report.html',
        '--report-json',
        'out/run.json',
      ],
      { cwd: dir, dataDir: data },
    );
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /FAIL/, 'the terminal report is still printed');
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);

    const xml = readFileSync(join(dir, 'out/junit.xml'), 'utf8');
    assert.equal(XMLValidator.validate(xml), true);
    const suite = new XMLParser({ ignoreAttributes: false, isArray: (n) => n === 'testcase' }).parse(xml).testsuites
      .testsuite;
    assert.equal(suite['@_name'], stack);
    assert.deepEqual(
      suite.testcase.map((c: Record<string, unknown>) => [c['@_name'], c.failure !== undefined]),
      [
        ['app', true],
        ['db', false],
        ['min_confidence', true],
      ],
    );

    const doc = JSON.parse(readFileSync(join(dir, 'out/run.json'), 'utf8'));
    assert.equal(doc.stack, stack);
    const history = openHistory(data);
    try {
      assert.deepEqual(history.getRun(doc.runId)?.summary, doc.summary, 'the JSON report is the recorded run');
    } finally {
      history.close();
    }

    const html = readFileSync(join(dir, 'out/report.html'), 'utf8');
    assert.match(html, /<svg class="chart timeline"/);
    assert.match(html, /<svg class="chart history"/);
    assert.match(html, /app waits for db/, 'dependency edges come from the plan');
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!html.includes('<script>alert'));
  });

  test('an unwritable report path exits 2 before anything is created, run or recorded', async () => {
    const stack = uniqueStack('badreport');
    const data = dataDir();
    const dir = writeTree({ 'compose.yaml': compose });
    const result = await runRehearsa(
      [
        'stack',
        'test',
        'compose.yaml',
        '--stack',
        stack,
        '--report-html',
        'missing/report.html',
        '--report-junit',
        '.',
      ],
      { cwd: dir, dataDir: data },
    );
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /cannot write the JUnit report: .* is a directory/);
    assert.match(result.stderr, /cannot write the HTML report: directory .*missing does not exist/);
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
    assert.deepEqual(readdirSync(dir), ['compose.yaml']);
    assert.equal(runsOf(data, stack), 0);
  });

  test('rehearsa report writes the reports of a recorded run; unknown stacks and runs exit 2', async () => {
    const stack = uniqueStack('later');
    const data = dataDir();
    const dir = writeTree({ 'compose.yaml': compose });
    await runRehearsa(['stack', 'test', 'compose.yaml', '--stack', stack], { cwd: dir, dataDir: data });
    const written = await runRehearsa(['report', stack, '--html', 'again.html', '--junit', 'again.xml'], {
      cwd: dir,
      dataDir: data,
    });
    assert.equal(written.code, 0, written.stderr);
    assert.match(readFileSync(join(dir, 'again.html'), 'utf8'), new RegExp(`${stack} · FAIL · run `));
    assert.ok(existsSync(join(dir, 'again.xml')));

    const unknownStack = await runRehearsa(['report', 'no-such-stack', '--html', 'x.html'], {
      cwd: dir,
      dataDir: data,
    });
    assert.equal(unknownStack.code, 2);
    assert.match(unknownStack.stderr, /unknown stack "no-such-stack"/);
    const unknownRun = await runRehearsa(['report', stack, '--run', 'ffffffff', '--html', 'x.html'], {
      cwd: dir,
      dataDir: data,
    });
    assert.equal(unknownRun.code, 2);
    assert.match(unknownRun.stderr, /unknown run "ffffffff"/);
    assert.ok(!existsSync(join(dir, 'x.html')));
  });
});

describe('rehearsa serve', { timeout: 60_000 }, () => {
  test('serves the history until SIGINT, then exits 0', async () => {
    const data = dataDir();
    const served = startRehearsa(['serve', '--port', '0'], { dataDir: data });
    const url = await new Promise<string>((resolve, reject) => {
      served.child.stdout!.on('data', (chunk: Buffer) => {
        const match = /on (http:\/\/\S+\/)/.exec(String(chunk));
        if (match) resolve(match[1]!);
      });
      served.child.on('close', () => reject(new Error(`serve exited early: ${served.stderrSoFar()}`)));
    });
    assert.deepEqual(await (await fetch(new URL('/api/status', url))).json(), []);
    served.child.kill('SIGINT');
    const result = await served.result;
    assert.equal(result.code, 0, result.stderr);
  });

  test('a port already in use is one line and exit 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const result = await runRehearsa(['serve', '--port', String(port)], { dataDir: dataDir() });
      assert.equal(result.code, 2);
      assert.equal(result.stderr, `rehearsa: port ${port} on 127.0.0.1 is already in use\n`);
    } finally {
      blocker.close();
    }
  });
});
