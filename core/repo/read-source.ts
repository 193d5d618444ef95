// Reading one file as UTF-8 text, never more than the cap, even if the file
// grew after it was measured.
import { open } from 'node:fs/promises';

export type ReadOutcome =
  | { ok: true; text: string }
  | { ok: false; reason: 'too-large' | 'encoding' | 'unreadable'; detail: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

export async function readSource(absolute: string, expectedSize: number, maxBytes: number): Promise<ReadOutcome> {
  let bytes: Buffer;
  try {
    const handle = await open(absolute, 'r');
    try {
      // Sized from stat; grows (up to the cap) only if the file grew since.
      let buffer = Buffer.allocUnsafe(Math.min(expectedSize, maxBytes) + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
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
      await handle.close();
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
