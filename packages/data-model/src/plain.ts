import { binaryToBytes, binaryToUtf8, isUtf8 } from "./bytes.js";
import {
  boolean,
  integer,
  none,
  real,
  set,
  string,
  stringFromBytes,
  table,
  timestampFromDate,
  vector,
} from "./constructors.js";
import type { Data } from "./value.js";
import { isData } from "./value.js";

/**
 * The plain JS values that map onto Broker data without an explicit
 * constructor. Types JS has no unambiguous form for (count, address, subnet,
 * port, timespan, enum_value, and timestamps with nanoseconds) are given as
 * Data values built with the constructors, e.g. `count(5n)`, `address("::1")`.
 */
export type Plain =
  | null
  | undefined
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | Date
  | Data
  | readonly Plain[]
  | ReadonlySet<Plain>
  | ReadonlyMap<Plain, Plain>;

/**
 * Plain JS to Broker data: null/undefined → none, boolean → boolean,
 * bigint → integer, number → real, string → string (UTF-8), Uint8Array →
 * string (raw bytes), Date → timestamp, Array → vector, Set → set, Map →
 * table; Data values pass through. Anything else throws a TypeError.
 */
export function fromPlain(x: Plain, depth = 0): Data {
  if (depth > 1000) throw new RangeError("fromPlain: nesting too deep");
  if (x === null || x === undefined) return none();
  switch (typeof x) {
    case "boolean":
      return boolean(x);
    case "bigint":
      return integer(x);
    case "number":
      return real(x);
    case "string":
      return string(x);
  }
  if (x instanceof Uint8Array) return stringFromBytes(x);
  if (x instanceof Date) return timestampFromDate(x);
  if (Array.isArray(x)) return vector((x as readonly Plain[]).map((e) => fromPlain(e, depth + 1)));
  if (x instanceof Set) return set([...x].map((e) => fromPlain(e, depth + 1)));
  if (x instanceof Map)
    return table([...x].map(([k, v]) => [fromPlain(k, depth + 1), fromPlain(v, depth + 1)] as const));
  if (isData(x)) return x;
  throw new TypeError(`fromPlain: no Broker type for ${Object.prototype.toString.call(x)}`);
}

/**
 * Broker data to plain JS, the inverse of fromPlain: none → null, boolean,
 * integer → bigint, real → number, string → string when it is UTF-8 (else
 * Uint8Array), vector → Array, set → Set, table → Map. The other types stay
 * Data values, so fromPlain(toPlain(v)) equals v for every value.
 */
export function toPlain(value: Data): Plain {
  switch (value.type) {
    case "none":
      return null;
    case "boolean":
    case "integer":
    case "real":
      return value.value;
    case "string":
      return isUtf8(value.binary) ? binaryToUtf8(value.binary) : binaryToBytes(value.binary);
    case "vector":
      return value.elements.map(toPlain);
    case "set":
      return new Set(value.elements.map(toPlain));
    case "table":
      return new Map(value.entries.map(([k, v]) => [toPlain(k), toPlain(v)]));
    default:
      return value;
  }
}
