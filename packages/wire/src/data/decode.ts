import {
  bytesToBinary,
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
import type { BinaryFormat } from "./format.js";
import { unpackReal } from "./real.js";

// Broker's value decoder (format::bin::v1 and CAF 0.17's data inspector):
// a tag byte, then the body. Like Broker it rejects unknown tags, port
// protocols above 3, and (v1) equal elements in sets or keys in tables, and it
// accepts any boolean byte, unsorted containers and unmasked subnets. Unlike
// Broker it bounds depth, lengths and counts. Values are built directly as
// frozen objects of the data-model's shapes: the bytes already are canonical.

interface State {
  readonly limits: DecodeLimits;
  readonly format: BinaryFormat;
  values: number;
}

function length(r: Reader, what: string, max: number, minBytesEach: number): number {
  const at = r.offset();
  const n = r.varbyte("a length");
  if (n > max) throw new DecodeError("limit", at, `a ${what} length of at most ${max}`, `got ${n}`);
  // Every element needs at least minBytesEach bytes: fewer left means the input is cut short.
  if (n * minBytesEach > r.remaining) {
    throw new DecodeError("truncated", r.offset(r.end), `${n} ${what} elements`, `${r.remaining} bytes left`);
  }
  return n;
}

function value(r: Reader, s: State, depth: number): Data {
  if (++s.values > s.limits.maxValues) {
    throw new DecodeError("limit", r.offset(), `at most ${s.limits.maxValues} values`);
  }
  const at = r.offset();
  const tag = r.u8("a type tag");
  switch (tag) {
    case 0:
      return NONE;
    case 1:
      return r.u8("a boolean byte") !== 0 ? TRUE : FALSE;
    case 2:
      return Object.freeze({ type: "count", value: r.u64("a count") });
    case 3:
      return Object.freeze({ type: "integer", value: r.i64("an integer") });
    case 4:
      return Object.freeze({ type: "real", value: readReal(r, s.format) });
    case 5:
    case 11: {
      const n = length(r, "string", s.limits.maxStringBytes, 1);
      const binary = n < 24 ? shortBinary(r.bytes, r.pos, n) : bytesToBinary(r.bytes, r.pos, r.pos + n);
      r.pos += n;
      return Object.freeze(tag === 5 ? { type: "string", binary } : { type: "enum_value", name: binary });
    }
    case 6:
      return address(r);
    case 7: {
      const network = address(r);
      return Object.freeze({ type: "subnet", network, rawLength: r.u8("a subnet length") });
    }
    case 8: {
      const number = r.u16("a port number");
      const code = r.u8("a port protocol");
      const protocol = PORT_PROTOCOLS[code];
      if (protocol === undefined)
        throw new DecodeError("invalid", r.offset() - 1, "a port protocol 0-3", `got ${code}`);
      return Object.freeze({ type: "port", number, protocol });
    }
    case 9:
      return Object.freeze({ type: "timestamp", value: r.i64("a timestamp") });
    case 10:
      return Object.freeze({ type: "timespan", value: r.i64("a timespan") });
    case 14: {
      if (depth >= s.limits.maxDepth)
        throw new DecodeError("limit", at, `nesting of at most ${s.limits.maxDepth}`);
      const n = length(r, "vector", s.limits.maxContainerLength, 1);
      const elements: Data[] = [];
      for (let i = 0; i < n; i++) elements.push(value(r, s, depth + 1));
      return Object.freeze({ type: "vector", elements: Object.freeze(elements) });
    }
    case 12: {
      if (depth >= s.limits.maxDepth)
        throw new DecodeError("limit", at, `nesting of at most ${s.limits.maxDepth}`);
      const n = length(r, "set", s.limits.maxContainerLength, 1);
      const elements: Data[] = [];
      const offsets: number[] = [];
      for (let i = 0; i < n; i++) {
        offsets.push(r.offset());
        elements.push(value(r, s, depth + 1));
      }
      return canonical(
        () => set(elements, { duplicates: duplicatesPolicy(s.format) }),
        offsets,
        "set elements",
      );
    }
    case 13: {
      if (depth >= s.limits.maxDepth)
        throw new DecodeError("limit", at, `nesting of at most ${s.limits.maxDepth}`);
      const n = length(r, "table", s.limits.maxContainerLength, 2);
      const entries: TableEntry[] = [];
      const offsets: number[] = [];
      for (let i = 0; i < n; i++) {
        offsets.push(r.offset());
        const k = value(r, s, depth + 1);
        entries.push(Object.freeze([k, value(r, s, depth + 1)] as const));
      }
      return canonical(
        () => table(entries, { duplicates: duplicatesPolicy(s.format) }),
        offsets,
        "table keys",
      );
    }
    default:
      throw new DecodeError("invalid", at, "a type tag 0-14", `got ${tag}`);
  }
}

// Current Broker's own decoder rejects equal elements; Broker 1.x let CAF fill
// a std::set / std::map, whose insert silently keeps the first of equal ones.
const duplicatesPolicy = (format: BinaryFormat) => (format === "broker-1" ? "keep-first" : "throw");

function canonical<T>(build: () => T, offsets: number[], what: string): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof DuplicateElementError) {
      throw new DecodeError(
        "invalid",
        offsets[e.index]!,
        `distinct ${what}`,
        "Broker rejects equal elements",
      );
    }
    throw e;
  }
}

function address(r: Reader): Data & { type: "address" } {
  const start = r.pos;
  r.need(16, "a 16-byte address");
  r.pos += 16;
  return Object.freeze({ type: "address", binary: bytesToBinary(r.bytes, start, start + 16) });
}

// String.fromCharCode.apply costs more than a loop for the short strings Zeek sends most.
function shortBinary(bytes: Uint8Array, start: number, n: number): string {
  let out = "";
  for (let i = start; i < start + n; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

function readReal(r: Reader, format: BinaryFormat): number {
  r.need(8, "a real");
  const exponent = (r.view.getUint16(r.pos) >> 4) & 0x7ff;
  if (exponent !== 0 && exponent !== 0x7ff) {
    // Normal numbers are plain IEEE bits in every generation (see real.ts).
    const x = r.view.getFloat64(r.pos);
    r.pos += 8;
    return x;
  }
  return unpackReal(r.u64("a real"), format);
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
  const v = readData(r, options?.format ?? "v1", resolveLimits(options?.limits));
  if (r.remaining > 0)
    throw new DecodeError("trailing", r.offset(), "the end of the input", `${r.remaining} bytes left`);
  return v;
}
