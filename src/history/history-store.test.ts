import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { mergePolicy } from '../policy/policy-flags.js';
import { HistoryError } from './history-error.js';
import { openHistory, resolveDataDir } from './history-store.js';
import { SCHEMA_VERSION } from './migrations.js';
import { makeRun } from './test-fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'rehearsa-history-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `d${++dirs}`);

describe('openHistory', () => {
  it('creates the directory 0700 and a WAL database', () => {
    const dir = freshDir();
    const store = openHistory(dir);
    store.close();
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const raw = new Database(join(dir, 'history.db'), { readonly: true });
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    raw.close();
  });

  it('reopens an existing database without migrating it again', () => {
    const dir = freshDir();
    const first = openHistory(dir);
    first.recordRun(makeRun('web', 'r1', 90));
    first.close();
    const second = openHistory(dir);
    assert.equal(second.listRuns('web').length, 1);
    second.close();
  });

  it('refuses a database from a newer schema and leaves it untouched', () => {
    const dir = freshDir();
    mkdirSync(dir);
    const path = join(dir, 'history.db');
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    assert.throws(
      () => openHistory(dir),
      (error: unknown) =>
        error instanceof HistoryError &&
        error.problem === 'newer_schema' &&
        error.path === path &&
        error.message ===
          `history database ${path} has schema version 99, but this rehearsa understands up to ${SCHEMA_VERSION}; ` +
            'upgrade rehearsa (the database was left untouched)',
    );
    const after = new Database(path, { readonly: true });
    assert.equal(after.pragma('user_version', { simple: true }), 99);
    assert.deepEqual(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all(), []);
    after.close();
  });

  it('refuses a file that is not a database, names it, and does not overwrite it', () => {
    const dir = freshDir();
    mkdirSync(dir);
    const path = join(dir, 'history.db');
    const garbage = Buffer.from('this is not a database\n'.repeat(400));
    writeFileSync(path, garbage);
    assert.throws(
      () => openHistory(dir),
      (error: unknown) =>
        error instanceof HistoryError &&
        error.problem === 'corrupt' &&
        error.message ===
          `history database ${path} is not a readable SQLite database (file is not a database); ` +
            'move it aside to start a new history',
    );
    assert.deepEqual(readFileSync(path), garbage);
  });

  it('reports a page damaged after opening as the same one-line corruption error, and leaves the file alone', () => {
    const dir = freshDir();
    const seeded = openHistory(dir);
    for (let i = 0; i < 50; i++) seeded.recordRun(makeRun('web', `r${i}`, 50));
    seeded.close();
    const path = join(dir, 'history.db');
    // The header page stays readable, so the file opens; every page after it is garbage.
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    bytes.fill(0x41, pageSize);
    writeFileSync(path, bytes);
    const store = openHistory(dir);
    const corrupt = (error: unknown) =>
      error instanceof HistoryError &&
      error.problem === 'corrupt' &&
      error.message ===
        `history database ${path} is not a readable SQLite database (database disk image is malformed); ` +
          'move it aside to start a new history';
    assert.throws(() => store.stackStatuses(), corrupt);
    assert.throws(() => store.verifyChain('web'), corrupt);
    store.close();
    assert.deepEqual(readFileSync(path), bytes);
  });

  it('finds pages damaged out of the way of a query before a rehearsal relies on the file', () => {
    const dir = freshDir();
    const seeded = openHistory(dir);
    for (let i = 0; i < 200; i++) seeded.recordRun(makeRun('web', `r${i}`, 50));
    seeded.close();
    const path = join(dir, 'history.db');
    const bytes = readFileSync(path);
    bytes.fill(0xff, 4096 * 3, 4096 * 5);
    writeFileSync(path, bytes);
    const store = openHistory(dir);
    assert.throws(
      () => store.checkReadable(),
      (error: unknown) => error instanceof HistoryError && error.problem === 'corrupt',
    );
    store.close();
  });

  it('names a run whose row was edited into what Rehearsa never writes, before and when it is read', () => {
    const dir = freshDir();
    const store = openHistory(dir);
    store.recordRun(makeRun('web', 'good', 90));
    store.recordRun(makeRun('web', 'bad', 80));
    const path = join(dir, 'history.db');
    const raw = new Database(path);
    raw.prepare("UPDATE runs SET confidence = 'high', result_json = '{not json' WHERE run_id = 'bad'").run();
    raw.close();
    const damaged = (what: string) => (error: unknown) =>
      error instanceof HistoryError &&
      error.problem === 'corrupt' &&
      error.message.startsWith(`history database ${path}: run ${what} is damaged (`);
    assert.throws(() => store.checkReadable(), damaged('bad'));
    assert.throws(() => store.getRun('bad'), damaged('bad'));
    assert.throws(() => store.listRuns('web'), damaged('bad'));
    assert.throws(() => store.stackStatuses(), damaged('bad'));
    assert.throws(() => store.previousRuns('web', 5), damaged('bad'));
    assert.equal(store.getRun('good')?.runId, 'good');
    const nullRow = new Database(path);
    nullRow.prepare("UPDATE runs SET confidence = 80, result_json = 'null' WHERE run_id = 'bad'").run();
    nullRow.close();
    assert.throws(() => store.getRun('bad'), damaged('bad'));
    assert.throws(() => store.checkReadable(), damaged('bad'));
    const oddRow = new Database(path);
    oddRow
      .prepare("UPDATE runs SET result_json = '{}', risk = 'BOGUS', started_at = 'yesterday' WHERE run_id = 'bad'")
      .run();
    oddRow.close();
    assert.throws(() => store.stackStatuses(), damaged('bad'));
    assert.throws(() => store.listRuns('web'), damaged('bad'));
    store.close();
  });

  it('reports a data directory that cannot be created', () => {
    const file = join(freshDir());
    writeFileSync(file, '');
    assert.throws(
      () => openHistory(join(file, 'sub')),
      (error: unknown) =>
        error instanceof HistoryError &&
        error.problem === 'unavailable' &&
        error.message ===
          `cannot open history database ${join(file, 'sub', 'history.db')}: ${join(file, 'sub')} (or a directory above it) is a file, not a directory`,
    );
  });
});

