// Node's Buffer has a native latin-1 writer, which is exactly "one char per
// byte"; found by feature detection (this package imports nothing from Node).
type Latin1Write = (this: Uint8Array, s: string, offset: number, length: number) => number;
const latin1Write = usable(
  (globalThis as { Buffer?: { prototype?: { latin1Write?: Latin1Write } } }).Buffer?.prototype?.latin1Write,
);

// Used only if it does exactly what we need on a plain Uint8Array here and now.
function usable(f: Latin1Write | undefined): Latin1Write | undefined {
  try {
    const probe = new Uint8Array(4);
    return f?.call(probe, "\xff\x00a", 1, 3) === 3 && probe.join() === "0,255,0,97" ? f : undefined;
  } catch {
    return undefined;
  }
}
// Below this many chars a loop beats the native call.
const NATIVE_FROM = 20;

/** A growable big-endian byte buffer for encoders. */
export class Writer {
  private buf: Uint8Array;
  private view: DataView;
  pos = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  // Geometric growth, so a value of n bytes costs O(n) copying in all.
  private grow(n: number): void {
    let size = Math.max(this.buf.length * 2, 64);
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v);
    this.pos += 4;
  }

  u64(v: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v);
    this.pos += 8;
  }

  i64(v: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v);
    this.pos += 8;
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Append a binary string (one char per byte). */
  binary(s: string): void {
    this.ensure(s.length);
    this.put(s, s.length);
  }

  private put(s: string, n: number): void {
    if (n >= NATIVE_FROM && latin1Write !== undefined) {
      latin1Write.call(this.buf, s, this.pos, n);
      this.pos += n;
      return;
    }
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Broker's varbyte; sizes must be below 2^32 (Broker would silently truncate). */
  varbyte(v: number): void {
    this.ensure(5);
    this.putVarbyte(v);
  }

  private putVarbyte(v: number): void {
    if (!(v >= 0 && v <= 0xffffffff && Number.isInteger(v)))
      throw new RangeError(`varbyte: ${v} out of range`);
    const buf = this.buf;
    let p = this.pos;
    while (v > 0x7f) {
      buf[p++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[p++] = v;
    this.pos = p;
  }

  // Tag-and-body writers for the data encoder: one bounds check per value.

  /** A tag byte, a varbyte length and a binary string. */
  taggedBinary(tag: number, s: string): void {
    const n = s.length;
    this.ensure(6 + n);
    this.buf[this.pos++] = tag;
    if (n < 0x80) this.buf[this.pos++] = n;
    else this.putVarbyte(n);
    this.put(s, n);
  }

  /** A tag byte and a varbyte length (a container header). */
  taggedLength(tag: number, n: number): void {
    this.ensure(6);
    this.buf[this.pos++] = tag;
    if (n < 0x80) this.buf[this.pos++] = n;
    else this.putVarbyte(n);
  }

  /** A tag byte and the first n chars of a binary string (fixed-size bodies). */
  taggedFixedBinary(tag: number, s: string, n: number): void {
    this.ensure(1 + n);
    this.buf[this.pos++] = tag;
    this.put(s, n);
  }

  taggedU64(tag: number, v: bigint): void {
    this.ensure(9);
    this.buf[this.pos] = tag;
    this.view.setBigUint64(this.pos + 1, v);
    this.pos += 9;
  }

  taggedI64(tag: number, v: bigint): void {
    this.ensure(9);
    this.buf[this.pos] = tag;
    this.view.setBigInt64(this.pos + 1, v);
    this.pos += 9;
  }

  taggedF64(tag: number, v: number): void {
    this.ensure(9);
    this.buf[this.pos] = tag;
    this.view.setFloat64(this.pos + 1, v);
    this.pos += 9;
  }

  /** A tag byte, a 16-bit number and a byte (Broker's port layout). */
  port(tag: number, number: number, protocol: number): void {
    this.ensure(4);
    const buf = this.buf;
    const p = this.pos;
    buf[p] = tag;
    buf[p + 1] = number >>> 8;
    buf[p + 2] = number;
    buf[p + 3] = protocol;
    this.pos = p + 4;
  }

  /** Start over, keeping the buffer (so a long-lived writer stops allocating). */
  reset(): void {
    this.pos = 0;
  }

  /**
   * The bytes written so far: a copy, safe to keep, that may be a view into a
   * shared block (see `pooledCopy`).
   */
  finish(): Uint8Array {
    return pooledCopy(this.buf, this.pos);
  }
}

// V8 gives every typed array above 64 bytes its own buffer outside the JS
// heap, which costs more than encoding a typical message. So, like Node's
// Buffer pool (and msgpackr), outputs of moderate size are carved from shared
// blocks: a kept output pins at most one block, never more than 32 KiB.
const BLOCK_BYTES = 32 * 1024;
const POOLED_MIN = 65;
const POOLED_MAX = 4096;
let block = new Uint8Array(0);
let blockUsed = 0;

/**
 * A copy of the first n bytes of `src`. Between 65 bytes and 4 KiB it is a
 * view into a shared block (byteOffset may be non-zero and `.buffer` holds
 * other outputs too), otherwise it has a buffer of its own.
 */
export function pooledCopy(src: Uint8Array, n: number): Uint8Array {
  if (n < POOLED_MIN || n > POOLED_MAX) return src.slice(0, n);
  if (blockUsed + n > block.length) {
    block = new Uint8Array(BLOCK_BYTES);
    blockUsed = 0;
  }
  const out = block.subarray(blockUsed, blockUsed + n);
  out.set(src.subarray(0, n));
  // 8-byte alignment, so a Float64Array or BigUint64Array over an output stays possible.
  blockUsed += (n + 7) & ~7;
  return out;
}
