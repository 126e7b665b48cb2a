import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { directorySource } from './directory-source.js';
import { directoryInside, extractTar, makeTempDir } from './extract-to-temp.js';
import { commandStream } from './run-command.js';
import type { TarSource } from './tar-source.js';

/** How an archive is compressed, told from its first bytes (not its name). */
export type ArchiveFormat = 'tar' | 'gzip' | 'zstd';

/** The format of a file's first 512 bytes, or undefined when it is no archive Rehearsa reads. */
export function sniffArchive(head: Buffer): ArchiveFormat | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  // An archive with no entries is nothing but zero blocks: valid, and restoring it empties nothing but the volume.
  if (head.length === 512 && head.every((b) => b === 0)) return 'tar';
  return undefined;
}

/** Reads the first 512 bytes of a file. */
export async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(512);
    const { bytesRead } = await handle.read(buffer, 0, 512, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * A .tar, .tar.gz or .tar.zst file (zstd through the `zstd` command) as a plain tar. With a subpath the
 * archive is unpacked into a temporary directory first and only that directory's contents are sent.
 */
export function archiveSource(path: string, format: ArchiveFormat, subpath?: string): TarSource {
  const label = `archive ${path}${subpath ? ` (${subpath})` : ''}`;
  const plain = (signal: AbortSignal): Readable => {
    if (format === 'zstd') return commandStream('zstd', ['-dc', '--', path], { signal });
    const file = createReadStream(path, { signal });
    if (format === 'tar') return file;
    const gunzip = createGunzip();
    file.on('error', (err) => gunzip.destroy(err));
    return file.pipe(gunzip);
  };
  return {
    label,
    async open(signal) {
      if (!subpath) return { stream: plain(signal), rooted: false, close: async () => {} };
      const temp = await makeTempDir('archive');
      try {
        await extractTar(plain(signal), temp.path, signal);
        const opened = await directorySource(await directoryInside(temp.path, subpath, path)).open(signal);
        return { ...opened, close: temp.remove };
      } catch (error) {
        await temp.remove();
        throw error;
      }
    },
  };
}
