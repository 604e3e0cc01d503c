import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbitraryData, arbitraryReal } from "../arbitrary.js";
import { real, timestamp } from "../constructors.js";
import { equals } from "../order.js";
import { fromPlain, toPlain } from "../plain.js";
import { DATA_TYPES, type Data } from "../value.js";
import { fromJson } from "./decode.js";
import { toJsonBinary, toJsonBytes } from "./encode.js";
import { JsonDecodeError } from "./errors.js";

/** Values whose JSON form is exact: reals that are multiples of 1/64, whole non-negative milliseconds. */
function jsonExact(v: Data): Data {
  switch (v.type) {
    case "real":
      return real(Number.isFinite(v.value) ? Math.round((v.value % 2 ** 30) * 64) / 64 : v.value);
    case "timestamp":
      return timestamp(((v.value < 0n ? -v.value : v.value) / 1_000_000n) * 1_000_000n);
    case "vector":
      return { type: "vector", elements: Object.freeze(v.elements.map(jsonExact)) };
    default:
      return v;
  }
}

describe("JSON round trips", () => {
  // Reals are left out here: CAF reads "%f" text back not correctly rounded, so a real can drift in
  // the last printed digit on every trip, as it does in Broker (see caf-number.test.ts).
  const noReals = DATA_TYPES.filter((t) => t !== "real");
  it("toJson(fromJson(toJson(v))) = toJson(v) for every value without reals", () => {
    fc.assert(
      fc.property(arbitraryData({ edgeBias: true, types: noReals }), (v) => {
        const json = toJsonBinary(v);
        try {
          expect(toJsonBinary(fromJson(toJsonBytes(v)))).toBe(json);
        } catch (e) {
          // JSON keeps 6 decimals and milliseconds, so distinct reals or timestamps in a set or
          // table can print alike; Broker then rejects the duplicate just as fromJson does.
          if (
            !(
              e instanceof JsonDecodeError &&
              /duplicate/.test(e.problem) &&
              /"@data-type":"(set|table)"/.test(json)
            )
          )
            throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("fromJson(toJson(v)) = v where JSON is exact", () => {
    const exact = fc
      .oneof(
        arbitraryReal({ noNaN: true }),
        arbitraryData({
          types: [
            "count",
            "integer",
            "string",
            "address",
            "port",
            "timespan",
            "enum_value",
            "vector",
            "boolean",
            "none",
          ],
        }),
      )
      .map(jsonExact);
    fc.assert(
      fc.property(exact, (v) => {
        expect(equals(fromJson(toJsonBytes(v)), v)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("plain JS round trip", () => {
  it("fromPlain(toPlain(v)) = v for every value", () => {
    fc.assert(
      fc.property(arbitraryData({ edgeBias: true }), (v) => {
        expect(equals(fromPlain(toPlain(v)), v)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("JSON decoding of arbitrary input", () => {
  const onlyJsonErrors = (input: string | Uint8Array) => {
    try {
      fromJson(input);
    } catch (e) {
      expect(e).toBeInstanceOf(JsonDecodeError);
    }
  };
  // Valid encodings with a few characters replaced, inserted or deleted: input close to what
  // fromJson accepts reaches far deeper than random text does.
  const mutated = fc
    .tuple(
      arbitraryData({ maxDepth: 2 }).map((v) => toJsonBinary(v)),
      fc.array(
        fc.tuple(fc.nat(), fc.constantFrom("replace", "insert", "delete"), fc.string({ maxLength: 2 })),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
    )
    .map(([text, edits]) =>
      edits.reduce((t, [at, how, s]) => {
        const i = t.length === 0 ? 0 : at % t.length;
        return t.slice(0, i) + (how === "delete" ? "" : s) + t.slice(how === "insert" ? i : i + 1);
      }, text),
    );

  it("gives a value or a JsonDecodeError for any text, bytes or near-valid encoding, nothing else", () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), onlyJsonErrors), { numRuns: 3000 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), onlyJsonErrors), { numRuns: 3000 });
    fc.assert(fc.property(mutated, onlyJsonErrors), { numRuns: 5000 });
  });
});
