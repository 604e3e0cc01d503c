import { concatBytes } from "@brokerkit/data-model";
import { DecodeError } from "@brokerkit/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChunkDecoder, encodeChunk, FLAG_PARTIAL } from "./chunks.js";

/** Cuts bytes into pieces at the given (sorted, deduplicated) offsets. */
export function cutAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

describe("chunk framing", () => {
  it("splits long chunks with FLAG_PARTIAL and joins them back, however the stream is cut", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 80 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (payloads, maxPart, cuts) => {
          const stream = concatBytes(payloads.map((p) => encodeChunk(p, maxPart)));
          const d = new ChunkDecoder();
          const got = cutAt(stream, cuts).flatMap((piece) => d.push(piece));
          expect(got.map((c) => [...c.payload])).toEqual(payloads.map((p) => [...p]));
          expect(got.map((c) => c.parts)).toEqual(payloads.map((p) => Math.ceil(p.length / maxPart)));
          expect(got.at(-1)!.end).toBe(stream.length);
          expect(d.pending).toBe(0);
        },
      ),
    );
  });

  it("takes a stream one byte at a time", () => {
    const payload = new Uint8Array(5000).map((_, i) => i);
    const stream = encodeChunk(payload, 1000);
    const d = new ChunkDecoder();
    const got = [...stream].flatMap((b) => d.push(Uint8Array.of(b)));
    expect(got).toHaveLength(1);
    expect(got[0]!.payload).toEqual(payload);
  });

  it("rejects a zero length and a chunk over the limit, with the offset", () => {
    expect(() => new ChunkDecoder().push(Uint8Array.of(0, 0, 0, 0))).toThrow(DecodeError);
    const d = new ChunkDecoder(100);
    const big = Uint8Array.of(0, 0, 0, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0x80, 0, 0, 0xff);
    try {
      d.push(big);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).kind).toBe("limit");
      expect((e as DecodeError).offset).toBe(14);
    }
    // A hostile length is not allocated: nothing is buffered beyond what arrived.
    const hostile = new ChunkDecoder(0x7fffffff);
    expect(hostile.push(Uint8Array.of(0x7f, 0xff, 0xff, 0xff, 1))).toEqual([]);
    expect(hostile.pending).toBe(5);
  });

  it("gives chunks or a DecodeError for arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          new ChunkDecoder(1 << 16).push(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 10000 },
    );
    expect(FLAG_PARTIAL).toBe(0x80000000);
  });
});

describe("chunk framing under byte-by-byte feeding", () => {
  it("joins a large chunk fed one byte at a time", () => {
    const payload = new Uint8Array(300_000).map((_, i) => i & 0xff);
    const stream = encodeChunk(payload);
    const d = new ChunkDecoder();
    let got: Uint8Array | undefined;
    for (let i = 0; i < stream.length; i++) {
      const out = d.push(stream.subarray(i, i + 1));
      if (out.length) got = out[0]!.payload;
    }
    expect(got).toEqual(payload);
  });
});
