import type { RestoreConfigLayer } from './parse-restore-config.js';
import { DEFAULT_RESTORE_CONFIG, type RestoreConfig } from './restore-config.js';

/**
 * Folds declarations in precedence order (compose `x-rehearsa`, then rehearsa.yml, then the CLI): a later
 * layer replaces the restores it names and the settings it sets; probes of every layer are kept, in order.
 */
export function mergeRestoreConfig(layers: RestoreConfigLayer[]): RestoreConfig {
  const restores = new Map<string, RestoreConfig['restores'][number]>();
  const merged: RestoreConfig = { ...DEFAULT_RESTORE_CONFIG, restores: [], probes: [] };
  for (const layer of layers) {
    for (const r of layer.restores ?? []) restores.set(r.name, r);
    merged.probes.push(...(layer.probes ?? []));
    if (layer.binds !== undefined) merged.binds = layer.binds;
    if (layer.bindSizeCapBytes !== undefined) merged.bindSizeCapBytes = layer.bindSizeCapBytes;
    if (layer.helperImage !== undefined) merged.helperImage = layer.helperImage;
  }
  merged.restores = [...restores.values()].sort((a, b) => a.name.localeCompare(b.name));
  return merged;
}
