import { DecodeError } from "@brokerkit/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { broVal } from "../../test/arbitrary.js";
import { baseType, countVal, setType, stringVal, tableVal, vectorType, vectorVal } from "../values.js";
import { TypeTag } from "./codes.js";
import type { BroVal, Serialization, SerialObject } from "./model.js";
import { newSerialState, readSerialization } from "./read.js";
import { newSerialSendState, writeSerialization } from "./write.js";

/** A value without what its serialization header said (pids and class codes), for comparing with a built one. */
function strip(x: unknown): unknown {
  if (x instanceof Uint8Array) return [...x];
  if (Array.isArray(x)) return x.map(strip);
  if (x && typeof x === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x))
      if (k !== "pid" && k !== "stype" && v !== undefined) out[k] = strip(v);
    return out;
  }
  return x;
}

/** What an older data format can carry of a value: every table has a numeric expiry, types before 24 no name. */
function olden(x: unknown, dataFormat: number): unknown {
  if (x instanceof Uint8Array || x === null || typeof x !== "object") return x;
  if (Array.isArray(x)) return x.map((e) => olden(e, dataFormat));
  const o = Object.fromEntries(Object.entries(x).map(([k, v]) => [k, olden(v, dataFormat)]));
  if (o.kind === "table") o.expireInterval ??= 0;
  if (o.kind === "type" && dataFormat <= 23) o.name = "";
  return o;
}

const event = (args: BroVal[]): Serialization => ({ kind: "event", name: "T::ev", time: 1.5, args });

