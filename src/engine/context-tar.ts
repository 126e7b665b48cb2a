// A build context as the tar stream the Engine API's POST /build wants: regular files, directories and
// symlinks under the context directory, minus what .dockerignore excludes, in a stable (sorted) order.
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { dockerignoreMatcher } from './dockerignore.js';

const BLOCK = 512;

interface Entry {
  /** Path inside the archive, `/`-separated. */
  name: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  size: number;
  mtimeS: number;
  linkTarget?: string;
  /** Host path to read a file's content from. */
  source?: string;
}

/**
 * Yields the ustar archive of `contextDir` (long names through PAX headers), honouring its .dockerignore;
 * the Dockerfile and .dockerignore themselves are always sent, as the docker CLI does. `extraFiles` are
 * added at the root of the archive (a Dockerfile that lives outside the context).
 */
export async function* contextTar(
  contextDir: string,
  options: { keep?: string[]; extraFiles?: { name: string; source: string }[] } = {},
): AsyncGenerator<Buffer> {
  const ignore = dockerignoreMatcher(await readFile(join(contextDir, '.dockerignore'), 'utf8').catch(() => ''));
  const keep = new Set(['Dockerfile', '.dockerignore', ...(options.keep ?? [])]);
  for await (const entry of walk(contextDir, contextDir, (name) => !keep.has(name) && ignore(name))) {
    yield* entryBlocks(entry);
  }
  for (const extra of options.extraFiles ?? []) {
    const stats = await lstat(extra.source);
    yield* entryBlocks({
      name: extra.name,
      type: 'file',
      mode: stats.mode & 0o7777,
      size: stats.size,
      mtimeS: Math.floor(stats.mtimeMs / 1000),
      source: extra.source,
    });
  }
  // Two zero blocks end the archive.
  yield Buffer.alloc(BLOCK * 2);
}

async function* walk(root: string, dir: string, ignored: (name: string) => boolean): AsyncGenerator<Entry> {
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    const path = join(dir, name);
    const rel = relative(root, path).split(sep).join('/');
    if (ignored(rel)) continue;
    const stats = await lstat(path);
    const base = { name: rel, mode: stats.mode & 0o7777, mtimeS: Math.floor(stats.mtimeMs / 1000) };
    if (stats.isSymbolicLink()) {
      yield { ...base, type: 'symlink', size: 0, linkTarget: await readlink(path) };
    } else if (stats.isDirectory()) {
      yield { ...base, type: 'dir', size: 0 };
      yield* walk(root, path, ignored);
    } else if (stats.isFile()) {
      yield { ...base, type: 'file', size: stats.size, source: path };
    }
    // Sockets, fifos and devices have no place in an image build; the docker CLI skips them too.
  }
}

async function* entryBlocks(entry: Entry): AsyncGenerator<Buffer> {
  const name = entry.type === 'dir' ? `${entry.name}/` : entry.name;
  const pax: Record<string, string> = {};
  if (Buffer.byteLength(name) > 100) pax.path = name;
  if (entry.linkTarget !== undefined && Buffer.byteLength(entry.linkTarget) > 100) pax.linkpath = entry.linkTarget;
  if (Object.keys(pax).length > 0) {
    const body = paxBody(pax);
    yield header({ name: 'PaxHeader', type: 'x', mode: 0o644, size: body.length, mtimeS: entry.mtimeS });
    yield padded(body);
  }
  yield header({
    name: pax.path ? name.slice(0, 99) : name,
    type: entry.type === 'file' ? '0' : entry.type === 'dir' ? '5' : '2',
    mode: entry.mode,
    size: entry.size,
    mtimeS: entry.mtimeS,
    linkName: pax.linkpath ? '' : (entry.linkTarget ?? ''),
  });
  if (entry.type !== 'file' || !entry.source) return;
  let written = 0;
  for await (const chunk of createReadStream(entry.source)) {
    // A file growing while it is archived must not overrun the size its header announced.
    const buf = (chunk as Buffer).subarray(0, Math.max(0, entry.size - written));
    written += buf.length;
    if (buf.length > 0) yield buf;
  }
  // A file that shrank is padded with zeros so every later header stays on its block boundary.
  if (written < entry.size) yield Buffer.alloc(entry.size - written);
  const rest = entry.size % BLOCK;
  if (rest > 0) yield Buffer.alloc(BLOCK - rest);
}

function header(h: {
  name: string;
  type: string;
  mode: number;
  size: number;
  mtimeS: number;
  linkName?: string;
}): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(h.name, 0, 100, 'utf8');
  octal(block, h.mode, 100, 8);
  octal(block, 0, 108, 8);
  octal(block, 0, 116, 8);
  octal(block, h.size, 124, 12);
  octal(block, h.mtimeS, 136, 12);
  block.write(h.type, 156, 1, 'ascii');
  block.write(h.linkName ?? '', 157, 100, 'utf8');
  block.write('ustar\u000000', 257, 8, 'ascii');
  // The checksum is computed with its own field read as eight spaces.
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return block;
}

function octal(block: Buffer, value: number, offset: number, length: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'ascii');
}

/** PAX records are `<len> key=value\n`, where len counts the whole record including its own digits. */
function paxBody(values: Record<string, string>): Buffer {
  const records = Object.entries(values).map(([key, value]) => {
    const payload = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(payload) + 1;
    while (String(length).length + Buffer.byteLength(payload) !== length) length++;
    return `${length}${payload}`;
  });
  return Buffer.from(records.join(''), 'utf8');
}

function padded(body: Buffer): Buffer {
  const rest = body.length % BLOCK;
  return rest === 0 ? body : Buffer.concat([body, Buffer.alloc(BLOCK - rest)]);
}
