import {
  type AddressData,
  compare,
  type Data,
  DuplicateElementError,
  PORT_PROTOCOLS,
  set,
  type TableEntry,
  table,
} from "@brokerkit/data-model";
import { DecodeError } from "../errors.js";
import { type DecodeLimits, resolveLimits } from "../limits.js";
import { Reader } from "../reader.js";
import { wholeBinary } from "./binary.js";
import type { BinaryFormat } from "./format.js";
import { addressAt, countAt, enumAt, integerAt, portOf, stringAt } from "./leaves.js";
import { unpackReal } from "./real.js";

/** Strings longer than this are cut from the whole input (shorter ones come from the leaf cache). */
const LONG_STRING = 32;

// Broker's value decoder (format::bin::v1 and CAF 0.17's data inspector):
// a tag byte, then the body. Like Broker it rejects unknown tags, port
// protocols above 3, and (v1) equal elements in sets or keys in tables, and it
// accepts any boolean byte, unsorted containers and unmasked subnets. Unlike
// Broker it bounds depth, lengths and counts. Values are built directly as
// frozen objects of the data-model's shapes (equal small leaves shared, see
// leaves.ts); sets and tables that arrive in order, as Broker sends them, are
// taken as they are, others go through the data-model's canonical constructors.
//
// This is the hot path of every decoder in the package, so it reads the
// reader's fields directly, checks bounds once per value, and keeps error
// construction (and anything else rare) in separate functions.

interface State {
  readonly limits: DecodeLimits;
  readonly format: BinaryFormat;
  values: number;
  /**
   * Set when the input is exactly one message (decodeData): its bytes as one
   * binary string, made at the first long string, that long strings are cut from.
   */
  whole?: string | undefined | null;
}

function truncated(r: Reader, pos: number, n: number, what: string): DecodeError {
  return new DecodeError("truncated", r.offset(pos), what, `${n} bytes needed, ${r.end - pos} left`);
}

function length(r: Reader, what: string, max: number, minBytesEach: number): number {
  const p = r.pos;
  // A one-byte varbyte (below 128) is the usual case, and within any limit of at least 127.
  if (p < r.end && r.bytes[p]! < 0x80 && max >= 0x7f) {
    const n = r.bytes[p]!;
    r.pos = p + 1;
    if (n * minBytesEach > r.end - p - 1) throw cutShort(r, n, what);
    return n;
  }
  const n = r.varbyte("a length");
  if (n > max) throw new DecodeError("limit", r.offset(p), `a ${what} length of at most ${max}`, `got ${n}`);
  // Every element needs at least minBytesEach bytes: fewer left means the input is cut short.
  if (n * minBytesEach > r.end - r.pos) throw cutShort(r, n, what);
  return n;
}

function cutShort(r: Reader, n: number, what: string): DecodeError {
  return new DecodeError("truncated", r.offset(r.end), `${n} ${what} elements`, `${r.remaining} bytes left`);
}

