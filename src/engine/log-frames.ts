// The engine multiplexes stdout and stderr of non-TTY containers into frames with an 8-byte header:
// [stream (0 stdin, 1 stdout, 2 stderr), 0, 0, 0, payload length as uint32 big-endian]. TTY containers' logs are raw.

/** One demultiplexed frame's payload and the stream it came from. */
export interface LogFrame {
  stream: 'stdin' | 'stdout' | 'stderr';
  payload: Buffer;
}

const streams = ['stdin', 'stdout', 'stderr'] as const;
const headerSize = 8;

/** Splits a complete multiplexed body into frames, or returns undefined when the body is not framed (TTY logs). */
export function demuxLogFrames(body: Buffer): LogFrame[] | undefined {
  const frames: LogFrame[] = [];
  let offset = 0;
  while (offset < body.length) {
    if (body.length - offset < headerSize) return undefined;
    const stream = streams[body[offset]!];
    if (stream === undefined || body[offset + 1] !== 0 || body[offset + 2] !== 0 || body[offset + 3] !== 0) {
      return undefined;
    }
    const size = body.readUInt32BE(offset + 4);
    const start = offset + headerSize;
    if (start + size > body.length) return undefined;
    frames.push({ stream, payload: body.subarray(start, start + size) });
    offset = start + size;
  }
  return frames;
}

/** Turns a logs body (framed or raw) into its text lines in engine order; a final empty line is dropped. */
export function logBodyToLines(body: Buffer): string[] {
  const frames = demuxLogFrames(body);
  const text = (frames === undefined ? body : Buffer.concat(frames.map((f) => f.payload))).toString('utf8');
  if (text === '') return [];
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Sorts log lines carrying the engine's RFC 3339 timestamp prefix by that time (stable for equal times) and
 * strips the prefix; a line without one keeps the time of the line before it.
 */
export function inTimeOrder(lines: string[]): string[] {
  let last = '';
  const stamped = lines.map((line, index) => {
    const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z /.exec(line);
    // RFC 3339 "nano" trims trailing zeros, so the fraction is padded before comparing as text.
    if (match) last = `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}`;
    return { key: last, index, text: match ? line.slice(match[0].length) : line };
  });
  stamped.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
  return stamped.map((s) => s.text);
}
