import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The deepest directory under `base` matching `path` or one of its suffixes (`/srv/app/data`, `app/data`,
 * `data`), or `base` itself: backup tools disagree on how much of the backed-up path they keep.
 */
export async function existingSuffix(base: string, path: string): Promise<string> {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  for (let i = 0; i < parts.length; i++) {
    const candidate = join(base, ...parts.slice(i));
    if ((await stat(candidate).catch(() => undefined))?.isDirectory()) return candidate;
  }
  return base;
}
