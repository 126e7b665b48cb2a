import { type Command, Option } from 'commander';
import type { CommandDeps } from './command-deps.js';
import { integerOption } from './options.js';
import { stackTest } from './stack-test.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** Registers `rehearsa stack test|config|plan`. */
export function registerStackCommands(program: Command, deps: CommandDeps): void {
  const stack = program.command('stack').description('rehearse, resolve or plan a compose stack');

  stack
    .command('test')
    .description('rehearse the stack in an isolated sandbox, score it, record it and judge it by its policy')
    .argument('[files...]', 'compose files (default: compose.yaml, docker-compose.yml… in the current directory)')
    .addOption(new Option('--timeout <seconds>', 'deadline for the whole rehearsal (default 120)').argParser(integerOption(1, 86400)))
    .addOption(new Option('--settle <seconds>', 'watch window after readiness; a relapse in it loses the score').argParser(integerOption(0, 600)).default(2))
    .addOption(new Option('--pull <policy>', 'when to pull images').choices(['always', 'missing', 'never']).default('missing'))
    .option('--stack <name>', 'stack name in the history (default: the compose project name)')
    .option('--env-file <file>', 'env file used for interpolation instead of .env (repeatable)', collect, [])
    .option('--profile <name>', 'enable a compose profile (repeatable)', collect, [])
    .option('--allow-egress', 'let sandbox networks reach outside the host (default: internal networks)')
    .option('--json', 'print one versioned JSON document on stdout instead of the report')
    .action(async (files: string[], opts, cmd: Command) => {
      const global = cmd.optsWithGlobals();
      const code = await stackTest(
        {
          files,
          timeoutSeconds: opts.timeout ?? global.timeout ?? 120,
          settleSeconds: opts.settle,
          pull: opts.pull,
          stack: opts.stack,
          envFiles: opts.envFile,
          profiles: opts.profile,
          json: Boolean(opts.json),
          allowEgress: Boolean(opts.allowEgress),
        },
        deps.context(),
        deps.signal,
      );
      deps.setExit(code);
    });
}
