import { binaryToBytes, binaryToUtf8, utf8ToBinary } from "../bytes.js";
import { formatRealFixed } from "../printf.js";
import { toTextBinary } from "../text.js";
import type { Data } from "../value.js";
import { formatIsoMillis } from "./time.js";

// Broker's JSON v1 encoder (format/json.hh): compact, fixed key order, reals
// as %f, timespans in the largest exact unit, timestamps as UTC milliseconds,
// and Broker's own escaping — which leaves control bytes other than
// \b\f\n\r\t\v and non-UTF-8 bytes raw, so its output is not always JSON.

const ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  '"': '\\"',
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
};
const NEEDS_ESCAPE = /[\\"\b\f\n\r\t\v]/g;

/** Quote a binary string the way Broker does. */
export function quoteJson(binary: string): string {
  return `"${binary.replace(NEEDS_ESCAPE, (c) => ESCAPES[c]!)}"`;
}

/** JSON v1 type names: Broker's type names except enum_value -> "enum-value". */
export function jsonTypeName(type: Data["type"]): string {
  return type === "enum_value" ? "enum-value" : type;
}

function timespanJson(ns: bigint): string {
  if (ns === 0n) return "0s";
  const units = ["ns", "us", "ms"] as const;
  let v = ns;
  for (const unit of units) {
    if (v % 1000n !== 0n) return `${v}${unit}`;
    v /= 1000n;
  }
  return `${v}s`;
}

function payload(v: Data, out: string[]): void {
  switch (v.type) {
    case "none":
      out.push("{}");
      return;
    case "boolean":
      out.push(v.value ? "true" : "false");
      return;
    case "count":
    case "integer":
      out.push(v.value.toString());
      return;
    case "real":
      out.push(formatRealFixed(v.value));
      return;
    case "string":
      out.push(quoteJson(v.binary));
      return;
    case "enum_value":
      out.push(quoteJson(v.name));
      return;
    case "address":
    case "subnet":
    case "port":
      out.push(quoteJson(toTextBinary(v)));
      return;
    case "timestamp":
      out.push(`"${formatIsoMillis(v.value)}"`);
      return;
    case "timespan":
      out.push(`"${timespanJson(v.value)}"`);
      return;
    case "vector":
    case "set":
      out.push("[");
      v.elements.forEach((e, i) => {
        if (i > 0) out.push(",");
        encodeInto(e, out);
      });
      out.push("]");
      return;
    case "table":
      out.push("[");
      v.entries.forEach(([k, val], i) => {
        out.push(i > 0 ? ',{"key":' : '{"key":');
        encodeInto(k, out);
        out.push(',"value":');
        encodeInto(val, out);
        out.push("}");
      });
      out.push("]");
      return;
  }
}

function fieldsInto(v: Data, out: string[]): void {
  out.push('"@data-type":"', jsonTypeName(v.type), '","data":');
  payload(v, out);
}

function encodeInto(v: Data, out: string[]): void {
  out.push("{");
  fieldsInto(v, out);
  out.push("}");
}

/** Broker's JSON v1 bytes for a value, as a binary string. */
export function toJsonBinary(value: Data): string {
  const out: string[] = [];
  encodeInto(value, out);
  return out.join("");
}

/**
 * Broker's JSON v1 text for a value: `{"@data-type":"count","data":42}`.
 * Strings that are not UTF-8 cannot be held in a JS string exactly; use
 * toJsonBytes for Broker's exact bytes.
 */
export function toJson(value: Data): string {
  return binaryToUtf8(toJsonBinary(value));
}

/** Broker's JSON v1 output for a value, byte for byte. */
export function toJsonBytes(value: Data): Uint8Array {
  return binaryToBytes(toJsonBinary(value));
}

/** A WebSocket data message as Broker encodes it: type, topic, then the value's fields. */
export function dataMessageToJsonBinary(topic: string, value: Data): string {
  const out: string[] = ['{"type":"data-message","topic":', quoteJson(utf8ToBinary(topic)), ","];
  fieldsInto(value, out);
  out.push("}");
  return out.join("");
}
