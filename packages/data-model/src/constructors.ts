import { binaryToBytes, binaryToUtf8, bytesToBinary, isBinaryString, utf8ToBinary } from "./bytes.js";
import { isV4MappedBinary, parseAddressText, V4_MAPPED_PREFIX } from "./ip.js";
import { compare } from "./order.js";
import type {
  AddressData,
  BooleanData,
  CountData,
  Data,
  EnumValueData,
  IntegerData,
  NoneData,
  PortData,
  PortProtocol,
  RealData,
  SetData,
  StringData,
  SubnetData,
  TableData,
  TableEntry,
  TimespanData,
  TimestampData,
  VectorData,
} from "./value.js";
import { PORT_PROTOCOLS } from "./value.js";

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

function toBigInt(what: string, v: bigint | number): bigint {
  if (typeof v === "bigint") return v;
  if (!Number.isSafeInteger(v)) throw new RangeError(`${what}: ${v} is not a safe integer (pass a bigint)`);
  return BigInt(v);
}

function inRange(what: string, v: bigint, min: bigint, max: bigint): bigint {
  if (v < min || v > max) throw new RangeError(`${what}: ${v} is outside ${min} … ${max}`);
  return v;
}

const NONE: NoneData = Object.freeze({ type: "none" });
const TRUE: BooleanData = Object.freeze({ type: "boolean", value: true });
const FALSE: BooleanData = Object.freeze({ type: "boolean", value: false });

export function none(): NoneData {
  return NONE;
}

export function boolean(value: boolean): BooleanData {
  return value ? TRUE : FALSE;
}

/** An unsigned 64-bit count. Numbers must be safe integers; use bigint beyond 2^53. */
export function count(value: bigint | number): CountData {
  return Object.freeze({ type: "count", value: inRange("count", toBigInt("count", value), 0n, U64_MAX) });
}

/** A signed 64-bit integer. */
export function integer(value: bigint | number): IntegerData {
  return Object.freeze({
    type: "integer",
    value: inRange("integer", toBigInt("integer", value), I64_MIN, I64_MAX),
  });
}

export function real(value: number): RealData {
  if (typeof value !== "number") throw new TypeError("real: expected a number");
  return Object.freeze({ type: "real", value });
}

/** A string from text, stored as its UTF-8 bytes. */
export function string(text: string): StringData {
  return Object.freeze({ type: "string", binary: utf8ToBinary(text) });
}

/** A string from raw bytes (need not be UTF-8). */
export function stringFromBytes(bytes: Uint8Array): StringData {
  return Object.freeze({ type: "string", binary: bytesToBinary(bytes) });
}

/** A string from a binary string (one char per byte). */
export function stringFromBinary(binary: string): StringData {
  if (!isBinaryString(binary)) throw new RangeError("stringFromBinary: chars must be bytes (0-255)");
  return Object.freeze({ type: "string", binary });
}

/** An enum value by name (text, UTF-8 encoded). */
export function enumValue(name: string): EnumValueData {
  return Object.freeze({ type: "enum_value", name: utf8ToBinary(name) });
}

export function enumValueFromBinary(binary: string): EnumValueData {
  if (!isBinaryString(binary)) throw new RangeError("enumValueFromBinary: chars must be bytes (0-255)");
  return Object.freeze({ type: "enum_value", name: binary });
}

/** The text of a string or enum name, decoded as UTF-8 (invalid bytes become U+FFFD). */
export function textOf(value: StringData | EnumValueData): string {
  return binaryToUtf8(value.type === "string" ? value.binary : value.name);
}

/** The raw bytes of a string or enum name (a fresh copy). */
export function bytesOf(value: StringData | EnumValueData): Uint8Array {
  return binaryToBytes(value.type === "string" ? value.binary : value.name);
}

/**
 * An address from text ("1.2.3.4", "2001:db8::1") or from 4 or 16 bytes.
 * IPv4 is stored IPv4-mapped, as Broker does.
 */
