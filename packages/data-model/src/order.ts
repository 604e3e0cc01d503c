import type { Data, TableEntry } from "./value.js";
import { portProtocolCode, typeTag } from "./value.js";

// Broker's total order (`operator<` on broker::data): type tag first, then a
// per-type rule. Broker's order is not total on reals, so we extend it where
// Broker is inconsistent and agree with it everywhere else:
//  - -0.0 and +0.0 compare equal (Broker: neither is less, and `==` is true);
//  - NaN equals NaN and sorts after +inf (Broker: NaN is unordered against
//    every real, and `NaN == NaN` is false — no total order can agree with that).

function cmpPrimitive<T extends number | bigint | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareReal(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0; // includes -0.0 vs +0.0
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  return an === bn ? 0 : an ? 1 : -1;
}

type Order = (a: Data, b: Data) => number;

function compareSequences(a: readonly Data[], b: readonly Data[], cmp: Order): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = cmp(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function compareEntries(a: readonly TableEntry[], b: readonly TableEntry[], cmp: Order): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const [ak, av] = a[i]!;
    const [bk, bv] = b[i]!;
    const c = cmp(ak, bk) || cmp(av, bv);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function compareWith(a: Data, b: Data, legacySubnets: boolean): number {
  if (a.type !== b.type) return typeTag(a) - typeTag(b);
  switch (a.type) {
    case "none":
      return 0;
    case "boolean":
      return Number(a.value) - Number((b as typeof a).value);
    case "count":
    case "integer":
    case "timestamp":
    case "timespan":
      return cmpPrimitive(a.value, (b as typeof a).value);
    case "real":
      return compareReal(a.value, (b as typeof a).value);
    case "string":
    case "address":
      // Binary strings: char codes are bytes, so `<` is memcmp order.
      return cmpPrimitive(a.binary, (b as typeof a).binary);
    case "enum_value":
      return cmpPrimitive(a.name, (b as typeof a).name);
    case "subnet": {
      const o = b as typeof a;
      const byNetwork = cmpPrimitive(a.network.binary, o.network.binary);
      return legacySubnets ? byNetwork : byNetwork || a.rawLength - o.rawLength;
    }
    case "port": {
      const o = b as typeof a;
      return a.number - o.number || portProtocolCode(a.protocol) - portProtocolCode(o.protocol);
    }
    case "set":
    case "vector":
      return compareSequences(a.elements, (b as typeof a).elements, legacySubnets ? compareLegacy : compare);
    case "table":
      return compareEntries(a.entries, (b as typeof a).entries, legacySubnets ? compareLegacy : compare);
  }
}

/** Broker's total order: negative, zero or positive as `a` sorts before, with or after `b`. */
export function compare(a: Data, b: Data): number {
  return compareWith(a, b, false);
}

/**
 * Broker's order before 2.8.0-dev.132 (Broker 1.x and 2.0–2.7, i.e. Zeek up to 7.0): there
 * `subnet::operator<` compared the length of the left operand with itself, so subnets
 * with the same network are equivalent whatever their lengths (a set holds only one of
 * them), while `==` still tells them apart. Use this to reproduce what such a peer does
 * with sets and tables; it is a strict weak order, coarser than `equals` on subnets.
 */
export function compareLegacy(a: Data, b: Data): number {
  return compareWith(a, b, true);
}

/** Equality consistent with `compare` (so NaN equals NaN, and -0.0 equals 0.0). */
export function equals(a: Data, b: Data): boolean {
  return a === b || compare(a, b) === 0;
}
