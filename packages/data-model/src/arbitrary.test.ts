import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbitraryData, arbitraryReal, arbitrarySubnet } from "./arbitrary.js";
import { prefixLength } from "./constructors.js";
import { compare } from "./order.js";
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
    const reals = fc
      .sample(arbitraryReal({ edgeBias: true }), { numRuns: 400, seed: 42 })
      .map((r) => (r as { value: number }).value);
    expect(reals.some(Number.isNaN)).toBe(true);
    expect(reals.some((x) => Object.is(x, -0))).toBe(true);
    expect(reals.some((x) => x === Number.POSITIVE_INFINITY)).toBe(true);
    const subnets = fc.sample(arbitrarySubnet({ uncheckedSubnets: true }), { numRuns: 300, seed: 1 });
    expect(subnets.some((s) => s.type === "subnet" && prefixLength(s) > 128)).toBe(true);
  });
});
