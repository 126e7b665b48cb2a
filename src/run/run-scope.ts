import type { Engine, LabelledImage } from '../engine/engine.js';
import { runFilter } from '../plan/labels.js';

/**
 * Everything a run created, torn down in reverse: containers first (killed concurrently, no grace), then
 * the other resources (built images, volumes, networks) in reverse creation order, then a sweep by the
 * run's label as a safety net.
 * Teardown continues past individual failures and reports them instead of throwing.
 */
export class RunScope {
  private readonly containers = new Set<string>();
  private readonly undo: { what: string; fn: () => Promise<void> }[] = [];
  private closed?: Promise<string[]>;

  constructor(
    private readonly engine: Engine,
    private readonly runId: string,
  ) {}

  /** Registers a container the moment it exists. */
  trackContainer(id: string): void {
    this.containers.add(id);
  }

  /** Registers how to undo a created network or volume. */
  track(what: string, fn: () => Promise<void>): void {
    this.undo.push({ what, fn });
  }

  /** Removes a container now (and forgets it); failures are left for close() to retry. */
  async removeContainerNow(id: string): Promise<void> {
    await this.engine.removeContainer(id);
    this.containers.delete(id);
  }

  /** Tears everything down once; later calls return the same result. Resolves to the problems met. */
  close(): Promise<string[]> {
    this.closed ??= this.teardown();
    return this.closed;
  }

  private async teardown(): Promise<string[]> {
    const problems: string[] = [];
    const removals = await Promise.allSettled([...this.containers].map((id) => this.engine.removeContainer(id)));
    for (const r of removals) if (r.status === 'rejected') problems.push(`container: ${message(r.reason)}`);
    for (const { what, fn } of [...this.undo].reverse()) {
      try {
        await fn();
      } catch (error) {
        problems.push(`${what}: ${message(error)}`);
      }
    }
    try {
      const left = await this.engine.listByLabel(runFilter(this.runId));
      await Promise.allSettled(left.containers.map((c) => this.engine.removeContainer(c.id)));
      for (const n of left.networks)
        await this.engine.removeNetwork(n.id).catch((e) => problems.push(`network ${n.name}: ${message(e)}`));
      for (const v of left.volumes)
        await this.engine.removeVolume(v.name).catch((e) => problems.push(`volume ${v.name}: ${message(e)}`));
    } catch (error) {
      problems.push(`sweep: ${message(error)}`);
    }
    return problems;
  }
}

/**
 * Removes an image a run built, tag by tag and without force: only images carrying a run label get here,
 * and a tag the user added to one since keeps it alive.
 */
export async function removeLabelledImage(engine: Engine, image: LabelledImage): Promise<void> {
  if (image.tags.length === 0) return engine.removeImage(image.id);
  for (const tag of image.tags) await engine.removeImage(tag);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
