// The Engine port implemented over the Docker Engine API. Docker's JSON shapes live in this file and stop here.
import { isAbsolute, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { EngineError } from '../errors.js';
import type { Healthcheck } from '../model.js';
import { contextTar } from './context-tar.js';
import { resolveDockerHost } from './docker-host.js';
import type {
  ContainerSpec,
  ContainerState,
  Engine,
  EngineEvent,
  EngineInfo,
  ExecResult,
  ExecSpec,
  HealthStatus,
  ImageBuildSpec,
  LabelledImage,
  LabelledResources,
  MountSpec,
  PullFailureClass,
} from './engine.js';
import { BuildFailure, PullFailure } from './engine.js';
import {
  createHttpClient,
  engineMessage,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  readNdjson,
} from './http-client.js';
import { pullQuery, splitImageRef } from './image-ref.js';
import { demuxLogFrames, inTimeOrder, logBodyToLines } from './log-frames.js';
import { registryAuthHeader, registryConfigHeader } from './registry-auth.js';

/** The newest API version this adapter speaks; older engines are addressed at their own version. */
const maxApiVersion = '1.45';
const defaultTimeoutMs = 30_000;
/** How long to wait for a container removal another client started: 60 polls of 250 ms. */
const removalPolls = 60;
const removalPollMs = 250;
/** Build output lines kept for the failure message and the service's log excerpt. */
const buildLogLines = 20;
/** Name a Dockerfile from outside the context gets inside the archive. */
const outsideDockerfile = '.rehearsa.Dockerfile';

/** Connects (lazily) to the engine at `host`, `DOCKER_HOST` or the default socket; throws EngineError only for an unusable host. */
export function connectDocker(options: { host?: string; timeoutMs?: number } = {}): Engine {
  const http = createHttpClient(resolveDockerHost(options.host), options.timeoutMs ?? defaultTimeoutMs);
  return new DockerEngine(http);
}

type Query = HttpRequest['query'];

class DockerEngine implements Engine {
  /** Negotiated on the first call (or by ping) and reused: the only state the adapter keeps. */
  private apiVersion: Promise<string> | undefined;

  constructor(private readonly http: HttpClient) {}

  async ping(signal?: AbortSignal): Promise<EngineInfo> {
    // An explicit ping renegotiates: the engine behind the socket may have been replaced since.
    this.apiVersion = undefined;
    const version = await this.negotiated(signal);
    const info = (await this.call('GET', '/version', { signal, shape: 'object' })) as { Version?: string; Os?: string };
    return { version: info.Version ?? 'unknown', apiVersion: version, os: info.Os ?? 'unknown' };
  }

  async imageExists(ref: string): Promise<boolean> {
    const res = await this.request({ method: 'GET', path: `/images/${pathRef(ref)}/json` });
    if (res.status === 404) return false;
    this.check(res);
    return true;
  }

  async pullImage(ref: string, onProgress?: (status: string) => void, signal?: AbortSignal): Promise<void> {
    const parts = splitImageRef(ref);
    const auth = await registryAuthHeader(parts.registry);
    const res = await this.http.open({
      method: 'POST',
      path: `${await this.prefix()}/images/create`,
      query: pullQuery(parts),
      ...(auth ? { headers: { 'X-Registry-Auth': auth } } : {}),
      ...(signal ? { signal } : {}),
    });
    if ((res.statusCode ?? 0) >= 400) {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      const status = res.statusCode ?? 0;
      const message = engineMessage({ status, headers: res.headers, body: Buffer.concat(chunks) });
      const failureClass = classifyPullError(message);
      // A 5xx the registry did not cause (disk full, daemon bug) is the engine failing, not the stack.
      if (status >= 500 && failureClass === 'other') throw new EngineError(`pull ${ref}: ${message}`, status);
      throw new PullFailure(`pull ${ref}: ${message}`, failureClass);
    }
    try {
      for await (const raw of readNdjson(res)) {
        const line = raw as { status?: string; id?: string; progress?: string; error?: string };
        if (line.error) throw new PullFailure(`pull ${ref}: ${line.error}`, classifyPullError(line.error));
        if (onProgress && line.status) {
          onProgress([line.id && `${line.id}:`, line.status, line.progress].filter(Boolean).join(' '));
        }
      }
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      if (err instanceof PullFailure) throw err;
      throw new EngineError(`pull ${ref}: the engine broke off the progress stream`, undefined, { cause: err });
    }
  }

  async buildImage(spec: ImageBuildSpec, onProgress?: (status: string) => void, signal?: AbortSignal): Promise<void> {
    const dockerfile = isAbsolute(spec.dockerfile) ? spec.dockerfile : join(spec.contextDir, spec.dockerfile);
    const rel = relative(spec.contextDir, dockerfile);
    const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
    const archived = inside ? rel.split(sep).join('/') : outsideDockerfile;
    const registryConfig = await registryConfigHeader();
    const res = await this.http.open({
      method: 'POST',
      path: `${await this.prefix()}/build`,
      query: {
        t: spec.tag,
        dockerfile: archived,
        buildargs: JSON.stringify(spec.args),
        labels: JSON.stringify(spec.labels),
        target: spec.target,
        ...(spec.isolated ? { networkmode: 'none' } : {}),
        rm: 1,
        forcerm: 1,
      },
      headers: {
        'Content-Type': 'application/x-tar',
        ...(registryConfig ? { 'X-Registry-Config': registryConfig } : {}),
      },
      upload: contextTar(spec.contextDir, {
        keep: [archived],
        ...(inside ? {} : { extraFiles: [{ name: archived, source: dockerfile }] }),
      }),
      ...(signal ? { signal } : {}),
    });
    if ((res.statusCode ?? 0) >= 400) {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      const status = res.statusCode ?? 0;
      // The engine answers a build it refuses (no such Dockerfile, bad target) with an error status: the stack's fault.
      throw new BuildFailure(engineMessage({ status, headers: res.headers, body: Buffer.concat(chunks) }), []);
    }
    const log: string[] = [];
    try {
      for await (const raw of readNdjson(res)) {
        const line = raw as { stream?: string; error?: string; errorDetail?: { message?: string } };
        if (line.error || line.errorDetail) {
          throw new BuildFailure(line.errorDetail?.message || line.error || 'build failed', log.slice(-buildLogLines));
        }
        for (const text of (line.stream ?? '').split('\n')) {
          const trimmed = text.trimEnd();
          if (trimmed === '') continue;
          log.push(trimmed);
          if (log.length > buildLogLines) log.shift();
          onProgress?.(trimmed);
        }
      }
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      if (err instanceof BuildFailure) throw err;
      throw new EngineError(`build ${spec.tag}: the engine broke off the build output`, undefined, { cause: err });
    }
  }

  async removeImage(ref: string): Promise<void> {
    await this.call('DELETE', `/images/${pathRef(ref)}`, { absentOk: true });
  }

  async listImagesByLabel(label: string): Promise<LabelledImage[]> {
    const query = { filters: JSON.stringify({ label: [label] }) };
    const images = (await this.call('GET', '/images/json', { query, shape: 'array' })) as ApiImage[];
    return images.map((i) => ({
      id: i.Id,
      tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
      labels: i.Labels ?? {},
    }));
  }

  async createNetwork(opts: { name: string; labels: Record<string, string>; internal: boolean }): Promise<string> {
    const body = {
      Name: opts.name,
      Labels: opts.labels,
      Internal: opts.internal,
      CheckDuplicate: true,
      Driver: 'bridge',
      // An internal bridge still carries a host address, through which containers reach every service listening
      // on the host (moby/libnetwork#1151); without an address on the bridge the host is out of reach too.
      ...(opts.internal ? { Options: { 'com.docker.network.bridge.inhibit_ipv4': 'true' } } : {}),
    };
    const created = (await this.call('POST', '/networks/create', { body, shape: 'object' })) as { Id?: unknown };
    return createdId(created.Id, 'POST /networks/create');
  }

  async connectNetwork(networkId: string, containerId: string, aliases: string[]): Promise<void> {
    const body = { Container: containerId, EndpointConfig: { Aliases: aliases } };
    await this.call('POST', `/networks/${encodeURIComponent(networkId)}/connect`, { body });
  }

  async removeNetwork(id: string): Promise<void> {
    const path = `/networks/${encodeURIComponent(id)}`;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.call('DELETE', path, { absentOk: true });
        return;
      } catch (error) {
        // A container removed a moment ago (or by a racing sweep) can leave its endpoint behind briefly.
        if (!(error instanceof EngineError) || !/active endpoints/.test(error.message) || attempt >= 5) throw error;
        await this.disconnectAll(id);
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  /** Force-disconnects every endpoint the engine still lists on a network. */
  private async disconnectAll(id: string): Promise<void> {
    const network = (await this.call('GET', `/networks/${encodeURIComponent(id)}`, { absentOk: true })) as
      | { Containers?: Record<string, unknown> }
      | undefined;
    for (const container of Object.keys(network?.Containers ?? {})) {
      await this.call('POST', `/networks/${encodeURIComponent(id)}/disconnect`, {
        body: { Container: container, Force: true },
        absentOk: true,
      }).catch(() => undefined);
    }
  }

  async networkExists(name: string): Promise<boolean> {
    // The name filter matches substrings (and /networks/{x} matches ID prefixes): compare names exactly here.
    const query = { filters: JSON.stringify({ name: [name] }) };
    const networks = (await this.call('GET', '/networks', { query, shape: 'array' })) as ApiNetwork[];
    return networks.some((n) => n.Name === name);
  }

  async volumeExists(name: string): Promise<boolean> {
    return (await this.call('GET', `/volumes/${encodeURIComponent(name)}`, { absentOk: true })) !== undefined;
  }

  async createVolume(opts: { name: string; labels: Record<string, string> }): Promise<string> {
    const body = { Name: opts.name, Labels: opts.labels };
    const created = (await this.call('POST', '/volumes/create', { body, shape: 'object' })) as { Name?: unknown };
    return createdId(created.Name, 'POST /volumes/create');
  }

  async removeVolume(name: string): Promise<void> {
    await this.call('DELETE', `/volumes/${encodeURIComponent(name)}`, { absentOk: true });
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const body = containerBody(spec, await this.negotiated());
    const created = (await this.call('POST', '/containers/create', {
      query: { name: spec.name },
      body,
      shape: 'object',
    })) as { Id?: unknown };
    return createdId(created.Id, 'POST /containers/create');
  }

  async startContainer(id: string): Promise<void> {
    await this.call('POST', `/containers/${encodeURIComponent(id)}/start`);
  }

  async restartContainer(id: string): Promise<void> {
    await this.call('POST', `/containers/${encodeURIComponent(id)}/restart`, { query: { t: 0 } });
  }

  async inspectContainer(id: string): Promise<ContainerState> {
    const raw = (await this.call('GET', `/containers/${encodeURIComponent(id)}/json`, {
      shape: 'object',
    })) as ApiContainer;
    return containerState(raw);
  }

  async removeContainer(id: string): Promise<void> {
    const query = { force: 1, v: 1 };
    const path = `/containers/${encodeURIComponent(id)}`;
    try {
      await this.call('DELETE', path, { query, absentOk: true });
    } catch (error) {
      // A client that died mid-teardown (kill -9) may have left its removal running in the engine: wait for it,
      // so that the container's network and volumes can be removed next.
      if (!(error instanceof EngineError && error.statusCode === 409 && /in progress/.test(error.message))) throw error;
      for (let i = 0; i < removalPolls; i++) {
        if ((await this.call('GET', `${path}/json`, { absentOk: true })) === undefined) return;
        await sleep(removalPollMs);
      }
      await this.call('DELETE', path, { query, absentOk: true });
    }
  }

  async logs(id: string, tail: number): Promise<string[]> {
    // Timestamps let the lines be put back in time order: the engine may store a burst of stdout before stderr.
    const query = { stdout: 1, stderr: 1, timestamps: 1, tail: Math.max(0, Math.floor(tail)) };
    const res = await this.request({ method: 'GET', path: `/containers/${encodeURIComponent(id)}/logs`, query });
    this.check(res);
    return inTimeOrder(logBodyToLines(res.body));
  }

  async *events(label: string, signal: AbortSignal, sinceMs?: number): AsyncIterable<EngineEvent> {
    if (signal.aborted) return;
    const filters = JSON.stringify({ type: ['container'], label: [label] });
    const query = { filters, ...(sinceMs !== undefined ? { since: unixSeconds(sinceMs) } : {}) };
    let res: Awaited<ReturnType<HttpClient['open']>>;
    try {
      res = await this.http.open({ method: 'GET', path: `${await this.prefix()}/events`, query, signal });
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    if ((res.statusCode ?? 0) >= 400) {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      const status = res.statusCode ?? 0;
      throw new EngineError(engineMessage({ status, headers: res.headers, body: Buffer.concat(chunks) }), status);
    }
    try {
      for await (const raw of readNdjson(res)) {
        const event = toEngineEvent(raw as ApiEvent);
        if (event) yield event;
      }
    } catch (err) {
      if (signal.aborted) return;
      throw new EngineError('the engine broke off its event stream', undefined, { cause: err });
    } finally {
      res.destroy();
    }
    // An event stream only ends on its own when the engine went away; a silent end would stall readiness.
    if (!signal.aborted) throw new EngineError('the engine closed its event stream');
  }

  async listByLabel(label: string): Promise<LabelledResources> {
    const filters = JSON.stringify({ label: [label] });
    const [containers, networks, volumes] = await Promise.all([
      this.call('GET', '/containers/json', { query: { all: 1, filters }, shape: 'array' }) as Promise<
        ApiListedContainer[]
      >,
      this.call('GET', '/networks', { query: { filters }, shape: 'array' }) as Promise<ApiNetwork[]>,
      this.call('GET', '/volumes', { query: { filters }, shape: 'object' }) as Promise<{ Volumes: ApiVolume[] | null }>,
    ]);
    return {
      containers: containers.map((c) => ({
        id: c.Id,
        name: (c.Names?.[0] ?? '').replace(/^\//, ''),
        labels: c.Labels ?? {},
      })),
      networks: networks.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} })),
      volumes: (Array.isArray(volumes.Volumes) ? volumes.Volumes : []).map((v) => ({
        name: v.Name,
        labels: v.Labels ?? {},
      })),
    };
  }

  async putArchive(containerId: string, path: string, body: Readable | Buffer, signal?: AbortSignal): Promise<void> {
    const res = await this.http.open({
      method: 'PUT',
      path: `${await this.prefix()}/containers/${encodeURIComponent(containerId)}/archive`,
      query: { path, noOverwriteDirNonDir: 1 },
      headers: { 'Content-Type': 'application/x-tar' },
      upload: Buffer.isBuffer(body) ? Readable.from([body]) : body,
      ...(signal ? { signal } : {}),
    });
    await this.drain(res, `put archive into ${path}`);
  }

  async getArchive(containerId: string, path: string, signal?: AbortSignal): Promise<Readable> {
    const res = await this.http.open({
      method: 'GET',
      path: `${await this.prefix()}/containers/${encodeURIComponent(containerId)}/archive`,
      query: { path },
      ...(signal ? { signal } : {}),
    });
    if ((res.statusCode ?? 0) >= 400) await this.drain(res, `get archive of ${path}`);
    return res;
  }

  async exec(containerId: string, spec: ExecSpec): Promise<ExecResult> {
    const body = {
      AttachStdout: true,
      AttachStderr: true,
      Cmd: spec.cmd,
      ...(spec.user !== undefined ? { User: spec.user } : {}),
      ...(spec.env ? { Env: spec.env } : {}),
    };
    const created = (await this.call('POST', `/containers/${encodeURIComponent(containerId)}/exec`, {
      body,
      shape: 'object',
    })) as { Id?: unknown };
    const execPath = `/exec/${encodeURIComponent(createdId(created.Id, 'POST /containers/{id}/exec'))}`;
    const timeout = AbortSignal.timeout(spec.timeoutMs);
    const chunks: Buffer[] = [];
    try {
      const res = await this.http.open({
        method: 'POST',
        path: `${await this.prefix()}${execPath}/start`,
        body: { Detach: false, Tty: false },
        signal: timeout,
      });
      if ((res.statusCode ?? 0) >= 400) await this.drain(res, `exec in ${containerId}`);
      for await (const chunk of res) chunks.push(chunk as Buffer);
    } catch (err) {
      if (!timeout.aborted) throw err;
    }
    // An aborted stream may end quietly instead of failing: the timeout decides, not the way it ended.
    if (timeout.aborted) return { ...splitExecOutput(Buffer.concat(chunks)), timedOut: true };
    const inspected = (await this.call('GET', `${execPath}/json`, { shape: 'object' })) as {
      ExitCode?: number | null;
      Running?: boolean;
    };
    return {
      ...splitExecOutput(Buffer.concat(chunks)),
      ...(inspected.ExitCode !== null && inspected.ExitCode !== undefined && !inspected.Running
        ? { exitCode: inspected.ExitCode }
        : {}),
      timedOut: false,
    };
  }

  /** Reads a streamed response to its end and throws the engine's message when its status is an error. */
  private async drain(res: Awaited<ReturnType<HttpClient['open']>>, what: string): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const status = res.statusCode ?? 0;
    if (status >= 400) {
      const message = engineMessage({ status, headers: res.headers, body: Buffer.concat(chunks) });
      throw new EngineError(`${what}: ${message}`, status);
    }
  }

  /** Sends a request under the negotiated prefix and returns the parsed JSON body (undefined when empty). */
  private async call(
    method: HttpRequest['method'],
    path: string,
    opts: {
      query?: Query;
      body?: unknown;
      signal?: AbortSignal | undefined;
      absentOk?: boolean;
      /** What the answer must be; anything else is an engine failure (exit 3), never a crash further on. */
      shape?: 'array' | 'object';
    } = {},
  ): Promise<unknown> {
    const res = await this.request({
      method,
      path,
      ...(opts.query ? { query: opts.query } : {}),
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (res.status === 404 && opts.absentOk) return undefined;
    this.check(res);
    let parsed: unknown;
    try {
      parsed = res.body.length === 0 ? undefined : JSON.parse(res.body.toString('utf8'));
    } catch (err) {
      throw new EngineError(`${method} ${path}: the engine answered something that is not JSON`, res.status, {
        cause: err,
      });
    }
    const fits =
      opts.shape === undefined ||
      (opts.shape === 'array'
        ? Array.isArray(parsed)
        : typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed));
    if (!fits)
      throw new EngineError(`${method} ${path}: the engine gave an unexpected answer (not a JSON ${opts.shape})`);
    return parsed;
  }

  private async request(req: HttpRequest): Promise<HttpResponse> {
    return this.http.send({ ...req, path: `${await this.prefix()}${req.path}` });
  }

  private check(res: HttpResponse): void {
    if (res.status >= 400) throw new EngineError(engineMessage(res), res.status);
  }

  private negotiated(signal?: AbortSignal): Promise<string> {
    if (!this.apiVersion) {
      this.apiVersion = this.negotiate(signal);
      // A failed negotiation must not be cached: the next call retries (the engine may have come up since).
      this.apiVersion.catch(() => {
        this.apiVersion = undefined;
      });
    }
    return this.apiVersion;
  }

  private async prefix(): Promise<string> {
    return `/v${await this.negotiated()}`;
  }

  private async negotiate(signal?: AbortSignal): Promise<string> {
    const res = await this.http.send({ method: 'GET', path: '/_ping', ...(signal ? { signal } : {}) });
    if (res.status !== 200) {
      throw new EngineError(`Docker engine at ${this.http.endpoint.display} answered /_ping with HTTP ${res.status}`);
    }
    const header = res.headers['api-version'];
    const server = typeof header === 'string' ? header : '1.24';
    return compareVersions(server, maxApiVersion) < 0 ? server : maxApiVersion;
  }
}

