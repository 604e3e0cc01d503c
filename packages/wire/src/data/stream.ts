import type { Data } from "@brokerkit/data-model";
import { DecodeError } from "../errors.js";
import { type DecodeLimits, resolveLimits } from "../limits.js";
import { Reader } from "../reader.js";
import { readData } from "./decode.js";
import type { BinaryFormat } from "./format.js";

/**
 * Decodes a stream of concatenated values fed in chunks of any size. A value
 * cut by a chunk boundary waits for more bytes; anything else wrong throws a
 * DecodeError whose offset counts from the start of the stream.
 */
export class DataStreamDecoder {
  private buffer = new Uint8Array(0);
  private consumed = 0; // stream offset of buffer[0]
  private readonly limits: DecodeLimits;

  constructor(
    private readonly format: BinaryFormat = "v1",
    limits?: Partial<DecodeLimits>,
  ) {
    this.limits = resolveLimits(limits);
  }

  /** Bytes received but not yet part of a complete value. */
  get pending(): number {
    return this.buffer.length;
  }

  push(chunk: Uint8Array): Data[] {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    const out: Data[] = [];
    const r = new Reader(joined, 0, joined.length, this.consumed);
    let start = 0;
    while (r.pos < joined.length) {
      try {
        out.push(readData(r, this.format, this.limits));
        start = r.pos;
      } catch (e) {
        if (!(e instanceof DecodeError) || e.kind !== "truncated") throw e;
        if (joined.length - start > this.limits.maxMessageBytes) {
          throw new DecodeError(
            "limit",
            this.consumed + start,
            `a value of at most ${this.limits.maxMessageBytes} bytes`,
          );
        }
        break;
      }
    }
    this.consumed += start;
    this.buffer = joined.slice(start);
    return out;
  }

  /** Call at the end of the stream: throws if a value was left incomplete. */
  end(): void {
    if (this.buffer.length > 0) {
      throw new DecodeError(
        "truncated",
        this.consumed + this.buffer.length,
        "the rest of a value",
        "the stream ended",
      );
    }
  }
}
