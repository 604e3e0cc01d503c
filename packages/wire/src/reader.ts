import { DecodeError } from "./errors.js";

/**
 * A cursor over bytes for big-endian decoding. Every read checks bounds and
 * throws DecodeError("truncated") at the offset of the missing bytes, so
 * callers never index past the end. `base` is added to reported offsets when
 * the bytes are a slice of a larger input.
 */
export class Reader {
  readonly view: DataView;
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
    readonly base = 0,
    view?: DataView,
  ) {
    // A caller reading many messages from one buffer can pass the buffer's view once made.
    this.view = view ?? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** The reported offset of the cursor (or of `pos`). */
  offset(pos = this.pos): number {
    return this.base + pos;
  }

  need(n: number, what: string): void {
    if (this.end - this.pos < n) {
      throw new DecodeError(
        "truncated",
        this.offset(),
        what,
        `${n} bytes needed, ${this.end - this.pos} left`,
      );
    }
  }

  u8(what = "a byte"): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u16(what = "a 16-bit integer"): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what = "a 32-bit integer"): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  u64(what = "a 64-bit integer"): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos);
    this.pos += 8;
    return v;
  }

  i64(what = "a 64-bit integer"): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }

  /** A view (not a copy) of the next n bytes. */
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /**
   * Broker's varbyte (CAF's 32-bit base-128, little-endian groups). Broker
   * reads any number of groups; we accept at most 5 and reject values that
   * do not fit 32 bits, which no conforming encoder produces.
   */
  varbyte(what = "a varbyte length"): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw new DecodeError("truncated", this.offset(), what);
      const b = this.bytes[this.pos++]!;
      if (i === 4 && b > 0x0f) {
        throw new DecodeError("invalid", this.offset(start), what, "varbyte exceeds 32 bits");
      }
      result += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return result;
    }
    throw new DecodeError("invalid", this.offset(start), what, "varbyte longer than 5 bytes");
  }
}
