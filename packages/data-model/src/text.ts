import { binaryToBytes, binaryToUtf8 } from "./bytes.js";
import { formatAddressBinary, isV4MappedBinary } from "./ip.js";
import { formatRealFixed } from "./printf.js";
import type { Data, SubnetData } from "./value.js";

// Broker's to_string for values (format/txt.hh). It is neither quoted nor
// escaped, so it is not invertible; strings come out as their raw bytes.
// The result is a binary string (one char per byte) so non-UTF-8 bytes
// survive; toText decodes it for display.

function subnetText(s: SubnetData): string {
  const len = isV4MappedBinary(s.network.binary) ? (s.rawLength - 96) & 0xff : s.rawLength;
  return `${formatAddressBinary(s.network.binary)}/${len}`;
}

// Built by concatenation: V8 joins strings lazily, so this is cheaper than collecting parts.
function render(v: Data): string {
  switch (v.type) {
    case "none":
      return "nil";
    case "boolean":
      return v.value ? "T" : "F";
    case "count":
    case "integer":
      return v.value.toString();
    case "real":
      return formatRealFixed(v.value);
    case "string":
      return v.binary;
    case "enum_value":
      return v.name;
    case "address":
      return formatAddressBinary(v.binary);
    case "subnet":
      return subnetText(v);
    case "port":
      return `${v.number}/${v.protocol === "unknown" ? "?" : v.protocol}`;
    case "timestamp":
    case "timespan":
      return `${v.value}ns`;
    case "vector":
    case "set": {
      const es = v.elements;
      let out = v.type === "set" ? "{" : "(";
      for (let i = 0; i < es.length; i++) out += i > 0 ? `, ${render(es[i]!)}` : render(es[i]!);
      return out + (v.type === "set" ? "}" : ")");
    }
    case "table": {
      const es = v.entries;
      let out = "{";
      for (let i = 0; i < es.length; i++) {
        const [k, val] = es[i]!;
        out += `${i > 0 ? ", " : ""}${render(k)} -> ${render(val)}`;
      }
      return `${out}}`;
    }
  }
}

/** Broker's text rendering as raw bytes in a binary string (one char per byte). */
export function toTextBinary(value: Data): string {
  return render(value);
}

/**
 * Broker's text rendering (to_string) as text: `T`, `42`, `4.200000`,
 * `10.0.0.0/8`, `(1, {a -> b})`. Bytes that are not UTF-8 show as U+FFFD;
 * use toTextBytes for the exact bytes Broker prints.
 */
export function toText(value: Data): string {
  return binaryToUtf8(toTextBinary(value));
}

/** Broker's text rendering, byte for byte. */
export function toTextBytes(value: Data): Uint8Array {
  return binaryToBytes(toTextBinary(value));
}
