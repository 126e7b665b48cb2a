import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { HistoryEntry, PolicyRules, Risk, RunResult, StackStatus } from '../model.js';
import { RECENT_RUNS, stabilityOf, trendFor } from '../score/summarise-run.js';
import { canonicalJson } from './canonical-json.js';
import { HistoryError } from './history-error.js';
import { applyMigrations } from './migrations.js';
import { type ChainBreak, chainHead, findChainBreak, readChain, sealLink } from './run-chain.js';

/** The state of one stack's hash chain. */
export interface ChainReport {
  stack: string;
  runs: number;
  /** Hash of the newest run: note it elsewhere to detect later truncation or a rewritten history. */
  head?: string;
  /** The first broken link, oldest first; absent when the chain holds. */
  broken?: ChainBreak;
}

/** Runs, service results and policies of every stack; "newest" always means the highest insertion id. */
export interface HistoryStore {
  /**
   * Stores the run, its service results and its link in the stack's hash chain in one transaction: after a crash
   * either all of it is there or none of it; a second run with the same id is refused.
   */
  recordRun(result: RunResult): void;
  /** Recomputes the stack's hash chain from what is stored and reports its first broken link. */
  verifyChain(stack: string): ChainReport;
  /** Confidence and duration of the newest `limit` runs of the stack, newest first. */
  previousRuns(stack: string, limit: number): { confidence: number; durationMs: number }[];
  /** Runs of the stack, newest first, each with its confidence change since the run before it. */
  listRuns(stack: string, limit?: number): HistoryEntry[];
  /** The full result exactly as recorded, or undefined for an unknown id. */
  getRun(runId: string): RunResult | undefined;
  /** One row per stack with runs, sorted by stack name. */
  stackStatuses(): StackStatus[];
  /** Stacks with runs or a stored policy, sorted. */
  knownStacks(): string[];
  /** The stack's stored policy with only the fields that were set, or undefined when none is stored. */
  getPolicy(stack: string): PolicyRules | undefined;
  /** Replaces the stack's stored policy (merge first with mergePolicy to keep unspecified fields). */
  setPolicy(stack: string, rules: PolicyRules): void;
  /** Removes the stack's policy; false when it had none. */
  deletePolicy(stack: string): boolean;
  /** Reads every page once (PRAGMA quick_check) and throws the corruption HistoryError if any is damaged. */
  checkReadable(): void;
  close(): void;
}

/** The history directory: `--data-dir` > REHEARSA_HOME > $XDG_DATA_HOME/rehearsa > ~/.local/share/rehearsa, absolute. */
export function resolveDataDir(env: Record<string, string | undefined>, flag?: string): string {
  if (flag) return resolve(flag);
  if (env.REHEARSA_HOME) return resolve(env.REHEARSA_HOME);
  // The XDG spec says relative values are invalid and must be ignored.
  if (env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME)) return join(env.XDG_DATA_HOME, 'rehearsa');
  return join(env.HOME || homedir(), '.local', 'share', 'rehearsa');
}

/** A row holding what Rehearsa never writes (an edited or damaged database); the store names it, never guesses. */
class DamagedRun extends Error {
  constructor(
    readonly runId: string,
    readonly what: string,
  ) {
    super(`run ${runId}: ${what}`);
  }
}

/** The HistoryError for a damaged run or a file SQLite cannot read, or undefined when the error means something else. */
function corruption(error: unknown, path: string): HistoryError | undefined {
  if (error instanceof DamagedRun) {
    return new HistoryError(
      'corrupt',
      path,
      `history database ${path}: run ${error.runId} is damaged (${error.what}); it was left as it is: delete that run or restore the database from a backup`,
      { cause: error },
    );
  }
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  // NOTADB: not SQLite at all; CORRUPT (and its extended codes): a damaged page, often found only by a query.
  if (typeof code !== 'string' || !(code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))) return undefined;
  // quick_check lists damaged pages one per line: one problem, one line.
  const reason = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, '; ');
  return new HistoryError(
    'corrupt',
    path,
    `history database ${path} is not a readable SQLite database (${reason}); move it aside to start a new history`,
    { cause: error },
  );
}

/** The store with every method turning a corruption found mid-query into the same HistoryError as at open. */
function reportingCorruption(store: HistoryStore, path: string): HistoryStore {
  const guarded = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(store) as [string, (...args: unknown[]) => unknown][]) {
    guarded[name] = (...args: unknown[]) => {
      try {
        return method(...args);
      } catch (error) {
        throw corruption(error, path) ?? error;
      }
    };
  }
  return guarded as unknown as HistoryStore;
}

