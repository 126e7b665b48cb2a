import type { Command } from 'commander';
import { sweepDeadRuns } from '../run/sweep-dead-runs.js';
import type { CommandDeps } from './command-deps.js';

/** Registers `rehearsa cleanup`: removes leftovers of dead rehearsals, never those of one still running. */
export function registerCleanupCommand(program: Command, deps: CommandDeps): void {
  program
    .command('cleanup')
    .description('remove containers, networks and volumes left by rehearsals whose process is gone')
    .action(async () => {
      const ctx = deps.context();
      const engine = ctx.engine();
      await engine.ping(deps.signal);
      const report = await sweepDeadRuns(engine);
      const removed = `${report.containers} containers, ${report.networks} networks, ${report.volumes} volumes`;
      ctx.out.write(
        report.removedRuns.length === 0
          ? 'nothing to clean up\n'
          : `removed ${removed} of ${report.removedRuns.length} dead run(s): ${report.removedRuns.join(', ')}\n`,
      );
      if (report.liveRuns.length > 0) ctx.out.write(`left alone (still running): ${report.liveRuns.join(', ')}\n`);
      for (const p of report.problems) ctx.err.write(`cleanup: ${p}\n`);
      if (report.problems.length > 0) deps.setExit(3);
    });
}
