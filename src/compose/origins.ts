// Which file each part of a merged model came from, so that problems found after merging (a bad duration,
// an undefined volume) name the file that wrote the value rather than the first -f file.
import { isMapping } from './values.js';
import { OverrideTag, ResetTag } from './yaml.js';

/** Mapping levels recorded below the top (`services.db.deploy.restart_policy.condition` is five). */
const MAX_DEPTH = 5;

/**
 * Records `file` for every mapping key of `tree` down to five levels, as dotted paths; a later file that
 * writes the same path replaces the record, exactly as its value replaces the earlier one when merging.
 * List items are not recorded: a list is attributed to the last file that wrote it.
 */
export function recordOrigins(tree: unknown, file: string, into: Map<string, string>, prefix = '', depth = 0): void {
  const value = tree instanceof OverrideTag ? tree.value : tree;
  if (depth >= MAX_DEPTH || !isMapping(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (child instanceof ResetTag) continue;
    const path = prefix === '' ? key : `${prefix}.${key}`;
    into.set(path, file);
    recordOrigins(child, file, into, path, depth + 1);
  }
}
