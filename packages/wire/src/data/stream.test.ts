import { type Data, string, vector } from "@brokerkit/data-model";
import { arbitraryData } from "@brokerkit/data-model/arbitrary";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError } from "../errors.js";
import { type DecodeLimits, resolveLimits } from "../limits.js";
import { Reader } from "../reader.js";
import { readData } from "./decode.js";
import { encodeData } from "./encode.js";
import { DataStreamDecoder } from "./stream.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

interface Outcome {
  readonly values: string[]; // re-encoded, hex
  readonly error?: { kind: string; offset: number };
}

// The meaning of a stream, independent of the stream decoder: read values one
// after another from all of it; a value cut off by the end is "truncated" at the end.
function reference(all: Uint8Array, limits: Partial<DecodeLimits>): Outcome {
  const values: string[] = [];
  const r = new Reader(all);
  try {
    while (r.pos < all.length) values.push(hex(encodeData(readData(r, "v1", resolveLimits(limits)))));
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { values, error: { kind: e.kind, offset: e.kind === "truncated" ? all.length : e.offset } };
  }
  return { values };
}

function streamed(all: Uint8Array, cuts: number[], limits: Partial<DecodeLimits>): Outcome {
  const d = new DataStreamDecoder("v1", limits);
  const values: string[] = [];
  try {
    let pos = 0;
    for (let i = 0; pos < all.length; i++) {
      const n = cuts.length ? cuts[i % cuts.length]! : 1;
      for (const v of d.push(all.subarray(pos, pos + n))) values.push(hex(encodeData(v)));
      pos += n;
    }
    d.end();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { values, error: { kind: e.kind, offset: e.offset } };
  }
  return { values };
}

const limitsArb = fc.record(
  {
    maxDepth: fc.integer({ min: 0, max: 4 }),
    maxContainerLength: fc.integer({ min: 0, max: 6 }),
    maxStringBytes: fc.integer({ min: 0, max: 300 }),
    maxValues: fc.integer({ min: 1, max: 40 }),
  },
  { requiredKeys: [] },
);

// Valid streams, then damaged ones: a byte changed, and possibly cut short.
const streamArb = fc
  .tuple(
    fc.array(arbitraryData({ edgeBias: true, noSubnormal: true }), { maxLength: 5 }),
    fc.nat(),
    fc.nat(255),
    fc.nat(),
  )
  .map(([values, at, flip, cut]) => {
    const all = new Uint8Array(Buffer.concat(values.map((v) => encodeData(v))));
    if (all.length > 0 && flip > 0 && at % 3 === 0) all[at % all.length]! ^= flip;
    return cut % 4 === 0 && all.length > 0 ? all.subarray(0, cut % all.length) : all;
  });

describe("DataStreamDecoder", () => {
  it("agrees with reading the whole stream at once, however it is cut, for valid and damaged streams", () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.integer({ min: 1, max: 9 })), limitsArb, (all, cuts, limits) => {
        const want = reference(all, limits);
        const got = streamed(all, cuts, limits);
        expect(got.error).toEqual(want.error);
        // A push that throws loses the values it had completed, so after an error only a prefix is seen.
        if (want.error) expect(want.values.slice(0, got.values.length)).toEqual(got.values);
        else expect(got.values).toEqual(want.values);
      }),
      { numRuns: 3000 },
    );
  });

  it("decodes a large value fed one byte at a time (linear work: each byte is scanned once)", () => {
    // 20,000 strings, about 200 KB: re-reading the pending bytes on every push, as the
    // decoder once did, would be some 2·10^10 byte reads.
    const big = vector(Array.from({ length: 20_000 }, (_, i) => string(`element ${i}`)));
    const bytes = encodeData(big);
    const d = new DataStreamDecoder();
    const out: Data[] = [];
    let pendingOk = true;
    for (let i = 0; i < bytes.length; i++) {
      out.push(...d.push(bytes.subarray(i, i + 1)));
      pendingOk &&= d.pending === (out.length ? 0 : i + 1);
    }
    expect(pendingOk).toBe(true);
    d.end();
    expect(out).toHaveLength(1);
    expect(hex(encodeData(out[0]!))).toBe(hex(bytes));
  });

  it("reports a bad port protocol inside an unfinished container as soon as it arrives", () => {
    const d = new DataStreamDecoder();
    // A vector of 3, its first element port 80 with protocol 9.
    expect(() => d.push(Uint8Array.from([0x0e, 0x03, 0x08, 0x00, 0x50, 0x09]))).toThrow(
      expect.objectContaining({ kind: "invalid", offset: 5 }),
    );
  });

  it("bounds what a pending value may occupy", () => {
    const d = new DataStreamDecoder("v1", { maxMessageBytes: 10 });
    d.push(Uint8Array.from([0x05, 0x20]));
    expect(() => d.push(new Uint8Array(9).fill(0x41))).toThrow(
      expect.objectContaining({ kind: "limit", offset: 0 }),
    );
  });
});
