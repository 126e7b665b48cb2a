import type { Engine } from '../engine/engine.js';
import { OWNER_LABEL, RUN_LABEL } from '../plan/labels.js';
import { isOwnerAlive } from './owner.js';
import { removeLabelledImage } from './run-scope.js';

export interface SweepReport {
  /** Run ids whose leftovers were removed. */
  removedRuns: string[];
  containers: number;
  networks: number;
  volumes: number;
  /** Images built by dead runs that were removed. */
  images: number;
  /** Run ids left alone because their process is still alive. */
  liveRuns: string[];
  problems: string[];
}

/**
 * Removes every labelled container, network, volume and built image whose owning rehearsal process is dead; resources
 * of a rehearsal still running (or on another host) are left alone.
 */
export async function sweepDeadRuns(engine: Engine): Promise<SweepReport> {
  const [found, images] = await Promise.all([engine.listByLabel(RUN_LABEL), engine.listImagesByLabel(RUN_LABEL)]);
  const owners = new Map<string, string | undefined>();
  for (const r of [...found.containers, ...found.networks, ...found.volumes, ...images]) {
    const run = r.labels[RUN_LABEL];
    if (run && !owners.has(run)) owners.set(run, r.labels[OWNER_LABEL]);
  }
  const dead = new Set([...owners].filter(([, owner]) => !isOwnerAlive(owner)).map(([run]) => run));
  const isDead = (labels: Record<string, string>) => dead.has(labels[RUN_LABEL] ?? '');
  const report: SweepReport = {
    removedRuns: [...dead].sort(),
    containers: 0,
    networks: 0,
    volumes: 0,
    images: 0,
    liveRuns: [...owners.keys()].filter((r) => !dead.has(r)).sort(),
    problems: [],
  };
  const note = (what: string) => (error: unknown) => {
    report.problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  };
  await Promise.all(
    found.containers
      .filter((c) => isDead(c.labels))
      .map((c) => engine.removeContainer(c.id).then(() => void report.containers++, note(`container ${c.name}`))),
  );
  for (const n of found.networks.filter((x) => isDead(x.labels))) {
    await engine.removeNetwork(n.id).then(() => void report.networks++, note(`network ${n.name}`));
  }
  for (const v of found.volumes.filter((x) => isDead(x.labels))) {
    await engine.removeVolume(v.name).then(() => void report.volumes++, note(`volume ${v.name}`));
  }
  // Images last: a dead run's containers may still have been using them.
  for (const image of images.filter((x) => isDead(x.labels))) {
    await removeLabelledImage(engine, image).then(
      () => void report.images++,
      note(`image ${image.tags[0] ?? image.id}`),
    );
  }
  return report;
}
