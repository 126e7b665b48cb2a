import type Database from 'better-sqlite3';
import { HistoryError } from './history-error.js';
import { CHAIN_START, sealLink } from './run-chain.js';

/** One schema step: its SQL, then an optional data step run in the same transaction. */
export interface Migration {
  version: number;
  sql: string;
  backfill?: (db: Database.Database) => void;
}

/** Append-only: a released migration is never edited, a change is a new entry with the next version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE runs (
        -- AUTOINCREMENT: ids only grow, so "newest" never depends on clocks or reused ids.
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL UNIQUE,
        stack TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        confidence INTEGER NOT NULL,
        risk TEXT NOT NULL,
        stability INTEGER NOT NULL,
        trend TEXT,
        previous_confidence INTEGER,
        duration_ms INTEGER NOT NULL,
        median_previous_duration_ms INTEGER,
        duration_delta_percent INTEGER,
        passed INTEGER NOT NULL,
        exit_code INTEGER NOT NULL,
        interrupted INTEGER NOT NULL,
        result_json TEXT NOT NULL
      );
      CREATE INDEX runs_by_stack ON runs (stack, id);
      CREATE TABLE service_results (
        run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        service TEXT NOT NULL,
        state TEXT NOT NULL,
        score INTEGER NOT NULL,
        reason_class TEXT,
        reason TEXT,
        exit_code INTEGER,
        restart_count INTEGER NOT NULL,
        ready_ms INTEGER,
        PRIMARY KEY (run_id, service)
      );
      CREATE TABLE policies (
        stack TEXT PRIMARY KEY,
        min_confidence INTEGER,
        block_on_regression INTEGER,
        fail_on_duration_spike INTEGER,
        duration_spike_percent INTEGER
      );
    `,
  },
  {
    version: 2,
    // Nullable because ALTER TABLE cannot add a NOT NULL column without a default; a run without a hash fails
    // verification instead of being skipped.
    sql: `
      ALTER TABLE runs ADD COLUMN previous_hash TEXT;
      ALTER TABLE runs ADD COLUMN hash TEXT;
    `,
    // Runs recorded before the chain existed are chained in insertion order, per stack, as if recorded now.
    backfill: (db) => {
      const rows = db.prepare<[], { id: number; stack: string }>('SELECT id, stack FROM runs ORDER BY id').all();
      const heads = new Map<string, string>();
      for (const { id, stack } of rows) heads.set(stack, sealLink(db, id, heads.get(stack) ?? CHAIN_START));
    },
  },
  {
    version: 3,
    sql: 'ALTER TABLE policies ADD COLUMN max_backup_age_ms INTEGER;',
  },
];

/** The schema version this build writes; a database above it was written by a newer Rehearsa. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings the database to SCHEMA_VERSION in one immediate transaction (concurrent openers wait, then find
 * it done); refuses, without touching anything, a database from a newer schema.
 */
export function applyMigrations(db: Database.Database, path: string): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new HistoryError(
        'newer_schema',
        path,
        `history database ${path} has schema version ${current}, but this rehearsa understands up to ${SCHEMA_VERSION}; ` +
          'upgrade rehearsa (the database was left untouched)',
      );
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      migration.backfill?.(db);
    }
    // user_version lives in the database header, so it commits or rolls back with the migrations.
    if (current < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
