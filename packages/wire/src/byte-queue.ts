/**
 * The bytes of a stream that arrived but are not decoded yet, for the
 * incremental decoders. Chunks are appended to one buffer that grows
 * geometrically, so each byte is copied O(1) times on average however the
 * stream is cut: a message of n bytes in chunks of c costs O(n), not O(n²/c).
 *
 * Decoders read `bytes[start, end)` in place, so the buffer is reused:
 * whatever a decoded message keeps must be copied out of it.
 */
export class ByteQueue {
  bytes = new Uint8Array(256);
  start = 0;
  end = 0;
  private base = 0; // stream offset of bytes[0]

  /** Bytes pending. */
  get length(): number {
    return this.end - this.start;
  }

  /** Stream offset of bytes[i]. */
  offsetOf(i: number): number {
    return this.base + i;
  }

  /** The pending bytes (a view, valid until the next append). */
  pending(): Uint8Array {
    return this.bytes.subarray(this.start, this.end);
  }

  /**
   * Append a chunk. Returns how many places the pending bytes moved toward
   * index 0 to make room (indices into `bytes` held by the caller shift by it).
   */
  append(chunk: Uint8Array): number {
    let moved = 0;
    if (this.end + chunk.length > this.bytes.length) {
      const pending = this.end - this.start;
      let size = this.bytes.length;
      // Move the pending bytes to the front, into a buffer twice as large when they would fill more than half.
      while (pending + chunk.length > size / 2) size *= 2;
      if (size === this.bytes.length) this.bytes.copyWithin(0, this.start, this.end);
      else {
        const next = new Uint8Array(size);
        next.set(this.bytes.subarray(this.start, this.end));
        this.bytes = next;
      }
      moved = this.start;
      this.base += this.start;
      this.start = 0;
      this.end = pending;
    }
    this.bytes.set(chunk, this.end);
    this.end += chunk.length;
    return moved;
  }

  /** Everything before index i is decoded. */
  consumeTo(i: number): void {
    this.start = i;
    if (i === this.end) {
      // Nothing pending: start the buffer over (and let a huge one go).
      this.base += i;
      this.start = this.end = 0;
      if (this.bytes.length > 1 << 16) this.bytes = new Uint8Array(256);
    }
  }

  /** Drop the pending bytes (the stream goes on after a gap). */
  clear(): void {
    this.consumeTo(this.end);
  }
}
