import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeOutcome, mixedServices } from '../../test/support/run-results.js';
import { recordSeededRun } from '../../test/support/seed-history.js';
import { InputError } from '../errors.js';
import { openHistory } from '../history/history-store.js';
import { type RunningServer, startServer } from './server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'rehearsa-serve-'));
let server: RunningServer;

function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = request(new URL(path, server.url), { method, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

before(async () => {
  const history = openHistory(dataDir);
  recordSeededRun(history, {
    stack: 'shop',
    runId: 'aa000001',
    startedAt: '2025-01-01T10:00:00.000Z',
    durationMs: 5000,
    services: [makeOutcome({ service: 'db' })],
  });
  recordSeededRun(history, {
    stack: 'shop',
    runId: 'aa000002',
    startedAt: '2025-01-02T10:00:00.000Z',
    durationMs: 6000,
    services: mixedServices(),
  });
  history.close();
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir });
});

after(() => server.close());

describe('the dashboard server', () => {
  test('pages: status, stack, run; each refreshes itself and has no script', async () => {
    for (const [path, text] of [
      ['/', 'href="/stacks/shop"'],
      ['/stacks/shop', 'href="/runs/aa000001"'],
      ['/runs/aa000002', '&lt;script&gt;alert'],
    ] as const) {
      const res = await get(path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
      assert.ok(res.body.includes(text), `${path} shows ${text}`);
      assert.match(res.body, /<meta http-equiv="refresh" content="10" \/>/);
      assert.doesNotMatch(res.body, /<script/);
      assert.equal(res.headers['cache-control'], 'no-store');
    }
  });

  test('a run recorded while the server runs appears on the next request', async () => {
    const history = openHistory(dataDir);
    recordSeededRun(history, {
      stack: 'blog',
      runId: 'bb000001',
      startedAt: '2025-01-03T10:00:00.000Z',
      durationMs: 1000,
      services: [makeOutcome({ service: 'web' })],
    });
    history.close();
    assert.ok((await get('/')).body.includes('href="/stacks/blog"'));
  });

  test('unknown stacks, runs and paths are 404 pages; the API answers 404 in JSON', async () => {
    for (const path of ['/stacks/nope', '/runs/nope', '/nothing/here', '/stacks/%E0%A4%A']) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.match(res.body, /Not found/);
    }
    for (const path of ['/api/stacks/nope/runs', '/api/runs/nope', '/api/nothing']) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.ok(JSON.parse(res.body).error);
    }
  });

  test("the JSON API: status rows, a stack's runs newest first, a run as the documented run document", async () => {
    const status = JSON.parse((await get('/api/status')).body);
    assert.deepEqual(
      status.map((s: { stack: string }) => s.stack),
      ['blog', 'shop'],
    );
    const runs = JSON.parse((await get('/api/stacks/shop/runs')).body);
    assert.deepEqual(
      runs.map((r: { runId: string }) => r.runId),
      ['aa000002', 'aa000001'],
    );
    const run = await get('/api/runs/aa000002');
    assert.equal(run.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(JSON.parse(run.body).schemaVersion, 1);
  });

  test('/metrics is the text exposition with per-stack and per-service gauges', async () => {
    const res = await get('/metrics');
    assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(res.body, /^# HELP rehearsa_stack_confidence /m);
    assert.match(res.body, /^rehearsa_stack_confidence\{stack="shop"\} 56$/m);
    assert.match(res.body, /^rehearsa_stack_last_verdict_passed\{stack="shop"\} 0$/m);
    assert.match(res.body, /^rehearsa_service_last_score\{stack="shop",service="search"\} 40$/m);
    assert.match(res.body, /^rehearsa_stack_last_duration_seconds\{stack="blog"\} 1$/m);
  });

  test('read-only: other methods are refused; HEAD has headers and no body', async () => {
    const post = await get('/', {}, 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    const head = await get('/', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  test('on loopback, a request addressed to another host name is refused (DNS rebinding)', async () => {
    assert.equal((await get('/', { Host: 'evil.example:8787' })).status, 403);
    assert.equal((await get('/', { Host: `localhost:${server.port}` })).status, 200);
  });

  test('a port already in use is a one-line InputError', async () => {
    await assert.rejects(
      startServer({ host: '127.0.0.1', port: server.port, dataDir }),
      (error: unknown) =>
        error instanceof InputError && error.message === `port ${server.port} on 127.0.0.1 is already in use`,
    );
  });

  test('an unreadable history is a 500 page naming the problem, and the server keeps serving', async () => {
    const errors: string[] = [];
    const broken = await startServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: join(dataDir, 'history.db'),
      onError: (m) => errors.push(m),
    });
    try {
      const res = await fetch(broken.url);
      assert.equal(res.status, 500);
      assert.match(await res.text(), /History unavailable/);
      const api = await fetch(new URL('/api/status', broken.url));
      assert.equal(api.status, 500);
      assert.match(((await api.json()) as { error: string }).error, /cannot open history database/);
      const metrics = await fetch(new URL('/metrics', broken.url));
      assert.deepEqual([metrics.status, metrics.headers.get('content-type')], [500, 'text/plain; charset=utf-8']);
      assert.equal(errors.length, 3);
    } finally {
      await broken.close();
    }
  });
});
