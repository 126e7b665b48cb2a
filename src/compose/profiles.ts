// Profiles: services without profiles always run; others only when one of their profiles is active.

/** Active profiles: --profile values plus COMPOSE_PROFILES (comma-separated), deduplicated, in order. */
export function activeProfiles(given: readonly string[] | undefined, composeProfiles: string | undefined): string[] {
  const fromEnv = (composeProfiles ?? '').split(',').map((p) => p.trim());
  return [...new Set([...(given ?? []), ...fromEnv].filter((p) => p !== ''))];
}

/** True when the service runs under the active profiles (`*` activates every profile). */
export function isEnabled(serviceProfiles: readonly string[], active: readonly string[]): boolean {
  if (serviceProfiles.length === 0) return true;
  return active.includes('*') || serviceProfiles.some((p) => active.includes(p));
}
