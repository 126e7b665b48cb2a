import { bareContainerSpec, type ContainerSpec, type Engine, type MountSpec } from '../engine/engine.js';

/**
 * The spec of a Rehearsa helper container: the run's labels (so the sweep finds it), nothing the service
 * would add, no network unless one is given. Restore helpers are only created, never started, so any
 * image the stack already uses can host them: no extra image is needed.
 */
export function helperSpec(opts: {
  name: string;
  image: string;
  labels: Record<string, string>;
  mounts?: MountSpec[];
  cmd?: string[];
  network?: string;
}): ContainerSpec {
  return {
    ...bareContainerSpec(opts.name, opts.image, opts.labels),
    // Never run for restores; an explicit command keeps images without CMD creatable.
    cmd: opts.cmd ?? ['rehearsa-restore-helper'],
    mounts: opts.mounts ?? [],
    ...(opts.network ? { network: { name: opts.network, aliases: [] } } : { networkMode: 'none' }),
  };
}

/** Makes sure `image` is on the engine, pulling it when it is not; resolves to false when it cannot be had. */
export async function ensureImage(engine: Engine, image: string, signal?: AbortSignal): Promise<boolean> {
  if (await engine.imageExists(image)) return true;
  try {
    await engine.pullImage(image, undefined, signal);
    return true;
  } catch {
    return false;
  }
}