function value(r: Reader, s: State, depth: number): Data {
  if (++s.values > s.limits.maxValues) {
    throw new DecodeError("limit", r.offset(), `at most ${s.limits.maxValues} values`);
  }
  const at = r.pos;
  if (at >= r.end) throw truncated(r, at, 1, "a type tag");
  const tag = r.bytes[at]!;
  const pos = at + 1;
  r.pos = pos;
  switch (tag) {
    case 0:
      return NONE;
    case 1:
      if (pos >= r.end) throw truncated(r, pos, 1, "a boolean byte");
      r.pos = pos + 1;
      return r.bytes[pos] !== 0 ? TRUE : FALSE;
    case 2:
      if (r.end - pos < 8) throw truncated(r, pos, 8, "a count");
      r.pos = pos + 8;
      return countAt(r.view, pos);
    case 3:
      if (r.end - pos < 8) throw truncated(r, pos, 8, "an integer");
      r.pos = pos + 8;
      return integerAt(r.view, pos);
    case 4:
      return Object.freeze({ type: "real", value: readReal(r, s.format) });
    case 5: {
      const n = length(r, "string", s.limits.maxStringBytes, 1);
      r.pos += n;
      if (n > LONG_STRING && s.whole !== undefined) {
        if (s.whole === null) s.whole = wholeBinary(r.bytes) ?? "";
        if (s.whole !== "")
          return Object.freeze({ type: "string", binary: s.whole.substring(r.pos - n, r.pos) });
      }
      return stringAt(r.bytes, r.pos - n, n);
    }
    case 11: {
      const n = length(r, "string", s.limits.maxStringBytes, 1);
      r.pos += n;
      return enumAt(r.bytes, r.pos - n, n);
    }
    case 6:
      return address(r);
    case 7: {
      const network = address(r);
      if (r.pos >= r.end) throw truncated(r, r.pos, 1, "a subnet length");
      return Object.freeze({ type: "subnet", network, rawLength: r.bytes[r.pos++]! });
    }
    case 8: {
      if (r.end - pos < 2) throw truncated(r, pos, 2, "a port number");
      if (r.end - pos < 3) throw truncated(r, pos + 2, 1, "a port protocol");
      const number = (r.bytes[pos]! << 8) | r.bytes[pos + 1]!;
      const code = r.bytes[pos + 2]!;
      const protocol = PORT_PROTOCOLS[code];
      if (protocol === undefined)
        throw new DecodeError("invalid", r.offset(pos + 2), "a port protocol 0-3", `got ${code}`);
      r.pos = pos + 3;
      return portOf(number, code);
    }
    case 9:
      if (r.end - pos < 8) throw truncated(r, pos, 8, "a timestamp");
      r.pos = pos + 8;
      return Object.freeze({ type: "timestamp", value: r.view.getBigInt64(pos) });
    case 10:
      if (r.end - pos < 8) throw truncated(r, pos, 8, "a timespan");
      r.pos = pos + 8;
      return Object.freeze({ type: "timespan", value: r.view.getBigInt64(pos) });
    case 14: {
      if (depth >= s.limits.maxDepth) throw tooDeep(r, at, s);
      const n = length(r, "vector", s.limits.maxContainerLength, 1);
      const elements = new Array<Data>(n);
      for (let i = 0; i < n; i++) elements[i] = value(r, s, depth + 1);
      return Object.freeze({ type: "vector", elements: Object.freeze(elements) });
    }
    case 12:
      if (depth >= s.limits.maxDepth) throw tooDeep(r, at, s);
      return readSet(r, s, depth);
    case 13:
      if (depth >= s.limits.maxDepth) throw tooDeep(r, at, s);
      return readTable(r, s, depth);
    default:
      throw new DecodeError("invalid", r.offset(at), "a type tag 0-14", `got ${tag}`);
  }
}

function tooDeep(r: Reader, at: number, s: State): DecodeError {
  return new DecodeError("limit", r.offset(at), `nesting of at most ${s.limits.maxDepth}`);
}

// Broker sends sets and tables in order, so the common case is one pass of
// adjacent comparisons; anything else (unsorted, or equal elements) goes
// through the data-model's canonical constructors, as before.
function readSet(r: Reader, s: State, depth: number): Data {
  const n = length(r, "set", s.limits.maxContainerLength, 1);
  const bodyStart = r.pos;
  const elements = new Array<Data>(n);
  for (let i = 0; i < n; i++) elements[i] = value(r, s, depth + 1);
  let i = 1;
  while (i < n && less(elements[i - 1]!, elements[i]!)) i++;
  if (i >= n) return Object.freeze({ type: "set", elements: Object.freeze(elements) });
  return canonical(
    () => set(elements, { duplicates: duplicatesPolicy(s.format) }),
    r,
    s,
    bodyStart,
    1,
    "set elements",
  );
}

