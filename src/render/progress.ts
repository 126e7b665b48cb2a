import { stripVTControlCharacters } from 'node:util';
import type { Palette } from './colors.js';
import { sanitizeLine } from './format.js';

/** Live view of the boot: one line per service with its current phase. */
export interface Progress {
  update(service: string, phase: string, detail?: string): void;
  done(): void;
}

/** Where progress is written; `isTTY` and `columns` as on `process.stderr`. */
export interface ProgressOutput {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const FRAME_MS = 100;
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Phases after which the service has settled, for better or worse: they count towards `n/m`. */
const SUCCEEDED = new Set(['Healthy', 'Running', 'Completed']);
const FAILED = new Set(['Unhealthy', 'Exited', 'Failed', 'Blocked', 'OOM-killed']);
/** Teardown: the outcome is in the report that follows; the block only says the container is gone. */
const GONE = new Set(['Removed']);

/** Phases are judged by their first word, so `Exited (3)` is an exit like `Exited`. */
function phaseKind(phase: string): 'ok' | 'fail' | 'gone' | 'busy' {
  const word = phase.split(' ')[0] ?? phase;
  if (SUCCEEDED.has(word)) return 'ok';
  if (FAILED.has(word)) return 'fail';
  return GONE.has(word) ? 'gone' : 'busy';
}
const CURSOR_UP = (n: number) => `\x1b[${n}A`;
const CLEAR_LINE = '\x1b[2K';

interface Line {
  phase: string;
  detail?: string;
}

function width(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}

/** Cuts plain text to `room` characters, the last one an ellipsis. */
function truncate(text: string, room: number): string {
  return `${[...text]
    .slice(0, room - 1)
    .join('')
    .trimEnd()}…`;
}

/**
 * Creates the progress view. On a TTY: a compose-style block (`[+] Running 2/3`, then a spinner, ✔ or ✗ per
 * service sorted by name) redrawn in place at most every 100 ms until `done()`, which draws the final frame and
 * stops the timer. Elsewhere: append-only `service  Phase` lines, written only when a service's phase changes.
 * Updates after `done()` are ignored.
 */
export function createProgress(out: ProgressOutput, palette: Palette): Progress {
  return out.isTTY ? liveProgress(out, palette) : plainProgress(out, palette);
}

function colorPhase(phase: string, palette: Palette): string {
  const kind = phaseKind(phase);
  if (kind === 'ok') return palette.green(phase);
  return kind === 'fail' ? palette.red(phase) : kind === 'gone' ? palette.dim(phase) : phase;
}

function plainProgress(out: ProgressOutput, palette: Palette): Progress {
  const phases = new Map<string, string>();
  let finished = false;
  return {
    update(service, phase, detail) {
      if (finished || phases.get(service) === phase) return;
      phases.set(service, phase);
      const text = detail === undefined ? '' : sanitizeLine(detail);
      const tail = text ? `  ${palette.dim(text)}` : '';
      out.write(`${service}  ${colorPhase(phase, palette)}${tail}\n`);
    },
    done() {
      finished = true;
    },
  };
}

function liveProgress(out: ProgressOutput, palette: Palette): Progress {
  const lines = new Map<string, Line>();
  let drawn = 0;
  let frame = 0;
  let dirty = false;
  let finished = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  function icon(phase: string): string {
    const kind = phaseKind(phase);
    if (kind === 'ok') return palette.green('✔');
    if (kind === 'fail') return palette.red('✗');
    if (kind === 'gone') return palette.dim('·');
    return palette.cyan(SPINNER[frame % SPINNER.length]!);
  }

  function render(): string {
    const services = [...lines.keys()].sort();
    const settled = services.filter((s) => phaseKind(lines.get(s)!.phase) !== 'busy').length;
    const nameWidth = Math.max(...services.map((s) => width(s)));
    const phaseWidth = Math.max(...services.map((s) => width(lines.get(s)!.phase)));
    // A wrapped line would break the cursor-up arithmetic, so details are cut to the terminal width.
    const maxWidth = (out.columns ?? 80) - 1;
    const body = services.map((service) => {
      const { phase, detail } = lines.get(service)!;
      const head = ` ${icon(phase)} ${service.padEnd(nameWidth)}  ${colorPhase(phase, palette)}`;
      if (!detail) return head;
      const padded = head + ' '.repeat(phaseWidth - width(phase));
      const room = maxWidth - width(padded) - 2;
      if (room <= 1) return head;
      const text = width(detail) > room ? truncate(detail, room) : detail;
      return `${padded}  ${palette.dim(text)}`;
    });
    const header = `${palette.bold('[+] Running')} ${settled}/${services.length}`;
    const block = [header, ...body];
    const up = drawn > 0 ? CURSOR_UP(drawn) : '';
    drawn = block.length;
    return up + block.map((line) => `${CLEAR_LINE}${line}\n`).join('');
  }

  function tick(): void {
    frame++;
    const spinning = [...lines.values()].some((l) => !SUCCEEDED.has(l.phase) && !FAILED.has(l.phase));
    if (dirty || spinning) out.write(render());
    dirty = false;
  }

  return {
    update(service, phase, detail) {
      if (finished) return;
      // Details may carry engine messages; a newline in one would break the in-place redraw.
      const text = detail === undefined ? '' : sanitizeLine(detail);
      lines.set(service, text ? { phase, detail: text } : { phase });
      dirty = true;
      if (timer === undefined) {
        timer = setInterval(tick, FRAME_MS);
        // An abandoned view must not keep the process alive.
        timer.unref();
      }
    },
    done() {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      if (lines.size > 0) out.write(render());
    },
  };
}
