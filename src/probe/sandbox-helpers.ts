import type { Engine } from '../engine/engine.js';
import type { Plan } from '../model.js';
import { ensureImage, helperSpec } from '../restore/helper-container.js';

/** What helper containers need from the run. */
export interface HelperDeps {
  engine: Engine;
  scope: { trackContainer(id: string): void; removeContainerNow(id: string): Promise<void> };
  signal: AbortSignal;
}

/** Running helper containers, one per set of sandbox networks, created on first use. */
export interface SandboxHelpers {
  /** A running helper joined to exactly these networks; rejects when the helper image cannot be had. */
  on(networks: string[]): Promise<string>;
  /** Removes every helper created so far. */
  removeAll(): Promise<void>;
}

/**
 * Helper containers that look at the sandbox from inside it: they join exactly the networks of the service
 * they stand in for (so a name resolves for them exactly when it does for that service) and carry the
 * run's labels, so the cleanup scope and the label sweep remove them like any container of the run.
 */
export function sandboxHelpers(plan: Plan, image: string, deps: HelperDeps): SandboxHelpers {
  const helpers = new Map<string, Promise<string>>();
  let imageReady: Promise<boolean> | undefined;
  const create = async (networks: string[], index: number): Promise<string> => {
    imageReady ??= ensureImage(deps.engine, image, deps.signal);
    if (!(await imageReady)) throw new Error(`the helper image ${image} is not available (set helper_image)`);
    const id = await deps.engine.createContainer(
      helperSpec({
        name: `${plan.sandbox}-probe-${index}`,
        image,
        labels: plan.labels,
        cmd: ['sleep', '3600'],
        ...(networks[0] ? { network: networks[0] } : {}),
      }),
    );
    deps.scope.trackContainer(id);
    for (const n of networks.slice(1)) await deps.engine.connectNetwork(n, id, []);
    await deps.engine.startContainer(id);
    return id;
  };
  return {
    on(networks) {
      const key = [...networks].sort().join(' ');
      let helper = helpers.get(key);
      if (!helper) {
        helper = create([...networks].sort(), helpers.size);
        helpers.set(key, helper);
      }
      return helper;
    },
    async removeAll() {
      const ids = await Promise.allSettled(helpers.values());
      for (const r of ids) if (r.status === 'fulfilled') await deps.scope.removeContainerNow(r.value).catch(() => {});
    },
  };
}
