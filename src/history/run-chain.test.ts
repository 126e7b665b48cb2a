import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { canonicalJson } from './canonical-json.js';
import { openHistory } from './history-store.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { CHAIN_START } from './run-chain.js';
import { makeRun } from './test-fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'rehearsa-chain-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `d${++dirs}`);

/** A history with runs r1..r4 of `web` (started a minute apart) and o1..o2 of `other`, interleaved. */
function seeded(): string {
  const dir = freshDir();
  const store = openHistory(dir);
  for (const [i, id] of ['r1', 'o1', 'r2', 'r3', 'o2', 'r4'].entries()) {
    const stack = id.startsWith('r') ? 'web' : 'other';
    store.recordRun(makeRun(stack, id, 50 + i, { startedAt: `2025-01-01T00:0${i}:00.000Z` }));
  }
  store.close();
  return dir;
}

function tamper(dir: string, sql: string): void {
  const raw = new Database(join(dir, 'history.db'));
  raw.exec(sql);
  raw.close();
}

function verify(dir: string, stack = 'web') {
  const store = openHistory(dir);
  try {
    return store.verifyChain(stack);
  } finally {
    store.close();
  }
}

/** The documented formula, recomputed independently of run-chain.ts: SHA-256(canonical JSON + previous hash). */
function expectedHash(dir: string, runId: string, previousHash: string): string {
  const raw = new Database(join(dir, 'history.db'), { readonly: true });
  const {
    id: _id,
    hash: _hash,
    previous_hash: _previous,
    ...columns
  } = raw.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as Record<string, unknown>;
  const services = raw
    .prepare(
      `SELECT service, state, score, reason_class, reason, exit_code, restart_count, ready_ms
       FROM service_results WHERE run_id = ? ORDER BY service`,
    )
    .all(runId);
  raw.close();
  return createHash('sha256')
    .update(canonicalJson({ ...columns, services }) + previousHash)
    .digest('hex');
}

function storedHashes(dir: string): Record<string, { previous: string; hash: string }> {
  const raw = new Database(join(dir, 'history.db'), { readonly: true });
  const rows = raw.prepare('SELECT run_id, previous_hash, hash FROM runs ORDER BY id').all() as {
    run_id: string;
    previous_hash: string;
    hash: string;
  }[];
  raw.close();
  return Object.fromEntries(rows.map((r) => [r.run_id, { previous: r.previous_hash, hash: r.hash }]));
}

describe('the per-stack hash chain', () => {
  it('links each run to the previous run of the same stack by SHA-256 over canonical JSON + previous hash', () => {
    const dir = seeded();
    const stored = storedHashes(dir);
    assert.equal(stored.r1?.previous, CHAIN_START);
    assert.equal(stored.o1?.previous, CHAIN_START);
    assert.equal(stored.r2?.previous, stored.r1?.hash);
    assert.equal(stored.r3?.previous, stored.r2?.hash);
    assert.equal(stored.o2?.previous, stored.o1?.hash);
    for (const [runId, { previous, hash }] of Object.entries(stored)) {
      assert.equal(hash, expectedHash(dir, runId, previous), runId);
    }
    assert.deepEqual(verify(dir), { stack: 'web', runs: 4, head: stored.r4?.hash });
    assert.deepEqual(verify(dir, 'other'), { stack: 'other', runs: 2, head: stored.o2?.hash });
    assert.deepEqual(verify(dir, 'none'), { stack: 'none', runs: 0 });
  });

  const cases: { name: string; sql: string; message: string }[] = [
    {
      name: 'an edited result_json',
      sql: `UPDATE runs SET result_json = replace(result_json, '"confidence":52', '"confidence":99') WHERE run_id = 'r2'`,
      message: 'run r2 (2025-01-01T00:02:00.000Z): hash does not match its content',
    },
    {
      name: 'an edited confidence column',
      sql: `UPDATE runs SET confidence = 100 WHERE run_id = 'r3'`,
      message: 'run r3 (2025-01-01T00:03:00.000Z): hash does not match its content',
    },
    {
      name: 'an edited service result',
      sql: `UPDATE service_results SET score = 100 WHERE run_id = 'r2' AND service = 'app'`,
      message: 'run r2 (2025-01-01T00:02:00.000Z): hash does not match its content',
    },
    {
      name: 'an edit whose hash was recomputed without relinking the next run',
      sql: `UPDATE runs SET confidence = 100, hash = '${'a'.repeat(64)}' WHERE run_id = 'r2'`,
      message: 'run r2 (2025-01-01T00:02:00.000Z): hash does not match its content',
    },
    {
      name: 'a deleted run in the middle',
      sql: `DELETE FROM runs WHERE run_id = 'r2'`,
      message: 'run r3 (2025-01-01T00:03:00.000Z): previous-hash does not link to run r1',
    },
    {
      name: 'a deleted first run',
      sql: `DELETE FROM runs WHERE run_id = 'r1'`,
      message:
        'run r2 (2025-01-01T00:02:00.000Z): previous-hash does not link to the start of the chain (a run before it is missing)',
    },
    {
      name: 'two runs swapped',
      // r2 has id 3 and r3 id 4 (o1 sits between r1 and r2).
      sql: `UPDATE runs SET id = -1 WHERE run_id = 'r2';
            UPDATE runs SET id = 3 WHERE run_id = 'r3';
            UPDATE runs SET id = 4 WHERE run_id = 'r2';`,
      message: 'run r3 (2025-01-01T00:03:00.000Z): previous-hash does not link to run r1',
    },
    {
      name: 'a removed hash (the prior tool skipped such records)',
      sql: `UPDATE runs SET hash = NULL WHERE run_id = 'r4'`,
      message: 'run r4 (2025-01-01T00:05:00.000Z): hash does not match its content',
    },
  ];
  for (const c of cases) {
    it(`names the first broken run after ${c.name}, and leaves other stacks intact`, () => {
      const dir = seeded();
      tamper(dir, c.sql);
      const report = verify(dir);
      assert.equal(report.broken?.message, c.message);
      assert.equal(verify(dir, 'other').broken, undefined);
    });
  }

  it('keeps chaining after a break: a new run links to the current head', () => {
    const dir = seeded();
    const store = openHistory(dir);
    store.recordRun(makeRun('web', 'r5', 70));
    assert.equal(store.verifyChain('web').runs, 5);
    assert.equal(store.verifyChain('web').broken, undefined);
    store.close();
  });
});

