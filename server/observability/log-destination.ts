import { writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';

/**
 * The server's stdout for JSON log lines: lines collect in memory and go out
 * in one synchronous write(2) per `flushAt` characters (64 Ki by default: a
 * system call costs about 10 µs on the machine `make bench` runs on, so one
 * per few hundred lines), every second, on close (the app flushes the logger)
 * and at exit. A write holds whole lines and at most `flushAt` bytes when it
 * can; the workers of `serve --workers N` share one stdout and use PIPE_BUF
 * (4,096), because a pipe keeps a write of that size in one piece, so their
 * lines never interleave mid-line.
 *
 * Why not pino.destination (sonic-boom) with `minLength`: it appends each line
 * to one growing string and takes that string's byte length on every write,
 * which flattens it — about 1.1 µs and a few KiB of garbage per line (measured:
 * 1,150 ns per 250-byte line, against about 50 ns here), more than pino spends
 * building the line. A synchronous write keeps lines in order with the rest of
 * the process and needs no thread pool; a full pipe (EAGAIN) is waited out, as
 * pino's synchronous destination does, and a closed one (EPIPE) drops lines
 * rather than failing requests.
 */
export class BufferedLogDestination implements DestinationStream {
  private parts: string[] = [];
  private pending = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly onExit = () => this.flushSync();

  constructor(
    private readonly fd = 1,
    private readonly flushAt = DEFAULT_FLUSH_AT,
    flushEveryMs = 1000,
  ) {
    this.timer = setInterval(this.onExit, flushEveryMs);
    this.timer.unref();
    process.once('exit', this.onExit);
  }

  write(line: string): boolean {
    if (this.pending > 0 && this.pending + line.length > this.flushAt) this.flushSync();
    this.parts.push(line);
    this.pending += line.length;
    if (this.pending >= this.flushAt) this.flushSync();
    return true;
  }

  /** pino's logger.flush(cb) calls this. */
  flush(cb?: (err?: Error) => void): void {
    this.flushSync();
    cb?.();
  }

  flushSync(): void {
    if (this.pending === 0) return;
    const parts = this.parts;
    this.parts = [];
    this.pending = 0;
    for (const chunk of writeChunks(parts, this.flushAt)) writeFully(this.fd, chunk);
  }

  /** Flushes and stops the timer and the exit hook. */
  end(): void {
    this.flushSync();
    clearInterval(this.timer);
    process.removeListener('exit', this.onExit);
  }
}

/** The largest write a pipe keeps in one piece (POSIX minimum, Linux's value). */
export const PIPE_BUF = 4096;

/** A single process's write size (characters, and at most bytes when it can). */
export const DEFAULT_FLUSH_AT = 64 * 1024;

/**
 * The writes that carry `lines`: one, when they fit in `maxBytes` (or are a
 * single line); otherwise groups of whole lines of at most `maxBytes` each
 * (more bytes than characters: text that is not ASCII).
 */
export function writeChunks(lines: readonly string[], maxBytes = DEFAULT_FLUSH_AT): Buffer[] {
  const all = Buffer.from(lines.length === 1 ? (lines[0] as string) : lines.join(''), 'utf8');
  if (all.length <= maxBytes || lines.length === 1) return [all];
  const chunks: Buffer[] = [];
  let group: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    const n = Buffer.byteLength(line, 'utf8');
    if (bytes + n > maxBytes && group.length > 0) {
      chunks.push(Buffer.from(group.join(''), 'utf8'));
      group = [];
      bytes = 0;
    }
    group.push(line);
    bytes += n;
  }
  if (group.length > 0) chunks.push(Buffer.from(group.join(''), 'utf8'));
  return chunks;
}

const waitCell = new Int32Array(new SharedArrayBuffer(4));

function writeFully(fd: number, buf: Buffer): void {
  let offset = 0;
  while (offset < buf.length) {
    try {
      offset += writeSync(fd, buf, offset, buf.length - offset);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN') return; // EPIPE, EBADF…: nowhere to log to
      Atomics.wait(waitCell, 0, 0, 1);
    }
  }
}
