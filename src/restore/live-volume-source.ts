import type { Engine } from '../engine/engine.js';
import { helperSpec } from './helper-container.js';
import { RESTORE_MOUNT, type TarSource } from './tar-source.js';

/** What a live-volume read needs: the engine, the image hosting the helper, the labels and scope hooks of the run. */
export interface LiveVolumeDeps {
  engine: Engine;
  image: string;
  helperName: string;
  labels: Record<string, string>;
  track: (containerId: string) => void;
  remove: (containerId: string) => Promise<void>;
}

/**
 * A live named volume read through a helper container that mounts it read-only (never started, no
 * copy-up) and hands its contents out with the engine's archive endpoint; the live volume is only read.
 */
export function liveVolumeSource(volume: string, deps: LiveVolumeDeps): TarSource {
  return {
    label: `live volume ${volume}`,
    async open(signal) {
      const id = await deps.engine.createContainer(
        helperSpec({
          name: deps.helperName,
          image: deps.image,
          labels: deps.labels,
          mounts: [{ type: 'volume', source: volume, target: RESTORE_MOUNT, readOnly: true, nocopy: true }],
        }),
      );
      deps.track(id);
      try {
        const stream = await deps.engine.getArchive(id, RESTORE_MOUNT, signal);
        return { stream, rooted: true, close: () => deps.remove(id).catch(() => {}) };
      } catch (error) {
        await deps.remove(id).catch(() => {});
        throw error;
      }
    },
  };
}
