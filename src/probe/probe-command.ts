import type { ProbeSpec, SqlDialect } from '../restore-config/restore-config.js';

/** Where a probe runs: in the service's own container, or in a helper on the service's networks. */
export interface ProbeCommand {
  where: 'service' | 'helper';
  cmd: string[];
  env?: string[];
  /** What the record shows as the probe's target. */
  target: string;
}

/**
 * The command a probe runs. HTTP and TCP go through a helper's busybox `wget`/`nc` so they neither depend on
 * the image's tools nor leave the sandbox network; exec and sql run in the service's container, sql with
 * the database's own client, its user and database taken from the service's environment unless declared.
 */
export function probeCommand(probe: ProbeSpec, serviceEnv: Record<string, string>, dialect?: SqlDialect): ProbeCommand {
  const seconds = Math.max(1, Math.ceil(probe.timeoutMs / 1000));
  switch (probe.type) {
    case 'http':
      // -S prints the status line on stderr even for error statuses; the body goes to stdout. No -T: the exec's
      // own timeout bounds it, and busybox 1.35's static wget crashes with it.
      return { where: 'helper', cmd: ['wget', '-S', '-q', '-O', '-', probe.url], target: probe.url };
    case 'tcp':
      return {
        where: 'helper',
        cmd: ['sh', '-c', 'nc -w "$1" "$2" "$3" </dev/null', 'probe', String(seconds), probe.host, String(probe.port)],
        target: `${probe.host}:${probe.port}`,
      };
    case 'exec':
      return { where: 'service', cmd: probe.command, target: probe.command.join(' ') };
    case 'sql':
      return {
        ...sqlCommand(probe.query, dialect ?? probe.dialect ?? 'postgres', serviceEnv, probe),
        where: 'service',
        target: probe.query,
      };
  }
}

function sqlCommand(
  query: string,
  dialect: SqlDialect,
  env: Record<string, string>,
  probe: { database?: string; user?: string },
): { cmd: string[]; env?: string[] } {
  if (dialect === 'postgres') {
    const user = probe.user ?? env.POSTGRES_USER ?? 'postgres';
    const database = probe.database ?? env.POSTGRES_DB ?? user;
    // -X ignores a .psqlrc, -At prints bare rows, ON_ERROR_STOP turns a failing statement into exit 3.
    return { cmd: ['psql', '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-U', user, '-d', database, '-c', query] };
  }
  const root = env.MARIADB_ROOT_PASSWORD ?? env.MYSQL_ROOT_PASSWORD;
  const user = probe.user ?? (root !== undefined ? 'root' : (env.MARIADB_USER ?? env.MYSQL_USER ?? 'root'));
  const password = user === 'root' ? root : (env.MARIADB_PASSWORD ?? env.MYSQL_PASSWORD);
  const database = probe.database ?? env.MARIADB_DATABASE ?? env.MYSQL_DATABASE;
  return {
    cmd: [
      dialect === 'mariadb' ? 'mariadb' : 'mysql',
      '-N',
      '-B',
      '-u',
      user,
      '-e',
      query,
      ...(database ? [database] : []),
    ],
    // Through the environment, not argv, so the password shows in no process list.
    ...(password !== undefined ? { env: [`MYSQL_PWD=${password}`] } : {}),
  };
}
