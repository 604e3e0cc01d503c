import { utf8ToBinary } from "../bytes.js";
import {
  addressFromBinary,
  boolean,
  count,
  DuplicateElementError,
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
  trySubnet,
  vector,
} from "../constructors.js";
import { parseAddressText } from "../ip.js";
import type { Data, PortProtocol } from "../value.js";
import { cafParseDouble } from "./caf-number.js";
import { JsonDecodeError } from "./errors.js";
import { type JsonParseOptions, parseJson } from "./parse.js";
import { parseIsoTimestamp } from "./time.js";
import type { JsonNode } from "./tree.js";

// Broker's JSON v1 decoder rules (internal/json.cc and the CAF parsers it
// calls), with a clear error naming the JSON path instead of Broker's bare
// "type_clash".

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

type Node = JsonNode;

function fail(path: string, problem: string, node?: Node): never {
  throw new JsonDecodeError(path, problem, node?.offset);
}

function field(obj: Extract<Node, { kind: "object" }>, key: string): Node | undefined {
  for (const [k, v] of obj.entries) if (k === key) return v;
  return undefined;
}

function expectString(node: Node | undefined, path: string, what: string): string {
  if (node?.kind !== "string") fail(path, `expected ${what} as a JSON string`, node);
  return node.binary;
}

function integerOf(node: Node | undefined, path: string, what: string, min: bigint, max: bigint): bigint {
  if (node?.kind !== "number" || node.syntax === "float") {
    fail(path, `expected ${what} as a JSON integer (no fraction or exponent)`, node);
  }
  let v: bigint;
  try {
    v = BigInt(node.text);
  } catch {
    return fail(path, `expected ${what} as a JSON integer`, node);
  }
  if (v < min || v > max) fail(path, `${what} ${node.text} is outside ${min} … ${max}`, node);
  return v;
}

function realOf(node: Node | undefined, path: string): number {
  if (node?.kind !== "number" || node.syntax === "integer") {
    fail(
      path,
      "expected a real: a JSON number written with '.' or an exponent (Broker rejects 5, accepts 5.0)",
      node,
    );
  }
  switch (node.text) {
    case "nan":
    case "-nan":
      return Number.NaN;
    case "inf":
      return Number.POSITIVE_INFINITY;
    case "-inf":
      return Number.NEGATIVE_INFINITY;
    default: {
      if (node.syntax === "any") return Number(node.text); // a JS number handed to us as such
      const x = cafParseDouble(node.text);
      if (typeof x === "string") fail(path, `real rejected by Broker's number parser: ${x}`, node);
      return x;
    }
  }
}

// Broker's port convert(): strtoul on the number (whitespace, sign, decimal
// digits; nothing parsed = 0), truncated to 16 bits; "/tcp" "/udp" "/icmp",
// any other suffix is unknown, no slash at all means tcp.
function portOf(text: string, path: string, node: Node): Data {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]*)/.exec(text)!;
  let n = m[2] ? BigInt(m[2]) : 0n;
  if (n > U64_MAX) fail(path, `port number out of range in ${JSON.stringify(text)}`, node);
  if (m[1] === "-") n = (U64_MAX + 1n - n) & U64_MAX;
  const rest = text.slice(m[0].length);
  const slash = rest.indexOf("/");
  let proto: PortProtocol = "tcp";
  if (text.includes("/")) {
    if (slash < 0) fail(path, `malformed port ${JSON.stringify(text)}`, node);
    const suffix = rest.slice(slash + 1);
    proto = suffix === "tcp" || suffix === "udp" || suffix === "icmp" ? suffix : "unknown";
  }
  return port(Number(n & 0xffffn), proto);
}

const SPAN_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  min: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

function timespanOf(text: string, path: string, node: Node): Data {
  const m = /^([+-]?\d+)(ns|us|ms|s|min|h)$/.exec(text);
  if (!m)
    fail(
      path,
      `expected a timespan like "42s" (units ns, us, ms, s, min, h), got ${JSON.stringify(text)}`,
      node,
    );
  const ns = BigInt(m[1]!) * SPAN_UNITS[m[2]!]!;
  if (ns < I64_MIN || ns > I64_MAX) fail(path, "timespan outside the int64 nanosecond range", node);
  return timespan(ns);
}

