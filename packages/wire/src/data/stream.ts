import type { Data } from "@brokerkit/data-model";
import { DecodeError } from "../errors.js";
import { type DecodeLimits, resolveLimits } from "../limits.js";
import { Reader } from "../reader.js";
import { readData } from "./decode.js";
import { ValueExtent } from "./extent.js";
import type { BinaryFormat } from "./format.js";

/**
 * Decodes a stream of concatenated values fed in chunks of any size. A value
 * cut by a chunk boundary waits for more bytes; anything else wrong throws a
 * DecodeError whose offset counts from the start of the stream. Work is linear
 * in the stream length however it is cut: bytes are appended to a buffer that
 * grows geometrically, and a value is decoded once, when its extent is known.
 */
export class DataStreamDecoder {
  private buffer = new Uint8Array(256);
  private start = 0; // buffer[start, filled) is pending
  private filled = 0;
  private consumed = 0; // stream offset of buffer[0]
  private readonly limits: DecodeLimits;
  private readonly extent: ValueExtent;

  constructor(
    private readonly format: BinaryFormat = "v1",
    limits?: Partial<DecodeLimits>,
  ) {
    this.limits = resolveLimits(limits);
    this.extent = new ValueExtent(this.limits);
  }

  /** Bytes received but not yet part of a complete value. */
  get pending(): number {
    return this.filled - this.start;
  }

  push(chunk: Uint8Array): Data[] {
    this.append(chunk);
    const out: Data[] = [];
    while (this.start < this.filled) {
      const step = this.extent.scan(this.buffer, this.filled);
      if (step.kind === "more") {
        if (this.filled - this.start > this.limits.maxMessageBytes) {
          throw new DecodeError(
            "limit",
            this.consumed + this.start,
            `a value of at most ${this.limits.maxMessageBytes} bytes`,
          );
        }
        break;
      }
      // Complete, or something to reject: readData builds the value or throws the error.
      const r = new Reader(this.buffer, this.start, this.filled, this.consumed);
      let value: Data;
      try {
        value = readData(r, this.format, this.limits);
      } catch (e) {
        // Only a "check" can be cut short; it then waits like "more" (readData re-reads it later).
        if (step.kind === "check" && e instanceof DecodeError && e.kind === "truncated") break;
        throw e;
      }
      out.push(value);
      this.start = r.pos;
      this.extent.reset(this.start);
    }
    if (this.start === this.filled) {
      // Nothing pending: start the buffer over (and let a huge one go).
      this.consumed += this.start;
      this.start = this.filled = 0;
      this.extent.reset(0);
      if (this.buffer.length > 1 << 16) this.buffer = new Uint8Array(256);
    }
    return out;
  }

  // Append, first moving the pending bytes to the front, into a buffer twice as
  // large when they would fill more than half of it: each byte is copied O(1)
  // times on average, however small the chunks.
  private append(chunk: Uint8Array): void {
    if (this.filled + chunk.length > this.buffer.length) {
      const pending = this.filled - this.start;
      let size = this.buffer.length;
      while (pending + chunk.length > size / 2) size *= 2;
      if (size === this.buffer.length) this.buffer.copyWithin(0, this.start, this.filled);
      else {
        const next = new Uint8Array(size);
        next.set(this.buffer.subarray(this.start, this.filled));
        this.buffer = next;
      }
      this.consumed += this.start;
      this.extent.shift(this.start);
      this.start = 0;
      this.filled = pending;
    }
    this.buffer.set(chunk, this.filled);
    this.filled += chunk.length;
  }

  /** Call at the end of the stream: throws if a value was left incomplete. */
  end(): void {
    if (this.filled > this.start) {
      throw new DecodeError(
        "truncated",
        this.consumed + this.filled,
        "the rest of a value",
        "the stream ended",
      );
    }
  }
}
