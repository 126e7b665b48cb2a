import picocolors from 'picocolors';

/** The handful of styles Rehearsa's terminal output uses; each returns its input unchanged when colour is off. */
export interface Palette {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  cyan(text: string): string;
}

/** Returns a palette that emits ANSI styles only when `enabled` (the caller decides: a TTY and no NO_COLOR). */
export function makePalette(enabled: boolean): Palette {
  const c = picocolors.createColors(enabled);
  return {
    green: (text) => c.green(text),
    red: (text) => c.red(text),
    yellow: (text) => c.yellow(text),
    dim: (text) => c.dim(text),
    bold: (text) => c.bold(text),
    cyan: (text) => c.cyan(text),
  };
}
