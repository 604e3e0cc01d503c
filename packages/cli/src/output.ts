import { writeSync } from "node:fs";

// Standard output written synchronously to fd 1. process.stdout queues writes
// to a pipe in memory when the reader is slower than the decoder, so a large
// capture piped into a slow consumer would grow without bound; a blocking
// write instead waits for the reader (backpressure).

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Write all of `bytes` to `fd`, waiting while a non-blocking pipe is full.
 * Returns false when the reader has gone away (EPIPE), as with `| head`.
 */
export function writeAll(fd: number, bytes: Uint8Array): boolean {
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(fd, bytes, at, bytes.length - at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") Atomics.wait(pause, 0, 0, 1);
      else if (code === "EPIPE") return false;
      else throw e;
    }
  }
  return true;
}

/**
 * Text written in batches: one write per line costs more than decoding it.
 * Lines are encoded straight into one buffer (no joined string, no
 * intermediate Buffer per batch).
 */
export class BatchedOutput {
  private readonly buffer = Buffer.allocUnsafe(1 << 18);
  private used = 0;

  /** `closed` is called when the reader has gone away. */
  constructor(
    private readonly fd: number,
    private readonly closed: () => void,
  ) {}

  write(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.used + text.length * 3 > this.buffer.length) {
      this.flush();
      if (text.length * 3 > this.buffer.length) {
        if (!writeAll(this.fd, Buffer.from(text, "utf8"))) this.closed();
        return;
      }
    }
    this.used += this.buffer.write(text, this.used, "utf8");
  }

  flush(): void {
    if (this.used === 0) return;
    const full = this.buffer.subarray(0, this.used);
    this.used = 0;
    if (!writeAll(this.fd, full)) this.closed();
  }
}
