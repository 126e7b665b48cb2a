import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { InterruptedError } from '../errors.js';
import { currentOwner } from '../run/owner.js';
import { acquireStackLock, clearStaleLocks, StackBusyError } from './stack-lock.js';

const lockDir = () => mkdtempSync(join(tmpdir(), 'rehearsa-lock-'));
const never = new AbortController().signal;

/** An owner string of a process that has exited. */
function deadOwner(): string {
  return `${hostname()}/${spawnSync('true').pid}/1`;
}

function staleRecord(owner = deadOwner()): string {
  return `${JSON.stringify({ owner, stack: 'demo', since: '2020-01-01T00:00:00.000Z', nonce: 'dead' })}\n`;
}

describe('stack lock', () => {
  test('a free lock is taken with the owner recorded, and released', async () => {
    const dir = lockDir();
    const lock = await acquireStackLock(dir, 'demo', { owner: currentOwner(), waitMs: 0, signal: never });
    assert.equal(lock.path, join(dir, 'demo.lock'));
    assert.equal(JSON.parse(readFileSync(lock.path, 'utf8')).owner, currentOwner());
    lock.release();
    assert.equal(existsSync(lock.path), false);
    assert.deepEqual(readdirSync(dir), [], 'no temporary or claim file is left behind');
  });

  test('a live holder makes a second taker fail at once, naming the holder', async () => {
    const dir = lockDir();
    const held = await acquireStackLock(dir, 'demo', { owner: currentOwner(), waitMs: 0, signal: never });
    await assert.rejects(
      acquireStackLock(dir, 'demo', { owner: currentOwner(), waitMs: 0, signal: never }),
      (error: unknown) =>
        error instanceof StackBusyError &&
        error.exitCode === 4 &&
        error.message.includes(`process ${process.pid}`) &&
        error.message.includes('--wait-lock'),
    );
    held.release();
  });

  test('a waiter gets the lock when the holder releases it, and can be interrupted', async () => {
    const dir = lockDir();
    const held = await acquireStackLock(dir, 'demo', { owner: currentOwner(), waitMs: 0, signal: never });
    let waited = 0;
    setTimeout(() => held.release(), 300);
    const lock = await acquireStackLock(dir, 'demo', {
      owner: currentOwner(),
      waitMs: Number.POSITIVE_INFINITY,
      signal: never,
      pollMs: 20,
      onWait: () => waited++,
    });
    assert.equal(waited, 1);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    await assert.rejects(
      acquireStackLock(dir, 'demo', {
        owner: currentOwner(),
        waitMs: Number.POSITIVE_INFINITY,
        signal: abort.signal,
      }),
      InterruptedError,
    );
    lock.release();
  });

  test('a lock whose owner is dead, or that holds no record, is taken over', async () => {
    const dir = lockDir();
    for (const content of [staleRecord(), 'not a lock\n', '']) {
      writeFileSync(join(dir, 'demo.lock'), content);
      const lock = await acquireStackLock(dir, 'demo', { owner: currentOwner(), waitMs: 0, signal: never });
      assert.equal(JSON.parse(readFileSync(lock.path, 'utf8')).owner, currentOwner());
      lock.release();
    }
    assert.deepEqual(readdirSync(dir), []);
  });

  test('a directory where the lock file goes is a clear history error, not a crash', async () => {
    const dir = lockDir();
    mkdirSync(join(dir, 'demo.lock'));
    await assert.rejects(acquireStackLock(dir, 'demo', { owner: currentOwner(), waitMs: 0, signal: never }), {
      name: 'HistoryError',
      message: `cannot use the lock file ${join(dir, 'demo.lock')} (EISDIR)`,
    });
  });

  test('cleanup clears the locks of dead holders and keeps live ones', async () => {
    const dir = lockDir();
    writeFileSync(join(dir, 'dead.lock'), staleRecord());
    const live = await acquireStackLock(dir, 'live', { owner: currentOwner(), waitMs: 0, signal: never });
    assert.deepEqual(await clearStaleLocks(dir, currentOwner(), never), ['dead']);
    assert.deepEqual(readdirSync(dir), ['live.lock']);
    live.release();
  });

  test('processes racing for the same stale lock (even behind a dead claim) never both win', async () => {
    const url = pathToFileURL(join(import.meta.dirname, 'stack-lock.ts')).href;
    const script = join(lockDir(), 'race.mjs');
    // Each contender tries once, and holds a lock it wins long enough for every other contender to see it.
    writeFileSync(
      script,
      `import { acquireStackLock } from ${JSON.stringify(url)};
import { currentOwner } from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../run/owner.ts')).href)};
const [dir, startAt] = process.argv.slice(2);
while (Date.now() < Number(startAt)) {}
try {
  const lock = await acquireStackLock(dir, 'demo', { owner: currentOwner(), waitMs: 0, signal: new AbortController().signal });
  console.log('won');
  await new Promise((r) => setTimeout(r, 3000));
  lock.release();
} catch (error) {
  console.log(error.name);
}
`,
    );
    for (const deadClaim of [false, true]) {
      const dir = lockDir();
      const stale = staleRecord();
      writeFileSync(join(dir, 'demo.lock'), stale);
      if (deadClaim) {
        // The name a claim on that stale content gets: a contender died right after claiming it.
        const digest = createHash('sha256').update(stale).digest('hex').slice(0, 24);
        writeFileSync(join(dir, `demo.lock.claim-${digest}`), staleRecord());
      }
      const startAt = Date.now() + 2500;
      const outputs = await Promise.all(
        Array.from({ length: 12 }, () => {
          const child = spawn(process.execPath, ['--import', 'tsx', script, dir, String(startAt)], {
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let out = '';
          child.stdout.on('data', (d) => {
            out += d;
          });
          return new Promise<string>((resolve) => child.on('close', () => resolve(out.trim())));
        }),
      );
      assert.equal(outputs.filter((o) => o === 'won').length, 1, `exactly one winner (dead claim: ${deadClaim})`);
      assert.deepEqual(
        outputs.filter((o) => o !== 'won'),
        Array(11).fill('StackBusyError'),
      );
      assert.deepEqual(readdirSync(dir), [], 'the winner released; no claim or temporary file is left');
    }
  });

  test('the lock directory is created private', async () => {
    const dir = join(lockDir(), 'nested', 'locks');
    const lock = await acquireStackLock(dir, 'demo', { owner: currentOwner(), waitMs: 0, signal: never });
    lock.release();
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });
});
