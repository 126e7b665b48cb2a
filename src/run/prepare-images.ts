import { BuildFailure, type Engine, PullFailure, type PullFailureClass } from '../engine/engine.js';
import type { Plan, PlannedContainer } from '../model.js';
import type { BootFailure } from './classify-outcome.js';
import type { RunScope } from './run-scope.js';

/** When `build:` services are built: never, when their image is absent (Compose's default), or on every run. */
export type BuildMode = 'never' | 'missing' | 'always';

/** The image a service's container is created from, or why there is none (with the build log, if any). */
export type ImageResult = { ok: true; image: string } | { ok: false; failure: BootFailure; log?: string[] };

export interface ImageDeps {
  engine: Engine;
  scope: RunScope;
  signal: AbortSignal;
  onPhase: (service: string, phase: string, detail?: string) => void;
}

/** Plain words for each pull failure class, so the reason names the class before the registry's own message. */
const PULL_CLASS_WORDS: Record<PullFailureClass, string> = {
  not_found: 'not found',
  unauthorized: 'unauthorized (missing or wrong registry credentials)',
  unreachable: 'registry unreachable',
  rate_limited: 'rate limited by the registry',
  other: 'failed',
};

/**
 * Starts obtaining every image the plan needs, concurrently and once per image and policy, and returns a
 * promise per service. Built images are tagged for this run (or with the service's `image` when the engine
 * did not have it) and registered in the scope for removal; an image the engine already had is never
 * retagged, so cleanup never removes anything the user had before. Pull and build failures become scored
 * failures; engine failures reject.
 */
export function prepareImages(plan: Plan, buildMode: BuildMode, deps: ImageDeps): Map<string, Promise<ImageResult>> {
  const byKey = new Map<string, Promise<ImageResult>>();
  const perService = new Map<string, Promise<ImageResult>>();
  for (const c of plan.containers) {
    const builds = c.build !== undefined && buildMode !== 'never';
    // A build is keyed by service: two services building the same image name may have different contexts.
    const key = builds ? `build ${c.service}` : `${c.pullPolicy} ${c.image}`;
    const onPhase = (phase: string, detail?: string) => deps.onPhase(c.service, phase, detail);
    if (!byKey.has(key)) {
      byKey.set(key, builds ? buildOrReuse(c, plan, buildMode, deps, onPhase) : pullOrReuse(c, deps, onPhase));
    }
    perService.set(c.service, byKey.get(key)!);
  }
  return perService;
}

async function buildOrReuse(
  c: PlannedContainer,
  plan: Plan,
  buildMode: BuildMode,
  deps: ImageDeps,
  onPhase: (phase: string, detail?: string) => void,
): Promise<ImageResult> {
  const { engine, scope, signal } = deps;
  const existed = await engine.imageExists(c.image);
  const forced = buildMode === 'always' || c.pullPolicy === 'build';
  if (existed && !forced) return { ok: true, image: c.image };
  // Rebuilding over a tag the user already has would move it and let cleanup delete their image: use a run tag.
  const tag = existed ? runScopedTag(plan, c.service) : c.image;
  const build = c.build!;
  scope.track(`image ${tag}`, () => engine.removeImage(tag));
  onPhase('Building', build.context);
  try {
    await engine.buildImage(
      {
        tag,
        contextDir: build.context,
        dockerfile: build.dockerfile,
        args: build.args,
        ...(build.target ? { target: build.target } : {}),
        labels: { ...build.labels, ...plan.labels },
        // Builds follow the sandbox: no egress unless --allow-egress made its networks routable.
        isolated: plan.networks.every((n) => n.internal),
      },
      (status) => onPhase('Building', status),
      signal,
    );
    return { ok: true, image: tag };
  } catch (error) {
    if (!(error instanceof BuildFailure)) throw error;
    return {
      ok: false,
      failure: { reasonClass: 'build', reason: `build of ${c.service} failed: ${error.message}`, notStarted: false },
      log: error.log,
    };
  }
}

async function pullOrReuse(
  c: PlannedContainer,
  deps: ImageDeps,
  onPhase: (phase: string, detail?: string) => void,
): Promise<ImageResult> {
  const { engine, signal } = deps;
  if (c.pullPolicy === 'build') {
    return imageFailure(`image ${c.image} is built from source and --build never forbids building it`);
  }
  if (c.pullPolicy !== 'always' && (await engine.imageExists(c.image))) return { ok: true, image: c.image };
  if (c.pullPolicy === 'never')
    return imageFailure(`image ${c.image} is not present locally and the pull policy is never`);
  onPhase('Pulling', c.image);
  try {
    await engine.pullImage(c.image, (status) => onPhase('Pulling', status), signal);
    return { ok: true, image: c.image };
  } catch (error) {
    if (!(error instanceof PullFailure)) throw error;
    // The adapter's message starts with `pull <ref>:`; the reason already names the image.
    const detail = error.message.replace(/^pull \S+: /, '');
    return imageFailure(`pull ${c.image}: ${PULL_CLASS_WORDS[error.failureClass]} (${detail})`);
  }
}

/** `rehearsa-<stack>-<run>-<service>:build`, lower-cased because image names must be. */
export function runScopedTag(plan: Plan, service: string): string {
  return `${plan.sandbox}-${service}:build`.toLowerCase();
}

function imageFailure(reason: string): ImageResult {
  return { ok: false, failure: { reasonClass: 'image', reason, notStarted: false } };
}
