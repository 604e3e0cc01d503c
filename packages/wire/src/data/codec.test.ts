import { compare, type Data, equals, real, set, string, toText } from "@brokerkit/data-model";
import { arbitraryData } from "@brokerkit/data-model/arbitrary";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError } from "../errors.js";
import { decodeData } from "./decode.js";
import { encodeData } from "./encode.js";
import { EncodeError, packReal, unpackReal } from "./real.js";
import { DataStreamDecoder } from "./stream.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s/g, ""), "hex"));
const bits = (x: number, f: "v1" | "broker-1") => packReal(x, f).toString(16).padStart(16, "0").toUpperCase();

/** Decoding throws only DecodeError; returns the error (or undefined on success). */
function decodeError(b: Uint8Array, format: "v1" | "broker-1" = "v1"): DecodeError | undefined {
  try {
    decodeData(b, { format });
    return undefined;
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
}

// Value vectors from Broker's own tests and the spec digest (shared/spec/broker-current.vectors.json).
const VECTORS: [string, string][] = [
  ["set {} (empty)", "0C00"],
  ["set {nil}", "0C0100"],
  ["set {count 1}", "0C01020000000000000001"],
  ["set {integer 1}", "0C01030000000000000001"],
  ["set built as 'hello','broker' (insertion order, unsorted)", "0C02050568656C6C6F050662726F6B6572"],
  ["table {} (empty)", "0D00"],
  ["table {'k1' -> nil}", "0D0105026B3100"],
  ["table {'k1' -> 'v1', 'k2' -> 'v2'}", "0D0205026B310502763105026B3205027632"],
  ["vector [] (empty)", "0E00"],
  ["vector [nil]", "0E0100"],
  ["vector ['hello','broker']", "0E02050568656C6C6F050662726F6B6572"],
  ["real 2.5", "044004000000000000"],
  ["count 0x0102030405060708", "020102030405060708"],
  ["integer 0x0102030405060708", "030102030405060708"],
  ["string 'abc'", "0503616263"],
  [
    "vector [true, 'abc', [integer 1, integer 2]]",
    "0E03010105036162630E02030000000000000001030000000000000002",
  ],
  ["set {integer 1, integer 2, 'abc'}", "0C030300000000000000010300000000000000020503616263"],
  [
    "table {'key1'->integer 1,'key2'->integer 2,'key3'->integer 3}",
    "0D0305046B65793103000000000000000105046B65793203000000000000000205046B657933030000000000000003",
  ],
  ["INVALID: none with trailing byte", "0001"],
  ["INVALID: boolean without body", "01"],
  ["INVALID: boolean with trailing byte", "010101"],
  ["INVALID: count with 7 body bytes", "0201020304050607"],
  ["INVALID: count with 9 body bytes", "02010203040506070809"],
  ["INVALID: string too short", "05036162"],
  ["INVALID: string with trailing byte", "050361626364"],
  ["INVALID: enum too short", "0B036162"],
  ["INVALID: enum with trailing byte", "0B0361626364"],
  ["address 192.168.9.8", "0600000000000000000000FFFFC0A80908"],
  ["address 2001:db8::", "0620010DB8000000000000000000000000"],
  ["subnet 192.168.9.0/24", "0700000000000000000000FFFFC0A8090078"],
  ["subnet 2001:db8::/32", "0720010DB800000000000000000000000020"],
  ["port 8080/tcp", "081F9001"],
  ["port 53/udp", "08003502"],
  ["timespan 1234567890ns", "0A00000000499602D2"],
  ["timestamp 1649606820s", "0916E494A9AD296800"],
  ["integer -1", "03FFFFFFFFFFFFFFFF"],
  ["boolean true", "0101"],
  ["enum foobar", "0B06666F6F626172"],
];

describe("spec vectors", () => {
  for (const [name, h] of VECTORS.filter(([n]) => !n.startsWith("INVALID"))) {
    it(`${name} decodes and re-encodes${name.includes("unsorted") ? " in Broker's order" : " to the same bytes"}`, () => {
      const value = decodeData(bytes(h));
      const again = encodeData(value);
      if (name.includes("unsorted")) expect(toText(decodeData(again))).toBe(toText(value));
      else expect(hex(again)).toBe(h.toUpperCase());
    });
  }
  for (const [name, h] of VECTORS.filter(([n]) => n.startsWith("INVALID"))) {
    it(`rejects ${name}`, () => {
      expect(decodeError(bytes(h))).toBeInstanceOf(DecodeError);
    });
  }
});

describe("reals (CAF pack754)", () => {
  it.each([
    [2.5, "4004000000000000", "4004000000000000"],
    [0, "0000000000000000", "0000000000000000"],
    [-0, "8000000000000000", "0000000000000000"],
    [Number.NaN, "FFFFFFFFFFFFFFFF", "BFF0000000000000"],
    [5e-324, "FCD0000000000000", "FCD0000000000000"],
    [1e-310, "FF92688B70E62B00", "FF92688B70E62B00"], // bits a real Broker 1.4 sent
    [Number.MAX_VALUE, "7FEFFFFFFFFFFFFF", "7FEFFFFFFFFFFFFF"],
  ])("%s packs as v1 %s and broker-1 %s", (x, v1, b1) => {
    expect(bits(x, "v1")).toBe(v1);
    expect(bits(x, "broker-1")).toBe(b1);
  });

  it("swaps the infinities in v1 and refuses them for Broker 1.x", () => {
    expect(bits(Number.POSITIVE_INFINITY, "v1")).toBe("FFF0000000000000");
    expect(bits(Number.NEGATIVE_INFINITY, "v1")).toBe("7FF0000000000000");
    expect(() => packReal(Number.POSITIVE_INFINITY, "broker-1")).toThrow(EncodeError);
  });

  it("unpacks like CAF, including patterns only foreign senders produce", () => {
    expect(unpackReal(0xfff0000000000000n, "v1")).toBe(Number.POSITIVE_INFINITY);
    expect(unpackReal(0x7ff8000000000000n, "v1")).toBe(Number.POSITIVE_INFINITY); // IEEE NaN -> +inf
    expect(unpackReal(0x0000000000000001n, "v1")).toBe(1.1125369292536007e-308);
    expect(unpackReal(0xbff0000000000000n, "broker-1")).toBe(-1); // what a CAF 0.17 NaN becomes
    expect(unpackReal(0xfcd0000000000000n, "broker-1")).toBe(-1.596672247627776e293);
    expect(Object.is(unpackReal(0x8000000000000000n, "v1"), -0)).toBe(true);
  });

  it("round-trips every finite normal double and ±0 bit-exactly (v1)", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        fc.pre(x === 0 || Math.abs(x) >= 2 ** -1022);
        expect(Object.is(unpackReal(packReal(x, "v1"), "v1"), x)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

// Subnets as decoders see them (host bits, any raw length); subnormals are the only reals v1 cannot carry exactly.
const anyValue = arbitraryData({ edgeBias: true, uncheckedSubnets: true });
const v1Exact = arbitraryData({ edgeBias: true, uncheckedSubnets: true, noSubnormal: true });

describe("decode(encode(x)) = x", () => {
  it("for every value in v1", () => {
    fc.assert(
      fc.property(v1Exact, (v) => {
        const back = decodeData(encodeData(v));
        expect(equals(back, v)).toBe(true);
        expect(hex(encodeData(back))).toBe(hex(encodeData(v)));
      }),
      { numRuns: 2000 },
    );
  });

  it("for every value Broker 1.x can carry (no infinities; -0 and NaN change as CAF 0.17 changes them)", () => {
    fc.assert(
      fc.property(arbitraryData({ edgeBias: true, noInfinity: true, noSubnormal: true }), (v) => {
        const once = decodeData(encodeData(v, { format: "broker-1" }), { format: "broker-1" });
        // After one trip the value is what a CAF 0.17 receiver holds (NaN became -1.0, and a set
        // may have lost an element that became equal to another); from there it is stable.
        const bytes = encodeData(once, { format: "broker-1" });
        const twice = decodeData(bytes, { format: "broker-1" });
        expect(compare(once, twice)).toBe(0);
        expect(hex(encodeData(twice, { format: "broker-1" }))).toBe(hex(bytes));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("hostile and partial input", () => {
  it("reports every strict prefix of a valid encoding as truncated, never as a value", () => {
    fc.assert(
      fc.property(anyValue, fc.nat(), (v, cutSeed) => {
        const b = encodeData(v);
        const cut = cutSeed % b.length;
        expect(decodeError(b.subarray(0, cut))?.kind).toBe("truncated");
      }),
      { numRuns: 2000 },
    );
  });

  it("gives a value or a DecodeError for arbitrary bytes, in both formats", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.constantFrom("v1", "broker-1" as const),
        (b, format) => {
          decodeError(b, format);
        },
      ),
      { numRuns: 10000 },
    );
  });

  it("also for mutations of valid encodings", () => {
    fc.assert(
      fc.property(anyValue, fc.nat(), fc.integer({ min: 1, max: 255 }), (v, at, flip) => {
        const b = encodeData(v).slice();
        b[at % b.length]! ^= flip;
        decodeError(b);
      }),
      { numRuns: 5000 },
    );
  });

  it("keeps the first of equal set elements in Broker 1.x, as CAF 0.17's std::set does", () => {
    const twoMinusOnes = bytes("0C02 04BFF0000000000000 04BFF0000000000000");
    expect(toText(decodeData(twoMinusOnes, { format: "broker-1" }))).toBe("{-1.000000}");
    expect(decodeError(twoMinusOnes)?.kind).toBe("invalid");
  });

  it("rejects duplicates, unknown tags, bad port protocols and oversized varbytes like Broker", () => {
    expect(decodeError(bytes("0C02 0200000000000000 01 0200000000000000 01"))).toMatchObject({
      kind: "invalid",
      offset: 11,
    });
    // An equal key in a table: reported at the entry that repeats it; Broker 1.x keeps the first.
    expect(decodeError(bytes("0D02 00 0101 00 0100"))).toMatchObject({ kind: "invalid", offset: 5 });
    expect(toText(decodeData(bytes("0D02 00 0101 00 0100"), { format: "broker-1" }))).toBe("{nil -> T}");
    // Out of order but distinct: sorted, as Broker's std::map would hold them.
    expect(toText(decodeData(bytes("0D02 03 0000000000000001 00 03 0000000000000000 00")))).toBe(
      "{0 -> nil, 1 -> nil}",
    );
    // 0.0 and -0.0 are the same set element for Broker.
    expect(decodeError(bytes("0C02 04 0000000000000000 04 8000000000000000"))?.kind).toBe("invalid");
    expect(decodeError(bytes("0F"))).toMatchObject({ kind: "invalid", offset: 0 });
    expect(decodeError(bytes("08 0050 04"))).toMatchObject({ kind: "invalid", offset: 3 });
    expect(decodeError(bytes("05 FFFFFFFF1F"))?.kind).toBe("invalid");
    expect(decodeError(bytes("05 8080808080 00"))?.kind).toBe("invalid");
  });

  it("accepts what Broker accepts: any boolean byte, non-minimal varbytes, unsorted sets, unmasked subnets", () => {
    expect(decodeData(bytes("01 07"))).toEqual({ type: "boolean", value: true });
    expect(toText(decodeData(bytes("05 8300 616263")))).toBe("abc");
    expect(equals(decodeData(bytes("0C02 0503627262 0503616161")), set([string("brb"), string("aaa")]))).toBe(
      true,
    );
    expect(toText(decodeData(bytes("07 00000000000000000000FFFF0A010203 18")))).toBe("10.1.2.3/184");
  });

  it("bounds nesting, lengths and value counts without allocating from the prefix", () => {
    const deep = new Uint8Array(200_000).fill(0x0e).map((x, i) => (i % 2 ? 1 : x));
    expect(decodeError(deep)).toMatchObject({ kind: "limit" });
    expect(decodeData(bytes("0E01".repeat(10) + "00"), { limits: { maxDepth: 10 } }).type).toBe("vector");
    expect(decodeError(bytes("0E FFFFFFFF0F 00"))?.kind).toBe("limit");
    expect(() => decodeData(bytes("0E 8080 01 00"), { limits: { maxContainerLength: 1 << 30 } })).toThrow(
      /truncated/,
    );
    expect(() => decodeData(bytes("05 FFFF03"), { limits: { maxStringBytes: 100 } })).toThrow(/limit/);
    expect(() => decodeData(bytes("0E03 00 00 00"), { limits: { maxValues: 3 } })).toThrow(/limit/);
  });
});

describe("DataStreamDecoder", () => {
  it("yields the same values however the stream is cut, down to single bytes", () => {
    fc.assert(
      fc.property(
        fc.array(v1Exact, { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 9 })),
        (values, cuts) => {
          const all = Buffer.concat(values.map((v) => encodeData(v)));
          const d = new DataStreamDecoder();
          const out: Data[] = [];
          let pos = 0;
          for (let i = 0; pos < all.length; i++) {
            const n = cuts.length ? cuts[i % cuts.length]! : 1;
            out.push(...d.push(all.subarray(pos, pos + n)));
            pos += n;
          }
          d.end();
          expect(out.length).toBe(values.length);
          for (const [i, v] of out.entries()) expect(equals(v, values[i]!)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reports errors at their offset in the whole stream", () => {
    const d = new DataStreamDecoder();
    expect(d.push(bytes("0000"))).toHaveLength(2);
    expect(() => d.push(bytes("0F"))).toThrow(expect.objectContaining({ offset: 2, kind: "invalid" }));
    const e = new DataStreamDecoder();
    e.push(bytes("05"));
    expect(() => e.end()).toThrow(DecodeError);
  });
});

it("encodes a real the way the data-model renders it (sanity)", () => {
  expect(toText(decodeData(encodeData(real(0.5))))).toBe("0.500000");
});
