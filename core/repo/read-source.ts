// Reading one file as UTF-8 text, never more than the cap, even if the file
// grew after it was measured. Synchronous system calls behind the async
// signature: flags files are small and read from the page cache, where one
// read(2) costs a few microseconds and a round trip through libuv's thread
// pool (four per file: open, read, read to the end, close) costs more than
// that — and `ff validate` of a small repository would otherwise spend a tenth
// of its start-up spinning the pool up.
import { closeSync, openSync, readSync } from 'node:fs';

export type ReadOutcome =
  | { ok: true; text: string }
  | { ok: false; reason: 'too-large' | 'encoding' | 'unreadable'; detail: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

export async function readSource(absolute: string, expectedSize: number, maxBytes: number): Promise<ReadOutcome> {
  let bytes: Buffer;
  try {
    const fd = openSync(absolute, 'r');
    try {
      // Sized from stat; grows (up to the cap) only if the file grew since.
      let buffer = Buffer.allocUnsafe(Math.min(expectedSize, maxBytes) + 1);
      let length = 0;
      for (;;) {
        const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length > maxBytes) return { ok: false, reason: 'too-large', detail: `more than ${maxBytes} bytes` };
        if (length === buffer.length) {
          const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
          buffer.copy(grown, 0, 0, length);
          buffer = grown;
        }
      }
      bytes = buffer.subarray(0, length);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return { ok: false, reason: 'unreadable', detail: (error as Error).message };
  }
  try {
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    return { ok: false, reason: 'encoding', detail: 'not valid UTF-8' };
  }
}
