import { writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';

/** The largest write a pipe keeps in one piece (POSIX minimum, Linux's value). */
export const PIPE_BUF = 4096;

/** A single process's write size in bytes. */
export const DEFAULT_FLUSH_AT = 64 * 1024;

/** UTF-8 needs at most three bytes per UTF-16 code unit: the room a line is sure to fit in. */
const MAX_BYTES_PER_UNIT = 3;

/**
 * The server's stdout for JSON log lines: lines are encoded straight into one
 * reused buffer and go out in one synchronous write(2) when it holds
 * `flushAt` bytes (64 KiB by default: a system call costs about 10 µs on the
 * machine `make bench` runs on, so one per few hundred lines), every second,
 * on close (the app flushes the logger) and at exit. A write holds whole
 * lines only; the workers of `serve --workers N` share one stdout and use
 * PIPE_BUF (4,096), because a pipe keeps a write of that size in one piece,
 * so their lines never interleave mid-line.
 *
 * Why not pino.destination (sonic-boom) with `minLength`: it appends each line
 * to one growing string and takes that string's byte length on every write,
 * which flattens it — about 1.1 µs and a few KiB of garbage per line (1,150 ns
 * per 250-byte line in isolation), more than pino spends building the line;
 * joining lines and making a Buffer per write, our first version, still
 * doubled the server's time in garbage collection. A synchronous write keeps
 * lines in order with the rest of the process and needs no thread pool; a
 * full pipe (EAGAIN) is waited out, as pino's synchronous destination does,
 * and a closed one (EPIPE) drops lines rather than failing requests.
 */
export class BufferedLogDestination implements DestinationStream {
  private readonly buffer: Buffer;
  private used = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly onExit = () => this.flushSync();

  constructor(
    private readonly fd = 1,
    private readonly flushAt = DEFAULT_FLUSH_AT,
    flushEveryMs = 1000,
  ) {
    this.buffer = Buffer.allocUnsafe(flushAt);
    this.timer = setInterval(this.onExit, flushEveryMs);
    this.timer.unref();
    process.once('exit', this.onExit);
  }

  write(line: string): boolean {
    const room = line.length * MAX_BYTES_PER_UNIT;
    if (room > this.flushAt - this.used) {
      this.flushSync();
      // A line that might not fit even in an empty buffer goes out on its own.
      if (room > this.flushAt) {
        writeFully(this.fd, Buffer.from(line, 'utf8'));
        return true;
      }
    }
    this.used += this.buffer.write(line, this.used, 'utf8');
    return true;
  }

  /** pino's logger.flush(cb) calls this. */
  flush(cb?: (err?: Error) => void): void {
    this.flushSync();
    cb?.();
  }

  flushSync(): void {
    if (this.used === 0) return;
    const n = this.used;
    this.used = 0;
    writeFully(this.fd, this.buffer.subarray(0, n));
  }

  /** Flushes and stops the timer and the exit hook. */
  end(): void {
    this.flushSync();
    clearInterval(this.timer);
    process.removeListener('exit', this.onExit);
  }
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
