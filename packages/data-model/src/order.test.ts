import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbitraryData, arbitraryDataPair } from "./arbitrary.js";
import {
  address,
  boolean,
  count,
  DuplicateElementError,
  enumValue,
  integer,
  none,
  port,
  real,
  set,
  string,
  stringFromBytes,
  subnet,
  table,
  timespan,
  timestamp,
  vector,
} from "./constructors.js";
import { hash } from "./hash.js";
import { compare, compareLegacy, equals } from "./order.js";
import type { Data } from "./value.js";

const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);
// Small domains make equal and nested-equal values likely, so the laws are not tested vacuously.
const small = arbitraryData({ edgeBias: true, maxDepth: 2, maxLength: 3 });
// Pairs that are often equal-but-rebuilt or one node apart.
const pair = arbitraryDataPair({ edgeBias: true, maxDepth: 2, maxLength: 3 });
// Lists of such pairs, flattened: sorting them meets equal and nearly equal values.
const related = fc.array(pair, { maxLength: 6 }).map((ps) => ps.flat());

describe("compare is a total order", () => {
  it("is reflexive and antisymmetric, and agrees with equals", () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(small, small), pair), ([a, b]) => {
        expect(compare(a, a)).toBe(0);
        expect(sign(compare(a, b)) + sign(compare(b, a))).toBe(0);
        expect(equals(a, b)).toBe(compare(a, b) === 0);
      }),
      { numRuns: 3000 },
    );
  });

  it("is transitive: a sorted list is ordered for every pair, and equal values compare alike with all", () => {
    fc.assert(
      fc.property(related, (xs) => {
        const sorted = [...xs].sort(compare);
        for (let i = 0; i < sorted.length; i++)
          for (let j = i + 1; j < sorted.length; j++) {
            expect(compare(sorted[i]!, sorted[j]!)).toBeLessThanOrEqual(0);
            if (compare(sorted[i]!, sorted[j]!) === 0)
              for (const c of sorted) expect(sign(compare(sorted[i]!, c))).toBe(sign(compare(sorted[j]!, c)));
          }
      }),
      { numRuns: 1000 },
    );
  });

  it("keeps every constructor path canonical: set/table from any order equal the sorted ones", () => {
    fc.assert(
      fc.property(fc.array(small, { maxLength: 8 }), (xs) => {
        const a = set(xs);
        const b = set([...xs].reverse());
        expect(compare(a, b)).toBe(0);
        expect(a.elements.length).toBe(b.elements.length);
        const t = table(xs.map((x, i) => [x, count(i)] as const));
        for (let i = 1; i < t.entries.length; i++)
          expect(compare(t.entries[i - 1]![0], t.entries[i]![0])).toBeLessThan(0);
      }),
    );
  });
});

