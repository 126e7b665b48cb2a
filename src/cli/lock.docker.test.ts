// Concurrency against the real engine: one rehearsal per stack at a time (refuse, or wait with --wait-lock), a lock
// left by a dead process is recovered, and rehearsals of different stacks run side by side.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BUSYBOX, leftovers, runRehearsa, startRehearsa, uniqueStack, writeTree } from '../../test/support/cli.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'rehearsa-data-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RunDoc {
  startedAt: string;
  finishedAt: string;
  exitCode: number;
}

/** A stack that takes about `seconds` to become healthy, so two runs of it overlap. */
function slowStack(seconds: number): string {
  return `services:
  db:
    image: ${BUSYBOX}
    command: sh -c "sleep ${seconds}; touch /tmp/ok; sleep 300"
    healthcheck: { test: ["CMD", "test", "-f", "/tmp/ok"], interval: 200ms, timeout: 1s, retries: 100 }
`;
}

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('one rehearsal per stack at a time', { timeout: 180_000 }, () => {
  test('a second run of the same stack is refused with exit 4 naming the first; --wait-lock runs it after', async () => {
    const stack = uniqueStack('locked');
    const data = dataDir();
    const cwd = writeTree({ 'compose.yaml': slowStack(3) });
    const args = ['stack', 'test', '--stack', stack, '--settle', '0', '--json'];
    const first = startRehearsa(args, { cwd, dataDir: data });
    const lockFile = join(data, 'locks', `${stack}.lock`);
    await waitUntil('the first run to hold the lock', () => existsSync(lockFile));

    const refusedAt = Date.now();
    const refused = await runRehearsa(args, { cwd, dataDir: data });
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(
      refused.stderr,
      new RegExp(`stack ${stack} is already being rehearsed by process ${first.child.pid} .*--wait-lock`),
    );
    assert.equal(refused.stdout, '');
    assert.ok(Date.now() - refusedAt < 5000, 'the refusal does not wait');

    const waiter = startRehearsa([...args, '--wait-lock'], { cwd, dataDir: data });
    const [one, two] = await Promise.all([first.result, waiter.result]);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    assert.match(two.stderr, new RegExp(`waiting for process ${first.child.pid} to finish rehearsing ${stack}`));
    const a = JSON.parse(one.stdout) as RunDoc;
    const b = JSON.parse(two.stdout) as RunDoc;
    assert.ok(Date.parse(b.startedAt) >= Date.parse(a.finishedAt), 'the waiting run started after the first ended');
    assert.equal(existsSync(lockFile), false, 'the lock is released');
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
  });

  test('a lock left by a dead process is recovered: stale file, and a run killed with SIGKILL', async () => {
    const stack = uniqueStack('stale');
    const data = dataDir();
    const cwd = writeTree({ 'compose.yaml': slowStack(1) });
    const args = ['stack', 'test', '--stack', stack, '--settle', '0'];
    const lockFile = join(data, 'locks', `${stack}.lock`);
    mkdirSync(join(data, 'locks'), { recursive: true });
    const dead = spawnSync('true').pid;
    writeFileSync(
      lockFile,
      `${JSON.stringify({ owner: `${hostname()}/${dead}/1`, stack, since: '2020-01-01T00:00:00.000Z', nonce: 'x' })}\n`,
    );
    const afterStale = await runRehearsa(args, { cwd, dataDir: data });
    assert.equal(afterStale.code, 0, afterStale.stderr);
    assert.equal(existsSync(lockFile), false);

    const killed = startRehearsa(args, { cwd, dataDir: data });
    await waitUntil(
      'the run to hold the lock and create a container',
      async () =>
        existsSync(lockFile) && (await leftovers(`rehearsa.stack=${stack}`)).some((r) => r.startsWith('container')),
    );
    killed.child.kill('SIGKILL');
    await killed.result;
    assert.ok(existsSync(lockFile), 'SIGKILL leaves the lock file behind');
    const next = await runRehearsa(args, { cwd, dataDir: data });
    assert.equal(next.code, 0, next.stderr);
    assert.equal(existsSync(lockFile), false);
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), [], 'the next run also swept the killed run');
  });

  test('rehearsals of different stacks run side by side, both pass and both clean up', async () => {
    const data = dataDir();
    const stacks = [uniqueStack('side-a'), uniqueStack('side-b')];
    const runs = stacks.map((stack) =>
      startRehearsa(['stack', 'test', '--stack', stack, '--settle', '0', '--json'], {
        cwd: writeTree({ 'compose.yaml': slowStack(2) }),
        dataDir: data,
      }),
    );
    const results = await Promise.all(runs.map((r) => r.result));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const [a, b] = results.map((r) => JSON.parse(r.stdout) as RunDoc);
    assert.ok(
      Date.parse(a!.startedAt) < Date.parse(b!.finishedAt) && Date.parse(b!.startedAt) < Date.parse(a!.finishedAt),
      'the two runs overlapped in time',
    );
    for (const stack of stacks) assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
  });
});
