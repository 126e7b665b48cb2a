import { type Command, Option } from 'commander';
import { ExitCode, InputError } from '../errors.js';
import type { ChainReport } from '../history/history-store.js';
import { validateStackName } from '../history/stack-name.js';
import type { Palette } from '../render/colors.js';
import { renderHistory, renderStatus } from '../render/render-status.js';
import type { CommandDeps } from './command-deps.js';
import { integerOption } from './options.js';

const VERIFY_HELP = `
Every run is chained to the previous run of its stack by a SHA-256 hash over its stored content. verify
recomputes each chain and names the first run that was edited, deleted, inserted or moved.

Exit codes:
  0    every chain is intact
  1    a chain is broken (the first broken run of each stack is printed)
  2    unknown stack or unusable history database`;

/** Registers `rehearsa status`, `rehearsa history STACK` and `rehearsa history verify [STACK]`. */
export function registerHistoryCommands(program: Command, deps: CommandDeps): void {
  program
    .command('status')
    .description('one line per stack: confidence, risk, stability (last 5 runs), trend, last run')
    .option('--json', 'print JSON')
    .action((opts) => {
      const ctx = deps.context();
      const rows = ctx.history().stackStatuses();
      ctx.out.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : `${renderStatus(rows, ctx.palette)}\n`);
    });

  const history = program
    .command('history')
    .description('the runs of a stack, oldest first (the newest --limit runs)')
    .argument('<stack>', 'stack name')
    .addOption(new Option('--limit <n>', 'number of runs (the newest)').argParser(integerOption(1, 100000)).default(20))
    .option('--json', 'print JSON')
    .action((stack: string, opts) => {
      const ctx = deps.context();
      const store = ctx.history();
      requireKnownStack(stack, store.knownStacks());
      const entries = store.listRuns(stack, opts.limit);
      ctx.out.write(opts.json ? `${JSON.stringify(entries, null, 2)}\n` : `${renderHistory(entries, ctx.palette)}\n`);
      deps.setExit(ExitCode.Passed);
    });

  history
    .command('verify')
    .description('check the hash chain of every run of the stack (default: of every stack)')
    .argument('[stack]', 'stack name')
    .option('--json', 'print JSON')
    .addHelpText('after', VERIFY_HELP)
    // `history` has its own --json, which commander hands to the parent wherever it appears on the line.
    .action((stack: string | undefined, _opts, cmd: Command) => {
      const json = Boolean(cmd.optsWithGlobals().json);
      const ctx = deps.context();
      const store = ctx.history();
      if (stack !== undefined) requireKnownStack(stack, store.knownStacks());
      const stacks = stack !== undefined ? [stack] : store.stackStatuses().map((s) => s.stack);
      const reports = stacks.map((s) => store.verifyChain(s));
      ctx.out.write(json ? `${JSON.stringify(reports, null, 2)}\n` : renderVerify(reports, ctx.palette));
      deps.setExit(reports.some((r) => r.broken) ? ExitCode.PolicyFailed : ExitCode.Passed);
    });
}

function requireKnownStack(stack: string, known: string[]): void {
  const problem = validateStackName(stack);
  if (problem) throw new InputError(`stack "${stack}": ${problem}`);
  if (!known.includes(stack)) throw new InputError(`unknown stack "${stack}" (see rehearsa status)`);
}

/** One line per stack: the first broken link, or the run count and the head hash to note down elsewhere. */
function renderVerify(reports: ChainReport[], palette: Palette): string {
  if (reports.length === 0) return 'No rehearsals recorded yet.\n';
  return reports
    .map((r) =>
      r.broken
        ? `${palette.red('✗')} ${r.stack}: ${r.broken.message}\n`
        : `${palette.green('✔')} ${r.stack}: ${r.runs} run${r.runs === 1 ? '' : 's'}, chain intact (head ${r.head ?? '-'})\n`,
    )
    .join('');
}
