import { resolve } from 'node:path';
import type { Issue } from '../model.js';
import type { RestoreSpec } from './restore-config.js';

const ARCHIVE_NAME = /\.(tar|tar\.gz|tgz|tar\.zst|tar\.zstd|tzst)$/i;

/**
 * Parses one `--restore NAME=SOURCE`. SOURCE is `live`, `archive:PATH`, `dir:PATH`, `restic:REPO[#SNAPSHOT]`,
 * `borg:REPO::ARCHIVE`, or a bare path (an archive when it ends in .tar, .tar.gz, .tgz or .tar.zst, else a
 * directory). Relative paths are taken from `cwd`; repository passwords come from the usual environment.
 */
export function parseRestoreFlag(flag: string, cwd: string): { spec?: RestoreSpec; issue?: Issue } {
  const origin = `--restore ${flag}`;
  const problem = (message: string) => ({
    issue: { path: '--restore', message: `${JSON.stringify(flag)} ${message}`, severity: 'error' as const },
  });
  const eq = flag.indexOf('=');
  if (eq <= 0 || eq === flag.length - 1)
    return problem('must be NAME=SOURCE (a volume or bind target, then where its data comes from)');
  const name = flag.slice(0, eq);
  const source = flag.slice(eq + 1);
  const base = { name, snapshot: 'latest', origin };
  if (source === 'live') return { spec: { ...base, from: 'live' } };
  const colon = source.indexOf(':');
  const scheme = colon > 0 ? source.slice(0, colon) : '';
  const rest = source.slice(colon + 1);
  // Archives and directories are read from this host; a URL would be resolved into a nonsense path (and any
  // password in it printed where the mask of `scheme://user:pw@` no longer recognises it).
  const url = /^[a-z][a-z0-9+.-]*:\/\//i;
  if ((scheme === 'archive' || scheme === 'dir' || scheme === 'directory') && url.test(rest)) {
    return problem(`names a URL; ${scheme}: takes a path on this host (download the backup first)`);
  }
  if (scheme !== 'restic' && scheme !== 'borg' && url.test(source)) {
    return problem('names a URL; archives and directories are read from a path on this host');
  }
  switch (scheme) {
    case 'archive':
    case 'dir':
    case 'directory':
      if (rest === '') return problem(`needs a path after ${scheme}:`);
      return { spec: { ...base, from: scheme === 'archive' ? 'archive' : 'directory', path: resolve(cwd, rest) } };
    case 'restic': {
      const hash = rest.lastIndexOf('#');
      const repository = hash >= 0 ? rest.slice(0, hash) : rest;
      const snapshot = hash >= 0 ? rest.slice(hash + 1) : 'latest';
      if (repository === '' || snapshot === '')
        return problem('must be restic:REPOSITORY or restic:REPOSITORY#SNAPSHOT');
      return { spec: { ...base, from: 'restic', repository: localOrRemote(repository, cwd), snapshot } };
    }
    case 'borg': {
      const sep = rest.lastIndexOf('::');
      if (sep <= 0 || sep === rest.length - 2)
        return problem('must be borg:REPOSITORY::ARCHIVE (ARCHIVE may be latest)');
      return {
        spec: {
          ...base,
          from: 'borg',
          repository: localOrRemote(rest.slice(0, sep), cwd),
          snapshot: rest.slice(sep + 2),
        },
      };
    }
    default:
      return {
        spec: { ...base, from: ARCHIVE_NAME.test(source) ? 'archive' : 'directory', path: resolve(cwd, source) },
      };
  }
}

function localOrRemote(repository: string, cwd: string): string {
  return /^[a-z0-9+]+:|@[^/]*:/i.test(repository) && !repository.startsWith('/')
    ? repository
    : resolve(cwd, repository);
}
