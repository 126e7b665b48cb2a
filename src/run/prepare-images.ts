import { type Engine, PullFailure } from '../engine/engine.js';
import type { PlannedContainer } from '../model.js';
import type { BootFailure } from './classify-outcome.js';

/** An image ready to use, or why it is not. */
export type ImageResult = { ok: true } | { ok: false; failure: BootFailure };

/**
 * Starts obtaining every image the plan needs, concurrently and once per image and policy, and returns a
 * promise per service. Registry-side pull failures become scored failures; engine failures reject.
 */
export function prepareImages(
  containers: PlannedContainer[],
  engine: Engine,
  signal: AbortSignal,
  onPhase: (service: string, phase: string, detail?: string) => void,
): Map<string, Promise<ImageResult>> {
  const byKey = new Map<string, Promise<ImageResult>>();
  const perService = new Map<string, Promise<ImageResult>>();
  for (const c of containers) {
    const key = `${c.pullPolicy} ${c.image}`;
    if (!byKey.has(key))
      byKey.set(
        key,
        obtain(c, engine, signal, (phase, detail) => onPhase(c.service, phase, detail)),
      );
    perService.set(c.service, byKey.get(key)!);
  }
  return perService;
}

async function obtain(
  c: PlannedContainer,
  engine: Engine,
  signal: AbortSignal,
  onPhase: (phase: string, detail?: string) => void,
): Promise<ImageResult> {
  if (c.pullPolicy === 'build') {
    return imageFailure(`image ${c.image}: building images is not supported yet; give the service an image`);
  }
  if (c.pullPolicy !== 'always' && (await engine.imageExists(c.image))) return { ok: true };
  if (c.pullPolicy === 'never')
    return imageFailure(`image ${c.image} is not present locally and the pull policy is never`);
  onPhase('Pulling', c.image);
  try {
    await engine.pullImage(c.image, (status) => onPhase('Pulling', status), signal);
    return { ok: true };
  } catch (error) {
    if (error instanceof PullFailure)
      return imageFailure(`pull ${c.image} failed (${error.failureClass}): ${error.message}`);
    throw error;
  }
}

function imageFailure(reason: string): ImageResult {
  return { ok: false, failure: { reasonClass: 'image', reason, notStarted: false } };
}
