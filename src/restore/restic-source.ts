import type { RestoreSpec } from '../restore-config/restore-config.js';
import { directorySource } from './directory-source.js';
import { existingSuffix } from './existing-suffix.js';
import { directoryInside, makeTempDir } from './extract-to-temp.js';
import { reasonLine, runCommand } from './run-command.js';
import type { SnapshotInfo } from './snapshot-info.js';
import type { TarSource } from './tar-source.js';

/** The environment restic runs with: the declared password source replaces whatever the shell had. */
export function resticEnv(spec: RestoreSpec, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  if (spec.passwordEnv !== undefined || spec.passwordFile !== undefined) {
    delete out.RESTIC_PASSWORD;
    delete out.RESTIC_PASSWORD_FILE;
    delete out.RESTIC_PASSWORD_COMMAND;
  }
  if (spec.passwordEnv !== undefined) out.RESTIC_PASSWORD = env[spec.passwordEnv] ?? '';
  if (spec.passwordFile !== undefined) out.RESTIC_PASSWORD_FILE = spec.passwordFile;
  return out;
}

interface ResticSnapshot {
  id: string;
  short_id?: string;
  time: string;
  paths?: string[];
}

/** Finds the snapshot a restore names (`latest` or an id prefix) with a read-only, lock-free listing. */
export async function findResticSnapshot(
  spec: RestoreSpec,
  env: NodeJS.ProcessEnv,
): Promise<{ snapshot: SnapshotInfo } | { problem: string }> {
  const repo = spec.repository!;
  const listed = await runCommand('restic', ['-r', repo, 'snapshots', '--json', '--no-lock'], { env });
  if (listed.missing) return { problem: 'the restic command is not installed' };
  if (listed.code !== 0) {
    const why = reasonLine(listed.stderr);
    if (/wrong password|no key found/i.test(why)) return { problem: `wrong password for restic repository ${repo}` };
    return { problem: `restic cannot read repository ${repo}: ${why || `exit ${listed.code}`}` };
  }
  const snapshots = JSON.parse(listed.stdout || '[]') as ResticSnapshot[];
  const sorted = [...snapshots].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  const picked = spec.snapshot === 'latest' ? sorted[0] : sorted.find((s) => s.id.startsWith(spec.snapshot));
  if (!picked) {
    return {
      problem:
        spec.snapshot === 'latest'
          ? `restic repository ${repo} has no snapshot`
          : `restic repository ${repo} has no snapshot ${spec.snapshot}`,
    };
  }
  const paths = picked.paths ?? [];
  return { snapshot: { id: picked.id, time: picked.time, root: paths.length === 1 ? paths[0]! : '/' } };
}

/**
 * A restic snapshot restored into a temporary host directory (restic keeps owners and modes when run as
 * root), then sent as a directory; the backed-up path's contents, or its subpath, become the volume root.
 */
export function resticSource(spec: RestoreSpec, snapshot: SnapshotInfo, env: NodeJS.ProcessEnv): TarSource {
  const repo = spec.repository!;
  return {
    label: `restic ${repo} ${snapshot.id.slice(0, 8)}${spec.subpath ? ` (${spec.subpath})` : ''}`,
    async open(signal) {
      const temp = await makeTempDir('restic');
      try {
        const restored = await runCommand(
          'restic',
          ['-r', repo, 'restore', snapshot.id, '--target', temp.path, '--no-lock'],
          {
            env,
            signal,
          },
        );
        if (restored.code !== 0)
          throw new Error(`restic restore failed: ${reasonLine(restored.stderr) || `exit ${restored.code}`}`);
        // restic before 0.17 stores a relative backup path as given, later versions as absolute: try its suffixes.
        const root = await existingSuffix(temp.path, snapshot.root);
        const dir = await directoryInside(root, spec.subpath, `restic snapshot ${snapshot.id.slice(0, 8)}`);
        const opened = await directorySource(dir).open(signal);
        return { ...opened, close: temp.remove };
      } catch (error) {
        await temp.remove();
        throw error;
      }
    },
  };
}