describe('HistoryStore', () => {
  it('round-trips a run: getRun, listRuns, previousRuns, service results', () => {
    const dir = freshDir();
    const store = openHistory(dir);
    const run = makeRun('web', 'r1', 56);
    store.recordRun(run);
    assert.deepEqual(store.getRun('r1'), run);
    assert.equal(store.getRun('nope'), undefined);
    assert.deepEqual(store.listRuns('web'), [
      {
        runId: 'r1',
        stack: 'web',
        startedAt: '2025-01-01T00:00:00.000Z',
        confidence: 56,
        risk: 'HIGH',
        durationMs: 7000,
        exitCode: 0,
        interrupted: false,
      },
    ]);
    assert.deepEqual(store.previousRuns('web', 5), [{ confidence: 56, durationMs: 7000 }]);
    assert.deepEqual(store.listRuns('other'), []);
    store.close();

    const raw = new Database(join(dir, 'history.db'), { readonly: true });
    assert.deepEqual(raw.prepare('SELECT * FROM service_results ORDER BY service').all(), [
      {
        run_id: 'r1',
        service: 'app',
        state: 'exited',
        score: 0,
        reason_class: 'exit',
        reason: 'exited with code 1',
        exit_code: 1,
        restart_count: 2,
        ready_ms: null,
      },
      {
        run_id: 'r1',
        service: 'db',
        state: 'healthy',
        score: 100,
        reason_class: null,
        reason: null,
        exit_code: null,
        restart_count: 0,
        ready_ms: 900,
      },
    ]);
    raw.close();
  });

  it('refuses a second run with the same id and keeps the first intact', () => {
    const store = openHistory(freshDir());
    store.recordRun(makeRun('web', 'r1', 90));
    assert.throws(() => store.recordRun(makeRun('web', 'r1', 10)), /UNIQUE/);
    assert.equal(store.getRun('r1')?.summary.confidence, 90);
    assert.equal(store.listRuns('web').length, 1);
    store.close();
  });

  it('orders by insertion, not by timestamps (same millisecond, clock going backwards)', () => {
    const store = openHistory(freshDir());
    store.recordRun(makeRun('web', 'first', 10, { startedAt: '2025-01-01T00:00:00.000Z' }));
    store.recordRun(makeRun('web', 'second', 20, { startedAt: '2025-01-01T00:00:00.000Z' }));
    store.recordRun(makeRun('web', 'third', 30, { startedAt: '2024-01-01T00:00:00.000Z' }));
    assert.deepEqual(
      store.listRuns('web').map((e) => e.runId),
      ['third', 'second', 'first'],
    );
    assert.deepEqual(
      store.previousRuns('web', 2).map((p) => p.confidence),
      [30, 20],
    );
    store.close();
  });

  it('gives each listed run its delta against the run before it, also at the limit', () => {
    const store = openHistory(freshDir());
    for (const [i, c] of [50, 80, 60].entries()) store.recordRun(makeRun('web', `r${i}`, c));
    store.recordRun(makeRun('other', 'o1', 0));
    assert.deepEqual(
      store.listRuns('web').map((e) => [e.runId, e.confidenceDelta]),
      [
        ['r2', -20],
        ['r1', 30],
        ['r0', undefined],
      ],
    );
    assert.equal('confidenceDelta' in store.listRuns('web')[2]!, false);
    assert.deepEqual(
      store.listRuns('web', 2).map((e) => [e.runId, e.confidenceDelta]),
      [
        ['r2', -20],
        ['r1', 30],
      ],
    );
    store.close();
  });

  it('computes status stability over the last 5 of 6 runs and the trend against the run before the latest', () => {
    const store = openHistory(freshDir());
    // Oldest first: the 0 is the sixth-newest and must not count.
    for (const [i, c] of [0, 100, 100, 100, 100, 60].entries()) {
      const over = { startedAt: `2025-01-0${i + 1}T00:00:00.000Z`, exitCode: i === 5 ? 1 : 0 };
      store.recordRun(makeRun('web', `w${i}`, c, over));
    }
    store.recordRun(makeRun('api', 'a1', 40));
    store.recordRun(
      makeRun('api', 'a2', 85, { summary: { confidence: 85, risk: 'MODERATE', stability: 63, durationMs: 1 } }),
    );
    store.recordRun(makeRun('db', 'd1', 90));
    const statuses = store.stackStatuses();
    assert.deepEqual(
      statuses.map((s) => s.stack),
      ['api', 'db', 'web'],
    );
    assert.deepEqual(statuses[2], {
      stack: 'web',
      confidence: 60,
      risk: 'HIGH',
      stability: 92, // (100+100+100+100+60)/5; with the sixth run it would be 77
      trend: 'DOWN', // the prior tool compared the latest run with itself and always said SAME
      lastRunAt: '2025-01-06T00:00:00.000Z',
      lastExitCode: 1,
      runs: 6,
    });
    assert.equal(statuses[0]?.trend, 'UP');
    assert.equal(statuses[0]?.stability, 63); // 62.5
    assert.equal(statuses[0]?.risk, 'MODERATE');
    assert.equal(statuses[1]?.trend, undefined);
    assert.equal('trend' in statuses[1]!, false);
    store.close();
  });

  it('stores, merges, shows and deletes policies', () => {
    const store = openHistory(freshDir());
    assert.equal(store.getPolicy('web'), undefined);
    store.setPolicy('web', mergePolicy(store.getPolicy('web'), { minConfidence: 80 }));
    store.setPolicy(
      'web',
      mergePolicy(store.getPolicy('web'), { blockOnRegression: true, failOnDurationSpike: false }),
    );
    store.setPolicy('web', mergePolicy(store.getPolicy('web'), { durationSpikePercent: 40 }));
    assert.deepEqual(store.getPolicy('web'), {
      minConfidence: 80,
      blockOnRegression: true,
      failOnDurationSpike: false,
      durationSpikePercent: 40,
    });
    store.setPolicy('web', mergePolicy(store.getPolicy('web'), { minConfidence: 0 }));
    assert.equal(store.getPolicy('web')?.minConfidence, 0);
    store.setPolicy('empty', {});
    assert.deepEqual(store.getPolicy('empty'), {});
    store.recordRun(makeRun('api', 'a1', 90));
    assert.deepEqual(store.knownStacks(), ['api', 'empty', 'web']);
    assert.equal(store.deletePolicy('web'), true);
    assert.equal(store.deletePolicy('web'), false);
    assert.equal(store.getPolicy('web'), undefined);
    store.close();
  });

  it('lets two handles on the same file see each other’s writes', () => {
    const dir = freshDir();
    const a = openHistory(dir);
    const b = openHistory(dir);
    a.recordRun(makeRun('web', 'r1', 90));
    assert.deepEqual(
      b.listRuns('web').map((e) => e.runId),
      ['r1'],
    );
    b.recordRun(makeRun('web', 'r2', 80));
    b.setPolicy('web', { minConfidence: 75 });
    assert.deepEqual(
      a.listRuns('web').map((e) => e.runId),
      ['r2', 'r1'],
    );
    assert.deepEqual(a.getPolicy('web'), { minConfidence: 75 });
    a.close();
    b.close();
  });

  it('loses no run when 20 processes record concurrently into a fresh database', async () => {
    const dir = freshDir();
    const writers = 20;
    const runsEach = 10;
    const storeUrl = new URL('./history-store.ts', import.meta.url).href;
    const template = JSON.stringify(makeRun('web', 'template', 90));
    const code = `
      const { openHistory } = await import(process.env.STORE_URL);
      const run = JSON.parse(process.env.TEMPLATE);
      const store = openHistory(process.env.DATA_DIR);
      for (let i = 0; i < ${runsEach}; i++) store.recordRun({ ...run, runId: process.env.WRITER + '-' + i });
      store.close();
    `;
    const results = await Promise.all(
      Array.from(
        { length: writers },
        (_, w) =>
          new Promise<{ code: number | null; stderr: string }>((resolve) => {
            const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
              env: { ...process.env, STORE_URL: storeUrl, TEMPLATE: template, DATA_DIR: dir, WRITER: `w${w}` },
              stdio: ['ignore', 'ignore', 'pipe'],
            });
            let stderr = '';
            child.stderr.on('data', (chunk) => {
              stderr += chunk;
            });
            child.on('close', (exitCode) => resolve({ code: exitCode, stderr }));
          }),
      ),
    );
    assert.deepEqual(
      results.filter((r) => r.code !== 0),
      [],
    );
    const store = openHistory(dir);
    const oldestFirst = store
      .listRuns('web')
      .map((e) => e.runId)
      .reverse();
    const chain = store.verifyChain('web');
    store.close();
    assert.equal(chain.broken, undefined);
    assert.equal(chain.runs, writers * runsEach);
    assert.equal(oldestFirst.length, writers * runsEach);
    assert.equal(new Set(oldestFirst).size, writers * runsEach);
    for (let w = 0; w < writers; w++) {
      const mine = oldestFirst.filter((id) => id.startsWith(`w${w}-`));
      assert.deepEqual(
        mine,
        Array.from({ length: runsEach }, (_, i) => `w${w}-${i}`),
      );
    }
  });
});

describe('resolveDataDir', () => {
  const home = { HOME: '/home/u' };
  it('prefers the flag, then REHEARSA_HOME, then XDG_DATA_HOME, then ~/.local/share', () => {
    assert.equal(resolveDataDir({ ...home, REHEARSA_HOME: '/r', XDG_DATA_HOME: '/x' }, '/flag'), '/flag');
    assert.equal(resolveDataDir({ ...home, REHEARSA_HOME: '/r', XDG_DATA_HOME: '/x' }), '/r');
    assert.equal(resolveDataDir({ ...home, XDG_DATA_HOME: '/x' }), '/x/rehearsa');
    assert.equal(resolveDataDir(home), '/home/u/.local/share/rehearsa');
  });

  it('makes relative values absolute, ignores empty values and a relative XDG_DATA_HOME', () => {
    assert.equal(resolveDataDir(home, 'data'), join(process.cwd(), 'data'));
    assert.equal(resolveDataDir({ ...home, REHEARSA_HOME: '' }), '/home/u/.local/share/rehearsa');
    assert.equal(resolveDataDir({ ...home, XDG_DATA_HOME: 'rel' }), '/home/u/.local/share/rehearsa');
  });
});
