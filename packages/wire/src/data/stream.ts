import type { Data } from "@brokerkit/data-model";
import { ByteQueue } from "../byte-queue.js";
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
 * in the stream length however it is cut (see ByteQueue), and a value is
 * decoded once, when its extent is known.
 */
export class DataStreamDecoder {
  private readonly queue = new ByteQueue();
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
    return this.queue.length;
  }

  push(chunk: Uint8Array): Data[] {
    const q = this.queue;
    this.extent.shift(q.append(chunk));
    const out: Data[] = [];
    while (q.start < q.end) {
      const step = this.extent.scan(q.bytes, q.end);
      if (step.kind === "more") {
        if (q.length > this.limits.maxMessageBytes) {
          throw new DecodeError(
            "limit",
            q.offsetOf(q.start),
            `a value of at most ${this.limits.maxMessageBytes} bytes`,
          );
        }
        break;
      }
      // Complete, or something to reject: readData builds the value or throws the error.
      const r = new Reader(q.bytes, q.start, q.end, q.offsetOf(0));
      let value: Data;
      try {
        value = readData(r, this.format, this.limits);
      } catch (e) {
        // Only a "check" can be cut short; it then waits like "more" (readData re-reads it later).
        if (step.kind === "check" && e instanceof DecodeError && e.kind === "truncated") break;
        throw e;
      }
      out.push(value);
      q.consumeTo(r.pos);
      this.extent.reset(q.start);
    }
    return out;
  }

  /** Call at the end of the stream: throws if a value was left incomplete. */
  end(): void {
    if (this.queue.length > 0) {
      throw new DecodeError(
        "truncated",
        this.queue.offsetOf(this.queue.end),
        "the rest of a value",
        "the stream ended",
      );
    }
  }
}