// ── Engine API shapes (subset) ────────────────────────────────────────────────────────────────────────────

interface ApiHealth {
  Status?: string;
  Log?: { ExitCode?: number; Output?: string; End?: string }[] | null;
}

interface ApiContainer {
  Id: string;
  Name: string;
  State: {
    Status: ContainerState['status'];
    ExitCode?: number;
    OOMKilled?: boolean;
    Error?: string;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: ApiHealth;
  };
  RestartCount?: number;
  Config?: { ExposedPorts?: Record<string, unknown> | null };
}

interface ApiListedContainer {
  Id: string;
  Names?: string[];
  Labels?: Record<string, string> | null;
}

interface ApiNetwork {
  Id: string;
  Name: string;
  Labels?: Record<string, string> | null;
}

interface ApiImage {
  Id: string;
  RepoTags?: string[] | null;
  Labels?: Record<string, string> | null;
}

interface ApiVolume {
  Name: string;
  Labels?: Record<string, string> | null;
}

interface ApiEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

/** Engine timestamps that are not instants ("never started"). */
const zeroTime = '0001-01-01T00:00:00Z';

function containerState(raw: ApiContainer): ContainerState {
  const s = raw.State;
  const health = s.Health?.Status ? toHealth(s.Health.Status) : 'none';
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ''),
    status: s.Status,
    exitCode: s.ExitCode ?? 0,
    oomKilled: s.OOMKilled ?? false,
    restartCount: raw.RestartCount ?? 0,
    health,
    healthLog: (s.Health?.Log ?? []).map((entry) => ({
      exitCode: entry.ExitCode ?? -1,
      output: entry.Output ?? '',
      end: entry.End ?? '',
    })),
    ...(s.StartedAt && s.StartedAt !== zeroTime ? { startedAt: s.StartedAt } : {}),
    ...(s.FinishedAt && s.FinishedAt !== zeroTime ? { finishedAt: s.FinishedAt } : {}),
    ...(s.Error ? { error: s.Error } : {}),
    ...(raw.Config?.ExposedPorts ? { exposedPorts: Object.keys(raw.Config.ExposedPorts).sort() } : {}),
  };
}

