import { access, stat } from 'node:fs/promises';
import type { Engine } from '../engine/engine.js';
import type { ComposeProject, Issue } from '../model.js';
import { locate } from '../restore-config/check-restore-targets.js';
import type { RestoreSpec } from '../restore-config/restore-config.js';
import { type ArchiveFormat, readHead, sniffArchive } from './archive-source.js';
import { borgEnv, findBorgArchive } from './borg-source.js';
import { findResticSnapshot, resticEnv } from './restic-source.js';
import { runCommand } from './run-command.js';
import type { SnapshotInfo } from './snapshot-info.js';

/** A restore whose source was found and opened far enough to trust it, pinned to one snapshot. */
export interface ResolvedRestore {
  spec: RestoreSpec;
  archiveFormat?: ArchiveFormat;
  snapshot?: SnapshotInfo;
  /** Engine name of the live volume (from: live on a named volume). */
  liveVolume?: string;
  /** Host path of the live bind (from: live on a bind target). */
  livePath?: string;
  /** Environment restic or borg run with. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Checks every declared source before anything is created (the archive exists and is one, the repository
 * opens with its password, the snapshot exists, the live volume exists) and pins `latest` to one
 * snapshot; every problem is an issue located where the restore was declared.
 */
export async function inspectRestores(
  restores: RestoreSpec[],
  project: ComposeProject,
  deps: { engine: Engine; env: NodeJS.ProcessEnv },
): Promise<{ resolved: ResolvedRestore[]; issues: Issue[] }> {
  const results = await Promise.all(restores.map((spec) => inspectOne(spec, project, deps)));
  const issues = results.flatMap((r) =>
    'problem' in r ? [{ ...locate(r.spec.origin), message: r.problem, severity: 'error' as const }] : [],
  );
  return { resolved: results.filter((r): r is ResolvedRestore => !('problem' in r)), issues };
}

type Inspected = ResolvedRestore | { spec: RestoreSpec; problem: string };

async function inspectOne(
  spec: RestoreSpec,
  project: ComposeProject,
  deps: { engine: Engine; env: NodeJS.ProcessEnv },
): Promise<Inspected> {
  const problem = (message: string): Inspected => ({ spec, problem: message });
  switch (spec.from) {
    case 'archive': {
      const path = spec.path!;
      const info = await stat(path).catch(() => undefined);
      if (!info) return problem(`archive ${path} does not exist`);
      if (!info.isFile()) return problem(`archive ${path} is not a file`);
      const format = sniffArchive(await readHead(path).catch(() => Buffer.alloc(0)));
      if (!format) return problem(`${path} is not a tar archive (.tar, .tar.gz or .tar.zst)`);
      if (format === 'zstd' && (await runCommand('zstd', ['--version'])).missing) {
        return problem(`${path} is zstd-compressed and the zstd command is not installed (apt-get install zstd)`);
      }
      return { spec, archiveFormat: format };
    }
    case 'directory': {
      const path = spec.path!;
      if (!(await isDirectory(path))) return problem(`directory ${path} does not exist`);
      if (spec.subpath && !(await isDirectory(`${path}/${spec.subpath}`)))
        return problem(`${spec.subpath} is not a directory in ${path}`);
      return { spec };
    }
    case 'restic':
    case 'borg': {
      if (spec.passwordEnv !== undefined && deps.env[spec.passwordEnv] === undefined) {
        return problem(`password_env ${spec.passwordEnv} is not set`);
      }
      if (
        spec.passwordFile !== undefined &&
        !(await access(spec.passwordFile).then(
          () => true,
          () => false,
        ))
      ) {
        return problem(`password_file ${spec.passwordFile} cannot be read`);
      }
      const env = spec.from === 'restic' ? resticEnv(spec, deps.env) : await borgEnv(spec, deps.env);
      const found = spec.from === 'restic' ? await findResticSnapshot(spec, env) : await findBorgArchive(spec, env);
      return 'problem' in found ? problem(found.problem) : { spec, snapshot: found.snapshot, env };
    }
    case 'live': {
      const def = project.volumes[spec.name];
      if (def) {
        return (await deps.engine.volumeExists(def.name))
          ? { spec, liveVolume: def.name }
          : problem(`live volume ${def.name} does not exist on this host`);
      }
      const bind = Object.values(project.services)
        .flatMap((s) => s.mounts)
        .find((m) => m.type === 'bind' && m.target === spec.name);
      const path = bind?.source ?? '';
      return (await isDirectory(path))
        ? { spec, livePath: path }
        : problem(`live bind path ${path} is not a directory on this host`);
    }
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
