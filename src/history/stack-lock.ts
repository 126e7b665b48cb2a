// One rehearsal per stack at a time, across processes, through a lock file in the data directory.
//
// The lock file appears atomically with its full content (written to a private temporary file, then hard-linked
// into place, which fails when the lock exists). A lock whose owner is dead is taken over by replacing it with a
// rename, but only by the process that first claims that exact stale instance: the claim is another hard link,
// named after a hash of the stale content, so two processes finding the same stale lock cannot both win, and a
// lock taken over in the meantime (different content) is never touched. A claim left by a process that died
// mid-takeover is itself stale and is taken over the same way.
import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExitCode, InterruptedError, RehearsaError } from '../errors.js';
import { isOwnerAlive } from '../run/owner.js';
import { HistoryError } from './history-error.js';

/** Another live process holds the stack's lock. */
export class StackBusyError extends RehearsaError {
  readonly exitCode = ExitCode.StackBusy;
}

/** The content of a lock file. */
export interface LockRecord {
  /** `<host>/<pid>/<start ticks>` of the holder, as in run/owner.ts. */
  owner: string;
  stack: string;
  /** ISO time the lock was taken. */
  since: string;
  /** Makes every lock instance distinct, so a stale one is never confused with its successor. */
  nonce: string;
}

/** A held lock; release() removes it only while it is still this holder's. */
export interface StackLock {
  readonly path: string;
  release(): void;
}

export interface LockOptions {
  owner: string;
  /** How long to wait for a live holder: 0 refuses at once, Infinity waits until it is free. */
  waitMs: number;
  signal: AbortSignal;
  /** Called once when the lock is busy and the caller chose to wait. */
  onWait?: (holder: LockRecord | undefined) => void;
  /** Time between attempts while waiting (default 250 ms). */
  pollMs?: number;
  now?: () => number;
}

/** How deep claims on claims may go; each level needs a process to die inside the previous takeover. */
const MAX_CLAIM_DEPTH = 4;

/**
 * Takes the lock of `stack` under `dir` (`<dir>/<stack>.lock`): at once when it is free or its owner is dead,
 * otherwise after waiting up to `waitMs`; throws StackBusyError naming the holder when it stays busy, and
 * InterruptedError when `signal` aborts the wait. At most one live process holds a stack's lock at any time.
 */
export async function acquireStackLock(dir: string, stack: string, options: LockOptions): Promise<StackLock> {
  const now = options.now ?? Date.now;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HistoryError('unavailable', dir, `cannot create the lock directory ${dir}: ${reason}`, { cause: error });
  }
  const path = join(dir, `${stack}.lock`);
  const mine: LockRecord = {
    owner: options.owner,
    stack,
    since: new Date(now()).toISOString(),
    nonce: randomBytes(8).toString('hex'),
  };
  const giveUpAt = now() + options.waitMs;
  let waiting = false;
  for (;;) {
    const attempt = lockOrExplain(path, mine);
    if (attempt.won) return { path, release: () => releaseLock(path, mine) };
    if (options.signal.aborted) throw new InterruptedError(`interrupted while waiting for the lock of ${stack}`);
    if (now() >= giveUpAt) throw new StackBusyError(busyMessage(stack, path, attempt.holder));
    if (!waiting) {
      waiting = true;
      options.onWait?.(attempt.holder);
    }
    await sleep(options.pollMs ?? 250, undefined, { signal: options.signal }).catch(() => undefined);
  }
}

/**
 * Deletes the lock files whose holder is dead, through the same takeover a run would make (so a run starting
 * meanwhile is never disturbed); resolves to the stacks whose lock was cleared.
 */
export async function clearStaleLocks(dir: string, owner: string, signal: AbortSignal): Promise<string[]> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.lock'));
  } catch {
    return [];
  }
  const cleared: string[] = [];
  for (const name of names.sort()) {
    const raw = readRaw(join(dir, name));
    const holder = raw === undefined ? undefined : parseRecord(raw);
    if (!holder || isOwnerAlive(holder.owner)) continue;
    const stack = name.slice(0, -'.lock'.length);
    try {
      (await acquireStackLock(dir, stack, { owner, waitMs: 0, signal })).release();
      cleared.push(stack);
    } catch {
      // A live run took it between the two looks: it is not stale any more.
    }
  }
  return cleared;
}

