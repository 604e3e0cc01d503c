// Converters from the typed value descriptions in fixture manifests to Data.
// Two dialects exist: the Broker 1.4 captures' `typed` form ({t, v, hex,
// ieee_bits, bytes, wire_len, protocol_byte}) and the current-Broker
// captures' `value` form ({type, value, ieee754_bits_hex, ns, hex, bytes_hex,
// raw_length, protocol_code, elements, entries}). Both are exact: reals by
// their bits, strings by hex, addresses by their 16 bytes, subnets by raw length.
import {
  addressFromBinary,
  boolean,
  bytesToBinary,
  count,
  type Data,
  enumValueFromBinary,
  integer,
  none,
  port,
  real,
  set,
  stringFromBinary,
  subnetUnchecked,
  table,
  timespan,
  timestamp,
  utf8ToBinary,
  vector,
} from "@brokerkit/data-model";
import { hexToBytes } from "./corpus.js";

type Obj = Record<string, unknown>;

function realFromBits(hex: string): number {
  return new DataView(hexToBytes(hex).buffer).getFloat64(0);
}

const bin = (hex: string) => bytesToBinary(hexToBytes(hex));

/** Broker 1.4 fixture manifests (`typed`, `wire.typed`, `wire_expected`). */
export function dataFromBroker14Typed(t: Obj): Data {
  const v = t.v as unknown;
  switch (t.t) {
    case "none":
      return none();
    case "boolean":
      return boolean(v as boolean);
    case "count":
      return count(BigInt(v as string));
    case "integer":
      return integer(BigInt(v as string));
    case "real":
      return real(realFromBits(t.ieee_bits as string));
    case "timespan":
      return timespan(BigInt(v as string));
    case "timestamp":
      return timestamp(BigInt(v as string));
    case "string":
      return stringFromBinary(bin(t.hex as string));
    case "enum_value":
      return enumValueFromBinary(typeof t.hex === "string" ? bin(t.hex) : utf8ToBinary(v as string));
    case "address":
      return addressFromBinary(bin(t.bytes as string));
    case "subnet":
      return subnetUnchecked(addressFromBinary(bin(t.bytes as string)), t.wire_len as number);
    case "port":
      return port(t.number as number, t.protocol_byte as number);
    case "vector":
      return vector((v as Obj[]).map(dataFromBroker14Typed));
    case "set":
      return set((v as Obj[]).map(dataFromBroker14Typed));
    case "table":
      return table(
        (v as [Obj, Obj][]).map(([k, x]) => [dataFromBroker14Typed(k), dataFromBroker14Typed(x)] as const),
      );
    default:
      throw new Error(`unknown typed value ${JSON.stringify(t)}`);
  }
}

/** Current-Broker fixture manifests (`value`, `received_value`). */
export function dataFromCurrentValue(t: Obj): Data {
  switch (t.type) {
    case "none":
      return none();
    case "boolean":
      return boolean(t.value as boolean);
    case "count":
      return count(BigInt(t.value as string));
    case "integer":
      return integer(BigInt(t.value as string));
    case "real":
      return real(realFromBits(t.ieee754_bits_hex as string));
    case "timespan":
      return timespan(BigInt(t.ns as string));
    case "timestamp":
      return timestamp(BigInt(t.ns_since_epoch as string));
    case "string":
      return stringFromBinary(bin(t.hex as string));
    case "enum_value":
      return enumValueFromBinary(
        typeof t.name_hex === "string" ? bin(t.name_hex) : utf8ToBinary(t.name as string),
      );
    case "address":
      return addressFromBinary(bin(t.bytes_hex as string));
    case "subnet":
      return subnetUnchecked(addressFromBinary(bin(t.network_bytes_hex as string)), t.raw_length as number);
    case "port":
      return port(t.number as number, t.protocol_code as number);
    case "vector":
      return vector((t.elements as Obj[]).map(dataFromCurrentValue));
    case "set":
      return set((t.elements as Obj[]).map(dataFromCurrentValue));
    case "table":
      return table(
        (t.entries as { key: Obj; value: Obj }[]).map(
          (e) => [dataFromCurrentValue(e.key), dataFromCurrentValue(e.value)] as const,
        ),
      );
    default:
      throw new Error(`unknown manifest value ${JSON.stringify(t)}`);
  }
}
