import {
  type AddressData,
  addressFromBinary,
  binaryToBytes,
  bytesToBinary,
  type Data,
  enumValueFromBinary,
  isData,
  PORT_PROTOCOLS,
  portProtocolCode,
  set,
  stringFromBytes,
  subnetUnchecked,
  table,
  vector,
} from "@brokerkit/data-model";
import { addExtension, Packr } from "msgpackr";
import { DecodeError } from "./errors.js";

// Broker data inside MessagePack, losslessly. Only what MessagePack can say
// without ambiguity is native: none = nil, boolean = bool, string = bin
// (Broker strings are bytes), vector = array. Everything else is an extension
// with a fixed big-endian layout (see the README), because MessagePack cannot
// tell count from integer, nor an integral real from an integer.

/** The extension type numbers of the mapping. */
export const BROKER_EXT = Object.freeze({
  count: 1,
  integer: 2,
  real: 3,
  address: 4,
  subnet: 5,
  port: 6,
  timestamp: 7,
  timespan: 8,
  enum_value: 9,
  set: 10,
  table: 11,
} as const);

type ExtType = keyof typeof BROKER_EXT;

// msgpackr picks an extension by class, so each extension type gets a tiny wrapper class.
class Wrapped {
  constructor(readonly value: Data) {}
}
const WRAPPERS = Object.fromEntries(
  (Object.keys(BROKER_EXT) as ExtType[]).map((t) => [t, class extends Wrapped {}]),
) as Record<ExtType, typeof Wrapped>;

function fixed(size: number, fill: (v: DataView) => void): Uint8Array {
  const out = new Uint8Array(size);
  fill(new DataView(out.buffer));
  return out;
}

function payload(v: Data): Uint8Array {
  switch (v.type) {
    case "count":
      return fixed(8, (d) => d.setBigUint64(0, v.value));
    case "integer":
    case "timestamp":
    case "timespan":
      return fixed(8, (d) => d.setBigInt64(0, v.value));
    case "real":
      return fixed(8, (d) => d.setFloat64(0, v.value));
    case "address":
      return binaryToBytes(v.binary);
    case "subnet":
      return binaryToBytes(v.network.binary + String.fromCharCode(v.rawLength));
    case "port":
      return fixed(3, (d) => {
        d.setUint16(0, v.number);
        d.setUint8(2, portProtocolCode(v.protocol));
      });
    case "enum_value":
      return binaryToBytes(v.name);
    case "set":
      return packr().pack(v.elements.map(toMsgpackTree));
    case "table":
      return packr().pack(v.entries.map(([k, x]) => [toMsgpackTree(k), toMsgpackTree(x)]));
    default:
      throw new Error(`no extension for ${v.type}`);
  }
}

function malformed(type: ExtType, detail: string): never {
  throw new DecodeError("invalid", 0, `a Broker ${type} extension`, detail);
}

function exactly(b: Uint8Array, n: number, type: ExtType): DataView {
  if (b.length !== n) malformed(type, `${b.length} bytes instead of ${n}`);
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function fromPayload(type: ExtType, b: Uint8Array): Data {
  switch (type) {
    case "count":
      return Object.freeze({ type, value: exactly(b, 8, type).getBigUint64(0) });
    case "integer":
    case "timestamp":
    case "timespan":
      return Object.freeze({ type, value: exactly(b, 8, type).getBigInt64(0) });
    case "real":
      return Object.freeze({ type, value: exactly(b, 8, type).getFloat64(0) });
    case "address":
      exactly(b, 16, type);
      return addressFromBinary(bytesToBinary(b));
    case "subnet":
      exactly(b, 17, type);
      return subnetUnchecked(addressFromBinary(bytesToBinary(b, 0, 16)) as AddressData, b[16]!);
    case "port": {
      const d = exactly(b, 3, type);
      const protocol = PORT_PROTOCOLS[d.getUint8(2)];
      if (!protocol) malformed(type, `protocol code ${d.getUint8(2)}`);
      return Object.freeze({ type, number: d.getUint16(0), protocol });
    }
    case "enum_value":
      return enumValueFromBinary(bytesToBinary(b));
    case "set": {
      const items = packr().unpack(b);
      if (!Array.isArray(items)) malformed(type, "payload is not an array");
      try {
        return set(items.map(fromMsgpackTree), { duplicates: "throw" });
      } catch (e) {
        if (e instanceof DecodeError) throw e;
        return malformed(type, String(e));
      }
    }
    case "table": {
      const items = packr().unpack(b);
      if (!Array.isArray(items)) malformed(type, "payload is not an array");
      const entries = items.map((e: unknown): [Data, Data] => {
        if (!Array.isArray(e) || e.length !== 2) malformed(type, "an entry is not a [key, value] pair");
        return [fromMsgpackTree(e[0]), fromMsgpackTree(e[1])];
      });
      try {
        return table(entries, { duplicates: "throw" });
      } catch (e) {
        return malformed(type, String(e));
      }
    }
  }
}

/** A Data value as the tree msgpackr packs: nil, booleans, bins, arrays and extension wrappers. */
function toMsgpackTree(v: Data): unknown {
  switch (v.type) {
    case "none":
      return null;
    case "boolean":
      return v.value;
    case "string":
      return binaryToBytes(v.binary);
    case "vector":
      return v.elements.map(toMsgpackTree);
    default:
      return new WRAPPERS[v.type](v);
  }
}

function fromMsgpackTree(x: unknown): Data {
  if (x === null || x === undefined) return Object.freeze({ type: "none" });
  if (typeof x === "boolean") return Object.freeze({ type: "boolean", value: x });
  if (x instanceof Uint8Array) return stringFromBytes(x);
  if (Array.isArray(x)) return vector(x.map(fromMsgpackTree));
  if (isData(x)) return x; // produced by our extensions
  throw new DecodeError(
    "invalid",
    0,
    "a Broker value in MessagePack",
    `got ${typeof x === "object" ? "a map" : typeof x}`,
  );
}

let shared: Packr | undefined;

/** A msgpackr Packr with the Broker extensions registered (msgpackr registers extensions globally). */
export function packr(): Packr {
  if (!shared) {
    for (const type of Object.keys(BROKER_EXT) as ExtType[]) {
      addExtension({
        Class: WRAPPERS[type],
        type: BROKER_EXT[type],
        pack: (w: Wrapped) => payload(w.value),
        unpack: (b: Uint8Array) => fromPayload(type, b),
      });
    }
    shared = new Packr({ useRecords: false, mapsAsObjects: false, moreTypes: false, structuredClone: false });
  }
  return shared;
}

/** Broker data as MessagePack. */
export function packData(value: Data): Uint8Array {
  return packr().pack(toMsgpackTree(value));
}

/** MessagePack (written by any library following the mapping) back to Broker data; DecodeError on anything else. */
export function unpackData(bytes: Uint8Array): Data {
  let tree: unknown;
  try {
    tree = packr().unpack(bytes);
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError("invalid", 0, "MessagePack", e instanceof Error ? e.message : String(e));
  }
  return fromMsgpackTree(tree);
}
