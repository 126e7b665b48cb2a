import type { Plan, PlannedContainer } from '../model.js';

/** One name a dependent should reach a dependency by, from its own networks, on the dependency's TCP ports. */
export interface EdgeTarget {
  from: string;
  to: string;
  name: string;
  origin: 'depends_on' | 'alias';
  /** Sandbox networks of the dependent: the check runs from exactly these. */
  networks: string[];
  ports: number[];
  /** Why a failure is likely, known from the plan alone (the alias lives on a network the dependent is not on). */
  hint?: string;
}

/**
 * Every (dependent, dependency, name) to check: the dependency's service name and every alias it declares on
 * any network, with its exposed TCP ports (declared in compose or by the image). Containers without a
 * network of their own (`network_mode: none`) have nothing to check.
 */
export function edgeTargets(plan: Plan, imagePorts: ReadonlyMap<string, string[]>): EdgeTarget[] {
  const byService = new Map(plan.containers.map((c) => [c.service, c]));
  const keyOf = (name: string) => plan.networks.find((n) => n.name === name)?.key ?? name;
  const targets: EdgeTarget[] = [];
  for (const c of [...plan.containers].sort((a, b) => a.service.localeCompare(b.service))) {
    const networks = ownNetworks(c, byService);
    if (networks.length === 0) continue;
    for (const to of Object.keys(c.dependsOn).sort()) {
      const d = byService.get(to);
      if (!d || d.networks.length === 0) continue;
      const ports = tcpPorts([...d.exposedPorts, ...(imagePorts.get(to) ?? [])]);
      const names = [...new Set(d.networks.flatMap((n) => n.aliases))].filter((a) => a !== d.name);
      for (const name of [to, ...names.filter((n) => n !== to).sort()]) {
        const on = d.networks.filter((n) => n.aliases.includes(name)).map((n) => n.name);
        const shared = on.some((n) => networks.includes(n));
        targets.push({
          from: c.service,
          to,
          name,
          origin: name === to ? 'depends_on' : 'alias',
          networks,
          ports,
          ...(shared
            ? {}
            : { hint: `${name} is declared on ${on.map(keyOf).join(', ')}, which ${c.service} is not on` }),
        });
      }
    }
  }
  return targets;
}

function ownNetworks(c: PlannedContainer, byService: Map<string, PlannedContainer>): string[] {
  if (c.networkMode?.kind === 'none') return [];
  if (c.networkMode?.kind === 'service') {
    const owner = byService.get(c.networkMode.service);
    return owner ? ownNetworks(owner, byService) : [];
  }
  return c.networks.map((n) => n.name);
}

/** Single TCP ports of `port/proto` entries, sorted; ranges are left out (too many to knock on). */
function tcpPorts(entries: string[]): number[] {
  const ports = entries
    .map((e) => e.split('/'))
    .filter(([port, proto]) => (proto ?? 'tcp') === 'tcp' && /^\d+$/.test(port ?? ''))
    .map(([port]) => Number(port));
  return [...new Set(ports)].sort((a, b) => a - b);
}
