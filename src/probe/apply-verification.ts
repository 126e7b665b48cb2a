import type { Plan, ProbeRecord, RestoreRecord, ServiceOutcome } from '../model.js';

/** The highest score a service keeps when one of its probes failed or a volume it mounts was not restored. */
export const VERIFICATION_SCORE_CAP = 40;

/**
 * Scores restore and probe failures into the services they concern: a service mounting a volume whose
 * restore failed, or owning a failed probe, is capped at 40 (it booted, but not with its data or not
 * serving it: as bad as unhealthy) with reason class `restore` or `probe`. A service already scored
 * lower keeps its own reason; the first failure by volume then probe order names the reason. A probe Rehearsa
 * could not run (skipped) is reported, never scored.
 */
export function applyVerification(
  outcomes: ServiceOutcome[],
  plan: Plan,
  restores: RestoreRecord[],
  probes: ProbeRecord[],
): ServiceOutcome[] {
  return outcomes.map((o) => {
    const container = plan.containers.find((c) => c.service === o.service);
    const failedRestore = restores.find((r) => r.error && container?.mounts.some((m) => m.source === r.volume));
    const failedProbe = probes.find((p) => p.service === o.service && !p.passed && !p.skipped);
    const cause = failedRestore
      ? {
          reasonClass: 'restore' as const,
          reason: `restore of ${failedRestore.name} from ${failedRestore.source} failed: ${failedRestore.error}`,
        }
      : failedProbe
        ? {
            reasonClass: 'probe' as const,
            reason: `probe ${failedProbe.type} ${failedProbe.target} failed: ${failedProbe.reason}`,
          }
        : undefined;
    if (!cause || o.score <= VERIFICATION_SCORE_CAP) return o;
    return { ...o, ...cause, score: VERIFICATION_SCORE_CAP };
  });
}