/**
 * Opens (creating when missing, directory mode 0700) `<dataDir>/history.db` in WAL mode with a 5 s busy
 * timeout and foreign keys, migrated to the current schema; throws HistoryError naming the file when it is
 * not a database, comes from a newer Rehearsa, or cannot be opened, and from any later call that finds a damaged
 * page. It never resets or rewrites such a file.
 */
export function openHistory(dataDir: string): HistoryStore {
  const path = join(dataDir, 'history.db');
  let db: Database.Database | undefined;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    db = new (loadSqlite())(path);
    // The busy timeout comes first so that concurrent openers wait on each other during setup too.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    applyMigrations(db, path);
    return reportingCorruption(createStore(db), path);
  } catch (error) {
    db?.close();
    if (error instanceof HistoryError) throw error;
    const corrupt = corruption(error, path);
    if (corrupt) throw corrupt;
    const code = (error as NodeJS.ErrnoException).code;
    // Node's own words (`EEXIST: file already exists, mkdir …`) say less than what is wrong with the data directory.
    const reason =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? `${dataDir} (or a directory above it) is a file, not a directory`
        : code === 'EACCES'
          ? `permission denied on ${dataDir}`
          : error instanceof Error
            ? error.message
            : String(error);
    throw new HistoryError('unavailable', path, `cannot open history database ${path}: ${reason}`, { cause: error });
  }
}

interface EntryRow {
  runId: string;
  stack: string;
  startedAt: string;
  confidence: number;
  confidenceDelta: number | null;
  risk: Risk;
  durationMs: number;
  exitCode: number;
  interrupted: number;
}

interface StatusRow {
  stack: string;
  runs: number;
  confidence: number;
  previous: number | null;
  risk: Risk;
  lastRunAt: string;
  lastExitCode: number;
  recent: string;
}

interface PolicyRow {
  minConfidence: number | null;
  blockOnRegression: number | null;
  failOnDurationSpike: number | null;
  durationSpikePercent: number | null;
  maxBackupAgeMs: number | null;
}

const flag = (value: boolean | undefined): number | null => (value === undefined ? null : value ? 1 : 0);