describe("the serialization format", () => {
  for (const dataFormat of [23, 24, 25])
    it(`round-trips events with values of every type in Bro's older data format ${dataFormat}`, () => {
      fc.assert(
        fc.property(fc.array(broVal, { maxLength: 4 }), fc.double({ noNaN: true }), (args, interval) => {
          // Old tables carry a numeric expiry; old values may carry an attributes record.
          const aged = args.map((a) =>
            a.kind === "table"
              ? { ...a, expireInterval: interval }
              : dataFormat <= 24
                ? { ...a, attribs: countVal(7n) }
                : a,
          ) as BroVal[];
          const options = { pid64: false, caching: true, cacheStableBit: false, dataFormat };
          const bytes = writeSerialization(event(aged), newSerialSendState(), options);
          const back = readSerialization(bytes, newSerialState(), { pid64: false, dataFormat });
          expect(strip(back)).toEqual(strip(olden(event(aged), dataFormat)));
          expect(writeSerialization(back, newSerialSendState(), options)).toEqual(bytes);
        }),
        { numRuns: 150 },
      );
    });

  it("tells the data formats apart: a table in format 25 is not read as format 26", () => {
    const t = tableVal(setType([baseType(TypeTag.count)]), [{ index: [countVal(1n)] }]);
    const old = writeSerialization(event([{ ...t, expireInterval: 5 } as BroVal]), newSerialSendState(), {
      pid64: false,
      caching: false,
      cacheStableBit: false,
      dataFormat: 25,
    });
    expect(() => readSerialization(old, newSerialState(), { pid64: false })).toThrow(DecodeError);
  });

  for (const caching of [false, true])
    for (const pid64 of [false, true])
      it(`round-trips events with values of every type (caching ${caching}, ${pid64 ? 64 : 32}-bit pids)`, () => {
        fc.assert(
          fc.property(
            fc.array(fc.array(broVal, { maxLength: 4 }), { minLength: 1, maxLength: 3 }),
            (events) => {
              const send = newSerialSendState();
              const recv = newSerialState();
              const resend = newSerialSendState();
              for (const args of events) {
                const bytes = writeSerialization(event(args), send, {
                  pid64,
                  caching,
                  cacheStableBit: caching,
                });
                const back = readSerialization(bytes, recv, { pid64 });
                expect(strip(back)).toEqual(strip(event(args)));
                // What was decoded re-encodes to the same bytes in the same connection state.
                expect(
                  writeSerialization(back, resend, { pid64, caching: true, cacheStableBit: false }),
                ).toEqual(bytes);
              }
            },
          ),
          { numRuns: 150 },
        );
      });

  it("sends an object already sent as a reference, and decodes it to the same object", () => {
    const send = newSerialSendState();
    const recv = newSerialState();
    const options = { pid64: true, caching: true, cacheStableBit: true };
    const first = writeSerialization(event([countVal(1n)]), send, options);
    const second = writeSerialization(event([countVal(2n)]), send, options);
    // The count type is Bro's base-type singleton: full in the first message, a reference (flag 0, its pid) in the second.
    expect(second.length).toBeLessThan(first.length);
    const a = readSerialization(first, recv, { pid64: true });
    const b = readSerialization(second, recv, { pid64: true });
    if (a.kind !== "event" || b.kind !== "event") throw new Error("not events");
    expect(b.args[0]!.type).toBe(a.args[0]!.type);
    expect((a.args[0]!.type as SerialObject).pid).toBe(2n);
  });

  it("reports a reference to an object it never saw (a capture that starts too late)", () => {
    const send = newSerialSendState();
    const options = { pid64: false, caching: true, cacheStableBit: false };
    writeSerialization(event([stringVal("a")]), send, options);
    const later = writeSerialization(event([stringVal("b")]), send, options);
    const err = (() => {
      try {
        readSerialization(later, newSerialState(), { pid64: false });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).message).toMatch(/unknown pid/);
  });

  it("reports every truncation of a valid serialization as truncated, and leaves the cache alone", () => {
    fc.assert(
      fc.property(fc.array(broVal, { maxLength: 3 }), fc.nat(), (args, cut) => {
        const bytes = writeSerialization(event(args), newSerialSendState(), {
          pid64: false,
          caching: true,
          cacheStableBit: false,
        });
        const n = cut % bytes.length;
        const state = newSerialState();
        expect(() => readSerialization(bytes.subarray(0, n), state, { pid64: false })).toThrow(DecodeError);
        try {
          readSerialization(bytes.subarray(0, n), state, { pid64: false });
        } catch (e) {
          expect((e as DecodeError).kind).toBe("truncated");
        }
        expect(state.cache.size).toBe(0);
      }),
    );
  });

  it("gives a value or a DecodeError for arbitrary bytes, nothing else", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.uint8Array({ maxLength: 64 }).map((b) => Uint8Array.of(0x65, 0, 0, 0, 1, 0x41, ...b)),
        ),
        fc.boolean(),
        (bytes, pid64) => {
          try {
            readSerialization(bytes, newSerialState(), { pid64 });
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        },
      ),
      { numRuns: 10000 },
    );
  });

  it("bounds nesting and element counts by the configured limits", () => {
    let v: BroVal = countVal(1n);
    for (let i = 0; i < 10; i++) v = vectorVal(vectorType(v.type), [v]);
    const bytes = writeSerialization(event([v]), newSerialSendState(), {
      pid64: false,
      caching: false,
      cacheStableBit: false,
    });
    expect(() =>
      readSerialization(bytes, newSerialState(), { pid64: false, limits: { maxDepth: 8 } }),
    ).toThrow(/nesting/);
    expect(readSerialization(bytes, newSerialState(), { pid64: false }).kind).toBe("event");
    // A hostile count is refused before anything is allocated for it.
    const huge = Uint8Array.of(0x65, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff);
    expect(() => readSerialization(huge, newSerialState(), { pid64: false })).toThrow(DecodeError);
    expect(baseType(TypeTag.count).internal).toBe(2);
  });
});

describe("the object cache", () => {
  it("keeps the most recently used objects up to its capacity, so long connections stay bounded", () => {
    const send = newSerialSendState();
    const recv = newSerialState(8);
    const options = { pid64: false, caching: true, cacheStableBit: false };
    const shared = stringVal("kept alive by use");
    for (let i = 0; i < 50; i++) {
      // A fresh value each time (new pids), and one that is referred to again and again.
      const bytes = writeSerialization(event([countVal(BigInt(i)), shared]), send, options);
      const back = readSerialization(bytes, recv, { pid64: false });
      expect(back.kind).toBe("event");
      expect(recv.cache.size).toBeLessThanOrEqual(8);
    }
    // The shared string and its type were used in every message: still there.
    const last = writeSerialization(event([shared]), send, options);
    expect(() => readSerialization(last, recv, { pid64: false })).not.toThrow();
  });
});
