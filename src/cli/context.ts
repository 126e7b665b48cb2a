import { connectDocker } from '../engine/docker-engine.js';
import type { Engine } from '../engine/engine.js';
import { type HistoryStore, openHistory, resolveDataDir } from '../history/history-store.js';
import { makePalette, type Palette } from '../render/colors.js';

/** What every command may need, created lazily so `--help` and bad input never touch Docker or the database. */
export interface CommandContext {
  engine(): Engine;
  history(): HistoryStore;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  /** Colours for stdout (only on a TTY, honouring NO_COLOR / FORCE_COLOR). */
  palette: Palette;
  /** Colours for stderr. */
  errPalette: Palette;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: () => number;
  close(): void;
}

export interface GlobalOptions {
  dataDir?: string;
}

/** Builds the context for one CLI invocation. */
export function createContext(global: GlobalOptions): CommandContext {
  let engine: Engine | undefined;
  let history: HistoryStore | undefined;
  const colorFor = (stream: NodeJS.WriteStream) =>
    !('NO_COLOR' in process.env) && (Boolean(stream.isTTY) || Boolean(process.env.FORCE_COLOR));
  return {
    engine: () => {
      engine ??= connectDocker();
      return engine;
    },
    history: () => {
      history ??= openHistory(resolveDataDir(process.env, global.dataDir));
      return history;
    },
    out: process.stdout,
    err: process.stderr,
    palette: makePalette(colorFor(process.stdout)),
    errPalette: makePalette(colorFor(process.stderr)),
    env: process.env,
    cwd: process.cwd(),
    now: Date.now,
    close: () => history?.close(),
  };
}
