import type { Command } from 'commander';
import { ExitCode, InputError } from '../errors.js';
import { validateStackName } from '../history/stack-name.js';
import { renderHistory, renderStatus } from '../render/render-status.js';
import type { CommandDeps } from './command-deps.js';

/** Registers `rehearsa status` and `rehearsa history STACK`. */
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

  program
    .command('history')
    .description('the runs of a stack, newest first')
    .argument('<stack>', 'stack name')
    .option('--limit <n>', 'number of runs', '20')
    .option('--json', 'print JSON')
    .action((stack: string, opts) => {
      const ctx = deps.context();
      const problem = validateStackName(stack);
      if (problem) throw new InputError(`stack "${stack}": ${problem}`);
      const history = ctx.history();
      if (!history.knownStacks().includes(stack))
        throw new InputError(`unknown stack "${stack}" (see rehearsa status)`);
      const entries = history.listRuns(stack, Number(opts.limit) || 20);
      ctx.out.write(opts.json ? `${JSON.stringify(entries, null, 2)}\n` : `${renderHistory(entries, ctx.palette)}\n`);
      deps.setExit(ExitCode.Passed);
    });
}
