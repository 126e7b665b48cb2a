// `extends`: a service starts from another one (same file or `file:`), recursively, with the merge rules of -f files.
import { type FileContext, hostPath, report } from './file-context.js';
import { mergeTrees } from './merge.js';
import { stripTags } from './tags.js';
import { isMapping, type Mapping, scalarText } from './values.js';

/** Canonical services of one file with the context their paths were resolved in. */
export interface ServiceFile {
  services: Mapping;
  ctx: FileContext;
}

/**
 * Returns the file's services with every `extends` applied; cycles and unknown bases are issues. `inherited`
 * hears of each service key of this file that came from a base in another file, and which file that was.
 */
export function resolveExtends(
  file: string,
  own: ServiceFile,
  loadFile: (abs: string) => ServiceFile | undefined,
  inherited: (service: string, key: string, from: string) => void = () => {},
): Mapping {
  const resolved = new Map<string, Mapping | undefined>();

  const resolveService = (abs: string, name: string, chain: string[]): Mapping | undefined => {
    const key = `${abs}#${name}`;
    if (resolved.has(key)) return resolved.get(key);
    const source = abs === file ? own : loadFile(abs);
    const service = source?.services[name];
    if (!source || !isMapping(service)) return undefined;
    if (service.extends === undefined) return service;
    const path = `services.${name}.extends`;
    if (chain.includes(key)) {
      const names = [...chain, key].map((k) => k.slice(k.lastIndexOf('#') + 1));
      report(source.ctx, path, `circular extends: ${names.join(' → ')}`);
      return undefined;
    }
    const spec = isMapping(service.extends) ? service.extends : {};
    const baseName = scalarText(spec.service);
    const baseFile = typeof spec.file === 'string' ? hostPath(source.ctx, spec.file) : abs;
    const { extends: _declared, ...local } = service;
    let merged: Mapping = local;
    if (!baseName) report(source.ctx, path, 'needs a `service` to extend');
    else {
      const base = resolveService(baseFile, baseName, [...chain, key]);
      if (base) {
        merged = mergeTrees(stripTags(base), local, ['services', name]) as Mapping;
        const from = baseFile === abs ? undefined : loadFile(baseFile)?.ctx.file;
        if (abs === file && from !== undefined) {
          for (const key of Object.keys(base)) if (!Object.hasOwn(local, key)) inherited(name, key, from);
        }
      } else if (!chain.includes(`${baseFile}#${baseName}`)) {
        const where = baseFile === abs ? '' : ` in ${spec.file}`;
        report(source.ctx, `${path}.service`, `cannot extend undefined service "${baseName}"${where}`);
      }
    }
    resolved.set(key, merged);
    return merged;
  };

  const out: Mapping = {};
  for (const name of Object.keys(own.services)) out[name] = resolveService(file, name, []) ?? own.services[name];
  return out;
}
