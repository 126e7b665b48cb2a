// Which file each part of a merged model came from, so that problems found after merging (a bad duration,
// an undefined volume) name the file that wrote the value rather than the first -f file.
import { isMapping } from './values.js';
import { OverrideTag, ResetTag } from './yaml.js';

/** Where a value of the merged model was written: the file, and its dotted path there (another service's, after `extends`). */
export interface Origin {
  file: string;
  path: string;
}

/** Mapping levels recorded below the top (`services.db.deploy.restart_policy.condition` is five). */
const MAX_DEPTH = 5;

/**
 * Records an Origin for every mapping key of `tree` down to five levels, keyed by its dotted path `at` the
 * merged model and pointing to the same key below `from` in `file`; a later file that writes the same path
 * replaces the record, exactly as its value replaces the earlier one when merging. List items are not
 * recorded: a list is attributed to the last file that wrote it.
 */
export function recordOrigins(
  tree: unknown,
  file: string,
  into: Map<string, Origin>,
  at = '',
  from = at,
  depth = 0,
): void {
  const value = tree instanceof OverrideTag ? tree.value : tree;
  if (depth >= MAX_DEPTH || !isMapping(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (child instanceof ResetTag) continue;
    const path = at === '' ? key : `${at}.${key}`;
    const source = from === '' ? key : `${from}.${key}`;
    into.set(path, { file, path: source });
    recordOrigins(child, file, into, path, source, depth + 1);
  }
}
