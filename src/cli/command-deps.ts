import type { CommandContext } from './context.js';

/** What a command group needs from main: the lazily built context, a way to set the exit code, the interrupt signal. */
export interface CommandDeps {
  context: () => CommandContext;
  setExit: (code: number) => void;
  signal: AbortSignal;
}