/** `<host>/<pid>/…` as a phrase a user can act on. */
export function describeOwner(owner: string): string {
  const [host, pid] = owner.split('/');
  return host === hostname() ? `process ${pid}` : `process ${pid} on host ${host}`;
}

function busyMessage(stack: string, path: string, holder: LockRecord | undefined): string {
  const who = holder ? `${describeOwner(holder.owner)} (since ${holder.since})` : 'another process';
  return `stack ${stack} is already being rehearsed by ${who}; rerun with --wait-lock to wait for it (lock file ${path})`;
}

/** tryLock, with the file system's refusals (a directory in the way, no permission) said in one line. */
function lockOrExplain(path: string, mine: LockRecord): ReturnType<typeof tryLock> {
  try {
    return tryLock(path, mine);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new HistoryError('unavailable', path, `cannot use the lock file ${path} (${reason})`, { cause: error });
  }
}

function tryLock(path: string, mine: LockRecord): { won: true } | { won: false; holder?: LockRecord } {
  // A few rounds cover a holder releasing or a stale lock being replaced between two of our steps.
  let holder: LockRecord | undefined;
  for (let round = 0; round < 5; round++) {
    if (placeNew(path, mine)) return { won: true };
    const raw = readRaw(path);
    if (raw === undefined) continue;
    holder = parseRecord(raw);
    if (holder && isOwnerAlive(holder.owner)) return { won: false, holder };
    if (replaceStale(path, raw, mine, 0)) return { won: true };
  }
  return holder ? { won: false, holder } : { won: false };
}

/** Creates `path` holding `record` unless it exists; the file never appears empty or half written. */
function placeNew(path: string, record: LockRecord): boolean {
  const temp = writeTemp(path, record);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkQuietly(temp);
  }
}

/**
 * Replaces `path`, whose content was `staleRaw` and whose owner is dead, with `mine`; true when this process did
 * it. Only the holder of the claim on that exact content may replace it, and only while it is still there.
 */
function replaceStale(path: string, staleRaw: string, mine: LockRecord, depth: number): boolean {
  const claim = `${path}.claim-${digest(staleRaw)}`;
  if (!placeNew(claim, mine)) {
    const claimRaw = readRaw(claim);
    if (claimRaw === undefined) return false;
    const claimant = parseRecord(claimRaw);
    if (claimant && isOwnerAlive(claimant.owner)) return false;
    if (depth >= MAX_CLAIM_DEPTH || !replaceStale(claim, claimRaw, mine, depth + 1)) return false;
  }
  try {
    // Nobody else can remove this instance now: its owner is dead and the claim on it is ours.
    const current = readRaw(path);
    if (current === undefined || digest(current) !== digest(staleRaw)) return false;
    renameSync(writeTemp(path, mine), path);
    return true;
  } finally {
    unlinkQuietly(claim);
  }
}

function releaseLock(path: string, mine: LockRecord): void {
  const raw = readRaw(path);
  // Only the holder's own instance is removed; while the holder lives nobody else can have replaced it.
  if (raw !== undefined && parseRecord(raw)?.nonce === mine.nonce) unlinkQuietly(path);
}

function writeTemp(path: string, record: LockRecord): string {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, `${JSON.stringify(record)}\n`, { mode: 0o600, flag: 'wx' });
  return temp;
}

function readRaw(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The record in a lock file; undefined for content no Rehearsa wrote, which counts as a dead owner. */
function parseRecord(raw: string): LockRecord | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockRecord>;
    if (typeof value.owner !== 'string' || typeof value.nonce !== 'string') return undefined;
    return {
      owner: value.owner,
      stack: String(value.stack ?? ''),
      since: String(value.since ?? ''),
      nonce: value.nonce,
    };
  } catch {
    return undefined;
  }
}

function digest(raw: string): string {
  return createHash('sha256').update(raw).digest('hex').slice(0, 24);
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to undo.
  }
}
