import { bytesToBinary } from "@brokerkit/data-model";
import { DecodeError, type DecodeLimits, Reader, resolveLimits, Writer } from "@brokerkit/wire";

/**
 * The primitives of Bro's BinarySerializationFormat, which both the object
 * serializations and the log messages are written in: 1-byte bools, 4-byte
 * ints, 8-byte doubles, all big-endian, and strings as a 4-byte length and
 * raw bytes. Reading checks each against the input and the limits.
 */
export class FormatReader {
  readonly r: Reader;
  readonly limits: DecodeLimits;

  constructor(bytes: Uint8Array, limits?: Partial<DecodeLimits>, base = 0) {
    this.r = new Reader(bytes, 0, bytes.length, base);
    this.limits = resolveLimits(limits);
  }

  invalid(what: string, detail?: string, at = this.r.pos): never {
    throw new DecodeError("invalid", this.r.offset(at), what, detail);
  }

  /** Bro reads any byte other than 1 as false; only 0 and 1 round-trip, so only they are accepted. */
  bool(what: string): boolean {
    const at = this.r.pos;
    const b = this.r.u8(what);
    if (b > 1) this.invalid(what, `byte ${b} is neither 0 nor 1`, at);
    return b === 1;
  }

  i32(what: string): number {
    return this.r.u32(what) | 0;
  }

  f64(what: string): number {
    this.r.need(8, what);
    const v = this.r.view.getFloat64(this.r.pos);
    this.r.pos += 8;
    return v;
  }

  /** A length-prefixed byte string (a copy: decoded values do not hold on to the input). */
  bytes(what: string): Uint8Array {
    const at = this.r.pos;
    const n = this.r.u32(`the length of ${what}`);
    if (n > this.limits.maxStringBytes)
      throw new DecodeError(
        "limit",
        this.r.offset(at),
        `${what} of at most ${this.limits.maxStringBytes} bytes`,
      );
    return this.r.take(n, what).slice();
  }

  /** A length-prefixed name, as a binary string. */
  str(what: string): string {
    return bytesToBinary(this.bytes(what));
  }

  /**
   * An element count read at `at`, checked before anything is allocated for
   * it: every element takes at least one byte, so a count beyond the input is
   * a lie rather than a reason to allocate.
   */
  count(n: number | bigint, what: string, at: number): number {
    if (n < 0) this.invalid(what, `negative count ${n}`, at);
    if (n > this.limits.maxContainerLength)
      throw new DecodeError(
        "limit",
        this.r.offset(at),
        `${what} of at most ${this.limits.maxContainerLength}`,
      );
    if (n > this.r.remaining) throw new DecodeError("truncated", this.r.offset(at), `${n} × ${what}`);
    return Number(n);
  }

  optional<T>(what: string, read: () => T): T | undefined {
    return this.bool(`the presence flag of ${what}`) ? read() : undefined;
  }
}

/** Writes the same primitives. */
export class FormatWriter {
  readonly w = new Writer();

  bool(b: boolean): void {
    this.w.u8(b ? 1 : 0);
  }
  i32(n: number): void {
    this.w.u32(n >>> 0);
  }
  bytes(b: Uint8Array): void {
    this.w.u32(b.length);
    this.w.bytes(b);
  }
  /** Names are binary strings (one char per byte), as decoded. */
  str(s: string): void {
    this.w.u32(s.length);
    this.w.binary(s);
  }
  optional<T>(v: T | undefined, write: (v: T) => void): void {
    this.bool(v !== undefined);
    if (v !== undefined) write(v);
  }
}
