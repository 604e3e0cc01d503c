import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  arbitraryAddress,
  arbitraryCount,
  arbitraryData,
  arbitraryDataPair,
  arbitraryInteger,
  arbitraryPort,
  arbitraryReal,
  arbitraryString,
  arbitrarySubnet,
} from "./arbitrary.js";
import { isUtf8 } from "./bytes.js";
import { address, isV4, prefixLength } from "./constructors.js";
import { compare, equals } from "./order.js";
import type { Data } from "./value.js";

function everyNode(v: Data, f: (d: Data) => void): void {
  f(v);
  if (v.type === "vector" || v.type === "set") for (const e of v.elements) everyNode(e, f);
  if (v.type === "table")
    for (const [k, x] of v.entries) {
      everyNode(k, f);
      everyNode(x, f);
    }
}

describe("arbitraries", () => {
  it("draw frozen, canonical values", () => {
    fc.assert(
      fc.property(arbitraryData({ edgeBias: true }), (v) => {
        everyNode(v, (d) => {
          expect(Object.isFrozen(d)).toBe(true);
          if (d.type === "set")
            for (let i = 1; i < d.elements.length; i++)
              expect(compare(d.elements[i - 1]!, d.elements[i]!)).toBeLessThan(0);
          if (d.type === "table")
            for (let i = 1; i < d.entries.length; i++)
              expect(compare(d.entries[i - 1]![0], d.entries[i]![0])).toBeLessThan(0);
        });
      }),
      { numRuns: 500 },
    );
  });

  it("respect type, depth and real-number options", () => {
    fc.assert(
      fc.property(arbitraryData({ types: ["count", "vector"], maxDepth: 2 }), (v) => {
        let depth = 0;
        const walk = (d: Data, n: number) => {
          expect(["count", "vector"]).toContain(d.type);
          depth = Math.max(depth, n);
          if (d.type === "vector") for (const e of d.elements) walk(e, n + 1);
        };
        walk(v, 0);
        expect(depth).toBeLessThanOrEqual(2);
      }),
    );
    fc.assert(
      fc.property(
        arbitraryReal({
          edgeBias: true,
          noNaN: true,
          noInfinity: true,
          noNegativeZero: true,
          noSubnormal: true,
        }),
        (r) => {
          const x = (r as { value: number }).value;
          expect(Number.isFinite(x) && !Object.is(x, -0) && (x === 0 || Math.abs(x) >= 2 ** -1022)).toBe(
            true,
          );
        },
      ),
    );
  });

  it("reach the edge values when biased", () => {
    const draw = <T>(a: fc.Arbitrary<T>) => fc.sample(a, { numRuns: 400, seed: 42 });
    const reals = draw(arbitraryReal({ edgeBias: true })).map((r) => (r as { value: number }).value);
    expect(reals.some(Number.isNaN)).toBe(true);
    expect(reals.some((x) => Object.is(x, -0))).toBe(true);
    expect(reals.some((x) => x === Number.POSITIVE_INFINITY)).toBe(true);
    expect(reals.some((x) => x === Number.NEGATIVE_INFINITY)).toBe(true);
    expect(reals.some((x) => x !== 0 && Math.abs(x) < 2 ** -1022)).toBe(true);
    const values = (a: fc.Arbitrary<Data>) => draw(a).map((d) => (d as { value: unknown }).value);
    expect(values(arbitraryCount({ edgeBias: true }))).toEqual(expect.arrayContaining([0n, 2n ** 64n - 1n]));
    expect(values(arbitraryInteger({ edgeBias: true }))).toEqual(
      expect.arrayContaining([0n, -(2n ** 63n), 2n ** 63n - 1n]),
    );
    const strings = draw(arbitraryString({ edgeBias: true })).map((d) => (d as { binary: string }).binary);
    expect(strings).toContain("");
    expect(strings.some((b) => b.includes("\0"))).toBe(true);
    expect(strings.some((b) => !isUtf8(b))).toBe(true);
    const addresses = draw(arbitraryAddress({ edgeBias: true }));
    expect(addresses).toContainEqual(address("::ffff:0.0.0.0")); // IPv4-mapped
    expect(addresses).toContainEqual(address("::1.2.3.4")); // IPv4-compatible
    const ports = draw(arbitraryPort({ edgeBias: true })).map((d) => (d as { number: number }).number);
    expect(ports).toEqual(expect.arrayContaining([0, 65535]));
    const subnets = draw(arbitrarySubnet({ edgeBias: true })).map((s) => {
      if (s.type !== "subnet") throw new Error("not a subnet");
      return `${isV4(s.network) ? "v4" : "v6"}/${prefixLength(s)}`;
    });
    expect(subnets).toEqual(expect.arrayContaining(["v4/0", "v4/32", "v6/0", "v6/128"]));
    const containers = draw(arbitraryData({ edgeBias: true, types: ["set", "table", "vector", "count"] }));
    const isEmpty = (d: Data) =>
      (d.type === "set" || d.type === "vector" ? d.elements : d.type === "table" ? d.entries : [0]).length ===
      0;
    for (const t of ["set", "table", "vector"])
      expect(containers.some((d) => d.type === t && isEmpty(d))).toBe(true);
  });

  it("draw unchecked subnets only when asked", () => {
    const unchecked = fc.sample(arbitrarySubnet({ uncheckedSubnets: true }), { numRuns: 300, seed: 1 });
    expect(unchecked.some((s) => s.type === "subnet" && prefixLength(s) > 128)).toBe(true);
    fc.assert(
      fc.property(arbitrarySubnet({ edgeBias: true }), (s) => {
        if (s.type !== "subnet") throw new Error("not a subnet");
        expect(prefixLength(s)).toBeLessThanOrEqual(isV4(s.network) ? 32 : 128);
      }),
    );
  });

  it("keep containers within maxLength and to the allowed types", () => {
    fc.assert(
      fc.property(arbitraryData({ maxLength: 2, types: ["set", "table", "boolean"] }), (v) =>
        everyNode(v, (d) => {
          expect(["set", "table", "boolean"]).toContain(d.type);
          if (d.type === "set") expect(d.elements.length).toBeLessThanOrEqual(2);
          if (d.type === "table") expect(d.entries.length).toBeLessThanOrEqual(2);
        }),
      ),
    );
  });

  it("draw pairs that are equal-but-rebuilt, nearly equal and unrelated, all canonical", () => {
    const pairs = fc.sample(arbitraryDataPair({ edgeBias: true }), { numRuns: 600, seed: 7 });
    expect(pairs.some(([a, b]) => a !== b && equals(a, b))).toBe(true);
    expect(pairs.some(([a, b]) => !equals(a, b))).toBe(true);
    // 0.0 rebuilt as -0.0 (and back) is equal under compare but not the same number.
    const reals = fc.sample(arbitraryDataPair({ edgeBias: true, types: ["real"] }), {
      numRuns: 300,
      seed: 7,
    });
    expect(
      reals.some(
        ([a, b]) =>
          equals(a, b) && !Object.is((a as { value: number }).value, (b as { value: number }).value),
      ),
    ).toBe(true);
    for (const [a, b] of pairs)
      for (const v of [a, b])
        everyNode(v, (d) => {
          expect(Object.isFrozen(d)).toBe(true);
          if (d.type === "set")
            for (let i = 1; i < d.elements.length; i++)
              expect(compare(d.elements[i - 1]!, d.elements[i]!)).toBeLessThan(0);
        });
  });
});
