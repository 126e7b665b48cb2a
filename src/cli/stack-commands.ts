import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { resolveDataDir } from '../history/history-store.js';
import { HOST_ACCESS_FLAGS, type HostAccess } from '../plan/refuse-host-access.js';
import type { CommandDeps } from './command-deps.js';
import { integerOption, nonEmpty } from './options.js';
import type { ProjectOptions } from './stack-inspect.js';

// An empty path would silently mean the working directory: refused like any other bad flag value.
const collect = (value: string, previous: string[]) => [...previous, nonEmpty(value)];

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

const HOST_ACCESS_HELP: Record<HostAccess, string> = {
  'host-network': 'run network_mode: host services on the host network (refused by default)',
  'host-pid': "let pid: host services see the host's processes (refused by default)",
  'host-ipc': "let ipc: host services share the host's IPC namespace (refused by default)",
  privileged: 'run privileged: true services privileged (refused by default)',
  devices: 'pass `devices` of services through from the host (refused by default)',
  'docker-socket': 'mount the Docker socket where services bind it (refused by default)',
};

/** Adds one `--allow-…` flag per kind of host access. */
function withHostAccessOptions(cmd: Command): Command {
  for (const [access, flag] of Object.entries(HOST_ACCESS_FLAGS))
    cmd.option(flag, HOST_ACCESS_HELP[access as HostAccess]);
  return cmd;
}

/** The host access granted by the parsed `--allow-…` flags. */
function hostAccessFrom(opts: Record<string, unknown>): HostAccess[] {
  const key = (flag: string) => flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return (Object.entries(HOST_ACCESS_FLAGS) as [HostAccess, string][])
    .filter(([, flag]) => opts[key(flag)] === true)
    .map(([access]) => access);
}

/** Adds the data options `stack test` and `stack plan` share: restores and bind handling. */
function withDataOptions(cmd: Command): Command {
  return cmd
    .option(
      '--restore <name=source>',
      'restore a volume or bind target from live, PATH, archive:, dir:, restic:, borg: (repeatable)',
      collect,
      [],
    )
    .addOption(
      new Option('--binds <mode>', 'host bind mounts: copy into scratch volumes, readonly, or empty').choices([
        'copy',
        'readonly',
        'empty',
      ]),
    );
}

const pullOption = () =>
  new Option('--pull <policy>', 'when to pull images').choices(['always', 'missing', 'never']).default('missing');

/** Registers `rehearsa stack test|config|plan`. */
export function registerStackCommands(program: Command, deps: CommandDeps): void {
  const stack = program.command('stack').description('rehearse, resolve or plan a compose stack');

  const test = withProjectOptions(
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
    .addOption(
      new Option('--build <when>', 'when to build `build:` services (missing: when the image is absent)')
        .choices(['never', 'missing', 'always'])
        .default('missing'),
    )
    .option('--allow-egress', 'let sandbox networks reach outside the host (default: internal networks)');
  withDataOptions(withHostAccessOptions(test))
    .option('--wait-lock', 'wait for a rehearsal of the same stack already running (default: refuse with exit code 4)')
    .option('--json', 'print one versioned JSON document on stdout instead of the report')
    .addOption(new Option('--report-junit <file>', 'also write a JUnit XML report to FILE').argParser(nonEmpty))
    .addOption(
      new Option('--report-html <file>', 'also write a self-contained HTML report to FILE').argParser(nonEmpty),
    )
    .addOption(new Option('--report-json <file>', 'also write the run JSON document to FILE').argParser(nonEmpty))
    .action(async (files: string[], opts, cmd: Command) => {
      const global = cmd.optsWithGlobals();
      // Implementations load on use, so `--help` and other commands do not pay for the whole pipeline.
      const { stackTest } = await import('./stack-test.js');
      const code = await stackTest(
        {
          ...projectOptions(files, opts),
          timeoutSeconds: opts.timeout ?? global.timeout ?? 120,
          settleSeconds: opts.settle,
          pull: opts.pull,
          build: opts.build,
          json: Boolean(opts.json),
          allowEgress: Boolean(opts.allowEgress),
          allowHost: hostAccessFrom(opts),
          lockDir: join(resolveDataDir(process.env, global.dataDir), 'locks'),
          waitLockMs: opts.waitLock ? Number.POSITIVE_INFINITY : 0,
          restore: opts.restore,
          ...(opts.binds ? { binds: opts.binds } : {}),
          reports: { junit: opts.reportJunit, html: opts.reportHtml, json: opts.reportJson },
        },
        deps.context(),
        deps.signal,
      );
      deps.setExit(code);
    });

  withProjectOptions(stack.command('config').description('print the resolved project as Docker Compose would see it'))
    .option('--json', 'print JSON instead of YAML')
    .action(async (files: string[], opts) => {
      const { stackConfig } = await import('./stack-inspect.js');
      await stackConfig({ ...projectOptions(files, opts), json: Boolean(opts.json) }, deps.context());
    });

  withDataOptions(
    withProjectOptions(
      stack.command('plan').description('print the sandbox plan and preflight findings; creates nothing'),
    ),
  )
    .addOption(pullOption())
    .option('--allow-egress', 'plan sandbox networks with a route out')
    .option('--json', 'print JSON')
    .action(async (files: string[], opts) => {
      const { stackPlan } = await import('./stack-inspect.js');
      await stackPlan(
        {
          ...projectOptions(files, opts),
          json: Boolean(opts.json),
          pull: opts.pull,
          allowEgress: Boolean(opts.allowEgress),
          restore: opts.restore,
          ...(opts.binds ? { binds: opts.binds } : {}),
        },
        deps.context(),
        deps.signal,
      );
    });
}