function subnetOf(text: string, path: string, node: Node): Data {
  const slash = text.lastIndexOf("/");
  const addr = slash < 0 ? undefined : parseAddressText(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  if (addr === undefined || !/^\d{1,3}$/.test(lenText) || Number(lenText) > 255) {
    fail(path, `expected a subnet like "10.0.0.0/8", got ${JSON.stringify(text)}`, node);
  }
  // Broker masks host bits and, for a length invalid for the family, silently yields ::/0.
  return (
    trySubnet(addressFromBinary(addr), Number(lenText)) ??
    subnetUnchecked(addressFromBinary("\0".repeat(16)), 0)
  );
}

function elementsOf(node: Node | undefined, path: string): readonly Node[] {
  if (node?.kind !== "array") fail(path, "expected a JSON array", node);
  return node.items;
}

function decodeNode(node: Node, path: string): Data {
  if (node.kind !== "object") fail(path, 'expected an object with "@data-type" and "data"', node);
  const typeNode = field(node, "@data-type");
  const type = expectString(typeNode, `${path}["@data-type"]`, "the type name");
  const data = field(node, "data");
  const dpath = `${path}.data`;
  switch (type) {
    case "none":
      return none();
    case "boolean":
      if (data?.kind !== "boolean") fail(dpath, "expected true or false", data);
      return boolean(data.value);
    case "count":
      return count(integerOf(data, dpath, "a count", 0n, U64_MAX));
    case "integer":
      return integer(integerOf(data, dpath, "an integer", I64_MIN, I64_MAX));
    case "real":
      return real(realOf(data, dpath));
    case "string":
      return stringFromBinary(expectString(data, dpath, "the string"));
    case "enum-value":
      return enumValueFromBinary(expectString(data, dpath, "the enum name"));
    case "address": {
      const text = expectString(data, dpath, "the address");
      const bin = parseAddressText(text);
      if (bin === undefined) fail(dpath, `not an IPv4 or IPv6 address: ${JSON.stringify(text)}`, data);
      return addressFromBinary(bin);
    }
    case "subnet":
      return subnetOf(expectString(data, dpath, "the subnet"), dpath, data!);
    case "port":
      return portOf(expectString(data, dpath, "the port"), dpath, data!);
    case "timestamp": {
      const text = expectString(data, dpath, "the timestamp");
      const ns = parseIsoTimestamp(text);
      if (ns === undefined || ns < I64_MIN || ns > I64_MAX) {
        fail(
          dpath,
          `expected an ISO 8601 timestamp like "2024-01-14T15:46:13.137", got ${JSON.stringify(text)}`,
          data,
        );
      }
      return timestamp(ns);
    }
    case "timespan":
      return timespanOf(expectString(data, dpath, "the timespan"), dpath, data!);
    case "vector":
      return vector(elementsOf(data, dpath).map((e, i) => decodeNode(e, `${dpath}[${i}]`)));
    case "set": {
      const items = elementsOf(data, dpath);
      const elements = items.map((e, i) => decodeNode(e, `${dpath}[${i}]`));
      try {
        return set(elements, { duplicates: "throw" });
      } catch (e) {
        if (e instanceof DuplicateElementError)
          fail(`${dpath}[${e.index}]`, "duplicate set element", items[e.index]);
        throw e;
      }
    }
    case "table": {
      const items = elementsOf(data, dpath);
      const entries = items.map((e, i): [Data, Data] => {
        const p = `${dpath}[${i}]`;
        if (e.kind !== "object") fail(p, 'expected {"key": …, "value": …}', e);
        const k = field(e, "key");
        const v = field(e, "value");
        if (!k || !v) fail(p, 'expected both "key" and "value"', e);
        return [decodeNode(k, `${p}.key`), decodeNode(v, `${p}.value`)];
      });
      try {
        return table(entries, { duplicates: "throw" });
      } catch (e) {
        if (e instanceof DuplicateElementError)
          fail(`${dpath}[${e.index}].key`, "duplicate table key", items[e.index]);
        throw e;
      }
    }
    default:
      return fail(`${path}["@data-type"]`, `unknown type ${JSON.stringify(type)}`, typeNode);
  }
}

/** Turn an already-parsed JS value into the tree (numbers of unknown spelling, bigints exact). */
export function treeFromObject(x: unknown, path = "$", depth = 0): Node {
  if (depth > 512) fail(path, "nesting too deep");
  if (x === null) return { kind: "null" };
  switch (typeof x) {
    case "boolean":
      return { kind: "boolean", value: x };
    case "bigint":
      return { kind: "number", text: x.toString(), syntax: "integer" };
    case "number":
      if (Number.isNaN(x)) return { kind: "number", text: "nan", syntax: "float" };
      if (!Number.isFinite(x)) return { kind: "number", text: x > 0 ? "inf" : "-inf", syntax: "float" };
      if (Number.isInteger(x) && !Number.isSafeInteger(x)) {
        fail(path, `${x} is beyond 2^53 and may have lost precision: pass a bigint or JSON text`);
      }
      // Number.isInteger(x): exact integer text; otherwise exact float text.
      return { kind: "number", text: Number.isInteger(x) ? BigInt(x).toString() : String(x), syntax: "any" };
    case "string":
      return { kind: "string", binary: utf8ToBinary(x) };
    case "object": {
      if (Array.isArray(x))
        return { kind: "array", items: x.map((e, i) => treeFromObject(e, `${path}[${i}]`, depth + 1)) };
      return {
        kind: "object",
        entries: Object.entries(x as object).map(([k, v]) => [
          utf8ToBinary(k),
          treeFromObject(v, `${path}.${k}`, depth + 1),
        ]),
      };
    }
    default:
      return fail(path, `cannot be JSON: ${typeof x}`);
  }
}

export interface FromJsonOptions extends JsonParseOptions {}

/**
 * A value from its JSON v1 form (`{"@data-type": …, "data": …}`): JSON text
 * or bytes (parsed losslessly: integers beyond 2^53 stay exact), or an
 * already-parsed object (use bigint where a number would lose precision).
 * Throws JsonDecodeError naming the JSON path and the problem.
 */
export function fromJson(json: string | Uint8Array | object, options?: FromJsonOptions): Data {
  const tree =
    typeof json === "string" || json instanceof Uint8Array ? parseJson(json, options) : treeFromObject(json);
  return decodeNode(tree, "$");
}

/** Decode an already-built tree (for callers that parse messages around values themselves). */
export function fromJsonTree(tree: JsonNode, path = "$"): Data {
  return decodeNode(tree, path);
}