export function address(from: string | Uint8Array): AddressData {
  let binary: string | undefined;
  if (typeof from === "string") {
    binary = parseAddressText(from);
    if (binary === undefined) throw new SyntaxError(`address: cannot parse ${JSON.stringify(from)}`);
  } else if (from.length === 4) {
    binary = V4_MAPPED_PREFIX + bytesToBinary(from);
  } else if (from.length === 16) {
    binary = bytesToBinary(from);
  } else {
    throw new RangeError(`address: expected 4 or 16 bytes, got ${from.length}`);
  }
  return Object.freeze({ type: "address", binary });
}

/** An address from its 16 stored bytes as a binary string (no parsing). */
export function addressFromBinary(binary: string): AddressData {
  if (binary.length !== 16 || !isBinaryString(binary)) {
    throw new RangeError("addressFromBinary: expected a 16-byte binary string");
  }
  return Object.freeze({ type: "address", binary });
}

/** Whether an address is IPv4 (IPv4-mapped IPv6). */
export function isV4(value: AddressData): boolean {
  return isV4MappedBinary(value.binary);
}

function maskBinary(binary: string, rawLength: number): string {
  let out = "";
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, rawLength - i * 8));
    const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    out += String.fromCharCode(binary.charCodeAt(i) & mask);
  }
  return out;
}

/**
 * Broker's checked subnet construction: the length is the family's prefix
 * length (≤ 32 for IPv4, ≤ 128 otherwise) and host bits are cleared. Returns
 * undefined for an invalid length (where Broker itself silently yields ::/0).
 */
export function trySubnet(network: AddressData, prefixLength: number): SubnetData | undefined {
  if (!Number.isInteger(prefixLength) || prefixLength < 0) return undefined;
  const v4 = isV4(network);
  if (prefixLength > (v4 ? 32 : 128)) return undefined;
  const rawLength = v4 ? prefixLength + 96 : prefixLength;
  return Object.freeze({
    type: "subnet",
    network: addressFromBinary(maskBinary(network.binary, rawLength)),
    rawLength,
  });
}

/** A subnet from "net/len" text or from an address and prefix length; throws on an invalid length. */
export function subnet(network: AddressData | string, prefixLength?: number): SubnetData {
  let net: AddressData;
  let len: number;
  if (typeof network === "string") {
    const slash = network.lastIndexOf("/");
    if (slash < 0 && prefixLength === undefined) throw new SyntaxError(`subnet: expected "net/len"`);
    net = address(slash < 0 ? network : network.slice(0, slash));
    len = prefixLength ?? Number(network.slice(slash + 1));
  } else {
    net = network;
    len = prefixLength ?? (isV4(network) ? 32 : 128);
  }
  const s = trySubnet(net, len);
  if (!s) throw new RangeError(`subnet: invalid prefix length ${len}`);
  return s;
}

/** A subnet exactly as stored on the wire: no masking, any raw length 0-255. */
export function subnetUnchecked(network: AddressData, rawLength: number): SubnetData {
  if (!Number.isInteger(rawLength) || rawLength < 0 || rawLength > 255) {
    throw new RangeError(`subnetUnchecked: raw length ${rawLength} is not a byte`);
  }
  return Object.freeze({ type: "subnet", network, rawLength });
}

/** The prefix length Broker reports: raw − 96 (8-bit arithmetic) for IPv4 networks, else raw. */
export function prefixLength(value: SubnetData): number {
  return isV4(value.network) ? (value.rawLength - 96) & 0xff : value.rawLength;
}

export function port(number: number, protocol: PortProtocol | number = "unknown"): PortData {
  if (!Number.isInteger(number) || number < 0 || number > 0xffff) {
    throw new RangeError(`port: number ${number} is outside 0 … 65535`);
  }
  const proto = typeof protocol === "number" ? PORT_PROTOCOLS[protocol] : protocol;
  if (proto === undefined || !PORT_PROTOCOLS.includes(proto)) {
    throw new RangeError(`port: unknown protocol ${String(protocol)}`);
  }
  return Object.freeze({ type: "port", number, protocol: proto });
}

/** A timestamp in nanoseconds since the Unix epoch (int64). */
export function timestamp(nanoseconds: bigint | number): TimestampData {
  return Object.freeze({
    type: "timestamp",
    value: inRange("timestamp", toBigInt("timestamp", nanoseconds), I64_MIN, I64_MAX),
  });
}

