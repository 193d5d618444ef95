// The buffered stdout of the server's JSON log lines, against a real file
// descriptor: lines arrive whole and in order, nothing is lost on flush or
// end, and no single write holds more than PIPE_BUF bytes of several lines
// (the workers of `serve --workers N` share one pipe).
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BufferedLogDestination, writeChunks } from '../../server/observability/log-destination.js';

let dir: string;
let file: string;
let fd: number;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ff-logdest-'));
  file = path.join(dir, 'out.log');
  fd = openSync(file, 'a');
});
afterEach(() => {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
});

const line = (i: number, pad = 200) => `${JSON.stringify({ i, pad: 'x'.repeat(pad) })}\n`;

describe('BufferedLogDestination', () => {
  it('holds lines until flushed, then writes them whole and in order', () => {
    const dest = new BufferedLogDestination(fd, 4096, 60_000);
    dest.write(line(1));
    dest.write(line(2));
    expect(readFileSync(file, 'utf8')).toBe('');
    let called = false;
    dest.flush(() => (called = true));
    expect(called).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(line(1) + line(2));
    dest.end();
  });

  it('writes on its own once the buffer is full, never splitting a line, and end() writes the rest', () => {
    const dest = new BufferedLogDestination(fd, 4096, 60_000);
    const lines = Array.from({ length: 100 }, (_, i) => line(i));
    for (const l of lines) dest.write(l);
    const before = readFileSync(file, 'utf8');
    expect(before.length).toBeGreaterThan(0);
    expect(before.endsWith('\n')).toBe(true);
    dest.end();
    expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
  });

  it('keeps each write of several lines within PIPE_BUF bytes, also for text that is not ASCII', () => {
    const wide = (i: number) => `${JSON.stringify({ i, text: 'é€'.repeat(300) })}\n`; // ~1.5 KiB of UTF-8 in ~600 characters
    const lines = Array.from({ length: 7 }, (_, i) => wide(i));
    const chunks = writeChunks(lines, 4096);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(4096);
      expect(c.toString('utf8').endsWith('\n')).toBe(true);
    }
    expect(Buffer.concat(chunks).toString('utf8')).toBe(lines.join(''));
    // ASCII lines that fit: one write. One line longer than PIPE_BUF: one write of its own.
    expect(writeChunks([line(1), line(2)], 4096)).toHaveLength(1);
    expect(writeChunks([line(1, 9000)], 4096)).toHaveLength(1);
    // The single-process default: 64 KiB writes.
    expect(writeChunks(Array.from({ length: 100 }, (_, i) => line(i)))).toHaveLength(1);

    // Through the destination: the file receives exactly the lines.
    const dest = new BufferedLogDestination(fd, 4096, 60_000);
    for (const l of lines) dest.write(l);
    dest.end();
    expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
  });
});
