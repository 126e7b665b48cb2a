import { Transform } from 'node:stream';
import { formatAge } from '../compose/duration.js';
import type { Engine } from '../engine/engine.js';
import type { Finding, Plan, PlannedVolume, RestoreRecord } from '../model.js';
import { formatBytes } from '../render/format.js';
import { archiveSource } from './archive-source.js';
import { borgSource } from './borg-source.js';
import { directorySource } from './directory-source.js';
import { ensureImage, helperSpec } from './helper-container.js';
import type { ResolvedRestore } from './inspect-restores.js';
import { liveVolumeSource } from './live-volume-source.js';
import { measureDirectory } from './measure-directory.js';
import { resticSource } from './restic-source.js';
import { RESTORE_MOUNT, type TarSource } from './tar-source.js';

/** What the restore step needs from the run: the engine, its cleanup scope, the clock and the abort signal. */
export interface RestoreDeps {
  engine: Engine;
  /** Registers a created container, a created volume's undo, and removes a helper at once. */
  scope: {
    trackContainer(id: string): void;
    track(what: string, fn: () => Promise<void>): void;
    removeContainerNow(id: string): Promise<void>;
  };
  signal: AbortSignal;
  now: () => number;
  onPhase?: (volume: string, phase: string) => void;
}

export interface RestoreOptions {
  /** Explicit restores, checked and pinned by inspectRestores. */
  restores: ResolvedRestore[];
  /** Bind paths above this are not copied. */
  bindSizeCapBytes: number;
  /** Epoch ms the run started: snapshot ages are measured from it. */
  startedAtMs: number;
}

/**
 * Fills the plan's scratch volumes before any service container exists: each volume with a declared
 * restore from its source, each copied bind from its host path (within the size cap). Volumes are created
 * here (with the run's labels, tracked by the scope; the boot's own create is then a no-op) and filled
 * through a created-but-never-started helper container using an image of the stack, by the engine's
 * archive endpoint, so owners and modes come from the tar headers. Live volumes and paths are only read.
 * A source that fails is a record with an error, not an exception; only interruption throws.
 */
export async function restoreVolumes(
  plan: Plan,
  options: RestoreOptions,
  deps: RestoreDeps,
): Promise<{ records: RestoreRecord[]; findings: Finding[] }> {
  const findings: Finding[] = [];
  const jobs = await Promise.all(plan.volumes.map((v) => jobFor(v, plan, options, deps, findings)));
  const records = await Promise.all(
    jobs.filter((j): j is Job => j !== undefined).map((job) => runJob(job, plan, options, deps)),
  );
  if (deps.signal.aborted) throw deps.signal.reason ?? new Error('interrupted');
  for (const r of records) {
    const spec = options.restores.find((x) => x.spec.name === r.name)?.spec;
    if (spec?.maxAgeMs !== undefined && r.ageMs !== undefined && r.ageMs > spec.maxAgeMs) {
      findings.push({
        rule: 'backup_stale',
        severity: 'warning',
        message: `${r.source} is ${formatAge(r.ageMs)} old, older than its max_age ${formatAge(spec.maxAgeMs)}`,
      });
    }
  }
  return { records: records.sort((a, b) => a.volume.localeCompare(b.volume)), findings };
}

interface Job {
  volume: PlannedVolume;
  name: string;
  /** Builds the source once the helper image is known (a live volume is read through a helper too). */
  source: (image: string) => TarSource;
  resolved?: ResolvedRestore;
}

async function jobFor(
  v: PlannedVolume,
  plan: Plan,
  options: RestoreOptions,
  deps: RestoreDeps,
  findings: Finding[],
): Promise<Job | undefined> {
  const resolved = options.restores.find((r) => r.spec.name === v.key || r.spec.name === v.bind?.target);
  if (resolved)
    return {
      volume: v,
      name: resolved.spec.name,
      source: (image) => sourceOf(resolved, v, plan, image, deps),
      resolved,
    };
  if (v.seed !== 'bind' || !v.bind) return undefined;
  const { source, service } = v.bind;
  const size = await measureDirectory(source, options.bindSizeCapBytes);
  if (size > options.bindSizeCapBytes) {
    findings.push({
      rule: 'bind_size_cap',
      severity: 'warning',
      service,
      message: `bind ${source} holds more than ${formatBytes(options.bindSizeCapBytes)}: not copied, ${v.bind.target} starts empty (raise bind_size_cap or use --binds readonly)`,
    });
    return undefined;
  }
  return { volume: v, name: v.bind.target, source: () => directorySource(source, `bind ${source}`) };
}

