import type { Command } from 'commander';
import { failOnIssues, InputError } from '../errors.js';
import { validateStackName } from '../history/stack-name.js';
import { DEFAULT_POLICY } from '../policy/evaluate-policy.js';
import { mergePolicy, parsePolicyFlags } from '../policy/policy-flags.js';
import { renderPolicy } from '../render/render-status.js';
import type { CommandDeps } from './command-deps.js';

/** Registers `rehearsa policy set|show|delete STACK`. */
export function registerPolicyCommands(program: Command, deps: CommandDeps): void {
  const policy = program.command('policy').description('per-stack rules that decide the verdict and exit code');

  policy
    .command('set')
    .description('set rules for a stack (flags not given keep their stored value)')
    .argument('<stack>', 'stack name')
    .option('--min-confidence <n>', 'fail below this confidence (0-100)')
    .option('--block-on-regression <bool>', 'fail when confidence dropped since the previous run (true|false)')
    .option(
      '--fail-on-duration-spike <bool>',
      'fail when the run is much slower than the median of the last 5 (true|false)',
    )
    .option('--duration-spike-percent <n>', 'how much slower counts as a spike (default 50)')
    .option('--max-backup-age <duration>', 'fail when a restored restic/borg snapshot is older (e.g. 26h)')
    .action((stack: string, opts) => {
      checkStack(stack);
      const { rules, issues } = parsePolicyFlags(opts);
      failOnIssues(issues);
      if (Object.keys(rules).length === 0) throw new InputError('policy set: give at least one rule flag (see --help)');
      const ctx = deps.context();
      const history = ctx.history();
      const merged = mergePolicy(history.getPolicy(stack), rules);
      history.setPolicy(stack, merged);
      ctx.out.write(`${renderPolicy(stack, merged, DEFAULT_POLICY)}\n`);
      // Setting a policy before the first run is normal; a typo in the name looks the same, so say it.
      if (!history.stackStatuses().some((s) => s.stack === stack)) {
        ctx.err.write(`note: no run of "${stack}" is recorded yet; the policy applies from its first run\n`);
      }
    });

  policy
    .command('show')
    .description("print a stack's policy (or the default)")
    .argument('<stack>', 'stack name')
    .option('--json', 'print JSON')
    .action((stack: string, opts) => {
      checkStack(stack);
      const ctx = deps.context();
      requireKnownStack(ctx.history().knownStacks(), stack);
      const rules = ctx.history().getPolicy(stack);
      ctx.out.write(
        opts.json
          ? `${JSON.stringify({ stack, default: rules === undefined, rules: rules ?? DEFAULT_POLICY }, null, 2)}\n`
          : `${renderPolicy(stack, rules, DEFAULT_POLICY)}\n`,
      );
    });

  policy
    .command('delete')
    .description("delete a stack's policy (the default applies again)")
    .argument('<stack>', 'stack name')
    .action((stack: string) => {
      checkStack(stack);
      const ctx = deps.context();
      requireKnownStack(ctx.history().knownStacks(), stack);
      const deleted = ctx.history().deletePolicy(stack);
      ctx.out.write(
        deleted ? `policy of ${stack} deleted; the default applies\n` : `${stack} had no policy; the default applies\n`,
      );
    });
}

function checkStack(stack: string): void {
  const problem = validateStackName(stack);
  if (problem) throw new InputError(`stack "${stack}": ${problem}`);
}

/** A stack with neither a recorded run nor a stored policy is most likely a typo: say so instead of showing defaults. */
function requireKnownStack(known: readonly string[], stack: string): void {
  if (!known.includes(stack)) throw new InputError(`unknown stack "${stack}" (see rehearsa status)`);
}
