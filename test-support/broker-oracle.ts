// The exchange form in which tests hand Broker values to the Python oracles
// (packages/data-model/interop/broker_oracle.py builds broker.Data from it):
// exact — reals by their bits, bytes as hex, 64-bit numbers as decimal strings.
import { type Data, portProtocolCode, prefixLength } from "@brokerkit/data-model";

const hex = (binary: string) => Buffer.from(binary, "latin1").toString("hex");

type Form = Record<string, unknown>;

/** The exchange form the oracle builds broker.Data from (exact: bits, bytes, decimal strings). */
export function brokerOracleForm(v: Data): Form {
  switch (v.type) {
    case "none":
      return { t: v.type };
    case "boolean":
      return { t: v.type, v: v.value };
    case "count":
    case "integer":
    case "timestamp":
    case "timespan":
      return { t: v.type, v: v.value.toString() };
    case "real": {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(v.value);
      return { t: v.type, bits: b.toString("hex") };
    }
    case "string":
      return { t: v.type, hex: hex(v.binary) };
    case "enum_value":
      return { t: v.type, hex: hex(v.name) };
    case "address":
      return { t: v.type, bytes: hex(v.binary) };
    case "subnet":
      return { t: v.type, bytes: hex(v.network.binary), prefix: prefixLength(v) };
    case "port":
      return { t: v.type, number: v.number, protocol: portProtocolCode(v.protocol) };
    case "vector":
    case "set":
      return { t: v.type, v: v.elements.map(brokerOracleForm) };
    case "table":
      return { t: v.type, v: v.entries.map(([k, x]) => [brokerOracleForm(k), brokerOracleForm(x)]) };
  }
}
