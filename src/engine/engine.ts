// The one port to Docker, in Rehearsa's words. Only engine/docker-engine.ts knows the Engine API's shapes.
import type { Readable } from 'node:stream';
import type { Healthcheck, Ulimit } from '../model.js';

export interface EngineInfo {
  version: string;
  apiVersion: string;
  os: string;
}

export interface MountSpec {
  type: 'volume' | 'bind' | 'tmpfs';
  source?: string;
  target: string;
  readOnly: boolean;
  tmpfsSizeBytes?: number;
  tmpfsMode?: number;
  nocopy?: boolean;
  subpath?: string;
}

export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  env: string[];
  cmd?: string[];
  entrypoint?: string[];
  user?: string;
  workingDir?: string;
  hostname?: string;
  healthcheck?: Healthcheck;
  mounts: MountSpec[];
  /** Network joined at create time (with aliases); ignored when networkMode is set. */
  network?: { name: string; aliases: string[]; ipv4Address?: string };
  /** `container:<id>`, `none`, or `host`. */
  networkMode?: string;
  /** PID namespace mode (`host`); unset: the container's own. */
  pid?: string;
  /** IPC namespace mode (`host`); unset: the engine default. */
  ipc?: string;
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
  /** Hard memory limit in bytes; swap is capped to the same value so the limit holds. */
  memoryBytes?: number;
  init?: boolean;
  stopSignal?: string;
  readOnlyRootfs: boolean;
  securityOpt: string[];
  restart: { name: 'no' | 'always' | 'on-failure' | 'unless-stopped'; maxRetries?: number };
}

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy' | 'none';

export interface ContainerState {
  id: string;
  name: string;
  status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  exitCode: number;
  oomKilled: boolean;
  restartCount: number;
  health: HealthStatus;
  /** Outputs of the last health probes, oldest first. */
  healthLog: { exitCode: number; output: string; end: string }[];
  startedAt?: string;
  finishedAt?: string;
  /** Engine-reported error for a failed start. */
  error?: string;
  /** Ports the container exposes (image EXPOSE plus create-time ones), as `port/proto`, sorted. */
  exposedPorts?: string[];
}

/** A command to run inside a running container. */
export interface ExecSpec {
  cmd: string[];
  /** Defaults to the container's own user. */
  user?: string;
  env?: string[];
  /** Gives up (exit code undefined, timedOut) after this long; the process may linger until the container goes. */
  timeoutMs: number;
}

