// Every key must be one the Compose Specification defines or an `x-` extension; nothing is dropped silently.
import { type FileContext, report, warn } from './file-context.js';
import { RESOURCE_KEYS, SERVICE_KEYS, TOP_LEVEL_KEYS } from './known-keys.js';
import { isMapping, type Mapping } from './values.js';
import { OverrideTag, ResetTag } from './yaml.js';

const NAME = /^[a-zA-Z0-9._-]+$/;

/** Reports unknown keys at the top level, in services and in resource definitions; warns on obsolete `version`. */
export function checkKnownKeys(doc: Mapping, ctx: FileContext): void {
  for (const key of Object.keys(doc)) {
    if (key === 'version') warn(ctx, key, '`version` is obsolete and ignored');
    else if (!TOP_LEVEL_KEYS.has(key) && !key.startsWith('x-')) report(ctx, key, `unknown top-level key "${key}"`);
  }
  checkSection(doc.services, 'services', SERVICE_KEYS, ctx);
  for (const [section, keys] of Object.entries(RESOURCE_KEYS)) checkSection(doc[section], section, keys, ctx);
}

function checkSection(section: unknown, name: string, keys: ReadonlySet<string>, ctx: FileContext): void {
  if (section === undefined || section === null || section instanceof ResetTag) return;
  const value = section instanceof OverrideTag ? section.value : section;
  if (!isMapping(value)) {
    report(ctx, name, 'must be a mapping');
    return;
  }
  for (const [entryName, entry] of Object.entries(value)) {
    const path = `${name}.${entryName}`;
    if (!NAME.test(entryName)) report(ctx, path, `invalid name "${entryName}" (use letters, digits, ".", "_", "-")`);
    const body = entry instanceof OverrideTag ? entry.value : entry;
    if (body === null || body === undefined || body instanceof ResetTag) {
      // `volumes: {data:}` is the usual way to declare a default volume; a service needs a body.
      if (name === 'services' && !(body instanceof ResetTag)) report(ctx, path, 'must be a mapping');
      continue;
    }
    if (!isMapping(body)) {
      report(ctx, path, 'must be a mapping');
      continue;
    }
    for (const key of Object.keys(body)) {
      if (!keys.has(key) && !key.startsWith('x-')) report(ctx, `${path}.${key}`, `unknown key "${key}"`);
    }
  }
}
