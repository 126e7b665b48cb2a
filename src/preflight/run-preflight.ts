import type { ComposeProject, Finding } from '../model.js';
import { compareFindings } from './compare-findings.js';
import {
  deviceHostPath,
  externalNetworkUses,
  externalVolumeUses,
  fileSourceUses,
  sortedServices,
} from './project-refs.js';
import { RULES } from './rules.js';

/**
 * What the shell found on this host, for the items `factsToGather` asked about: the strings are exactly those it
 * returned (paths that exist, external network and volume names that exist, image refs present locally as written).
 */
export interface HostFacts {
  existingPaths: ReadonlySet<string>;
  networks: ReadonlySet<string>;
  volumes: ReadonlySet<string>;
  images: ReadonlySet<string>;
}

/** Every fresh-host readiness finding for the project, sorted by severity, then service, then rule. */
export function runPreflight(project: ComposeProject, facts: HostFacts): Finding[] {
  return RULES.flatMap((r) => r.check(project, facts)).sort(compareFindings);
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

/** The host paths, network names, volume names and image refs the rules need checked (so the shell can gather HostFacts); each list sorted and without duplicates. */
export function factsToGather(project: ComposeProject): {
  paths: string[];
  networks: string[];
  volumes: string[];
  images: string[];
} {
  const services = sortedServices(project);
  const binds = services.flatMap((s) =>
    s.mounts.flatMap((m) => (m.type === 'bind' && m.source !== undefined ? [m.source] : [])),
  );
  const devices = services.flatMap((s) => s.devices.map(deviceHostPath));
  const files = [...fileSourceUses(project, 'secrets'), ...fileSourceUses(project, 'configs')].map((u) => u.name);
  return {
    paths: sortedUnique([...binds, ...devices, ...files]),
    networks: sortedUnique(externalNetworkUses(project).map((u) => u.name)),
    volumes: sortedUnique(externalVolumeUses(project).map((u) => u.name)),
    images: sortedUnique(
      services.flatMap((s) => (s.image !== undefined && s.image !== '' && s.build === undefined ? [s.image] : [])),
    ),
  };
}
