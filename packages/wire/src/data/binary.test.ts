import { bytesToBinary, stringFromBytes, vector } from "@brokerkit/data-model";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { portable, readBinary } from "./binary.js";
import { decodeData } from "./decode.js";
import { encodeData } from "./encode.js";

describe("readBinary", () => {
  it("gives one char per byte at every length and offset, ASCII or not", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(8), fc.boolean(), (body, pad, asciiOnly) => {
        const bytes = new Uint8Array(pad + body.length + 3);
        bytes.set(asciiOnly ? body.map((b) => b & 0x7f) : body, pad);
        const want = bytesToBinary(bytes, pad, pad + body.length);
        expect(readBinary(bytes, pad, body.length)).toBe(want);
        expect(portable(bytes, pad, pad + body.length)).toBe(want);
      }),
      { numRuns: 3000 },
    );
  });

  it("keeps a leading UTF-8 byte order mark and lone high bytes as they are", () => {
    const bytes = Uint8Array.from([
      0xef, 0xbb, 0xbf, 0x41, 0xff, 0x80, 0, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41,
    ]);
    expect(readBinary(bytes, 0, bytes.length)).toBe(bytesToBinary(bytes));
    expect(portable(bytes, 0, bytes.length)).toBe(bytesToBinary(bytes));
  });
});

describe("long strings cut from the whole input", () => {
  it("decode to exactly their bytes, inside containers and at any offset of a larger buffer", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 33, maxLength: 300 }), { minLength: 1, maxLength: 6 }),
        fc.uint8Array({ maxLength: 7 }),
        (texts, pad) => {
          const v = vector(texts.map((t) => stringFromBytes(t)));
          const bytes = encodeData(v);
          // The same bytes as a view into the middle of a larger buffer.
          const big = new Uint8Array(pad.length + bytes.length + 3);
          big.set(bytes, pad.length);
          const view = big.subarray(pad.length, pad.length + bytes.length);
          for (const input of [bytes, view]) {
            const back = decodeData(input);
            expect(
              back.type === "vector" && back.elements.map((e) => e.type === "string" && e.binary),
            ).toEqual(texts.map((t) => bytesToBinary(t)));
          }
        },
      ),
    );
  });
});
