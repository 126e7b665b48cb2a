// Shared nouns of Rehearsa, types only. Compose words describe the loaded project; Rehearsa words
// (plan, wave, outcome, score, verdict) describe what a rehearsal did with it.

/** Where a problem was found: `file › path: message`, the shape of every input error. */
export interface Issue {
  file?: string;
  /** Dotted path inside the file, e.g. `services.db.healthcheck.interval`. */
  path?: string;
  message: string;
  severity: 'error' | 'warning';
  /** Paths of the same file whose own problems follow from this one (the other members of an extends cycle). */
  explains?: string[];
}

// ─── The normalised compose project (strict: produced only by compose/loadProject) ─────────────

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface Dependency {
  condition: DependencyCondition;
  /** false: Compose only warns when the dependency is missing or fails. */
  required: boolean;
  /** true: restart the dependent when the dependency is restarted by Compose. */
  restart: boolean;
  /** How the edge arose: depends_on, or implied by links / volumes_from / network_mode, ipc or pid `service:X`. */
  origin: 'depends_on' | 'links' | 'volumes_from' | 'network_mode' | 'ipc' | 'pid';
}

/** Healthcheck with every duration in milliseconds; `undefined` fields fall back to the image or engine default. */
export interface Healthcheck {
  /** `['NONE']` disables an image healthcheck; otherwise starts with `CMD` or `CMD-SHELL`. */
  test?: string[];
  intervalMs?: number;
  timeoutMs?: number;
  startPeriodMs?: number;
  startIntervalMs?: number;
  retries?: number;
  /** `disable: true` or `test: ["NONE"]`. */
  disabled: boolean;
}

export interface PortMapping {
  target: number;
  /** Host port or range as written (`"8080"`, `"8000-8010"`); undefined = ephemeral. */
  published?: string;
  hostIp?: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  mode?: string;
  name?: string;
  appProtocol?: string;
}

export type MountType = 'bind' | 'volume' | 'tmpfs' | 'image' | 'npipe' | 'cluster';

export interface ServiceMount {
  type: MountType;
  /** Absolute host path for binds, top-level volume key for volumes, undefined for anonymous volumes and tmpfs. */
  source?: string;
  target: string;
  readOnly: boolean;
  bind?: { createHostPath: boolean; propagation?: string; selinux?: 'z' | 'Z' };
  volume?: { nocopy: boolean; subpath?: string };
  tmpfs?: { sizeBytes?: number; mode?: number };
}

export interface ServiceNetwork {
  aliases: string[];
  ipv4Address?: string;
  ipv6Address?: string;
  priority?: number;
}

export interface BuildSpec {
  /** Absolute directory (or a URL kept as written). */
  context: string;
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
  labels: Record<string, string>;
}

