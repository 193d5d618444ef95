// The buffered stdout of the server's JSON log lines, against a real file
// descriptor: lines arrive whole and in order, nothing is lost on flush or
// end, and no write holds more than flushAt bytes or part of a line (the
// workers of `serve --workers N` share one pipe and write PIPE_BUF at most).
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BufferedLogDestination } from '../../server/observability/log-destination.js';

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

  it('writes whole lines, at most flushAt bytes at a time, also for text that is not ASCII', () => {
    const dest = new BufferedLogDestination(fd, 4096, 60_000);
    const wide = (i: number) => `${JSON.stringify({ i, text: 'é€'.repeat(i % 3 === 0 ? 300 : 20) })}\n`; // up to ~1.5 KiB of UTF-8
    const lines = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? wide(i) : line(i)));
    const growth: number[] = [];
    let size = 0;
    for (const l of lines) {
      dest.write(l);
      const now = readFileSync(file);
      if (now.length !== size) {
        growth.push(now.length - size);
        // Every write ends on a line boundary.
        expect(now.subarray(-1).toString()).toBe('\n');
      }
      size = now.length;
    }
    dest.end();
    expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
    expect(growth.length).toBeGreaterThan(3);
    for (const n of growth) expect(n).toBeLessThanOrEqual(4096);
  });

  it('a line too long for the buffer goes out whole, after what was buffered', () => {
    const dest = new BufferedLogDestination(fd, 4096, 60_000);
    dest.write(line(1));
    const long = line(2, 5000);
    dest.write(long);
    expect(readFileSync(file, 'utf8')).toBe(line(1) + long);
    dest.write(line(3));
    dest.end();
    expect(readFileSync(file, 'utf8')).toBe(line(1) + long + line(3));
  });
});
