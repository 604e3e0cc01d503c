import { count, equals, integer, real, toText } from "@brokerkit/data-model";
import { arbitraryData } from "@brokerkit/data-model/arbitrary";
import fc from "fast-check";
import { pack } from "msgpackr";
import { describe, expect, it } from "vitest";
import { DecodeError } from "./errors.js";
import { BROKER_EXT, packData, unpackData } from "./msgpack.js";

describe("MessagePack mapping", () => {
  it("round-trips every value exactly, including NaN, -0.0 and 64-bit extremes", () => {
    fc.assert(
      fc.property(arbitraryData({ edgeBias: true, uncheckedSubnets: true }), (v) => {
        const back = unpackData(packData(v));
        expect(equals(back, v)).toBe(true);
        expect(toText(back)).toBe(toText(v));
      }),
      { numRuns: 2000 },
    );
    expect(Object.is((unpackData(packData(real(-0))) as { value: number }).value, -0)).toBe(true);
  });

  it("keeps count, integer and integral reals apart", () => {
    for (const v of [count(1), integer(1), real(1)]) expect(unpackData(packData(v)).type).toBe(v.type);
  });

  it("uses the documented layout: count is ext 1 with 8 big-endian bytes", () => {
    expect([...packData(count(258))]).toEqual([0xd7, BROKER_EXT.count, 0, 0, 0, 0, 0, 0, 1, 2]);
  });

  it("gives a value or a DecodeError for arbitrary bytes and for foreign MessagePack", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        try {
          unpackData(b);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 5000 },
    );
    expect(() => unpackData(pack({ a: 1 }))).toThrow(DecodeError);
    expect(() => unpackData(pack(5))).toThrow(DecodeError);
  });
});
