import { Command, CommanderError, Option } from 'commander';
import { ExitCode, oneLine, RehearsaError } from '../errors.js';
import { HistoryError } from '../history/history-error.js';
import { maskUrlPasswords } from '../redact/redact.js';
import { registerCleanupCommand } from './cleanup-command.js';
import { type CommandContext, createContext } from './context.js';
import { registerHistoryCommands } from './history-commands.js';
import { integerOption, nonEmpty } from './options.js';
import { registerPolicyCommands } from './policy-commands.js';
import { registerReportCommands } from './report-commands.js';
import { registerStackCommands } from './stack-commands.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    the verdict passed
  1    the verdict failed (each violated policy rule is printed); history verify: a hash chain is broken
  2    invalid input: bad flags, unreadable or invalid compose file, unknown stack, unusable history database
  3    the Docker engine is unreachable or unusable
  4    another rehearsal of the same stack is running (stack test --wait-lock waits for it instead)
  130  interrupted (SIGINT/SIGTERM), after cleaning up`;

/** Runs the CLI on `argv` and resolves to the process exit code; the only place errors become exit codes. */
export async function runCli(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.Passed;
  let ctx: CommandContext | undefined;
  const interrupt = new AbortController();
  const program = new Command('rehearsa')
    .description('Rehearse the restore of a Docker Compose stack in a sandbox: would it boot, with its data?')
    .version(process.env.REHEARSA_VERSION ?? '0.1.0', '-v, --version')
    .addOption(new Option('--timeout <seconds>', 'deadline for the whole rehearsal').argParser(integerOption(1, 86400)))
    .addOption(
      new Option(
        '--data-dir <dir>',
        'where the history database lives (default $REHEARSA_HOME or $XDG_DATA_HOME/rehearsa)',
      ).argParser(nonEmpty),
    )
    .option('--debug', 'print stack traces of errors')
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(commanderError(text)) });

  const context = (): CommandContext => {
    ctx ??= createContext(program.opts());
    return ctx;
  };
  const setExit = (code: number) => {
    exitCode = code;
  };
  registerStackCommands(program, { context, setExit, signal: interrupt.signal });
  registerHistoryCommands(program, { context, setExit, signal: interrupt.signal });
  registerPolicyCommands(program, { context, setExit, signal: interrupt.signal });
  registerCleanupCommand(program, { context, setExit, signal: interrupt.signal });
  registerReportCommands(program, { context, setExit, signal: interrupt.signal });
  for (const cmd of program.commands) applyExitOverride(cmd);

  const onSignal = (name: string) => {
    if (interrupt.signal.aborted) {
      process.stderr.write(`\nrehearsa: ${name} again, exiting now; remove leftovers with: rehearsa cleanup\n`);
      process.exit(ExitCode.Interrupted);
    }
    process.stderr.write(`\nrehearsa: ${name} received, stopping (press Ctrl-C again to exit at once)\n`);
    interrupt.abort(new Error(name));
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    exitCode = reportError(error, argv.includes('--debug'), interrupt.signal.aborted);
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    ctx?.close();
  }
  return exitCode;
}

/** A message line as the terminal may show it: URL passwords masked, control characters (escapes, CR) escaped. */
function shown(line: string): string {
  return oneLine(maskUrlPasswords(line));
}

/** Commander's usage error in Rehearsa's words; a flag value it quotes may hold terminal escapes. */
function commanderError(text: string): string {
  const lines = text
    .replace(/^error: /, 'rehearsa: ')
    .replace(/\n$/, '')
    .split('\n');
  return `${lines.map(shown).join('\n')}\n`;
}

function applyExitOverride(cmd: Command): void {
  cmd.exitOverride();
  cmd.showSuggestionAfterError();
  cmd.configureOutput({ outputError: (text, write) => write(commanderError(text)) });
  for (const sub of cmd.commands) applyExitOverride(sub);
}

function reportError(error: unknown, debug: boolean, interrupted: boolean): number {
  if (error instanceof CommanderError) {
    // Help and version are "errors" only in commander's control flow; its own message is already printed.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.Passed;
    // Help shown because a subcommand is missing (`rehearsa stack`) is a usage error; asked-for help is not.
    if (error.code === 'commander.help') return error.exitCode === 0 ? ExitCode.Passed : ExitCode.InvalidInput;
    if (error.code === 'commander.executeSubCommandAsync') return ExitCode.Passed;
    return ExitCode.InvalidInput;
  }
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  if (error instanceof RehearsaError) {
    const prefix = error.exitCode === ExitCode.Interrupted ? '' : 'rehearsa: ';
    // One line per problem, each readable on its own.
    for (const line of error.message.split('\n')) process.stderr.write(`${prefix}${shown(line)}\n`);
    return error.exitCode;
  }
  if (error instanceof HistoryError) {
    process.stderr.write(`rehearsa: ${shown(error.message)}\n`);
    return ExitCode.InvalidInput;
  }
  // Any command aborted by Ctrl-C surfaces the abort reason from wherever it was waiting: that is not a bug.
  if (interrupted) {
    process.stderr.write('interrupted\n');
    return ExitCode.Interrupted;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `rehearsa: internal error: ${shown(message)}${debug ? '' : ' (run with --debug for details)'}\n`,
  );
  return ExitCode.Internal;
}