/** Exec output is framed like non-TTY logs; an unframed body (a TTY exec) is all stdout. */
function splitExecOutput(body: Buffer): { stdout: string; stderr: string } {
  const frames = demuxLogFrames(body);
  if (frames === undefined) return { stdout: body.toString('utf8'), stderr: '' };
  const text = (stream: string) =>
    Buffer.concat(frames.filter((f) => f.stream === stream).map((f) => f.payload)).toString('utf8');
  return { stdout: text('stdout'), stderr: text('stderr') };
}

function toHealth(status: string): HealthStatus {
  return status === 'starting' || status === 'healthy' || status === 'unhealthy' ? status : 'none';
}

/** Attributes the engine mixes into container events next to the labels. */
const eventAttributes = new Set(['image', 'name', 'exitCode', 'signal', 'execID']);

function toEngineEvent(raw: ApiEvent): EngineEvent | undefined {
  const id = raw.Actor?.ID;
  if (raw.Type !== 'container' || !id || !raw.Action) return undefined;
  // `health_status: healthy`, `exec_start: sh -c …`: the verb is the part before the colon.
  const colon = raw.Action.indexOf(':');
  const action = colon >= 0 ? raw.Action.slice(0, colon).trim() : raw.Action.trim();
  const detail = colon >= 0 ? raw.Action.slice(colon + 1).trim() : '';
  const attributes = raw.Actor?.Attributes ?? {};
  const labels = Object.fromEntries(Object.entries(attributes).filter(([key]) => !eventAttributes.has(key)));
  const exitCode = attributes.exitCode !== undefined ? Number(attributes.exitCode) : undefined;
  const timeMs = raw.timeNano !== undefined ? Math.floor(raw.timeNano / 1e6) : (raw.time ?? 0) * 1000;
  return {
    containerId: id,
    action,
    ...(action === 'health_status' ? { health: toHealth(detail) } : {}),
    ...(action === 'die' && exitCode !== undefined && Number.isFinite(exitCode) ? { exitCode } : {}),
    labels,
    timeMs,
  };
}

