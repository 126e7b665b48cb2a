// Test support: an in-memory Engine whose containers follow a script per image, for unit tests of the
// boot logic. Real-engine behaviour is covered by the *.docker.test.ts files; this only drives events.
import type {
  ContainerSpec,
  ContainerState,
  Engine,
  EngineEvent,
  EngineInfo,
  ExecResult,
  ImageBuildSpec,
  LabelledImage,
  LabelledResources,
} from '../../src/engine/engine.js';
import { BuildFailure, PullFailure } from '../../src/engine/engine.js';

/** What a container running an image does once started. */
export interface ImageScript {
  /** Exit with this code after the delay. */
  exit?: { afterMs: number; code: number };
  /** Report this health status after the delay (needs a healthcheck in the spec). */
  health?: { afterMs: number; status: 'healthy' | 'unhealthy' };
  /** Restart this many times after exiting (restart policy simulation). */
  restarts?: number;
  /** Killed by the OOM killer after the delay (exit 137). */
  oom?: { afterMs: number };
}

interface FakeContainer {
  id: string;
  spec: ContainerSpec;
  status: ContainerState['status'];
  exitCode: number;
  starts: number;
  oomKilled: boolean;
  timers: NodeJS.Timeout[];
}

/** An Engine double: records calls, emits create/start/health_status/die events on a script. */
export class FakeEngine implements Engine {
  readonly calls: string[] = [];
  readonly containers = new Map<string, FakeContainer>();
  readonly networks = new Map<string, Record<string, string>>();
  readonly volumes = new Map<string, Record<string, string>>();
  /** Built images by tag, with their labels. */
  readonly images = new Map<string, Record<string, string>>();
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private nextId = 1;

  constructor(
    private readonly scripts: Record<string, ImageScript>,
    private readonly localImages: Set<string> = new Set(Object.keys(scripts)),
  ) {}

