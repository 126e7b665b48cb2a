// The per-stack hash chain over recorded runs. Each stack's runs, in insertion order, form one chain: a run's
// hash is SHA-256 over the canonical JSON of its stored content followed by the hash of the stack's previous run
// (CHAIN_START for the first). Chains are per stack so that a stack's history stands on its own: verifying or
// (one day) pruning one stack never depends on the runs of another.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { canonicalJson } from './canonical-json.js';

/** The previous hash of a stack's first run. */
export const CHAIN_START = '0'.repeat(64);

// The hashed content is part of the stored format: these lists are explicit (never `SELECT *`) so that a later
// migration adding a column leaves every recorded hash valid. Changing them invalidates every existing chain.
const RUN_COLUMNS = `run_id, stack, started_at, finished_at, confidence, risk, stability, trend, previous_confidence,
  duration_ms, median_previous_duration_ms, duration_delta_percent, passed, exit_code, interrupted, result_json`;
const SERVICE_COLUMNS = 'service, state, score, reason_class, reason, exit_code, restart_count, ready_ms';

/** One stored run as the chain sees it. */
export interface ChainLink {
  id: number;
  runId: string;
  startedAt: string;
  previousHash: string | null;
  hash: string | null;
  /** Canonical JSON of the run's columns and its service results (sorted by service). */
  content: string;
}

/** Where a stack's chain first fails, and why, in one line. */
export interface ChainBreak {
  runId: string;
  startedAt: string;
  problem: 'content' | 'link';
  message: string;
}

/** SHA-256 (hex) of the content followed by the previous hash: the hash a run must carry. */
export function linkHash(content: string, previousHash: string): string {
  return createHash('sha256').update(content).update(previousHash).digest('hex');
}

interface LinkRow extends Record<string, unknown> {
  id: number;
  previous_hash: string | null;
  hash: string | null;
  run_id: string;
  started_at: string;
}

function toLink(row: LinkRow, services: Record<string, unknown>[]): ChainLink {
  const { id, previous_hash, hash, ...columns } = row;
  return {
    id,
    runId: row.run_id,
    startedAt: row.started_at,
    previousHash: previous_hash,
    hash,
    content: canonicalJson({ ...columns, services }),
  };
}

/** The stored run with this row id, read back exactly as SQLite keeps it (so hashing never depends on the input). */
export function readLink(db: Database.Database, id: number): ChainLink {
  const row = db
    .prepare<[number], LinkRow>(`SELECT id, previous_hash, hash, ${RUN_COLUMNS} FROM runs WHERE id = ?`)
    .get(id);
  if (!row) throw new Error(`run row ${id} vanished inside its own transaction`);
  const services = db
    .prepare<[string], Record<string, unknown>>(
      `SELECT ${SERVICE_COLUMNS} FROM service_results WHERE run_id = ? ORDER BY service`,
    )
    .all(row.run_id);
  return toLink(row, services);
}

/** Every run of the stack, oldest first (insertion order), with its content. */
export function readChain(db: Database.Database, stack: string): ChainLink[] {
  const rows = db
    .prepare<[string], LinkRow>(`SELECT id, previous_hash, hash, ${RUN_COLUMNS} FROM runs WHERE stack = ? ORDER BY id`)
    .all(stack);
  const services = db
    .prepare<[string], Record<string, unknown> & { run_id: string }>(
      `SELECT run_id, ${SERVICE_COLUMNS} FROM service_results
       WHERE run_id IN (SELECT run_id FROM runs WHERE stack = ?) ORDER BY run_id, service`,
    )
    .all(stack);
  const byRun = new Map<string, Record<string, unknown>[]>();
  for (const { run_id, ...service } of services) {
    const list = byRun.get(run_id) ?? [];
    list.push(service);
    byRun.set(run_id, list);
  }
  return rows.map((row) => toLink(row, byRun.get(row.run_id) ?? []));
}

/** The hash of the stack's newest run, which the next run links to; CHAIN_START when the stack has none. */
export function chainHead(db: Database.Database, stack: string): string {
  const row = db
    .prepare<[string], { hash: string | null }>('SELECT hash FROM runs WHERE stack = ? ORDER BY id DESC LIMIT 1')
    .get(stack);
  return row ? (row.hash ?? CHAIN_START) : CHAIN_START;
}

/** Gives the run at this row id its previous hash and its hash, computed from what is stored. */
export function sealLink(db: Database.Database, id: number, previousHash: string): string {
  db.prepare('UPDATE runs SET previous_hash = ? WHERE id = ?').run(previousHash, id);
  const hash = linkHash(readLink(db, id).content, previousHash);
  db.prepare('UPDATE runs SET hash = ? WHERE id = ?').run(hash, id);
  return hash;
}

/**
 * The first run, oldest first, whose link is wrong: its previous hash is not the hash of the run stored before it
 * (a run was deleted, inserted or moved), or its hash does not match its own content and previous hash (it was
 * edited). A run with no hash at all counts as edited. Undefined when the whole chain holds.
 */
export function findChainBreak(links: readonly ChainLink[]): ChainBreak | undefined {
  let expectedPrevious = CHAIN_START;
  let before: ChainLink | undefined;
  for (const link of links) {
    const where = `run ${link.runId} (${link.startedAt})`;
    if (link.previousHash !== expectedPrevious) {
      const target = before ? `run ${before.runId}` : 'the start of the chain (a run before it is missing)';
      return {
        runId: link.runId,
        startedAt: link.startedAt,
        problem: 'link',
        message: `${where}: previous-hash does not link to ${target}`,
      };
    }
    if (link.hash === null || link.hash !== linkHash(link.content, link.previousHash)) {
      return {
        runId: link.runId,
        startedAt: link.startedAt,
        problem: 'content',
        message: `${where}: hash does not match its content`,
      };
    }
    expectedPrevious = link.hash;
    before = link;
  }
  return undefined;
}