/** A timestamp from a JS Date (millisecond precision). */
export function timestampFromDate(date: Date): TimestampData {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError("timestampFromDate: invalid Date");
  return timestamp(BigInt(ms) * 1_000_000n);
}

/** A timespan in nanoseconds (int64). */
export function timespan(nanoseconds: bigint | number): TimespanData {
  return Object.freeze({
    type: "timespan",
    value: inRange("timespan", toBigInt("timespan", nanoseconds), I64_MIN, I64_MAX),
  });
}

export function vector(elements: Iterable<Data>): VectorData {
  return Object.freeze({ type: "vector", elements: Object.freeze([...elements]) });
}

/** What to do with equal elements (set) or keys (table) when building a canonical container. */
export type DuplicatePolicy = "keep-first" | "throw";

/** Thrown by set()/table() with `duplicates: "throw"`; `index` is the second occurrence in the input. */
export class DuplicateElementError extends Error {
  override readonly name = "DuplicateElementError";
  constructor(readonly index: number) {
    super(`duplicate element at index ${index}`);
  }
}

// Sort indices stably, so "keep-first" keeps the earliest of equal elements
// (std::set::insert and std::map::insert semantics).
function canonicalOrder<T>(items: readonly T[], keyOf: (t: T) => Data, duplicates: DuplicatePolicy): T[] {
  let sorted = true;
  for (let i = 1; i < items.length; i++) {
    if (compare(keyOf(items[i - 1]!), keyOf(items[i]!)) >= 0) {
      sorted = false;
      break;
    }
  }
  if (sorted) return items.slice();
  const idx = items.map((_, i) => i);
  idx.sort((x, y) => compare(keyOf(items[x]!), keyOf(items[y]!)) || x - y);
  const out: T[] = [];
  let prev = -1;
  for (const i of idx) {
    if (prev >= 0 && compare(keyOf(items[prev]!), keyOf(items[i]!)) === 0) {
      if (duplicates === "throw") throw new DuplicateElementError(Math.max(prev, i));
      continue;
    }
    out.push(items[i]!);
    prev = i;
  }
  return out;
}

/** A set: sorted by Broker's order, equal elements collapsed (the first one is kept, or throw). */
export function set(elements: Iterable<Data>, options?: { duplicates?: DuplicatePolicy }): SetData {
  // canonicalOrder copies, so an array argument needs no defensive copy here.
  const items = Array.isArray(elements) ? (elements as Data[]) : [...elements];
  const sorted = canonicalOrder(items, (d) => d, options?.duplicates ?? "keep-first");
  return Object.freeze({ type: "set", elements: Object.freeze(sorted) });
}

/** A table: entries sorted by key, equal keys collapsed (the first one is kept, or throw). */
export function table(
  entries: Iterable<readonly [Data, Data]>,
  options?: { duplicates?: DuplicatePolicy },
): TableData {
  // Entries that already are frozen pairs (e.g. from a decoder) are kept as they are.
  const items = (Array.isArray(entries) ? (entries as (readonly [Data, Data])[]) : [...entries]).map((e) =>
    e.length === 2 && Object.isFrozen(e)
      ? (e as TableEntry)
      : (Object.freeze([e[0], e[1]] as const) as TableEntry),
  );
  const sorted = canonicalOrder(items, (e) => e[0], options?.duplicates ?? "keep-first");
  return Object.freeze({ type: "table", entries: Object.freeze(sorted) });
}

function search<T>(items: readonly T[], keyOf: (t: T) => Data, key: Data): number {
  let lo = 0;
  let hi = items.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare(keyOf(items[mid]!), key);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Whether a set holds a value equal to `value` (binary search). */
export function setHas(s: SetData, value: Data): boolean {
  return search(s.elements, (d) => d, value) >= 0;
}

/** The value stored under `key` in a table, or undefined (binary search). */
export function tableGet(t: TableData, key: Data): Data | undefined {
  const i = search(t.entries, (e) => e[0], key);
  return i < 0 ? undefined : t.entries[i]![1];
}