  async ping(): Promise<EngineInfo> {
    return { version: 'fake', apiVersion: '1.41', os: 'linux' };
  }
  async imageExists(ref: string): Promise<boolean> {
    return this.localImages.has(ref);
  }
  async pullImage(ref: string): Promise<void> {
    this.calls.push(`pull ${ref}`);
    if (!(ref in this.scripts)) throw new PullFailure(`manifest for ${ref} not found`, 'not_found');
    this.localImages.add(ref);
  }
  /** Builds succeed unless the context directory's name contains `broken`. */
  async buildImage(spec: ImageBuildSpec): Promise<void> {
    this.calls.push(`build ${spec.tag}`);
    if (spec.contextDir.includes('broken'))
      throw new BuildFailure('The command returned a non-zero code: 3', ['step 1/1']);
    this.images.set(spec.tag, spec.labels);
    this.localImages.add(spec.tag);
  }
  async removeImage(ref: string): Promise<void> {
    this.calls.push(`rmi ${ref}`);
    this.images.delete(ref);
    this.localImages.delete(ref);
  }
  async listImagesByLabel(label: string): Promise<LabelledImage[]> {
    const [key, value] = label.split('=');
    return [...this.images]
      .filter(([, l]) => (value === undefined ? key! in l : l[key!] === value))
      .map(([tag, labels]) => ({ id: `sha256:${tag}`, tags: [tag], labels }));
  }
  async createNetwork(opts: { name: string; labels: Record<string, string> }): Promise<string> {
    this.calls.push(`network ${opts.name}`);
    this.networks.set(opts.name, opts.labels);
    return opts.name;
  }
  async connectNetwork(): Promise<void> {}
  async removeNetwork(id: string): Promise<void> {
    this.networks.delete(id);
  }
  async networkExists(name: string): Promise<boolean> {
    return this.networks.has(name);
  }
  async volumeExists(name: string): Promise<boolean> {
    return this.volumes.has(name);
  }
  async createVolume(opts: { name: string; labels: Record<string, string> }): Promise<string> {
    this.volumes.set(opts.name, opts.labels);
    return opts.name;
  }
  async removeVolume(name: string): Promise<void> {
    this.volumes.delete(name);
  }
  async createContainer(spec: ContainerSpec): Promise<string> {
    const id = `c${this.nextId++}`;
    this.calls.push(`create ${spec.labels['rehearsa.service']}`);
    this.containers.set(id, { id, spec, status: 'created', exitCode: 0, starts: 0, oomKilled: false, timers: [] });
    this.emit(id, 'create');
    return id;
  }
  async startContainer(id: string): Promise<void> {
    const c = this.containers.get(id)!;
    this.calls.push(`start ${c.spec.labels['rehearsa.service']}`);
    this.run(c);
  }
  async restartContainer(id: string): Promise<void> {
    const c = this.containers.get(id)!;
    this.calls.push(`restart ${c.spec.labels['rehearsa.service']}`);
    for (const t of c.timers) clearTimeout(t);
    c.timers = [];
    this.emit(id, 'die', { exitCode: 137 });
    this.emit(id, 'restart');
    this.run(c);
  }
  async inspectContainer(id: string): Promise<ContainerState> {
    const c = this.containers.get(id)!;
    return {
      id,
      name: c.spec.name,
      status: c.status,
      exitCode: c.exitCode,
      oomKilled: c.oomKilled,
      restartCount: Math.max(0, c.starts - 1),
      health: 'none',
      healthLog: [],
    };
  }
  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    for (const t of c.timers) clearTimeout(t);
    this.containers.delete(id);
  }
  async logs(id: string): Promise<string[]> {
    return [`log of ${this.containers.get(id)?.spec.name}`];
  }
  async *events(label: string, signal: AbortSignal): AsyncIterable<EngineEvent> {
    const queue: EngineEvent[] = [];
    let wake: (() => void) | undefined;
    const listener = (e: EngineEvent) => {
      const [key, value] = label.split('=');
      if (e.labels[key!] !== value) return;
      queue.push(e);
      wake?.();
    };
    this.listeners.add(listener);
    const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    try {
      while (!signal.aborted) {
        if (queue.length === 0) await Promise.race([new Promise<void>((r) => (wake = r)), aborted]);
        while (queue.length > 0) yield queue.shift()!;
      }
    } finally {
      this.listeners.delete(listener);
    }
  }
  async listByLabel(label: string): Promise<LabelledResources> {
    const [key, value] = label.split('=');
    const match = (labels: Record<string, string>) => (value === undefined ? key! in labels : labels[key!] === value);
    return {
      containers: [...this.containers.values()]
        .filter((c) => match(c.spec.labels))
        .map((c) => ({ id: c.id, name: c.spec.name, labels: c.spec.labels })),
      networks: [...this.networks].filter(([, l]) => match(l)).map(([name, labels]) => ({ id: name, name, labels })),
      volumes: [...this.volumes].filter(([, l]) => match(l)).map(([name, labels]) => ({ name, labels })),
    };
  }

  async putArchive(containerId: string, path: string): Promise<void> {
    this.calls.push(`put archive ${containerId} ${path}`);
  }
  async getArchive(containerId: string, path: string): Promise<never> {
    throw new Error(`the fake engine keeps no files (get archive ${containerId} ${path})`);
  }
  async exec(containerId: string, spec: { cmd: string[] }): Promise<ExecResult> {
    this.calls.push(`exec ${containerId} ${spec.cmd.join(' ')}`);
    return { exitCode: 0, stdout: '', stderr: '', timedOut: false };
  }

  private run(c: FakeContainer): void {
    const script = this.scripts[c.spec.image] ?? {};
    c.status = 'running';
    c.starts++;
    this.emit(c.id, 'start');
    if (script.health && c.spec.healthcheck) {
      const { afterMs, status } = script.health;
      c.timers.push(setTimeout(() => this.emit(c.id, 'health_status', { health: status }), afterMs));
    }
    if (script.oom) {
      c.timers.push(
        setTimeout(() => {
          c.status = 'exited';
          c.exitCode = 137;
          c.oomKilled = true;
          this.emit(c.id, 'oom');
          this.emit(c.id, 'die', { exitCode: 137 });
        }, script.oom.afterMs),
      );
    }
    if (script.exit) {
      const { afterMs, code } = script.exit;
      c.timers.push(
        setTimeout(() => {
          c.status = 'exited';
          c.exitCode = code;
          this.emit(c.id, 'die', { exitCode: code });
          if (c.starts <= (script.restarts ?? 0)) this.run(c);
        }, afterMs),
      );
    }
  }

  private emit(id: string, action: string, extra: Partial<EngineEvent> = {}): void {
    const c = this.containers.get(id);
    if (!c) return;
    const event: EngineEvent = { containerId: id, action, labels: c.spec.labels, timeMs: Date.now(), ...extra };
    for (const l of this.listeners) l(event);
  }
}
