/** What kept the history database from opening; the CLI maps each to an exit code and a hint. */
export type HistoryProblem = 'newer_schema' | 'corrupt' | 'unavailable';

/** The history database cannot be used as it is; the message names the file, and nothing was modified. */
export class HistoryError extends Error {
  constructor(
    readonly problem: HistoryProblem,
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HistoryError';
  }
}