export interface SecretOrConfigUse {
  source: string;
  target: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

export interface Ulimit {
  soft: number;
  hard: number;
}

export interface Service {
  name: string;
  image?: string;
  build?: BuildSpec;
  pullPolicy?: 'always' | 'never' | 'missing' | 'build' | 'if_not_present' | 'daily' | 'weekly' | string;
  /** undefined: image default; [] : explicitly cleared. Strings are already shell-split. */
  command?: string[];
  entrypoint?: string[];
  /** Resolved environment (env_file entries first, then `environment`); null = declared without a value and unset. */
  environment: Record<string, string | null>;
  user?: string;
  workingDir?: string;
  hostname?: string;
  domainName?: string;
  containerName?: string;
  labels: Record<string, string>;
  healthcheck?: Healthcheck;
  dependsOn: Record<string, Dependency>;
  ports: PortMapping[];
  expose: string[];
  mounts: ServiceMount[];
  /** Service networks keyed by top-level network key. Empty when networkMode is set. */
  networks: Record<string, ServiceNetwork>;
  networkMode?: string;
  restart?: string;
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  devices: string[];
  ulimits: Record<string, Ulimit>;
  sysctls: Record<string, string>;
  extraHosts: string[];
  dns: string[];
  shmSizeBytes?: number;
  /** Hard memory limit (`mem_limit` / `deploy.resources.limits.memory`), in bytes. */
  memLimitBytes?: number;
  init?: boolean;
  stopSignal?: string;
  stopGracePeriodMs?: number;
  readOnly: boolean;
  securityOpt: string[];
  pid?: string;
  ipc?: string;
  /** `uts`, `userns_mode` and `cgroup` as written; the sandbox never applies them (each container keeps its own). */
  uts?: string;
  usernsMode?: string;
  cgroup?: string;
  platform?: string;
  /** deploy.replicas or scale; 0 means the service is defined but not started. */
  replicas: number;
  /** deploy.restart_policy.condition when given (`none`, `on-failure`, `any`). */
  deployRestartCondition?: string;
  profiles: string[];
  secrets: SecretOrConfigUse[];
  configs: SecretOrConfigUse[];
  /** `volumes_from`: the mounts of another service (or of a container outside the project), optionally read-only. */
  volumesFrom: { service?: string; container?: string; readOnly: boolean }[];
  /** `x-*` keys of the service, kept verbatim for extensions such as x-rehearsa. */
  extensions: Record<string, unknown>;
}

export interface NetworkDef {
  /** Name Compose would give it on the live host (`<project>_<key>`, or `name:` verbatim). */
  name: string;
  external: boolean;
  internal: boolean;
  driver?: string;
  enableIpv6?: boolean;
  labels: Record<string, string>;
}

export interface VolumeDef {
  name: string;
  external: boolean;
  driver?: string;
  labels: Record<string, string>;
}

export interface SecretOrConfigDef {
  name: string;
  file?: string;
  environment?: string;
  content?: string;
  external: boolean;
}

export interface ComposeProject {
  /** Normalised project name (Compose rules). */
  name: string;
  /** Absolute project directory. */
  workingDir: string;
  /** Absolute paths of the compose files, in merge order (includes not listed). */
  files: string[];
  /** Absolute paths of the env files that were read for interpolation. */
  envFiles: string[];
  activeProfiles: string[];
  /** Enabled services only (profiles applied), keyed by service name. */
  services: Record<string, Service>;
  /** Services defined but switched off by profiles, sorted. */
  disabledServices: string[];
  networks: Record<string, NetworkDef>;
  volumes: Record<string, VolumeDef>;
  secrets: Record<string, SecretOrConfigDef>;
  configs: Record<string, SecretOrConfigDef>;
  /** Names of variables referenced by interpolation that were unset (and had no default). */
  unsetVariables: string[];
  /** Non-fatal loader remarks (obsolete `version`, unsupported-but-harmless keys…). */
  warnings: Issue[];
  /** Top-level `x-*` keys kept verbatim. */
  extensions: Record<string, unknown>;
}

// ─── Preflight ───────────────────────────────────────────────────────────────────────────────

export type FindingSeverity = 'critical' | 'warning' | 'info';

export interface Finding {
  rule: string;
  severity: FindingSeverity;
  /** Service the finding is about, when it is about one. */
  service?: string;
  message: string;
  /** Set on findings of the checks made inside the running sandbox (mounts, network edges, probes). */
  phase?: 'after_boot';
}

// ─── Plan (sandbox rewrite) ──────────────────────────────────────────────────────────────────

export interface PlannedNetwork {
  /** Compose key (`default`, `backend`…). */
  key: string;
  /** Run-scoped engine name. */
  name: string;
  internal: boolean;
}

export interface PlannedVolume {
  key: string;
  name: string;
  /** Where the scratch volume's data comes from: nothing, or a copy of the host bind path it replaces. */
  seed: 'empty' | 'bind';
  /** The bind mount this volume stands in for (copied, emptied, or with a missing source). */
  bind?: { service: string; source: string; target: string };
}

export interface PlannedMount {
  type: 'volume' | 'bind' | 'tmpfs';
  /** Engine volume name, host path (binds, always read-only), or undefined for tmpfs/anonymous. */
  source?: string;
  target: string;
  readOnly: boolean;
  tmpfsSizeBytes?: number;
  tmpfsMode?: number;
  nocopy?: boolean;
  subpath?: string;
  /** Anonymous volumes get a run-scoped named volume so the label sweep can find them. */
}

export interface PlannedContainer {
  service: string;
  name: string;
  image: string;
  /** How to obtain the image. */
  pullPolicy: 'always' | 'missing' | 'never' | 'build';
  build?: BuildSpec;
  env: string[];
  cmd?: string[];
  entrypoint?: string[];
  user?: string;
  workingDir?: string;
  hostname?: string;
  labels: Record<string, string>;
  healthcheck?: Healthcheck;
  mounts: PlannedMount[];
  /** First network the container is created on, then the others are connected. */
  networks: { name: string; aliases: string[]; ipv4Address?: string }[];
  /** `service:X` rewritten to the run's container of X; `none`; `host` only when the run allows host networking. */
  networkMode?: { kind: 'service'; service: string } | { kind: 'none' } | { kind: 'host' };
  /** Share the host's process namespace; only when the run allows it. */
  pid?: 'host';
  /** Share the host's IPC namespace; only when the run allows it. */
  ipc?: 'host';
  exposedPorts: string[];
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  devices: string[];
  ulimits: Record<string, Ulimit>;
  sysctls: Record<string, string>;
  extraHosts: string[];
  dns: string[];
  shmSizeBytes?: number;
  /** Hard memory limit (`mem_limit` / `deploy.resources.limits.memory`), in bytes. */
  memLimitBytes?: number;
  init?: boolean;
  stopSignal?: string;
  readOnlyRootfs: boolean;
  securityOpt: string[];
  /** Restart policy honoured inside the sandbox (crash loops are observed, then force-removed). */
  restart: { name: 'no' | 'always' | 'on-failure' | 'unless-stopped'; maxRetries?: number };
  /** Compose-recognised one-shot: adopted by a service_completed_successfully dependent or never restarted on exit 0. */
  oneShot: boolean;
  dependsOn: Record<string, Dependency>;
}

export interface Wave {
  index: number;
  services: string[];
}

export interface Plan {
  runId: string;
  stack: string;
  /** Sandbox project name: `rehearsa-<stack>-<runId>`. */
  sandbox: string;
  labels: Record<string, string>;
  networks: PlannedNetwork[];
  volumes: PlannedVolume[];
  containers: PlannedContainer[];
  waves: Wave[];
  /** Rewrites applied, for `stack plan` and the report: dropped ports, renamed containers… */
  rewrites: string[];
  /** Services scaled to 0: defined, never started, not scored. */
  skipped: string[];
}

// ─── Outcomes, scores, verdicts ──────────────────────────────────────────────────────────────

export type ServiceState =
  | 'healthy'
  | 'running'
  | 'unhealthy'
  | 'starting'
  | 'completed'
  | 'exited'
  | 'failed'
  | 'not_started';

export type ReasonClass =
  | 'image'
  /** A `build:` service whose image could not be built. */
  | 'build'
  | 'create'
  | 'start'
  | 'exit'
  | 'oom'
  | 'unhealthy'
  | 'crash_loop'
  | 'timeout'
  | 'dependency'
  | 'interrupted'
  /** A volume it mounts could not be restored. */
  | 'restore'
  /** A declared probe of its restored data or endpoints failed. */
  | 'probe';

export interface ServiceTimings {
  /** Milliseconds since the run started. */
  createdMs?: number;
  startedMs?: number;
  readyMs?: number;
  exitedMs?: number;
  /** When Rehearsa had removed the container. */
  removedMs?: number;
}

/** One observed state change of a service's container, in the order the engine reported them. */
export interface ServiceEvent {
  /** Milliseconds since the run started (engine timestamp). */
  atMs: number;
  /** `created`, `running`, `restarted`, `healthy`, `unhealthy`, `exited`, `oom-killed`, `removed`. */
  state: string;
  /** Exit code, or why Rehearsa restarted it (`dependency db restarted`). */
  detail?: string;
}

export interface ServiceOutcome {
  service: string;
  state: ServiceState;
  oneShot: boolean;
  hasHealthcheck: boolean;
  reasonClass?: ReasonClass;
  reason?: string;
  exitCode?: number;
  oomKilled?: boolean;
  restartCount: number;
  /** Last health probe outputs, oldest first. */
  healthLog: string[];
  logTail: string[];
  timings: ServiceTimings;
  /** Every state change observed, oldest first; absent for services that never got a container. */
  events?: ServiceEvent[];
  /** Restarts Rehearsa itself requested because a `depends_on … restart: true` dependency restarted. */
  dependencyRestarts?: number;
  score: number;
}

export type Risk = 'LOW' | 'MODERATE' | 'HIGH' | 'CRITICAL';
export type Trend = 'UP' | 'DOWN' | 'SAME';

export interface RunSummary {
  confidence: number;
  risk: Risk;
  /** Mean confidence of the last 5 runs including this one. */
  stability: number;
  trend?: Trend;
  previousConfidence?: number;
  durationMs: number;
  /** Median duration of up to 5 previous runs, and this run's excess over it in percent. */
  medianPreviousDurationMs?: number;
  durationDeltaPercent?: number;
}

export interface PolicyRules {
  minConfidence?: number;
  blockOnRegression?: boolean;
  failOnDurationSpike?: boolean;
  durationSpikePercent?: number;
  /** Fail when a restic or borg snapshot used by the run is older than this. */
  maxBackupAgeMs?: number;
}

export interface Violation {
  rule: 'min_confidence' | 'block_on_regression' | 'duration_spike' | 'max_backup_age';
  message: string;
}

export interface Verdict {
  passed: boolean;
  policy: PolicyRules;
  /** true when no policy was stored and the default applied. */
  defaultPolicy: boolean;
  violations: Violation[];
}

export interface RunResult {
  schemaVersion: 1;
  runId: string;
  stack: string;
  startedAt: string;
  finishedAt: string;
  files: string[];
  interrupted: boolean;
  findings: Finding[];
  services: ServiceOutcome[];
  summary: RunSummary;
  verdict: Verdict;
  exitCode: number;
  /** What the sandbox let the stack reach; absent in runs recorded before it was measured. */
  sandbox?: SandboxPermissions;
  /** Data restored into scratch volumes before the containers started. */
  restores?: RestoreRecord[];
  /** Declared probes, run after readiness from inside the sandbox. */
  probes?: ProbeRecord[];
  /** Every mount of every running container, as seen from inside it. */
  mounts?: MountRecord[];
  /** Name resolution and reachability of every depends_on edge and declared alias, inside the sandbox. */
  edges?: EdgeRecord[];
}

/** One scratch volume filled from a source; `error` set when it could not be (the volume may hold part of it). */
export interface RestoreRecord {
  /** Named volume or bind target, as declared. */
  name: string;
  /** The run's scratch volume. */
  volume: string;
  /** `archive /backups/db.tar.gz`, `restic /repo latest`, `live volume app_pgdata`, `bind /srv/site`… */
  source: string;
  bytes: number;
  ms: number;
  /** Snapshot id or archive name actually restored (restic, borg). */
  snapshot?: string;
  /** When that snapshot was taken, and its age at the start of the run. */
  snapshotTime?: string;
  ageMs?: number;
  error?: string;
}

/** One probe's verdict with the evidence it rests on. */
export interface ProbeRecord {
  service: string;
  type: 'http' | 'tcp' | 'exec' | 'sql';
  /** What was probed: the URL, `host:port`, the command or the query. */
  target: string;
  passed: boolean;
  attempts: number;
  ms: number;
  reason?: string;
  /** What the probe saw (status line, output, rows), trimmed. */
  evidence?: string;
  /** Rehearsa could not run the probe (e.g. its helper image is unavailable): reported, never scored. */
  skipped?: boolean;
}

/** A container mount as the service sees it. */
export interface MountRecord {
  service: string;
  kind: 'volume' | 'bind' | 'tmpfs';
  /** Scratch volume or host path; absent for tmpfs. */
  source?: string;
  target: string;
  readOnly: boolean;
  exists?: boolean;
  /** Whether the container's own user can write the target (undefined when it could not be checked). */
  writable?: boolean;
  sizeBytes?: number;
  /** Why writable or size are unknown. */
  note?: string;
}

/** Whether a dependent reaches a dependency by one name inside the sandbox. */
export interface EdgeRecord {
  from: string;
  to: string;
  /** The name looked up: the dependency's service name or a declared alias. */
  name: string;
  origin: 'depends_on' | 'alias';
  resolved: boolean;
  /** TCP ports tried and whether each answered. */
  ports: { port: number; open: boolean }[];
  reason?: string;
  /** Rehearsa could not check the edge (e.g. its helper image is unavailable): reported as such, not as a fault. */
  skipped?: boolean;
}

/** The isolation a run relaxed on request: egress out of the sandbox networks, and host access opt-ins. */
export interface SandboxPermissions {
  /** Sandbox networks had a route out (`--allow-egress`). */
  egress: boolean;
  /** Host access granted by `--allow-*` flags (`host-network`, `privileged`…), sorted. */
  optIns: string[];
}

// ─── History views ───────────────────────────────────────────────────────────────────────────

/** One row of `rehearsa history STACK`. */
export interface HistoryEntry {
  runId: string;
  stack: string;
  startedAt: string;
  confidence: number;
  /** Difference with the run before it; undefined for the first run. */
  confidenceDelta?: number;
  risk: Risk;
  durationMs: number;
  exitCode: number;
  interrupted: boolean;
}

/** One row of `rehearsa status`. */
export interface StackStatus {
  stack: string;
  confidence: number;
  risk: Risk;
  stability: number;
  trend?: Trend;
  lastRunAt: string;
  lastExitCode: number;
  runs: number;
}
