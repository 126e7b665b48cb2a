// What a stack declares about its data and how to check it, after validation: restore sources per volume
// or bind target, what to do with host binds, and the probes that judge the restored data.

/** Where a scratch volume's data comes from. */
export type RestoreSourceKind = 'archive' | 'directory' | 'restic' | 'borg' | 'live';

/** How host bind mounts enter the sandbox: copied into a scratch volume, mounted read-only, or left empty. */
export type BindMode = 'copy' | 'readonly' | 'empty';

/** One validated restore: every path absolute, every duration in milliseconds. */
export interface RestoreSpec {
  /** A named volume as written in the compose file, or a bind mount's target path. */
  name: string;
  from: RestoreSourceKind;
  /** Archive file or directory (archive, directory). */
  path?: string;
  /** Repository (restic, borg). */
  repository?: string;
  /** `latest` or a snapshot id / archive name (restic, borg). */
  snapshot: string;
  /** Directory inside the archive, snapshot or directory whose contents become the volume's root. */
  subpath?: string;
  /** Name of the environment variable holding the repository password. */
  passwordEnv?: string;
  /** Absolute path of a file holding the repository password. */
  passwordFile?: string;
  /** A snapshot older than this is reported stale. */
  maxAgeMs?: number;
  /** Where it was declared, for messages: `compose.yaml › x-rehearsa.restore.db` or `--restore db=…`. */
  origin: string;
}

interface ProbeBase {
  /** The service the probe's result is scored into. */
  service: string;
  /** Gives up on one attempt after this long. */
  timeoutMs: number;
  /** Further attempts after a failure, `intervalMs` apart (a restored database may still be replaying). */
  retries: number;
  intervalMs: number;
  origin: string;
}

/** GET a URL from inside the sandbox network. */
export interface HttpProbe extends ProbeBase {
  type: 'http';
  url: string;
  status: number;
  /** Substring the body must contain. */
  body?: string;
}

/** Open a TCP connection from inside the sandbox network. */
export interface TcpProbe extends ProbeBase {
  type: 'tcp';
  host: string;
  port: number;
}

/** Run a command in the service's container. */
export interface ExecProbe extends ProbeBase {
  type: 'exec';
  command: string[];
  exitCode: number;
  /** Substring stdout or stderr must contain. */
  output?: string;
}

export type SqlDialect = 'postgres' | 'mysql' | 'mariadb';

/** Run a query through the database's own client inside its container. */
export interface SqlProbe extends ProbeBase {
  type: 'sql';
  query: string;
  /** Inferred from the image name when not given. */
  dialect?: SqlDialect;
  database?: string;
  user?: string;
  /** The whole trimmed output must equal this. */
  expect?: string;
  /** At least this many rows must come back. */
  minRows?: number;
}

export type ProbeSpec = HttpProbe | TcpProbe | ExecProbe | SqlProbe;

/** The validated declaration of one stack. */
export interface RestoreConfig {
  restores: RestoreSpec[];
  binds: BindMode;
  /** A bind path larger than this is not copied (a finding says so). */
  bindSizeCapBytes: number;
  probes: ProbeSpec[];
  /** Image of the throwaway containers that probe and check names and ports from inside the sandbox network. */
  helperImage: string;
}

/** What applies when nothing is declared. */
export const DEFAULT_RESTORE_CONFIG: RestoreConfig = {
  restores: [],
  binds: 'copy',
  bindSizeCapBytes: 512 * 1024 * 1024,
  probes: [],
  helperImage: 'busybox:1.36',
};
