import { type Command, Option } from 'commander';
import type { CommandDeps } from './command-deps.js';
import { integerOption } from './options.js';
import { type ProjectOptions, stackConfig, stackPlan } from './stack-inspect.js';
import { stackTest } from './stack-test.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** Adds the options every stack command shares: -f files, env files, profiles, stack name. */
function withProjectOptions(cmd: Command): Command {
  return cmd
    .argument('[files...]', 'compose files (default: compose.yaml, docker-compose.yml… or COMPOSE_FILE)')
    .option('-f, --file <file>', 'compose file (repeatable; merged in order)', collect, [])
    .option('--stack <name>', 'stack name in the history (default: the compose project name)')
    .option('--env-file <file>', 'env file used for interpolation instead of .env (repeatable)', collect, [])
    .option('--profile <name>', 'enable a compose profile (repeatable)', collect, []);
}

function projectOptions(files: string[], opts: Record<string, unknown>): ProjectOptions {
  return {
    files: [...(opts.file as string[]), ...files],
    envFiles: opts.envFile as string[],
    profiles: opts.profile as string[],
    ...(typeof opts.stack === 'string' ? { stack: opts.stack } : {}),
  };
}

const pullOption = () =>
  new Option('--pull <policy>', 'when to pull images').choices(['always', 'missing', 'never']).default('missing');

/** Registers `rehearsa stack test|config|plan`. */
export function registerStackCommands(program: Command, deps: CommandDeps): void {
  const stack = program.command('stack').description('rehearse, resolve or plan a compose stack');

  withProjectOptions(
    stack
      .command('test')
      .description('rehearse the stack in an isolated sandbox, score it, record it and judge it by its policy'),
  )
    .addOption(
      new Option('--timeout <seconds>', 'deadline for the whole rehearsal (default 120)').argParser(
        integerOption(1, 86400),
      ),
    )
    .addOption(
      new Option('--settle <seconds>', 'watch window after readiness; a relapse in it loses the score')
        .argParser(integerOption(0, 600))
        .default(2),
    )
    .addOption(pullOption())
    .option('--allow-egress', 'let sandbox networks reach outside the host (default: internal networks)')
    .option('--json', 'print one versioned JSON document on stdout instead of the report')
    .action(async (files: string[], opts, cmd: Command) => {
      const global = cmd.optsWithGlobals();
      const code = await stackTest(
        {
          ...projectOptions(files, opts),
          timeoutSeconds: opts.timeout ?? global.timeout ?? 120,
          settleSeconds: opts.settle,
          pull: opts.pull,
          json: Boolean(opts.json),
          allowEgress: Boolean(opts.allowEgress),
        },
        deps.context(),
        deps.signal,
      );
      deps.setExit(code);
    });

  withProjectOptions(stack.command('config').description('print the resolved project as Docker Compose would see it'))
    .option('--json', 'print JSON instead of YAML')
    .action(async (files: string[], opts) => {
      await stackConfig({ ...projectOptions(files, opts), json: Boolean(opts.json) }, deps.context());
    });

  withProjectOptions(
    stack.command('plan').description('print the sandbox plan and preflight findings; creates nothing'),
  )
    .addOption(pullOption())
    .option('--allow-egress', 'plan sandbox networks with a route out')
    .option('--json', 'print JSON')
    .action(async (files: string[], opts) => {
      await stackPlan(
        {
          ...projectOptions(files, opts),
          json: Boolean(opts.json),
          pull: opts.pull,
          allowEgress: Boolean(opts.allowEgress),
        },
        deps.context(),
        deps.signal,
      );
    });
}