describe("set() and table() duplicates", () => {
  const firstEqual = (xs: readonly Data[], x: Data) => xs.find((y) => equals(x, y));
  it("keep-first keeps the first of equal elements and keys", () => {
    fc.assert(
      fc.property(related, (xs) => {
        for (const e of set(xs).elements) expect(e).toBe(firstEqual(xs, e));
        const t = table(xs.map((x, i) => [x, count(i)] as const));
        for (const [k, v] of t.entries) {
          expect(k).toBe(firstEqual(xs, k));
          expect(v).toEqual(count(xs.indexOf(k)));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("throw reports an input index whose element equals an earlier one, exactly when there is one", () => {
    fc.assert(
      fc.property(related, (xs) => {
        const hasDuplicate = xs.some((x, i) => xs.slice(0, i).some((y) => equals(x, y)));
        for (const build of [
          () => set(xs, { duplicates: "throw" }),
          () =>
            table(
              xs.map((x) => [x, none()] as const),
              { duplicates: "throw" },
            ),
        ]) {
          let error: unknown;
          try {
            build();
          } catch (e) {
            error = e;
          }
          expect(error === undefined).toBe(!hasDuplicate);
          if (error === undefined) continue;
          expect(error).toBeInstanceOf(DuplicateElementError);
          const { index } = error as DuplicateElementError;
          expect(xs.slice(0, index).some((y) => equals(xs[index]!, y))).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("an already-sorted input stays as it is", () => {
    const xs = [count(1), count(2), integer(0)];
    expect(set(xs).elements).toEqual(xs);
    expect(() => set([count(1), count(1)], { duplicates: "throw" })).toThrow(DuplicateElementError);
  });
});

describe("hash agrees with equals", () => {
  it("for arbitrary, rebuilt and nearly equal values", () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(small, small), pair), ([a, b]) => {
        if (equals(a, b)) expect(hash(a)).toBe(hash(b));
        const rebuilt = a.type === "set" ? set([...a.elements].reverse()) : a;
        expect(hash(rebuilt)).toBe(hash(a));
      }),
      { numRuns: 3000 },
    );
  });

  it("for -0.0 and 0.0, and for NaNs with any payload", () => {
    expect(hash(real(-0))).toBe(hash(real(0)));
    const nan = (hi: number, lo: number) => {
      const v = new DataView(new ArrayBuffer(8));
      v.setUint32(0, hi);
      v.setUint32(4, lo);
      return real(v.getFloat64(0));
    };
    const nans = [real(Number.NaN), nan(0x7ff80000, 1), nan(0xfff80000, 0), nan(0x7ff00000, 0xdead)];
    for (const x of nans) {
      expect(equals(x, nans[0]!)).toBe(true);
      expect(hash(vector([x]))).toBe(hash(vector([nans[0]!])));
      expect(hash(set([x, real(1)]))).toBe(hash(set([real(1), nans[0]!])));
    }
  });
});

// Broker's order (spec §1.3), case by case.
describe("Broker's order", () => {
  const ascending: [string, Data[]][] = [
    [
      "type tags: none < boolean < count < integer < real < string < address < subnet < port < timestamp < timespan < enum < set < table < vector (count before integer, whatever the docs say)",
      [
        none(),
        boolean(true),
        count(99),
        integer(-5),
        real(0),
        string(""),
        address("::"),
        subnet("::/0"),
        port(0),
        timestamp(0),
        timespan(0),
        enumValue(""),
        set([]),
        table([]),
        vector([]),
      ],
    ],
    [
      "reals: -inf < -1 < 0 < 1 < +inf < NaN",
      [
        real(Number.NEGATIVE_INFINITY),
        real(-1),
        real(0),
        real(1),
        real(Number.POSITIVE_INFINITY),
        real(Number.NaN),
      ],
    ],
    [
      "addresses by bytes: IPv4 inside ::ffff:0:0/96",
      [
        address("::"),
        address("::1"),
        address("0.0.0.0"),
        address("1.2.3.4"),
        address("255.255.255.255"),
        address("2001:db8::"),
      ],
    ],
    [
      "subnets by network, then raw length",
      [subnet("10.0.0.0/8"), subnet("10.0.0.0/16"), subnet("11.0.0.0/8")],
    ],
    [
      "ports by number, then protocol",
      [port(80, "unknown"), port(80, "tcp"), port(80, "udp"), port(80, "icmp"), port(81, "unknown")],
    ],
    [
      "strings by unsigned bytes, prefixes first",
      [string(""), string("a"), string("ab"), string("b"), stringFromBytes(new Uint8Array([0x80]))],
    ],
    [
      "vectors lexicographically, prefixes first",
      [vector([]), vector([count(1)]), vector([count(1), count(0)]), vector([count(2)])],
    ],
    [
      "tables by key, then value",
      [table([[count(1), count(1)]]), table([[count(1), count(2)]]), table([[count(2), count(0)]])],
    ],
  ];
  it.each(ascending)("%s", (_, values) => {
    for (let i = 1; i < values.length; i++) expect(compare(values[i - 1]!, values[i]!)).toBeLessThan(0);
  });

  it("treats -0.0 and 0.0 as equal, like Broker", () => {
    expect(compare(real(-0), real(0))).toBe(0);
    expect(set([real(0), real(-0)]).elements).toHaveLength(1);
  });
});

describe("compareLegacy (Broker before 2.8.0-dev.132)", () => {
  it("treats subnets with the same network as equivalent, and is otherwise compare", () => {
    expect(compareLegacy(subnet("::/0"), subnet("::/3"))).toBe(0);
    expect(compare(subnet("::/0"), subnet("::/3"))).toBeLessThan(0);
    expect(compareLegacy(subnet("10.0.0.0/8"), subnet("11.0.0.0/8"))).toBeLessThan(0);
    expect(
      compareLegacy(vector([subnet("::/0"), count(1)]), vector([subnet("::/1"), count(2)])),
    ).toBeLessThan(0);
  });

  it("is a strict weak order that never contradicts compare", () => {
    fc.assert(
      fc.property(small, small, (a, b) => {
        const l = compareLegacy(a, b);
        expect(sign(l) + sign(compareLegacy(b, a))).toBe(0);
        if (l !== 0) expect(sign(compare(a, b))).toBe(sign(l));
      }),
      { numRuns: 2000 },
    );
  });
});
