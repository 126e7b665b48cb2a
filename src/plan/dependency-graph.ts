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
  // An explicit stack rather than recursion: a chain of thousands of services must not exhaust the call stack.
  for (const root of Object.keys(services).sort()) {
    if (done.has(root)) continue;
    const path: { name: string; next: string[] }[] = [];
    const onPath = new Map<string, number>();
    const enter = (name: string) => {
      onPath.set(name, path.length);
      path.push({ name, next: Object.keys(services[name]!.dependsOn).sort().reverse() });
    };
    enter(root);
    while (path.length > 0) {
      const top = path.at(-1)!;
      const next = top.next.pop();
      if (next === undefined) {
        path.pop();
        onPath.delete(top.name);
        done.add(top.name);
        continue;
      }
      const seenAt = onPath.get(next);
      if (seenAt !== undefined) return [...path.slice(seenAt).map((f) => f.name), next];
      if (!done.has(next) && next in services) enter(next);
    }
  }
  return undefined;
}

/**
 * Groups services into topological levels: a service sits one wave after its deepest dependency.
 * Requires an acyclic graph (checkDependencies first); names inside a wave are sorted.
 */
export function orderWaves(services: DependencyMap): Wave[] {
  const depth = new Map<string, number>();
  const dependencies = (name: string) => Object.keys(services[name]!.dependsOn).filter((d) => d in services);
  // Post-order without recursion, for the same reason as findCycle.
  for (const root of Object.keys(services)) {
    const stack = [root];
    while (stack.length > 0) {
      const name = stack.at(-1)!;
      if (depth.has(name)) {
        stack.pop();
        continue;
      }
      const pending = dependencies(name).filter((d) => !depth.has(d));
      if (pending.length > 0) {
        stack.push(...pending);
        continue;
      }
      const deps = dependencies(name);
      depth.set(name, deps.length === 0 ? 0 : 1 + Math.max(...deps.map((d) => depth.get(d)!)));
      stack.pop();
    }
  }
  const waves: Wave[] = [];
  for (const name of Object.keys(services).sort()) {
    const index = depth.get(name)!;
    while (waves.length <= index) waves.push({ index: waves.length, services: [] });
    waves[index]!.services.push(name);
  }
  return waves;
}
