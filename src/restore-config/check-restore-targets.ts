import type { ComposeProject, Issue } from '../model.js';
import type { RestoreConfig, SqlDialect } from './restore-config.js';

/** The SQL dialect an image name implies (`postgres:15`, `bitnami/mariadb`, `timescale/timescaledb`…), if any. */
export function dialectOfImage(image: string | undefined): SqlDialect | undefined {
  const repo = (image ?? '')
    .toLowerCase()
    .split('@')[0]!
    .replace(/:[^/]*$/, '');
  if (/postgres|postgis|timescale/.test(repo)) return 'postgres';
  if (/mariadb/.test(repo)) return 'mariadb';
  if (/mysql|percona/.test(repo)) return 'mysql';
  return undefined;
}

/**
 * Checks a declaration against the stack before anything is created: every restore names a named volume
 * or a bind target some started service mounts, every probe names a started service, and every sql probe
 * has a dialect. One issue per problem, located where the entry was declared.
 */
export function checkRestoreTargets(config: RestoreConfig, project: ComposeProject): Issue[] {
  const started = Object.values(project.services).filter((s) => s.replicas > 0);
  const volumes = new Set(
    started.flatMap((s) => s.mounts.filter((m) => m.type === 'volume' && m.source).map((m) => m.source!)),
  );
  const bindTargets = new Set(started.flatMap((s) => s.mounts.filter((m) => m.type === 'bind').map((m) => m.target)));
  const issues: Issue[] = [];
  const at = (origin: string, message: string) => issues.push({ ...locate(origin), message, severity: 'error' });
  for (const r of config.restores) {
    if (volumes.has(r.name) || bindTargets.has(r.name)) continue;
    const known = [...[...volumes].sort(), ...[...bindTargets].sort()];
    at(
      r.origin,
      `${JSON.stringify(r.name)} names no volume or bind target of the stack` +
        (known.length > 0 ? ` (known: ${known.join(', ')})` : ' (it mounts none)'),
    );
  }
  const names = new Set(started.map((s) => s.name));
  for (const p of config.probes) {
    const service = project.services[p.service];
    if (!names.has(p.service)) {
      at(
        `${p.origin}.service`,
        `${JSON.stringify(p.service)} is not a started service of the stack (${[...names].sort().join(', ')})`,
      );
    } else if (p.type === 'sql' && !p.dialect && !dialectOfImage(service?.image)) {
      at(
        `${p.origin}.engine`,
        `cannot tell the database of ${p.service} from its image; set engine: postgres, mysql or mariadb`,
      );
    }
  }
  return issues;
}

/** Splits a declaration's origin (`file › path`) back into an issue's file and path; CLI origins become the path. */
export function locate(origin: string): Pick<Issue, 'file' | 'path'> {
  const sep = origin.indexOf(' › ');
  return sep >= 0 ? { file: origin.slice(0, sep), path: origin.slice(sep + 3) } : { path: origin };
}
