// `extends`: a service starts from another one (same file or `file:`), recursively, with the merge rules of -f files.
import { type FileContext, type FileReference, hostPath, report } from './file-context.js';
import { mergeTrees } from './merge.js';
import { type Origin, recordOrigins } from './origins.js';
import { stripTags } from './tags.js';
import { isMapping, type Mapping, scalarText } from './values.js';

/** Canonical services of one file with the context their paths were resolved in. */
export interface ServiceFile {
  services: Mapping;
  ctx: FileContext;
}

/** A service with `extends` applied, and where each of its keys was written (relative dotted path → origin). */
interface Resolved {
  service: Mapping;
  origins: Map<string, Origin>;
}

/**
 * Returns the file's services with every `extends` applied; cycles, unknown bases and unreadable files are
 * issues. For each service that extends another, `origins` receives where each of its keys was written
 * (`services.web.healthcheck` → `base.yaml`, `services.b.healthcheck`), so that later problems name a path
 * that exists in the file they name.
 */
export function resolveExtends(
  file: string,
  own: ServiceFile,
  loadFile: (abs: string, via: FileReference) => ServiceFile | undefined,
  origins: Map<string, Origin>,
): Mapping {
  const resolved = new Map<string, Resolved | undefined>();

  const resolveService = (abs: string, name: string, chain: string[], via?: FileReference): Resolved | undefined => {
    const key = `${abs}#${name}`;
    if (resolved.has(key)) return resolved.get(key);
    const source = abs === file ? own : via && loadFile(abs, via);
    const service = source?.services[name];
    if (!source || !isMapping(service)) return undefined;
    const { extends: declared, ...local } = service;
    const written = new Map<string, Origin>();
    recordOrigins(local, source.ctx.file, written, '', `services.${name}`, 2);
    if (declared === undefined) return { service, origins: written };
    const path = `services.${name}.extends`;
    if (chain.includes(key)) {
      const names = [...chain, key].map((k) => k.slice(k.lastIndexOf('#') + 1));
      report(source.ctx, path, `circular extends: ${names.join(' → ')}`);
      // Every member of the cycle is left without its base: what follows from that is this one problem.
      source.ctx.issues.at(-1)!.explains = names.map((n) => `services.${n}`);
      return undefined;
    }
    const spec = isMapping(declared) ? declared : {};
    const baseName = scalarText(spec.service);
    const baseFile = typeof spec.file === 'string' ? hostPath(source.ctx, spec.file) : abs;
    const baseVia = typeof spec.file === 'string' ? { ctx: source.ctx, path: `${path}.file`, written: spec.file } : via;
    let result: Resolved = { service: local, origins: written };
    if (!baseName) report(source.ctx, path, 'needs a `service` to extend');
    else {
      const base = resolveService(baseFile, baseName, [...chain, key], baseVia);
      if (base) {
        result = {
          service: mergeTrees(stripTags(base.service), local, ['services', name]) as Mapping,
          // The service's own keys win, as in the merge; nested keys it does not write stay the base's.
          origins: new Map([...base.origins, ...written]),
        };
      } else if (!chain.includes(`${baseFile}#${baseName}`) && (baseFile === file || loadFile(baseFile, baseVia!))) {
        // A file that could not be read was reported at `extends.file` already.
        const where = baseFile === abs ? '' : ` in ${spec.file}`;
        report(source.ctx, `${path}.service`, `cannot extend undefined service "${baseName}"${where}`);
      }
    }
    resolved.set(key, result);
    return result;
  };

  const out: Mapping = {};
  for (const [name, service] of Object.entries(own.services)) {
    const result = resolveService(file, name, []);
    out[name] = result?.service ?? service;
    if (result && isMapping(service) && service.extends !== undefined) {
      for (const [path, origin] of result.origins) origins.set(`services.${name}.${path}`, origin);
    }
  }
  return out;
}