// ── ContainerSpec → POST /containers/create body ─────────────────────────────────────────────────────────

const nsPerMs = 1_000_000;

/** The create body for `spec` under API `apiVersion`; refuses features the engine would silently ignore. */
export function containerBody(spec: ContainerSpec, apiVersion: string): Record<string, unknown> {
  const joinsNetwork = spec.networkMode === undefined && spec.network !== undefined;
  const hostConfig = {
    Mounts: spec.mounts.map((m) => mountBody(m, apiVersion, spec.labels)),
    CapAdd: spec.capAdd,
    CapDrop: spec.capDrop,
    Privileged: spec.privileged,
    Devices: spec.devices.map(deviceBody),
    Ulimits: Object.entries(spec.ulimits).map(([Name, u]) => ({ Name, Soft: u.soft, Hard: u.hard })),
    Sysctls: spec.sysctls,
    ExtraHosts: spec.extraHosts.map(extraHost),
    Dns: spec.dns,
    ReadonlyRootfs: spec.readOnlyRootfs,
    SecurityOpt: spec.securityOpt,
    RestartPolicy: {
      Name: spec.restart.name === 'no' ? '' : spec.restart.name,
      ...(spec.restart.name === 'on-failure' && spec.restart.maxRetries !== undefined
        ? { MaximumRetryCount: spec.restart.maxRetries }
        : {}),
    },
    ...(spec.shmSizeBytes !== undefined ? { ShmSize: spec.shmSizeBytes } : {}),
    // As Compose does: the limit alone, swap left to the engine's default (memswap_limit is not carried through).
    ...(spec.memoryBytes !== undefined ? { Memory: spec.memoryBytes } : {}),
    ...(spec.init !== undefined ? { Init: spec.init } : {}),
    ...(spec.pid !== undefined ? { PidMode: spec.pid } : {}),
    ...(spec.ipc !== undefined ? { IpcMode: spec.ipc } : {}),
    ...(spec.networkMode !== undefined
      ? { NetworkMode: spec.networkMode }
      : joinsNetwork
        ? { NetworkMode: spec.network!.name }
        : {}),
  };
  return {
    Image: spec.image,
    Env: spec.env,
    Labels: spec.labels,
    ...(spec.cmd !== undefined ? { Cmd: spec.cmd } : {}),
    // An empty array (not null) is what makes the engine drop the image's entrypoint.
    ...(spec.entrypoint !== undefined ? { Entrypoint: spec.entrypoint } : {}),
    ...(spec.user !== undefined ? { User: spec.user } : {}),
    ...(spec.workingDir !== undefined ? { WorkingDir: spec.workingDir } : {}),
    ...(spec.hostname !== undefined ? { Hostname: spec.hostname } : {}),
    ...(spec.stopSignal !== undefined ? { StopSignal: spec.stopSignal } : {}),
    ...(spec.healthcheck ? { Healthcheck: healthcheckBody(spec.healthcheck, apiVersion) } : {}),
    ExposedPorts: Object.fromEntries(spec.exposedPorts.flatMap(exposedPorts).map((p) => [p, {}])),
    HostConfig: hostConfig,
    ...(joinsNetwork
      ? {
          NetworkingConfig: {
            EndpointsConfig: {
              [spec.network!.name]: {
                Aliases: spec.network!.aliases,
                ...(spec.network!.ipv4Address ? { IPAMConfig: { IPv4Address: spec.network!.ipv4Address } } : {}),
              },
            },
          },
        }
      : {}),
  };
}

