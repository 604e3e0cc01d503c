import { DecodeError } from "@brokerkit/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeLogCreateWriter,
  decodeLogWrite,
  encodeLogCreateWriter,
  encodeLogWrite,
  type LogLayout,
  type LogValue,
  type LogWriteEntry,
} from "./log.js";
import { decodeArgs, MsgType } from "./messages.js";
import { TypeTag } from "./serial/codes.js";

const T = TypeTag;
const scalar: fc.Arbitrary<LogValue> = fc.oneof(
  fc
    .constantFrom(T.bool, T.int)
    .chain((type) =>
      fc
        .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
        .map((value) => ({ type, present: true as const, value: { kind: "int" as const, value } })),
    ),
  fc
    .bigInt({ min: 0n, max: 2n ** 64n - 1n })
    .map((value) => ({ type: T.count, present: true as const, value: { kind: "unsigned" as const, value } })),
  fc.tuple(fc.bigInt({ min: 0n, max: 65535n }), fc.integer({ min: 0, max: 3 })).map(([port, proto]) => ({
    type: T.port,
    present: true as const,
    value: { kind: "port" as const, port, proto },
  })),
  fc
    .oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 16, maxLength: 16 }))
    .map((addr) => ({
      type: T.addr,
      present: true as const,
      value: { kind: "addr" as const, addr },
    })),
  fc
    .double()
    .map((value) => ({ type: T.time, present: true as const, value: { kind: "double" as const, value } })),
  fc
    .uint8Array({ maxLength: 20 })
    .map((bytes) => ({ type: T.string, present: true as const, value: { kind: "string" as const, bytes } })),
  fc.constantFrom(T.string, T.addr, T.count).map((type) => ({ type, present: false as const })),
);
const value: fc.Arbitrary<LogValue> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  fc.array(scalar, { maxLength: 3 }).map((elements) => ({
    type: T.vector,
    present: true as const,
    value: { kind: "list" as const, elements },
  })),
);
const entries: fc.Arbitrary<LogWriteEntry[]> = fc.array(
  fc.record({
    streamId: fc.integer({ min: 0, max: 40 }),
    writerId: fc.integer({ min: 0, max: 3 }),
    path: fc.stringMatching(/^[a-z_]{1,10}$/),
    values: fc.array(value, { minLength: 1, maxLength: 6 }),
  }),
  { minLength: 1, maxLength: 4 },
);
/** Bro 2.6 writes a subtype with every value; give one so both layouts carry the same values. */
const withSubtypes = (es: LogWriteEntry[], layout: LogLayout): LogWriteEntry[] =>
  layout === "bro-2.5" ? es : es.map((e) => ({ ...e, values: e.values.map(sub) }));
function sub(v: LogValue): LogValue {
  const out = { ...v, subtype: 0 };
  if (out.present && out.value.kind === "list")
    return { ...out, value: { ...out.value, elements: out.value.elements.map(sub) } };
  return out;
}

describe("remote logging payloads", () => {
  for (const layout of ["bro-2.5", "bro-2.6"] as const)
    it(`round-trip log writes in the ${layout} layout`, () => {
      fc.assert(
        fc.property(entries, (es) => {
          const want = withSubtypes(es, layout);
          const bytes = encodeLogWrite(want, layout);
          expect(decodeLogWrite(bytes, { layout })).toEqual(want);
          // Without being told, the message decoder finds the layout.
          const m = decodeArgs(MsgType.logWrite, bytes);
          expect(m.type === "log-write" && m.layout).toBe(layout);
          expect(m.type === "log-write" && m.entries).toEqual(want);
        }),
        { numRuns: 2000 },
      );
    });

  it("round-trips writer descriptions", () => {
    const w = {
      streamId: 12,
      writerId: 1,
      info: {
        path: "conn",
        rotationBase: 0,
        rotationInterval: 3600,
        networkTime: 1.5e9,
        config: [["k", "v"]] as [string, string][],
      },
      fields: [
        { secondaryName: undefined, name: "ts", type: T.time, subtype: 0, optional: false },
        { secondaryName: "alias", name: "tags", type: T.table, subtype: T.string, optional: true },
      ],
    };
    expect(decodeLogCreateWriter(encodeLogCreateWriter(w))).toEqual(w);
  });

  it("gives entries or a DecodeError for arbitrary and truncated bytes", () => {
    fc.assert(
      fc.property(entries, fc.nat(), fc.uint8Array({ maxLength: 40 }), (es, cut, junk) => {
        const bytes = encodeLogWrite(es);
        for (const input of [bytes.subarray(0, cut % bytes.length), junk])
          try {
            decodeLogWrite(input);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
      }),
      { numRuns: 5000 },
    );
  });
});
