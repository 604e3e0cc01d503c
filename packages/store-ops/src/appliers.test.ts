import {
  address,
  count,
  type Data,
  equals,
  integer,
  real,
  set,
  string,
  table,
  timespan,
  timestamp,
  toText,
  vector,
} from "@brokerkit/data-model";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addTo, defaultOf, subtractFrom } from "./appliers.js";
import { StoreError } from "./command.js";

function same(a: Data, b: Data): void {
  expect(toText(a)).toBe(toText(b));
  expect(equals(a, b)).toBe(true);
}

describe("add / subtract (spec §8.5)", () => {
  it("adds and subtracts numbers of the same type, wrapping 64-bit arithmetic", () => {
    same(addTo(count(2), count(3)), count(5));
    same(addTo(count(2n ** 64n - 1n), count(2)), count(1));
    same(subtractFrom(count(0), count(1)), count(2n ** 64n - 1n));
    same(addTo(integer(2n ** 63n - 1n), integer(1)), integer(-(2n ** 63n)));
    same(subtractFrom(real(1.5), real(0.25)), real(1.25));
    same(addTo(timespan(5), timespan(-7)), timespan(-2));
    same(addTo(timestamp(10), timespan(5)), timestamp(15));
    same(subtractFrom(timestamp(10), timespan(5)), timestamp(5));
  });

  it("clashes on mixed numeric types", () => {
    for (const [a, b] of [
      [count(1), integer(1)],
      [integer(1), real(1)],
      [timestamp(1), timestamp(1)],
      [timespan(1), count(1)],
      [address("::1"), address("::1")],
    ] as const) {
      expect(() => addTo(a, b)).toThrow(StoreError);
      expect(() => subtractFrom(a, b)).toThrow(/type_clash/);
    }
  });

  it("appends strings, pushes and pops vectors, inserts and removes in sets and tables", () => {
    same(addTo(string("ab"), string("c")), string("abc"));
    expect(() => subtractFrom(string("ab"), string("b"))).toThrow(/type_clash/);
    same(addTo(vector([count(1)]), string("x")), vector([count(1), string("x")]));
    same(subtractFrom(vector([count(1), count(2)]), string("ignored")), vector([count(1)]));
    same(subtractFrom(vector([]), count(1)), vector([]));
    same(addTo(set([count(2)]), count(1)), set([count(1), count(2)]));
    same(subtractFrom(set([count(1), count(2)]), count(1)), set([count(2)]));
    same(
      addTo(table([[string("k"), count(1)]]), vector([string("k"), count(2)])),
      table([[string("k"), count(2)]]),
    );
    same(subtractFrom(table([[string("k"), count(1)]]), string("k")), table([]));
    expect(() => addTo(table([]), string("k"))).toThrow(/type_clash/);
    expect(() => addTo(table([]), vector([string("k")]))).toThrow(/invalid_data/);
  });

  it("starts missing keys from Broker's default values", () => {
    expect(toText(defaultOf("address"))).toBe("::");
    expect(toText(defaultOf("subnet"))).toBe("::/0");
    expect(toText(defaultOf("port"))).toBe("0/?");
    expect(toText(defaultOf("timestamp"))).toBe("0ns");
    expect(toText(defaultOf("boolean"))).toBe("F");
  });

  it("add then subtract of the same count is the identity", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (a, b) => {
          same(subtractFrom(addTo(count(a), count(b)), count(b)), count(a));
        },
      ),
    );
  });
});
