import { writeSync } from "node:fs";

// Standard output written synchronously to fd 1. process.stdout queues writes
// to a pipe in memory when the reader is slower than the decoder, so a large
// capture piped into a slow consumer would grow without bound; a blocking
// write instead waits for the reader (backpressure).

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Write all of `text` to `fd`, waiting while a non-blocking pipe is full.
 * Returns false when the reader has gone away (EPIPE), as with `| head`.
 */
export function writeAll(fd: number, text: string): boolean {
  const bytes = Buffer.from(text, "utf8");
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
