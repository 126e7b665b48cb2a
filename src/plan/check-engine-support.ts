import type { ComposeProject, Issue, Plan } from '../model.js';

/** Pull policies a rehearsal honours as Compose does; `daily`, `weekly`, `refresh`, `every_…` need image ages it lacks. */
const HONOURED_PULL = new Set(['always', 'never', 'missing', 'if_not_present', 'build']);
const COMPOSE_PULL = /^(daily|weekly|refresh|every_(\d+[wdhms])+)$/;

/**
 * Settings of the project that this engine or Rehearsa cannot honour, as input errors: a rehearsal that silently
 * ignored them would boot something other than what the file says (a `start_interval` the engine drops turns a
 * 1 s first probe into a 30 s one).
 */
export function checkEngineSupport(project: ComposeProject, apiVersion: string, file: string | undefined): Issue[] {
  const issues: Issue[] = [];
  const issue = (path: string, message: string) => issues.push({ file, path, message, severity: 'error' });
  for (const s of Object.values(project.services).sort((a, b) => a.name.localeCompare(b.name))) {
    const policy = s.pullPolicy;
    if (policy !== undefined && !HONOURED_PULL.has(policy)) {
      issue(
        `services.${s.name}.pull_policy`,
        COMPOSE_PULL.test(policy)
          ? `"${policy}" needs the age of the local image, which a rehearsal does not track (use always or missing)`
          : `"${policy}" must be one of always, never, missing, build, daily, weekly, refresh or every_<duration>`,
      );
    }
    if (policy === 'build' && !s.build) issue(`services.${s.name}.pull_policy`, '"build" needs a build section');
    if (s.healthcheck?.startIntervalMs !== undefined && !s.healthcheck.disabled && olderThan(apiVersion, '1.44')) {
      issue(
        `services.${s.name}.healthcheck.start_interval`,
        `needs Docker Engine API 1.44; this engine speaks ${apiVersion} and would ignore it (remove it or use a newer engine)`,
      );
    }
  }
  return issues;
}

function olderThan(version: string, minimum: string): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  const [c = 0, d = 0] = minimum.split('.').map(Number);
  return a < c || (a === c && b < d);
}

/**
 * Read-only binds this engine cannot make read-only all the way down, as input errors: before API 1.44 a bind's
 * read-only flag covers its top filesystem only, so another filesystem mounted below the source (a live
 * container's overlay under /var/lib/docker, /dev/shm, a dataset) would stay writable from the sandbox.
 * `mountPoints` are the host's mount points (/proc/self/mountinfo).
 */
export function checkRecursiveReadOnly(
  plan: Plan,
  apiVersion: string,
  mountPoints: readonly string[],
  file: string | undefined,
): Issue[] {
  if (!olderThan(apiVersion, '1.44')) return [];
  return plan.containers.flatMap((c) =>
    c.mounts.flatMap((m) => {
      if (m.type !== 'bind' || m.source === undefined) return [];
      const source = m.source;
      const below = mountPoints.filter((p) => p !== source && p.startsWith(source === '/' ? '/' : `${source}/`));
      if (below.length === 0) return [];
      const shown = below.length > 3 ? `${below.slice(0, 3).join(', ')}, …` : below.join(', ');
      return [
        {
          file,
          path: `services.${c.service}.volumes`,
          message: `bind ${source} has other filesystems mounted below it (${shown}); this engine (API ${apiVersion}) would leave them writable, so the read-only bind is refused (use --binds copy, or an engine of API 1.44 or later)`,
          severity: 'error' as const,
        },
      ];
    }),
  );
}
