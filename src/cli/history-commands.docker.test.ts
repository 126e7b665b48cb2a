// Through the built CLI (no Docker needed; named *.docker.test.ts because it needs `npm run build` first).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { runRehearsa } from '../../test/support/cli.js';
import { openHistory } from '../history/history-store.js';
import { SCHEMA_VERSION } from '../history/migrations.js';
import { makeRun } from '../history/test-fixtures.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'rehearsa-data-'));

function seed(dir: string): void {
  const store = openHistory(dir);
  for (const [i, id] of ['r1', 'r2', 'r3'].entries()) {
    store.recordRun(makeRun('web', id, 60 + i, { startedAt: `2025-01-01T00:0${i}:00.000Z` }));
  }
  store.recordRun(makeRun('api', 'a1', 90));
  store.close();
}

describe('an unusable history database', () => {
  test('a corrupted database: one line naming it, exit 2, the file left as it was', async () => {
    const dir = dataDir();
    const path = join(dir, 'history.db');
    const garbage = Buffer.from('definitely not sqlite\n'.repeat(300));
    writeFileSync(path, garbage);
    const result = await runRehearsa(['status'], { dataDir: dir });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      `rehearsa: history database ${path} is not a readable SQLite database (file is not a database); ` +
        'move it aside to start a new history\n',
    );
    assert.deepEqual(readFileSync(path), garbage);
  });

  test('a database with damaged pages: one line, exit 2 from status, history and verify', async () => {
    const dir = dataDir();
    seed(dir);
    const path = join(dir, 'history.db');
    const bytes = readFileSync(path);
    bytes.fill(0x41, bytes.readUInt16BE(16));
    writeFileSync(path, bytes);
    for (const args of [['status'], ['history', 'web'], ['history', 'verify']]) {
      const result = await runRehearsa(args, { dataDir: dir });
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(
        result.stderr,
        `rehearsa: history database ${path} is not a readable SQLite database (database disk image is malformed); ` +
          'move it aside to start a new history\n',
      );
    }
    assert.deepEqual(readFileSync(path), bytes);
  });

  test('a database from a newer schema: one line, exit 2, never reset', async () => {
    const dir = dataDir();
    seed(dir);
    const path = join(dir, 'history.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = readFileSync(path);
    const result = await runRehearsa(['status'], { dataDir: dir });
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      `rehearsa: history database ${path} has schema version ${SCHEMA_VERSION + 1}, but this rehearsa understands up to ${SCHEMA_VERSION}; ` +
        'upgrade rehearsa (the database was left untouched)\n',
    );
    assert.deepEqual(readFileSync(path), before);
  });
});

describe('rehearsa history verify', () => {
  test('exit 0 with the head of each chain when intact', async () => {
    const dir = dataDir();
    seed(dir);
    const all = await runRehearsa(['history', 'verify'], { dataDir: dir });
    assert.equal(all.code, 0, all.stderr);
    assert.match(
      all.stdout,
      /^✔ api: 1 run, chain intact \(head [0-9a-f]{64}\)\n✔ web: 3 runs, chain intact \(head [0-9a-f]{64}\)\n$/,
    );
    const one = await runRehearsa(['history', 'verify', 'web', '--json'], { dataDir: dir });
    assert.equal(one.code, 0);
    const [report] = JSON.parse(one.stdout) as { stack: string; runs: number; head: string }[];
    assert.equal(report?.stack, 'web');
    assert.equal(report?.runs, 3);
  });

  test('exit 1 naming the first broken run; other stacks still reported intact', async () => {
    const dir = dataDir();
    seed(dir);
    const raw = new Database(join(dir, 'history.db'));
    raw.exec(`UPDATE runs SET confidence = 100 WHERE run_id = 'r2'; DELETE FROM runs WHERE run_id = 'r3';`);
    raw.close();
    const result = await runRehearsa(['history', 'verify'], { dataDir: dir });
    assert.equal(result.code, 1);
    assert.equal(
      result.stdout,
      '✔ api: 1 run, chain intact (head ' +
        result.stdout.slice(result.stdout.indexOf('(head ') + 6, result.stdout.indexOf(')')) +
        ')\n✗ web: run r2 (2025-01-01T00:01:00.000Z): hash does not match its content\n',
    );
  });

  test('exit 2 for an unknown stack; `history STACK` still lists runs', async () => {
    const dir = dataDir();
    seed(dir);
    const unknown = await runRehearsa(['history', 'verify', 'ghost'], { dataDir: dir });
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, 'rehearsa: unknown stack "ghost" (see rehearsa status)\n');
    const list = await runRehearsa(['history', 'web', '--json'], { dataDir: dir });
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(
      (JSON.parse(list.stdout) as { runId: string }[]).map((e) => e.runId),
      ['r3', 'r2', 'r1'],
    );
  });
});