function readTable(r: Reader, s: State, depth: number): Data {
  const n = length(r, "table", s.limits.maxContainerLength, 2);
  const bodyStart = r.pos;
  const entries = new Array<TableEntry>(n);
  for (let i = 0; i < n; i++) {
    const k = value(r, s, depth + 1);
    entries[i] = Object.freeze([k, value(r, s, depth + 1)] as const);
  }
  let i = 1;
  while (i < n && less(entries[i - 1]![0], entries[i]![0])) i++;
  if (i >= n) return Object.freeze({ type: "table", entries: Object.freeze(entries) });
  return canonical(
    () => table(entries, { duplicates: duplicatesPolicy(s.format) }),
    r,
    s,
    bodyStart,
    2,
    "table keys",
  );
}

// compare(a, b) < 0, short-cut for the element types sets and tables mostly hold.
function less(a: Data, b: Data): boolean {
  if (a.type === b.type) {
    switch (a.type) {
      case "string":
        return a.binary < (b as typeof a).binary;
      case "count":
      case "integer":
        return a.value < (b as typeof a).value;
      case "enum_value":
        return a.name < (b as typeof a).name;
    }
  }
  return compare(a, b) < 0;
}

// Current Broker's own decoder rejects equal elements; Broker 1.x let CAF fill
// a std::set / std::map, whose insert silently keeps the first of equal ones.
const duplicatesPolicy = (format: BinaryFormat) => (format === "broker-1" ? "keep-first" : "throw");

function canonical<T>(
  build: () => T,
  r: Reader,
  s: State,
  bodyStart: number,
  valuesEach: number,
  what: string,
): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof DuplicateElementError) {
      throw new DecodeError(
        "invalid",
        elementOffset(r, s, bodyStart, e.index, valuesEach),
        `distinct ${what}`,
        "Broker rejects equal elements",
      );
    }
    throw e;
  }
}

// Where element `index` of a container starts. Only errors need it, so it is
// found by reading the (already validated) elements again rather than by
// recording every element's offset on the way.
function elementOffset(r: Reader, s: State, bodyStart: number, index: number, valuesEach: number): number {
  const again = new Reader(r.bytes, bodyStart, r.end, r.base);
  const scratch: State = { limits: s.limits, format: s.format, values: 0 };
  for (let i = 0; i < index * valuesEach; i++) value(again, scratch, 1);
  return again.offset();
}

function address(r: Reader): AddressData {
  const p = r.pos;
  if (r.end - p < 16) throw truncated(r, p, 16, "a 16-byte address");
  r.pos = p + 16;
  return addressAt(r.bytes, p);
}

function readReal(r: Reader, format: BinaryFormat): number {
  const p = r.pos;
  if (r.end - p < 8) throw truncated(r, p, 8, "a real");
  r.pos = p + 8;
  const exponent = (((r.bytes[p]! << 8) | r.bytes[p + 1]!) >> 4) & 0x7ff;
  // Normal numbers are plain IEEE bits in every generation (see real.ts).
  if (exponent !== 0 && exponent !== 0x7ff) return r.view.getFloat64(p);
  return unpackReal(r.view.getBigUint64(p), format);
}

const NONE: Data = Object.freeze({ type: "none" });
const TRUE: Data = Object.freeze({ type: "boolean", value: true });
const FALSE: Data = Object.freeze({ type: "boolean", value: false });

/** Read one value at the reader's position and advance past it. */
export function readData(r: Reader, format: BinaryFormat, limits: DecodeLimits): Data {
  return value(r, { limits, format, values: 0 }, 0);
}

export interface DecodeDataOptions {
  /** Default "v1". */
  readonly format?: BinaryFormat;
  readonly limits?: Partial<DecodeLimits>;
}

/**
 * Decode exactly one value from `bytes`. Throws DecodeError — "truncated"
 * when the input ends early (more bytes could complete it), "invalid",
 * "limit", or "trailing" when bytes are left over — and nothing else.
 */
export function decodeData(bytes: Uint8Array, options?: DecodeDataOptions): Data {
  const r = new Reader(bytes);
  const v = value(
    r,
    { limits: resolveLimits(options?.limits), format: options?.format ?? "v1", values: 0, whole: null },
    0,
  );
  if (r.remaining > 0)
    throw new DecodeError("trailing", r.offset(), "the end of the input", `${r.remaining} bytes left`);
  return v;
}