function healthcheckBody(hc: Healthcheck, apiVersion: string): Record<string, unknown> {
  if (hc.disabled) return { Test: ['NONE'] };
  const ns = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * nsPerMs));
  const body: Record<string, unknown> = {
    Test: hc.test,
    Interval: ns(hc.intervalMs),
    Timeout: ns(hc.timeoutMs),
    StartPeriod: ns(hc.startPeriodMs),
    Retries: hc.retries,
    // Older engines would reject or ignore it; compose drops it the same way.
    StartInterval: compareVersions(apiVersion, '1.44') >= 0 ? ns(hc.startIntervalMs) : undefined,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

function mountBody(m: MountSpec, apiVersion: string, labels: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = { Type: m.type, Target: m.target, ReadOnly: m.readOnly };
  if (m.source !== undefined && m.type !== 'tmpfs') body.Source = m.source;
  // Read-only must hold below the bind too (another filesystem mounted inside it); engines before API 1.44 cannot
  // say so, and the run refuses such binds there (checkRecursiveReadOnly).
  if (m.type === 'bind' && m.readOnly && compareVersions(apiVersion, '1.44') >= 0) {
    body.BindOptions = { ReadOnlyForceRecursive: true };
  }
  if (m.type === 'volume') {
    if (m.subpath !== undefined && compareVersions(apiVersion, '1.45') < 0) {
      throw new EngineError(
        `volume subpath for ${m.target} needs Docker API 1.45; this engine speaks ${apiVersion} and would ignore it`,
      );
    }
    // The engine creates a missing named volume on container create. If teardown removed the scratch volume while
    // the create was in flight, the volume it re-creates carries the container's labels, so a sweep still finds it.
    body.VolumeOptions = {
      Labels: labels,
      ...(m.nocopy !== undefined ? { NoCopy: m.nocopy } : {}),
      ...(m.subpath !== undefined ? { Subpath: m.subpath } : {}),
    };
  }
  if (m.type === 'tmpfs' && (m.tmpfsSizeBytes !== undefined || m.tmpfsMode !== undefined)) {
    body.TmpfsOptions = {
      ...(m.tmpfsSizeBytes !== undefined ? { SizeBytes: m.tmpfsSizeBytes } : {}),
      ...(m.tmpfsMode !== undefined ? { Mode: m.tmpfsMode } : {}),
    };
  }
  return body;
}

/** `host[:container[:perms]]`, where a lone second part made only of r/w/m letters is the permissions (as the CLI reads it). */
export function deviceBody(device: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const [host = '', second, third] = device.split(':');
  const isPerms = (s: string | undefined) => s !== undefined && /^[rwm]{1,3}$/.test(s);
  if (third !== undefined) return { PathOnHost: host, PathInContainer: second || host, CgroupPermissions: third };
  if (isPerms(second)) return { PathOnHost: host, PathInContainer: host, CgroupPermissions: second! };
  return { PathOnHost: host, PathInContainer: second || host, CgroupPermissions: 'rwm' };
}

/** `host=ip` (compose's newer spelling) becomes the engine's `host:ip`; `host:ip` passes unchanged. */
export function extraHost(entry: string): string {
  const eq = entry.indexOf('=');
  return eq >= 0 ? `${entry.slice(0, eq)}:${entry.slice(eq + 1)}` : entry;
}

/** `80`, `80/udp`, `8000-8002/tcp` → the engine's `port/proto` keys, ranges expanded. */
export function exposedPorts(entry: string): string[] {
  const [ports = '', proto = 'tcp'] = entry.split('/');
  const [from, to] = ports.split('-').map(Number);
  if (from === undefined || !Number.isInteger(from)) return [`${ports}/${proto}`];
  const last = to !== undefined && Number.isInteger(to) ? to : from;
  return Array.from({ length: Math.max(1, last - from + 1) }, (_, i) => `${from + i}/${proto}`);
}

// ── Helpers ──────────────────────────────────────────────────────────────────────────────────────────────

/** Which failure class an engine pull error message belongs to; the wording comes from registries and the engine. */
export function classifyPullError(message: string): PullFailureClass {
  const m = message.toLowerCase();
  if (/toomanyrequests|rate limit/.test(m)) return 'rate_limited';
  if (/connection refused|no such host|timeout|timed out|dial tcp|network is unreachable|no route to host/.test(m)) {
    return 'unreachable';
  }
  // Docker Hub answers a missing repository with "…does not exist or may require 'docker login'": call it not found.
  if (/manifest unknown|not found|does not exist|name unknown/.test(m)) return 'not_found';
  if (/unauthorized|authentication required|denied|no basic auth credentials|forbidden/.test(m)) return 'unauthorized';
  return 'other';
}

/** Numeric comparison of `major.minor` API versions. */
function compareVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** The engine's `since` parameter: seconds with a nanosecond fraction. */
function unixSeconds(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const nanos = Math.round((ms - whole * 1000) * nsPerMs);
  return `${whole}.${String(nanos).padStart(9, '0')}`;
}

/** Image references go into the path unescaped apart from what would break it: `/`, `:` and `@` are routed by the engine. */
function pathRef(ref: string): string {
  return encodeURIComponent(ref).replaceAll('%2F', '/').replaceAll('%3A', ':').replaceAll('%40', '@');
}

/** The id (or name) the engine gave a created resource; anything but a non-empty string is an engine failure. */
function createdId(value: unknown, request: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new EngineError(`${request}: the engine gave an unexpected answer (no id for what it created)`);
}