describe('recordRun atomicity', () => {
  it('stores nothing of a run whose service results fail to insert (one transaction)', () => {
    const dir = freshDir();
    const store = openHistory(dir);
    store.recordRun(makeRun('web', 'r1', 90));
    const bad = makeRun('web', 'r2', 80);
    // Two results for one service violate the (run_id, service) key after the run row is already inserted.
    bad.services.push({ ...bad.services[0]! });
    assert.throws(() => store.recordRun(bad), /UNIQUE|PRIMARY KEY/);
    assert.equal(store.getRun('r2'), undefined);
    assert.deepEqual(
      store.listRuns('web').map((e) => e.runId),
      ['r1'],
    );
    store.recordRun(makeRun('web', 'r3', 70));
    assert.equal(store.verifyChain('web').broken, undefined);
    store.close();
    const raw = new Database(join(dir, 'history.db'), { readonly: true });
    const orphans = raw.prepare(`SELECT COUNT(*) AS n FROM service_results WHERE run_id = 'r2'`).get() as { n: number };
    assert.equal(orphans.n, 0);
    raw.close();
  });
});

describe('migration from schema 1', () => {
  it('chains the runs of a version-1 database in insertion order, per stack', () => {
    const dir = freshDir();
    mkdirSync(dir);
    const path = join(dir, 'history.db');
    const v1 = new Database(path);
    v1.exec(MIGRATIONS.find((m) => m.version === 1)!.sql);
    v1.pragma('user_version = 1');
    const insert = v1.prepare(`
      INSERT INTO runs (run_id, stack, started_at, finished_at, confidence, risk, stability, duration_ms, passed,
        exit_code, interrupted, result_json)
      VALUES (?, ?, ?, '2025-01-01T00:00:09.000Z', ?, 'LOW', 90, 9000, 1, 0, 0, ?)`);
    // Timestamps deliberately out of order: the chain follows insertion, not clocks.
    for (const [id, stack, at, c] of [
      ['a1', 'web', '2025-03-01T00:00:00.000Z', 90],
      ['b1', 'db', '2025-01-01T00:00:00.000Z', 80],
      ['a2', 'web', '2025-02-01T00:00:00.000Z', 95],
    ] as const) {
      insert.run(id, stack, at, c, canonicalJson(makeRun(stack, id, c)));
    }
    v1.prepare(
      `INSERT INTO service_results (run_id, service, state, score, restart_count) VALUES ('a2', 'app', 'healthy', 100, 0)`,
    ).run();
    v1.close();

    const store = openHistory(dir);
    assert.deepEqual(
      [store.verifyChain('web').runs, store.verifyChain('web').broken, store.verifyChain('db').broken],
      [2, undefined, undefined],
    );
    store.recordRun(makeRun('web', 'a3', 70));
    assert.equal(store.verifyChain('web').broken, undefined);
    store.close();

    const stored = storedHashes(dir);
    assert.equal(stored.a1?.previous, CHAIN_START);
    assert.equal(stored.a2?.previous, stored.a1?.hash);
    assert.equal(stored.a3?.previous, stored.a2?.hash);
    assert.equal(stored.a2?.hash, expectedHash(dir, 'a2', stored.a1!.hash));
    const raw = new Database(path, { readonly: true });
    assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    raw.close();
  });
});
