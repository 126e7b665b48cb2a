import { join } from 'node:path';
import type { Command } from 'commander';
import { resolveDataDir } from '../history/history-store.js';
import { clearStaleLocks } from '../history/stack-lock.js';
import { currentOwner } from '../run/owner.js';
import { sweepDeadRuns } from '../run/sweep-dead-runs.js';
import type { CommandDeps } from './command-deps.js';

/** Registers `rehearsa cleanup`: removes leftovers of dead rehearsals, never those of one still running. */
export function registerCleanupCommand(program: Command, deps: CommandDeps): void {
  program
    .command('cleanup')
    .description(
      'remove containers, networks, volumes, built images and lock files left by rehearsals whose process is gone',
    )
    .action(async (_opts, cmd: Command) => {
      const ctx = deps.context();
      const engine = ctx.engine();
      await engine.ping(deps.signal);
      const report = await sweepDeadRuns(engine);
      const lockDir = join(resolveDataDir(ctx.env, cmd.optsWithGlobals().dataDir), 'locks');
      const locks = await clearStaleLocks(lockDir, currentOwner(), deps.signal);
      const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
      const removed = [
        count(report.containers, 'container'),
        count(report.networks, 'network'),
        count(report.volumes, 'volume'),
        count(report.images, 'built image'),
      ].join(', ');
      ctx.out.write(
        report.removedRuns.length === 0
          ? 'nothing to clean up\n'
          : `removed ${removed} of ${count(report.removedRuns.length, 'dead run')}: ${report.removedRuns.join(', ')}\n`,
      );
      if (report.liveRuns.length > 0) ctx.out.write(`left alone (still running): ${report.liveRuns.join(', ')}\n`);
      if (locks.length > 0) ctx.out.write(`removed the stale lock of ${locks.join(', ')}\n`);
      for (const p of report.problems) ctx.err.write(`cleanup: ${p}\n`);
      if (report.problems.length > 0) deps.setExit(3);
    });
}
