// Broker's data variant as immutable plain objects, discriminated by `type`
// (Broker's C++ type names). Construct values with the functions in
// constructors.ts; they validate ranges and keep sets/tables canonical.

/** Broker's type names, in tag order (the tag is the index: none = 0 … vector = 14). */
export const DATA_TYPES = [
  "none",
  "boolean",
  "count",
  "integer",
  "real",
  "string",
  "address",
  "subnet",
  "port",
  "timestamp",
  "timespan",
  "enum_value",
  "set",
  "table",
  "vector",
] as const;

export type DataType = (typeof DATA_TYPES)[number];

/** Broker's port protocols, in code order (0 unknown, 1 tcp, 2 udp, 3 icmp): not IANA numbers. */
export const PORT_PROTOCOLS = ["unknown", "tcp", "udp", "icmp"] as const;
export type PortProtocol = (typeof PORT_PROTOCOLS)[number];

export interface NoneData {
  readonly type: "none";
}
export interface BooleanData {
  readonly type: "boolean";
  readonly value: boolean;
}
/** Unsigned 64-bit: 0 … 2^64-1. */
export interface CountData {
  readonly type: "count";
  readonly value: bigint;
}
/** Signed 64-bit: -2^63 … 2^63-1. */
export interface IntegerData {
  readonly type: "integer";
  readonly value: bigint;
}
export interface RealData {
  readonly type: "real";
  readonly value: number;
}
/** A byte string. `binary` holds one char per byte (0-255); use `textOf`/`bytesOf` to read it. */
export interface StringData {
  readonly type: "string";
  readonly binary: string;
}
/** 16 bytes in network order (binary string); IPv4 is stored IPv4-mapped (::ffff:a.b.c.d). */
export interface AddressData {
  readonly type: "address";
  readonly binary: string;
}
/**
 * Network address plus Broker's raw length: prefix + 96 for IPv4 networks.
 * Values built by `subnet()` are masked and valid; decoded values may not be,
 * because Broker's binary decoder does not check (and we must round-trip it).
 */
export interface SubnetData {
  readonly type: "subnet";
  readonly network: AddressData;
  readonly rawLength: number;
}
export interface PortData {
  readonly type: "port";
  readonly number: number;
  readonly protocol: PortProtocol;
}
/** Signed 64-bit nanoseconds since the Unix epoch. */
export interface TimestampData {
  readonly type: "timestamp";
  readonly value: bigint;
}
/** Signed 64-bit nanoseconds. */
export interface TimespanData {
  readonly type: "timespan";
  readonly value: bigint;
}
/** An enum value carries only its name (a byte string, held like StringData.binary). */
export interface EnumValueData {
  readonly type: "enum_value";
  readonly name: string;
}
/** Elements in ascending total order, no two equal. */
export interface SetData {
  readonly type: "set";
  readonly elements: readonly Data[];
}
export type TableEntry = readonly [key: Data, value: Data];
/** Entries in ascending key order, no two keys equal. */
export interface TableData {
  readonly type: "table";
  readonly entries: readonly TableEntry[];
}
export interface VectorData {
  readonly type: "vector";
  readonly elements: readonly Data[];
}

export type Data =
  | NoneData
  | BooleanData
  | CountData
  | IntegerData
  | RealData
  | StringData
  | AddressData
  | SubnetData
  | PortData
  | TimestampData
  | TimespanData
  | EnumValueData
  | SetData
  | TableData
  | VectorData;

/** The Data variant with the given type name. */
export type DataOf<T extends DataType> = Extract<Data, { type: T }>;

// A literal object (not built with fromEntries) keeps the lookup on V8's fast path.
const TAGS: Readonly<Record<DataType, number>> = {
  none: 0,
  boolean: 1,
  count: 2,
  integer: 3,
  real: 4,
  string: 5,
  address: 6,
  subnet: 7,
  port: 8,
  timestamp: 9,
  timespan: 10,
  enum_value: 11,
  set: 12,
  table: 13,
  vector: 14,
};

/** Broker's numeric type tag (the variant index, also the binary type byte). */
export function typeTag(value: Data): number {
  return TAGS[value.type];
}

/** The type name for a tag, or undefined if the tag is not 0-14. */
export function typeOfTag(tag: number): DataType | undefined {
  return DATA_TYPES[tag];
}

export function portProtocolCode(protocol: PortProtocol): number {
  return PORT_PROTOCOLS.indexOf(protocol);
}

const DATA_TYPE_SET: ReadonlySet<string> = new Set(DATA_TYPES);

/** Structural check that `x` looks like a Data value (shallow: the type name only). */
export function isData(x: unknown): x is Data {
  return typeof x === "object" && x !== null && DATA_TYPE_SET.has((x as { type?: unknown }).type as string);
}