function sourceOf(r: ResolvedRestore, v: PlannedVolume, plan: Plan, image: string, deps: RestoreDeps): TarSource {
  const spec = r.spec;
  if (r.liveVolume) {
    return liveVolumeSource(r.liveVolume, {
      engine: deps.engine,
      image,
      helperName: `${plan.sandbox}-read-${v.key}`,
      labels: plan.labels,
      track: (id) => deps.scope.trackContainer(id),
      remove: (id) => deps.scope.removeContainerNow(id),
    });
  }
  if (r.livePath) return directorySource(r.livePath, `live bind ${r.livePath}`);
  if (r.archiveFormat) return archiveSource(spec.path!, r.archiveFormat, spec.subpath);
  if (spec.from === 'restic') return resticSource(spec, r.snapshot!, r.env ?? process.env);
  if (spec.from === 'borg') return borgSource(spec, r.snapshot!, r.env ?? process.env);
  return directorySource(spec.subpath ? `${spec.path!}/${spec.subpath}` : spec.path!);
}

async function runJob(job: Job, plan: Plan, options: RestoreOptions, deps: RestoreDeps): Promise<RestoreRecord> {
  const { engine, scope, signal } = deps;
  const v = job.volume;
  const started = deps.now();
  const snapshot = job.resolved?.snapshot;
  const base = {
    name: job.name,
    volume: v.name,
    ...(snapshot
      ? {
          snapshot: snapshot.id,
          snapshotTime: snapshot.time,
          ageMs: Math.max(0, options.startedAtMs - Date.parse(snapshot.time)),
        }
      : {}),
  };
  let label = job.resolved ? describe(job.resolved) : `bind ${v.bind?.source}`;
  let bytes = 0;
  deps.onPhase?.(job.name, 'Restoring');
  try {
    await engine.createVolume({ name: v.name, labels: plan.labels });
    scope.track(`volume ${v.name}`, () => engine.removeVolume(v.name));
    const image = await helperImage(v, plan, engine, signal);
    const source = job.source(image);
    label = source.label;
    const helper = await engine.createContainer(
      helperSpec({
        name: `${plan.sandbox}-restore-${v.key}`,
        image,
        labels: plan.labels,
        mounts: [{ type: 'volume', source: v.name, target: RESTORE_MOUNT, readOnly: false, nocopy: true }],
      }),
    );
    scope.trackContainer(helper);
    const opened = await source.open(signal);
    try {
      // A transform, not a 'data' listener: a listener would start the flow before the upload reads it.
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      opened.stream.on('error', (err) => counted.destroy(err));
      opened.stream.pipe(counted);
      // A container archive names entries after the mount point, so it is unpacked at / onto that mount.
      await engine.putArchive(helper, opened.rooted ? '/' : RESTORE_MOUNT, counted, signal);
    } finally {
      await opened.close();
      await scope.removeContainerNow(helper).catch(() => {});
    }
    return { ...base, source: label, bytes, ms: deps.now() - started };
  } catch (error) {
    if (signal.aborted) throw error;
    return { ...base, source: label, bytes, ms: deps.now() - started, error: messageOf(error) };
  }
}

/** An image of a service mounting the volume (any service's, failing that) that is on the engine or can be pulled. */
async function helperImage(v: PlannedVolume, plan: Plan, engine: Engine, signal: AbortSignal): Promise<string> {
  const mounting = plan.containers.filter((c) => c.mounts.some((m) => m.source === v.name));
  const candidates = [...mounting, ...plan.containers].filter((c) => c.pullPolicy !== 'build').map((c) => c.image);
  for (const image of new Set(candidates)) if (await ensureImage(engine, image, signal)) return image;
  throw new Error('no image of the stack is available to host the restore helper (all are built or unpullable)');
}

function describe(r: ResolvedRestore): string {
  const s = r.spec;
  if (r.liveVolume) return `live volume ${r.liveVolume}`;
  if (r.livePath) return `live bind ${r.livePath}`;
  if (s.from === 'restic' || s.from === 'borg') return `${s.from} ${s.repository} ${r.snapshot?.id ?? s.snapshot}`;
  return `${s.from} ${s.path}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
