// Image references split the way the engine's pull endpoint wants them: repository in `fromImage`, tag or digest in `tag`.

/** A reference's parts; `registry` is `docker.io` when the reference names no registry host. */
export interface ImageRef {
  registry: string;
  /** The name without tag or digest, exactly as written (`127.0.0.1:5000/app`, `postgres`). */
  repository: string;
  tag?: string;
  digest?: string;
}

export const dockerHub = 'docker.io';

/** Splits `[registry/]name[:tag][@digest]`; a port in the registry host is never mistaken for a tag. */
export function splitImageRef(ref: string): ImageRef {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const named = at >= 0 ? ref.slice(0, at) : ref;
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  const repository = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon + 1) : undefined;
  const slash = repository.indexOf('/');
  const first = slash >= 0 ? repository.slice(0, slash) : '';
  // Same rule as the reference library: the first component is a host when it looks like one.
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  return {
    registry: isHost ? first : dockerHub,
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** The `fromImage` and `tag` query values for a pull: the digest wins over the tag, no tag means `latest`. */
export function pullQuery(ref: ImageRef): { fromImage: string; tag: string } {
  return { fromImage: ref.repository, tag: ref.digest ?? ref.tag ?? 'latest' };
}
