import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { RunResult } from '../model.js';
import { openHistory } from './history-store.js';
import { makeRun } from './test-fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'rehearsa-crash-'));
after(() => rmSync(root, { recursive: true, force: true }));

const KILLS = 20;

// A writer that records runs as fast as it can and prints each run id once recordRun has returned (committed).
const WRITER = `
  const { openHistory } = await import(process.env.STORE_URL);
  const run = JSON.parse(process.env.TEMPLATE);
  const store = openHistory(process.env.DATA_DIR);
  for (let i = 0; ; i++) {
    const runId = process.env.WRITER + '-' + i;
    store.recordRun({ ...run, runId });
    process.stdout.write(runId + '\\n');
  }
`;

/** Starts a writer and SIGKILLs it at a random moment; resolves to the run ids it reported as committed. */
function writeUntilKilled(dir: string, writer: string, template: RunResult, afterFirstCommit: boolean) {
  return new Promise<{ committed: string[]; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WRITER], {
      env: {
        ...process.env,
        STORE_URL: new URL('./history-store.ts', import.meta.url).href,
        TEMPLATE: JSON.stringify(template),
        DATA_DIR: dir,
        WRITER: writer,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let scheduled = false;
    const kill = (delayMs: number) => {
      scheduled = true;
      setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!scheduled && afterFirstCommit) kill(Math.random() * 40);
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    // Half the kills land anywhere from start-up on: while opening, migrating or recording.
    if (!afterFirstCommit) kill(Math.random() * 900);
    child.on('close', (_code, signal) => {
      resolve({ committed: stdout.split('\n').filter(Boolean), signal, stderr });
    });
  });
}

describe('kill -9 during writes', { timeout: 120_000 }, () => {
  it(`never corrupts the history: ${KILLS} writers SIGKILLed at random moments`, async (t) => {
    const dir = join(root, 'data');
    // A large log tail makes each transaction span many pages, so kills land inside page writes.
    const template = makeRun('web', 'template', 90);
    template.services[1]!.logTail = Array.from({ length: 400 }, (_, i) => `log line ${i} ${'x'.repeat(100)}`);
    const committed: string[] = [];
    let killedMidWrite = 0;
    for (let k = 0; k < KILLS; k++) {
      const result = await writeUntilKilled(dir, `w${k}`, template, k % 2 === 0);
      assert.equal(result.signal, 'SIGKILL', result.stderr);
      committed.push(...result.committed);
      if (result.committed.length > 0) killedMidWrite++;

      // After every crash: the database opens, is intact, and holds every run reported as committed, complete.
      const raw = new Database(join(dir, 'history.db'));
      assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
      raw.close();
      const store = openHistory(dir);
      const stored = store.listRuns('web', -1).map((e) => e.runId);
      for (const id of committed) assert.ok(stored.includes(id), `committed run ${id} is missing after kill ${k}`);
      // At most one run per writer may have committed without having been reported before the kill.
      assert.ok(stored.length - committed.length <= k + 1);
      for (const id of stored) {
        const run = store.getRun(id);
        assert.equal(run?.services[1]?.logTail.length, 400, `run ${id} is incomplete`);
      }
      assert.equal(store.verifyChain('web').broken, undefined);
      store.close();
      const services = new Database(join(dir, 'history.db'), { readonly: true });
      const counts = services
        .prepare(
          'SELECT COUNT(*) AS n FROM runs r WHERE (SELECT COUNT(*) FROM service_results s WHERE s.run_id = r.run_id) != 2',
        )
        .get() as { n: number };
      services.close();
      assert.equal(counts.n, 0, 'every run has both of its service results');
    }
    // The test only means something if most kills hit a writer that was busy writing.
    assert.ok(killedMidWrite >= KILLS / 2, `only ${killedMidWrite} kills landed while runs were being written`);
    t.diagnostic(`${KILLS} kills, ${killedMidWrite} while writing, ${committed.length} committed runs all intact`);
  });
});
