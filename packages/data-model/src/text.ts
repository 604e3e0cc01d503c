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

function render(v: Data, out: string[]): void {
  switch (v.type) {
    case "none":
      out.push("nil");
      return;
    case "boolean":
      out.push(v.value ? "T" : "F");
      return;
    case "count":
    case "integer":
      out.push(v.value.toString());
      return;
    case "real":
      out.push(formatRealFixed(v.value));
      return;
    case "string":
      out.push(v.binary);
      return;
    case "enum_value":
      out.push(v.name);
      return;
    case "address":
      out.push(formatAddressBinary(v.binary));
      return;
    case "subnet":
      out.push(subnetText(v));
      return;
    case "port":
      out.push(`${v.number}/${v.protocol === "unknown" ? "?" : v.protocol}`);
      return;
    case "timestamp":
    case "timespan":
      out.push(`${v.value}ns`);
      return;
    case "vector":
    case "set": {
      out.push(v.type === "set" ? "{" : "(");
      v.elements.forEach((e, i) => {
        if (i > 0) out.push(", ");
        render(e, out);
      });
      out.push(v.type === "set" ? "}" : ")");
      return;
    }
    case "table": {
      out.push("{");
      v.entries.forEach(([k, val], i) => {
        if (i > 0) out.push(", ");
        render(k, out);
        out.push(" -> ");
        render(val, out);
      });
      out.push("}");
      return;
    }
  }
}

/** Broker's text rendering as raw bytes in a binary string (one char per byte). */
export function toTextBinary(value: Data): string {
  const out: string[] = [];
  render(value, out);
  return out.join("");
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
