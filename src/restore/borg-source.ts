import { readFile } from 'node:fs/promises';
import type { RestoreSpec } from '../restore-config/restore-config.js';
import { directorySource } from './directory-source.js';
import { existingSuffix } from './existing-suffix.js';
import { directoryInside, makeTempDir } from './extract-to-temp.js';
import { reasonLine, runCommand } from './run-command.js';
import type { SnapshotInfo } from './snapshot-info.js';
import type { TarSource } from './tar-source.js';

/** The environment borg runs with: the declared passphrase replaces the shell's, and borg never prompts. */
export async function borgEnv(spec: RestoreSpec, env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const out: NodeJS.ProcessEnv = { ...env, BORG_DISPLAY_PASSPHRASE: 'no' };
  if (spec.passwordEnv !== undefined || spec.passwordFile !== undefined) {
    delete out.BORG_PASSCOMMAND;
    delete out.BORG_PASSPHRASE_FD;
  }
  if (spec.passwordEnv !== undefined) out.BORG_PASSPHRASE = env[spec.passwordEnv] ?? '';
  // Read here rather than through BORG_PASSCOMMAND, which borg splits like a shell would (paths with spaces).
  if (spec.passwordFile !== undefined)
    out.BORG_PASSPHRASE = (await readFile(spec.passwordFile, 'utf8')).replace(/\r?\n$/, '');
  return out;
}

interface BorgArchive {
  name: string;
  start?: string;
  time?: string;
  command_line?: string[];
}

/** Finds the archive a restore names (`latest` or a name) and what path it was created from. */
export async function findBorgArchive(
  spec: RestoreSpec,
  env: NodeJS.ProcessEnv,
): Promise<{ snapshot: SnapshotInfo } | { problem: string }> {
  const repo = spec.repository!;
  let name = spec.snapshot;
  const fail = (result: { code: number | null; stderr: string; missing: boolean }) => {
    if (result.missing) return { problem: 'the borg command is not installed' };
    const why = reasonLine(result.stderr);
    if (/passphrase .*incorrect/i.test(why)) return { problem: `wrong passphrase for borg repository ${repo}` };
    return {
      problem: `borg cannot read ${repo}${name === 'latest' ? '' : `::${name}`}: ${why || `exit ${result.code}`}`,
    };
  };
  if (name === 'latest') {
    const listed = await runCommand('borg', ['list', '--json', '--last', '1', repo], { env });
    if (listed.code !== 0) return fail(listed);
    const last = (JSON.parse(listed.stdout) as { archives: BorgArchive[] }).archives.at(-1);
    if (!last) return { problem: `borg repository ${repo} has no archive` };
    name = last.name;
  }
  const info = await runCommand('borg', ['info', '--json', `${repo}::${name}`], { env });
  if (info.code !== 0) return fail(info);
  const archive = (JSON.parse(info.stdout) as { archives: BorgArchive[] }).archives[0];
  if (!archive) return { problem: `borg repository ${repo} has no archive ${name}` };
  // borg writes naive local times; Date reads a naive ISO time as local too.
  const time = new Date(archive.start ?? archive.time ?? '').toISOString();
  return { snapshot: { id: archive.name, time, root: createdFrom(archive.command_line) } };
}

/** The single path `borg create` was given, as borg stores it (no leading slash); `` when several or unknown. */
function createdFrom(commandLine: string[] | undefined): string {
  const args = commandLine ?? [];
  const at = args.findIndex((a) => a.includes('::'));
  const paths = (at >= 0 ? args.slice(at + 1) : []).filter((a) => !a.startsWith('-'));
  return paths.length === 1 ? paths[0]!.replace(/^\/+/, '') : '';
}

/**
 * A borg archive extracted into a temporary host directory (borg keeps owners and modes when run as root),
 * then sent as a directory; the path it was created from, or a subpath of the archive, becomes the root.
 */
export function borgSource(spec: RestoreSpec, snapshot: SnapshotInfo, env: NodeJS.ProcessEnv): TarSource {
  const location = `${spec.repository!}::${snapshot.id}`;
  return {
    label: `borg ${location}${spec.subpath ? ` (${spec.subpath})` : ''}`,
    async open(signal) {
      const temp = await makeTempDir('borg');
      try {
        const extracted = await runCommand('borg', ['extract', location], { env, cwd: temp.path, signal });
        if (extracted.code !== 0)
          throw new Error(`borg extract failed: ${reasonLine(extracted.stderr) || `exit ${extracted.code}`}`);
        const root = await existingSuffix(temp.path, snapshot.root);
        const dir = await directoryInside(root, spec.subpath, `borg archive ${location}`);
        const opened = await directorySource(dir).open(signal);
        return { ...opened, close: temp.remove };
      } catch (error) {
        await temp.remove();
        throw error;
      }
    },
  };
}
