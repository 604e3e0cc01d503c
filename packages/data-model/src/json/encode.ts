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
const HAS_ESCAPE = /[\\"\b\f\n\r\t\v]/;

/** Quote a binary string the way Broker does. */
export function quoteJson(binary: string): string {
  return HAS_ESCAPE.test(binary) ? `"${binary.replace(NEEDS_ESCAPE, (c) => ESCAPES[c]!)}"` : `"${binary}"`;
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

// Built by concatenation: V8 joins strings lazily, so this is cheaper than collecting parts.
function payload(v: Data): string {
  switch (v.type) {
    case "none":
      return "{}";
    case "boolean":
      return v.value ? "true" : "false";
    case "count":
    case "integer":
      return v.value.toString();
    case "real":
      return formatRealFixed(v.value);
    case "string":
      return quoteJson(v.binary);
    case "enum_value":
      return quoteJson(v.name);
    case "address":
    case "subnet":
    case "port":
      return quoteJson(toTextBinary(v));
    case "timestamp":
      return `"${formatIsoMillis(v.value)}"`;
    case "timespan":
      return `"${timespanJson(v.value)}"`;
    case "vector":
    case "set": {
      const es = v.elements;
      let out = "[";
      for (let i = 0; i < es.length; i++) out += i > 0 ? `,${encode(es[i]!)}` : encode(es[i]!);
      return `${out}]`;
    }
    case "table": {
      const es = v.entries;
      let out = "[";
      for (let i = 0; i < es.length; i++) {
        const [k, val] = es[i]!;
        out += `${i > 0 ? ',{"key":' : '{"key":'}${encode(k)},"value":${encode(val)}}`;
      }
      return `${out}]`;
    }
  }
}

function fields(v: Data): string {
  return `"@data-type":"${jsonTypeName(v.type)}","data":${payload(v)}`;
}

function encode(v: Data): string {
  return `{${fields(v)}}`;
}

/** Broker's JSON v1 bytes for a value, as a binary string. */
export function toJsonBinary(value: Data): string {
  return encode(value);
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
  return `{"type":"data-message","topic":${quoteJson(utf8ToBinary(topic))},${fields(value)}}`;
}