function createStore(db: Database.Database): HistoryStore {
  const insertRun = db.prepare(`
    INSERT INTO runs (run_id, stack, started_at, finished_at, confidence, risk, stability, trend,
      previous_confidence, duration_ms, median_previous_duration_ms, duration_delta_percent, passed, exit_code,
      interrupted, result_json)
    VALUES (@runId, @stack, @startedAt, @finishedAt, @confidence, @risk, @stability, @trend, @previousConfidence,
      @durationMs, @medianPreviousDurationMs, @durationDeltaPercent, @passed, @exitCode, @interrupted, @resultJson)`);
  const insertService = db.prepare(`
    INSERT INTO service_results (run_id, service, state, score, reason_class, reason, exit_code, restart_count, ready_ms)
    VALUES (@runId, @service, @state, @score, @reasonClass, @reason, @exitCode, @restartCount, @readyMs)`);
  const selectPrevious = db.prepare<[string, number], { confidence: number; durationMs: number }>(`
    SELECT confidence, duration_ms AS durationMs FROM runs WHERE stack = ? ORDER BY id DESC LIMIT ?`);
  // The delta is taken over the whole stack history before the limit, so the oldest listed row keeps its delta.
  const selectEntries = db.prepare<[string, number], EntryRow>(`
    SELECT runId, stack, startedAt, confidence, confidenceDelta, risk, durationMs, exitCode, interrupted
    FROM (
      SELECT id, run_id AS runId, stack, started_at AS startedAt, confidence,
        confidence - LAG(confidence) OVER (ORDER BY id) AS confidenceDelta, risk, duration_ms AS durationMs,
        exit_code AS exitCode, interrupted
      FROM runs WHERE stack = ?
    )
    ORDER BY id DESC LIMIT ?`);
  const selectResult = db.prepare<[string], { resultJson: string }>(
    'SELECT result_json AS resultJson FROM runs WHERE run_id = ?',
  );
  // Only the newest RECENT_RUNS confidences of each stack reach `recent`; their order does not matter to a mean.
  const selectStatuses = db.prepare<[number], StatusRow>(`
    WITH ranked AS (
      SELECT stack, confidence, risk, started_at, exit_code,
        ROW_NUMBER() OVER (PARTITION BY stack ORDER BY id DESC) AS n
      FROM runs
    )
    SELECT stack, COUNT(*) AS runs,
      MAX(CASE WHEN n = 1 THEN confidence END) AS confidence,
      MAX(CASE WHEN n = 2 THEN confidence END) AS previous,
      MAX(CASE WHEN n = 1 THEN risk END) AS risk,
      MAX(CASE WHEN n = 1 THEN started_at END) AS lastRunAt,
      MAX(CASE WHEN n = 1 THEN exit_code END) AS lastExitCode,
      json_group_array(confidence) FILTER (WHERE n <= ?) AS recent
    FROM ranked GROUP BY stack ORDER BY stack`);
  const selectStacks = db.prepare<[], { stack: string }>(
    'SELECT stack FROM runs UNION SELECT stack FROM policies ORDER BY stack',
  );
  const selectPolicy = db.prepare<[string], PolicyRow>(`
    SELECT min_confidence AS minConfidence, block_on_regression AS blockOnRegression,
      fail_on_duration_spike AS failOnDurationSpike, duration_spike_percent AS durationSpikePercent,
      max_backup_age_ms AS maxBackupAgeMs
    FROM policies WHERE stack = ?`);
  const upsertPolicy = db.prepare(`
    INSERT INTO policies (stack, min_confidence, block_on_regression, fail_on_duration_spike, duration_spike_percent,
      max_backup_age_ms)
    VALUES (@stack, @minConfidence, @blockOnRegression, @failOnDurationSpike, @durationSpikePercent, @maxBackupAgeMs)
    ON CONFLICT (stack) DO UPDATE SET min_confidence = excluded.min_confidence,
      block_on_regression = excluded.block_on_regression, fail_on_duration_spike = excluded.fail_on_duration_spike,
      duration_spike_percent = excluded.duration_spike_percent, max_backup_age_ms = excluded.max_backup_age_ms`);
  const removePolicy = db.prepare('DELETE FROM policies WHERE stack = ?');
  // The columns every command reads, as Rehearsa writes them; the stored document only where it is read whole.
  const badColumns = `typeof(confidence) != 'integer' OR typeof(stability) != 'integer'
      OR typeof(duration_ms) != 'integer' OR typeof(exit_code) != 'integer'
      OR risk NOT IN ('LOW', 'MODERATE', 'HIGH', 'CRITICAL') OR (trend IS NOT NULL AND trend NOT IN ('UP', 'DOWN', 'SAME'))
      OR julianday(started_at) IS NULL OR julianday(finished_at) IS NULL`;
  const whatIsBad = `CASE
      WHEN typeof(confidence) != 'integer' OR typeof(stability) != 'integer' THEN 'a score is not a number'
      WHEN typeof(duration_ms) != 'integer' OR typeof(exit_code) != 'integer' THEN 'its duration or exit code is not a number'
      WHEN risk NOT IN ('LOW', 'MODERATE', 'HIGH', 'CRITICAL') THEN 'its risk is not a risk level'
      WHEN trend IS NOT NULL AND trend NOT IN ('UP', 'DOWN', 'SAME') THEN 'its trend is not a trend'
      WHEN julianday(started_at) IS NULL OR julianday(finished_at) IS NULL THEN 'a time is not a timestamp'
      ELSE 'its stored result is not a JSON object' END`;
  const selectDamagedColumns = db.prepare<[{ stack: string | null }], { runId: string; what: string }>(`
    SELECT run_id AS runId, ${whatIsBad} AS what FROM runs
    WHERE (@stack IS NULL OR stack = @stack) AND (${badColumns}) ORDER BY id LIMIT 1`);
  const selectDamaged = db.prepare<[], { runId: string; what: string }>(`
    SELECT run_id AS runId, ${whatIsBad} AS what FROM runs
    WHERE ${badColumns} OR json_valid(result_json) = 0 OR json_type(result_json) != 'object'
    ORDER BY id LIMIT 1`);
  /** Throws DamagedRun for the first run (of the stack, or of any) whose columns Rehearsa did not write so. */
  const checkColumns = (stack: string | null): void => {
    const damaged = selectDamagedColumns.get({ stack });
    if (damaged) throw new DamagedRun(damaged.runId, damaged.what);
  };

  const record = db.transaction((result: RunResult) => {
    const { summary } = result;
    // Read inside the write transaction, so two concurrent writers can never link to the same head.
    const previousHash = chainHead(db, result.stack);
    const { lastInsertRowid } = insertRun.run({
      runId: result.runId,
      stack: result.stack,
      startedAt: result.startedAt,
      finishedAt: result.finishedAt,
      confidence: summary.confidence,
      risk: summary.risk,
      stability: summary.stability,
      trend: summary.trend ?? null,
      previousConfidence: summary.previousConfidence ?? null,
      durationMs: summary.durationMs,
      medianPreviousDurationMs: summary.medianPreviousDurationMs ?? null,
      durationDeltaPercent: summary.durationDeltaPercent ?? null,
      passed: flag(result.verdict.passed),
      exitCode: result.exitCode,
      interrupted: flag(result.interrupted),
      resultJson: canonicalJson(result),
    });
    for (const outcome of result.services) {
      insertService.run({
        runId: result.runId,
        service: outcome.service,
        state: outcome.state,
        score: outcome.score,
        reasonClass: outcome.reasonClass ?? null,
        reason: outcome.reason ?? null,
        exitCode: outcome.exitCode ?? null,
        restartCount: outcome.restartCount,
        readyMs: outcome.timings.readyMs ?? null,
      });
    }
    sealLink(db, Number(lastInsertRowid), previousHash);
  });

  return {
    // Immediate: take the write lock up front, so a busy database waits instead of failing mid-transaction.
    recordRun: (result) => record.immediate(result),
    verifyChain: (stack) => {
      // A read transaction, so a concurrent writer cannot slip a run in between the two reads of readChain.
      const links = db.transaction(() => readChain(db, stack))();
      const broken = findChainBreak(links);
      const head = links.at(-1)?.hash ?? undefined;
      return { stack, runs: links.length, ...(head !== undefined && { head }), ...(broken && { broken }) };
    },
    previousRuns: (stack, limit) => {
      checkColumns(stack);
      return selectPrevious.all(stack, limit);
    },
    listRuns: (stack, limit = -1) => {
      checkColumns(stack);
      return selectEntries.all(stack, limit).map(({ confidenceDelta, interrupted, ...row }) => ({
        ...row,
        ...(confidenceDelta !== null && { confidenceDelta }),
        interrupted: interrupted === 1,
      }));
    },
    getRun: (runId) => {
      const row = selectResult.get(runId);
      if (!row) return undefined;
      let result: unknown;
      try {
        result = JSON.parse(row.resultJson);
      } catch {
        throw new DamagedRun(runId, 'its stored result is not JSON');
      }
      const shaped = typeof result === 'object' && result !== null && Array.isArray((result as RunResult).services);
      if (!shaped) throw new DamagedRun(runId, 'its stored result is not a run');
      return result as RunResult;
    },
    stackStatuses: () => {
      checkColumns(null);
      return selectStatuses.all(RECENT_RUNS).map(({ previous, recent, ...row }) => {
        const trend = trendFor(row.confidence, previous ?? undefined);
        return {
          stack: row.stack,
          confidence: row.confidence,
          risk: row.risk,
          stability: stabilityOf(JSON.parse(recent) as number[]),
          ...(trend !== undefined && { trend }),
          lastRunAt: row.lastRunAt,
          lastExitCode: row.lastExitCode,
          runs: row.runs,
        };
      });
    },
    knownStacks: () => selectStacks.all().map((row) => row.stack),
    getPolicy: (stack) => {
      const row = selectPolicy.get(stack);
      if (!row) return undefined;
      return {
        ...(row.minConfidence !== null && { minConfidence: row.minConfidence }),
        ...(row.blockOnRegression !== null && { blockOnRegression: row.blockOnRegression === 1 }),
        ...(row.failOnDurationSpike !== null && { failOnDurationSpike: row.failOnDurationSpike === 1 }),
        ...(row.durationSpikePercent !== null && { durationSpikePercent: row.durationSpikePercent }),
        ...(row.maxBackupAgeMs !== null && { maxBackupAgeMs: row.maxBackupAgeMs }),
      };
    },
    setPolicy: (stack, rules) => {
      upsertPolicy.run({
        stack,
        minConfidence: rules.minConfidence ?? null,
        blockOnRegression: flag(rules.blockOnRegression),
        failOnDurationSpike: flag(rules.failOnDurationSpike),
        durationSpikePercent: rules.durationSpikePercent ?? null,
        maxBackupAgeMs: rules.maxBackupAgeMs ?? null,
      });
    },
    deletePolicy: (stack) => removePolicy.run(stack).changes > 0,
    checkReadable: () => {
      const problems = db.pragma('quick_check', { simple: false }) as { quick_check: string }[];
      const first = problems[0]?.quick_check;
      if (first !== 'ok') {
        throw Object.assign(new Error(`database disk image is malformed: ${first ?? 'no answer'}`), {
          code: 'SQLITE_CORRUPT',
        });
      }
      const damaged = selectDamaged.get();
      if (damaged) throw new DamagedRun(damaged.runId, damaged.what);
    },
    close: () => db.close(),
  };
}

/** The native SQLite binding, loaded on first use so commands that never open the history start faster. */
function loadSqlite(): typeof Database {
  return createRequire(import.meta.url)('better-sqlite3') as typeof Database;
}
