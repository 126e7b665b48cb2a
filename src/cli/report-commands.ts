import { type Command, Option } from 'commander';
import { ExitCode, InputError } from '../errors.js';
import { resolveDataDir } from '../history/history-store.js';
import { validateStackName } from '../history/stack-name.js';
import type { CommandDeps } from './command-deps.js';
import { integerOption, nonEmpty } from './options.js';
import type { ReportTargets } from './write-reports.js';

/** Resolves once the signal has fired (the CLI's SIGINT/SIGTERM), at once when it already has. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Registers `rehearsa report STACK` (reports of a recorded run) and `rehearsa serve` (the read-only dashboard). */
export function registerReportCommands(program: Command, deps: CommandDeps): void {
  program
    .command('report')
    .description('write the reports of a recorded run (default: the latest run of the stack)')
    .argument('<stack>', 'stack name')
    .option('--run <id>', 'run id (see rehearsa history STACK)')
    .addOption(new Option('--html <file>', 'write the self-contained HTML report').argParser(nonEmpty))
    .addOption(new Option('--junit <file>', 'write the JUnit XML report').argParser(nonEmpty))
    .addOption(new Option('--json <file>', 'write the run JSON document').argParser(nonEmpty))
    .action(
      async (stack: string, opts: { run?: string; html?: string; junit?: string; json?: string }, cmd: Command) => {
        const { checkReportsSpareInputs, checkReportTargets, writeReports } = await import('./write-reports.js');
        const problem = validateStackName(stack);
        if (problem) throw new InputError(`stack "${stack}": ${problem}`);
        const targets: ReportTargets = {
          ...(opts.junit !== undefined && { junit: opts.junit }),
          ...(opts.html !== undefined && { html: opts.html }),
          ...(opts.json !== undefined && { json: opts.json }),
        };
        if (Object.keys(targets).length === 0)
          throw new InputError('report: give at least one of --html, --junit, --json');
        checkReportTargets(targets);
        const ctx = deps.context();
        checkReportsSpareInputs(targets, [], resolveDataDir(ctx.env, cmd.optsWithGlobals().dataDir));
        const history = ctx.history();
        if (!history.knownStacks().includes(stack))
          throw new InputError(`unknown stack "${stack}" (see rehearsa status)`);
        const runId = opts.run ?? history.listRuns(stack, 1)[0]?.runId;
        if (runId === undefined) throw new InputError(`stack "${stack}" has no recorded runs yet`);
        const result = history.getRun(runId);
        if (!result || result.stack !== stack) {
          throw new InputError(`unknown run "${runId}" of stack "${stack}" (see rehearsa history ${stack})`);
        }
        writeReports(targets, result, history);
        for (const path of Object.values(targets)) ctx.err.write(`wrote ${path}\n`);
        deps.setExit(ExitCode.Passed);
      },
    );

  program
    .command('serve')
    .description('serve a read-only dashboard of the history (pages, JSON API, Prometheus /metrics)')
    // Empty would make Node listen on every interface: a dashboard is exposed only when asked for by address.
    .addOption(new Option('--host <address>', 'address to listen on').argParser(nonEmpty).default('127.0.0.1'))
    .addOption(
      new Option('--port <port>', 'port to listen on (0: any free port)')
        .argParser(integerOption(0, 65535))
        .default(8787),
    )
    .action(async (opts: { host: string; port: number }, cmd: Command) => {
      const ctx = deps.context();
      const dataDir = resolveDataDir(ctx.env, cmd.optsWithGlobals().dataDir);
      const { startServer } = await import('../serve/server.js');
      const server = await startServer({
        host: opts.host,
        port: opts.port,
        dataDir,
        onError: (message) => ctx.err.write(`rehearsa: ${message}\n`),
      });
      ctx.out.write(`Rehearsa dashboard on ${server.url} (history in ${dataDir}); Ctrl-C to stop\n`);
      await aborted(deps.signal);
      await server.close();
      deps.setExit(ExitCode.Passed);
    });
}
