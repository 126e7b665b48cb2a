import { existsSync, readFileSync, realpathSync } from 'node:fs';
import type { Engine } from '../engine/engine.js';
import type { ComposeProject } from '../model.js';
import { exposedDockerSocket } from '../preflight/project-refs.js';
import { factsToGather, type HostFacts } from '../preflight/run-preflight.js';

/** Checks what the preflight rules ask about this host, with read-only engine calls; without an engine only paths are checked. */
export async function gatherHostFacts(project: ComposeProject, engine: Engine | undefined): Promise<HostFacts> {
  const wanted = factsToGather(project);
  const keep = async (values: string[], exists: (v: string) => Promise<boolean>) => {
    if (!engine) return [];
    const kept = await Promise.all(values.map(async (v) => ((await exists(v)) ? v : undefined)));
    return kept.filter((v): v is string => v !== undefined);
  };
  const [networks, volumes, images] = await Promise.all([
    keep(wanted.networks, (n) => engine!.networkExists(n)),
    keep(wanted.volumes, (v) => engine!.volumeExists(v)),
    keep(wanted.images, (i) => engine!.imageExists(i)),
  ]);
  return {
    existingPaths: new Set(wanted.paths.filter((p) => existsSync(p))),
    networks: new Set(networks),
    volumes: new Set(volumes),
    images: new Set(images),
  };
}

/**
 * The project with every bind source that is a symlink to the Docker socket (or to a directory holding it)
 * replaced by what it points to, as the engine would mount it: the socket refusal then sees through the link.
 */
export function resolveSocketLinks(project: ComposeProject): ComposeProject {
  const throughLink = (source: string): string | undefined => {
    if (exposedDockerSocket(source) !== undefined) return undefined;
    let real: string;
    try {
      real = realpathSync(source);
    } catch {
      return undefined;
    }
    return real !== source && exposedDockerSocket(real) !== undefined ? real : undefined;
  };
  const services = Object.fromEntries(
    Object.entries(project.services).map(([name, service]) => [
      name,
      {
        ...service,
        mounts: service.mounts.map((m) => {
          const real = m.type === 'bind' && m.source !== undefined ? throughLink(m.source) : undefined;
          return real === undefined ? m : { ...m, source: real };
        }),
      },
    ]),
  );
  return { ...project, services };
}

/** The host's mount points, from /proc/self/mountinfo (octal escapes decoded); none where it cannot be read. */
export function hostMountPoints(): string[] {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined && p !== '')
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))));
}
