import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demuxLogFrames, inTimeOrder, logBodyToLines } from './log-frames.js';

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

test('demultiplexes stdout and stderr frames in order', () => {
  const body = Buffer.concat([frame(1, 'out-1\n'), frame(2, 'err-1\n'), frame(1, 'out-2\n')]);
  const frames = demuxLogFrames(body);
  assert.deepEqual(
    frames?.map((f) => [f.stream, f.payload.toString()]),
    [
      ['stdout', 'out-1\n'],
      ['stderr', 'err-1\n'],
      ['stdout', 'out-2\n'],
    ],
  );
  assert.deepEqual(logBodyToLines(body), ['out-1', 'err-1', 'out-2']);
});

test('a line split across frames is joined; a frame with several lines is split', () => {
  const body = Buffer.concat([frame(1, 'hel'), frame(1, 'lo\nworld\n'), frame(2, 'last')]);
  assert.deepEqual(logBodyToLines(body), ['hello', 'world', 'last']);
});

test('zero-length frames and an empty body are fine', () => {
  assert.deepEqual(demuxLogFrames(Buffer.alloc(0)), []);
  assert.deepEqual(logBodyToLines(Buffer.alloc(0)), []);
  assert.deepEqual(logBodyToLines(Buffer.concat([frame(1, ''), frame(1, 'x\n')])), ['x']);
});

test('raw TTY output is not mistaken for frames', () => {
  const raw = Buffer.from('hello from a tty\r\nsecond line\r\n');
  assert.equal(demuxLogFrames(raw), undefined);
  assert.deepEqual(logBodyToLines(raw), ['hello from a tty', 'second line']);
});

test('a truncated frame or a bad header means the body is raw', () => {
  const truncated = frame(1, 'abcdef').subarray(0, 10);
  assert.equal(demuxLogFrames(truncated), undefined);
  const badPadding = frame(1, 'abc');
  badPadding[2] = 7;
  assert.equal(demuxLogFrames(badPadding), undefined);
  assert.equal(demuxLogFrames(Buffer.from([1, 0, 0])), undefined);
});

test('multi-byte characters survive frame boundaries', () => {
  const bytes = Buffer.from('café\n');
  const body = Buffer.concat([
    frame(1, ''),
    (() => {
      const head = Buffer.alloc(8);
      head[0] = 1;
      head.writeUInt32BE(4, 4);
      return Buffer.concat([head, bytes.subarray(0, 4)]);
    })(),
    (() => {
      const head = Buffer.alloc(8);
      head[0] = 1;
      head.writeUInt32BE(bytes.length - 4, 4);
      return Buffer.concat([head, bytes.subarray(4)]);
    })(),
  ]);
  assert.deepEqual(logBodyToLines(body), ['café']);
});

test('log lines are put back in time order and lose their timestamps', () => {
  assert.deepEqual(
    inTimeOrder([
      '2026-12-03T19:38:47.1Z step1',
      '2026-12-03T19:38:47.3Z step3',
      '2026-12-03T19:38:47.25Z warn A',
      '2026-12-03T19:38:47.300000001Z ERROR final',
      'continued line',
    ]),
    ['step1', 'warn A', 'step3', 'ERROR final', 'continued line'],
  );
});
