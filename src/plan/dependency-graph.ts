import type { Dependency, Issue, Wave } from '../model.js';

type DependencyMap = Record<string, { dependsOn: Record<string, Dependency> }>;

/** Problems in the dependency graph: edges to services that are not in the map, and cycles (`a -> b -> a`). */
export function checkDependencies(services: DependencyMap, file?: string): Issue[] {
  const issues: Issue[] = [];
  for (const name of Object.keys(services).sort()) {
    for (const target of Object.keys(services[name]!.dependsOn).sort()) {
      if (!(target in services) && services[name]!.dependsOn[target]!.required) {
        issues.push({
          file,
          path: `services.${name}.depends_on`,
          message: `depends on undefined service "${target}"`,
          severity: 'error',
        });
      }
    }
  }
  const cycle = findCycle(services);
  if (cycle) issues.push({ file, message: `dependency cycle: ${cycle.join(' -> ')}`, severity: 'error' });
  return issues;
}

/** The first cycle found when visiting services in name order, as a closed path, or undefined. */
export function findCycle(services: DependencyMap): string[] | undefined {
  const done = new Set<string>();
  const visit = (name: string, path: string[]): string[] | undefined => {
    const seenAt = path.indexOf(name);
    if (seenAt >= 0) return [...path.slice(seenAt), name];
    if (done.has(name) || !(name in services)) return undefined;
    for (const next of Object.keys(services[name]!.dependsOn).sort()) {
      const cycle = visit(next, [...path, name]);
      if (cycle) return cycle;
    }
    done.add(name);
    return undefined;
  };
  for (const name of Object.keys(services).sort()) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Groups services into topological levels: a service sits one wave after its deepest dependency.
 * Requires an acyclic graph (checkDependencies first); names inside a wave are sorted.
 */
export function orderWaves(services: DependencyMap): Wave[] {
  const depth = new Map<string, number>();
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const deps = Object.keys(services[name]!.dependsOn).filter((d) => d in services);
    const value = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(depthOf));
    depth.set(name, value);
    return value;
  };
  const waves: Wave[] = [];
  for (const name of Object.keys(services).sort()) {
    const index = depthOf(name);
    while (waves.length <= index) waves.push({ index: waves.length, services: [] });
    waves[index]!.services.push(name);
  }
  return waves;
}