/** What an exec printed and how it ended; `exitCode` is undefined when it timed out. */
export interface ExecResult {
  exitCode?: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** A container event from the engine's event stream, filtered to Rehearsa's labels. */
export interface EngineEvent {
  containerId: string;
  /** create, start, die, health_status, oom, restart, kill, destroy… */
  action: string;
  /** Set for health_status events. */
  health?: HealthStatus;
  /** Set for die events. */
  exitCode?: number;
  labels: Record<string, string>;
  /** Engine timestamp, milliseconds since the epoch. */
  timeMs: number;
}

export type PullFailureClass = 'not_found' | 'unauthorized' | 'unreachable' | 'rate_limited' | 'other';

/** A pull that failed for a reason the stack owns (not the engine): scored, not thrown out of the run. */
export class PullFailure extends Error {
  constructor(
    message: string,
    readonly failureClass: PullFailureClass,
  ) {
    super(message);
    this.name = 'PullFailure';
  }
}

/** A build that failed for a reason the stack owns (Dockerfile, context, a failing step): scored, not thrown out of the run. */
export class BuildFailure extends Error {
  constructor(
    message: string,
    /** Last lines of the build output, oldest first. */
    readonly log: string[],
  ) {
    super(message);
    this.name = 'BuildFailure';
  }
}

/** What to build and how to tag it; `contextDir` is an absolute local directory. */
export interface ImageBuildSpec {
  tag: string;
  contextDir: string;
  /** Path of the Dockerfile, relative to the context or absolute. */
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
  /** Labels put on the built image (the run labels, so cleanup can find it). */
  labels: Record<string, string>;
  /** true: RUN steps get no network at all, like the sandbox's internal networks. */
  isolated: boolean;
}

/** An image found by label: its id and the tags pointing at it. */
export interface LabelledImage {
  id: string;
  tags: string[];
  labels: Record<string, string>;
}

/** Anything created by a run, found by label. */
export interface LabelledResources {
  containers: { id: string; name: string; labels: Record<string, string> }[];
  networks: { id: string; name: string; labels: Record<string, string> }[];
  volumes: { name: string; labels: Record<string, string> }[];
}

export interface Engine {
  /** Answers when the engine is reachable; negotiates the API version. Throws EngineError otherwise. */
  ping(signal?: AbortSignal): Promise<EngineInfo>;
  imageExists(ref: string): Promise<boolean>;
  /** Pulls an image; throws PullFailure for registry-side failures, EngineError when the engine fails. */
  pullImage(ref: string, onProgress?: (status: string) => void, signal?: AbortSignal): Promise<void>;
  /** Builds and tags an image; throws BuildFailure when the build itself fails, EngineError when the engine does. */
  buildImage(spec: ImageBuildSpec, onProgress?: (status: string) => void, signal?: AbortSignal): Promise<void>;
  /** Removes one tag (or an untagged image by id) without force; the image stays while other tags point at it. Absent is fine. */
  removeImage(ref: string): Promise<void>;
  /** Images carrying `label` (key or key=value). */
  listImagesByLabel(label: string): Promise<LabelledImage[]>;
  /** Creates a bridge network; an internal one has no route out of it, to the host included. */
  createNetwork(opts: { name: string; labels: Record<string, string>; internal: boolean }): Promise<string>;
  connectNetwork(networkId: string, containerId: string, aliases: string[]): Promise<void>;
  removeNetwork(id: string): Promise<void>;
  /** Whether a network with exactly this name exists on the engine. */
  networkExists(name: string): Promise<boolean>;
  /** Whether a volume with exactly this name exists on the engine. */
  volumeExists(name: string): Promise<boolean>;
  createVolume(opts: { name: string; labels: Record<string, string> }): Promise<string>;
  removeVolume(name: string): Promise<void>;
  /** Creates a container; throws EngineError with the engine's message when the spec is refused. */
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Restarts a running container at once (no stop grace). */
  restartContainer(id: string): Promise<void>;
  inspectContainer(id: string): Promise<ContainerState>;
  /** Kills and removes a container with its anonymous volumes, no stop grace; absent containers are fine. */
  removeContainer(id: string): Promise<void>;
  /** Last `tail` lines of stdout and stderr, interleaved as the engine stored them. */
  logs(id: string, tail: number): Promise<string[]>;
  /** Container events carrying `label` (key=value), from `sinceMs` on, until the signal aborts. */
  events(label: string, signal: AbortSignal, sinceMs?: number): AsyncIterable<EngineEvent>;
  /** Every container, network and volume carrying `label` (key or key=value). */
  listByLabel(label: string): Promise<LabelledResources>;
  /** Extracts a tar (plain, gzip, bzip2 or xz) into `path` of a container, created or running; owners and modes come from the headers. */
  putArchive(containerId: string, path: string, body: Readable | Buffer, signal?: AbortSignal): Promise<void>;
  /** A tar of `path` inside a container (created or running), its entries named after the path's last component. */
  getArchive(containerId: string, path: string, signal?: AbortSignal): Promise<Readable>;
  /** Runs a command in a running container and waits for it, stdout and stderr kept apart. */
  exec(containerId: string, spec: ExecSpec): Promise<ExecResult>;
}

/** A container spec with nothing but a name, image and labels: no mounts, no network, no extra privileges, no restart. */
export function bareContainerSpec(name: string, image: string, labels: Record<string, string>): ContainerSpec {
  return {
    name,
    image,
    labels,
    env: [],
    mounts: [],
    exposedPorts: [],
    capAdd: [],
    capDrop: [],
    privileged: false,
    devices: [],
    ulimits: {},
    sysctls: {},
    extraHosts: [],
    dns: [],
    readOnlyRootfs: false,
    securityOpt: [],
    restart: { name: 'no' },
  };
}
