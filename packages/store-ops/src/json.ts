import {
  binaryToUtf8,
  DATA_TYPES,
  type Data,
  type DataType,
  fromJsonTree,
  JsonDecodeError,
  type JsonNode,
  type JsonParseOptions,
  parseJson,
  quoteJson,
  toJsonBinary,
  utf8ToBinary,
} from "@brokerkit/data-model";
import type { EntityId, StoreCommand } from "./command.js";

/**
 * Store commands as JSON, for logs, test vectors and tools in other
 * languages. Keys and values use Broker's JSON v1 data form (the WebSocket
 * API's, byte for byte as Broker writes it), 64-bit numbers (expiries in nanoseconds, request and object ids)
 * are decimal strings so no JSON reader rounds them. Broker's JSON holds
 * timestamps to the millisecond and reals as CAF reads them back, so those
 * two are the only values a round trip can change (once):
 *
 *   {"kind":"put","key":{"@data-type":"string","data":"k"},"value":...,"expiry":"5000000000"}
 */
export function storeCommandToJson(c: StoreCommand): string {
  return binaryToUtf8(storeCommandToJsonBinary(c));
}

/** The same, as a binary string of the exact bytes (strings that are not UTF-8 stay as Broker writes them). */
export function storeCommandToJsonBinary(c: StoreCommand): string {
  const fields: string[] = [`"kind":"${c.kind}"`];
  const add = (name: string, json: string | undefined) => {
    if (json !== undefined) fields.push(`"${name}":${json}`);
  };
  const big = (n: bigint | undefined) => (n === undefined ? undefined : `"${n}"`);
  switch (c.kind) {
    case "snapshot":
      add("entries", `[${c.entries.map(([k, v]) => `[${toJsonBinary(k)},${toJsonBinary(v)}]`).join(",")}]`);
      return `{${fields.join(",")}}`;
    case "put":
    case "put_unique":
    case "add":
    case "subtract":
      add("key", toJsonBinary(c.key));
      add("value", toJsonBinary(c.value));
      if (c.kind === "add") add("initType", `"${c.initType}"`);
      if (c.kind === "put_unique") add("reqId", big(c.reqId));
      add("expiry", big(c.expiry));
      break;
    case "erase":
    case "expire":
      add("key", toJsonBinary(c.key));
      break;
    case "put_unique_result":
      add("inserted", String(c.inserted));
      add("reqId", big(c.reqId));
      break;
    case "clear":
      break;
  }
  if (c.publisher)
    add(
      "publisher",
      `{"endpoint":${quoteJson(utf8ToBinary(c.publisher.endpoint))},"object":"${c.publisher.object}"}`,
    );
  return `{${fields.join(",")}}`;
}

const KINDS = new Set([
  "put",
  "put_unique",
  "put_unique_result",
  "erase",
  "expire",
  "add",
  "subtract",
  "clear",
  "snapshot",
]);

/** Reads a command written by storeCommandToJson. Anything else is a JsonDecodeError with its path. */
export function storeCommandFromJson(json: string | Uint8Array, options?: JsonParseOptions): StoreCommand {
  return commandFromTree(parseJson(json, options), "$");
}

function fail(node: JsonNode, path: string, problem: string): never {
  throw new JsonDecodeError(path, problem, node.offset);
}

function object(node: JsonNode, path: string): Map<string, JsonNode> {
  if (node.kind !== "object") fail(node, path, "expected an object");
  const out = new Map<string, JsonNode>();
  for (const [k, v] of node.entries) {
    if (out.has(k)) fail(v, `${path}.${k}`, "duplicate member");
    out.set(k, v);
  }
  return out;
}

function text(node: JsonNode | undefined, path: string, parent: JsonNode): string {
  if (!node) fail(parent, path, "missing");
  if (node.kind !== "string") fail(node, path, "expected a string");
  return node.binary;
}

function bigint(node: JsonNode | undefined, path: string, parent: JsonNode, max: bigint): bigint {
  const s = text(node, path, parent);
  if (!/^(0|[1-9][0-9]{0,19})$/.test(s) || BigInt(s) > max)
    fail(node!, path, `expected a decimal integer up to ${max}`);
  return BigInt(s);
}

const U64 = 2n ** 64n - 1n;
const I64 = 2n ** 63n - 1n;

function commandFromTree(node: JsonNode, path: string): StoreCommand {
  const o = object(node, path);
  const kind = text(o.get("kind"), `${path}.kind`, node);
  if (!KINDS.has(kind)) fail(o.get("kind")!, `${path}.kind`, `unknown command kind ${JSON.stringify(kind)}`);
  const allowed = new Set(["kind", "publisher"]);
  const data = (name: string): Data => {
    allowed.add(name);
    const v = o.get(name);
    if (!v) fail(node, `${path}.${name}`, "missing");
    return fromJsonTree(v, `${path}.${name}`);
  };
  const optionalBig = (name: string, max: bigint) => {
    allowed.add(name);
    return o.has(name) ? bigint(o.get(name), `${path}.${name}`, node, max) : undefined;
  };
  const requiredBig = (name: string, max: bigint) => {
    allowed.add(name);
    return bigint(o.get(name), `${path}.${name}`, node, max);
  };
  let publisher: EntityId | undefined;
  const p = o.get("publisher");
  if (p) {
    const po = object(p, `${path}.publisher`);
    publisher = {
      endpoint: binaryToUtf8(text(po.get("endpoint"), `${path}.publisher.endpoint`, p)),
      object: bigint(po.get("object"), `${path}.publisher.object`, p, U64),
    };
  }
  const withPublisher = <T extends object>(c: T) => (publisher ? { ...c, publisher } : c);
  const withExpiry = <T extends object>(c: T) => {
    const expiry = optionalBig("expiry", I64);
    return expiry === undefined ? c : { ...c, expiry };
  };
  let out: StoreCommand;
  switch (kind) {
    case "put":
      out = withPublisher(withExpiry({ kind, key: data("key"), value: data("value") }));
      break;
    case "subtract":
      out = withPublisher(withExpiry({ kind, key: data("key"), value: data("value") }));
      break;
    case "put_unique":
      out = withPublisher(
        withExpiry({ kind, key: data("key"), value: data("value"), reqId: requiredBig("reqId", U64) }),
      );
      break;
    case "add": {
      allowed.add("initType");
      const t = text(o.get("initType"), `${path}.initType`, node);
      if (!(DATA_TYPES as readonly string[]).includes(t))
        fail(o.get("initType")!, `${path}.initType`, "expected a Broker type name");
      out = withPublisher(
        withExpiry({ kind, key: data("key"), value: data("value"), initType: t as DataType }),
      );
      break;
    }
    case "erase":
    case "expire":
      out = withPublisher({ kind, key: data("key") });
      break;
    case "put_unique_result": {
      allowed.add("inserted");
      const i = o.get("inserted");
      if (i?.kind !== "boolean") fail(i ?? node, `${path}.inserted`, "expected a boolean");
      out = withPublisher({ kind, inserted: i.value, reqId: requiredBig("reqId", U64) });
      break;
    }
    case "clear":
      out = withPublisher({ kind });
      break;
    default: {
      allowed.add("entries");
      const e = o.get("entries");
      if (e?.kind !== "array") fail(e ?? node, `${path}.entries`, "expected an array");
      out = {
        kind: "snapshot",
        entries: e.items.map((pair, i) => {
          const at = `${path}.entries[${i}]`;
          if (pair.kind !== "array" || pair.items.length !== 2)
            fail(pair, at, "expected a [key, value] pair");
          return [
            fromJsonTree(pair.items[0]!, `${at}[0]`),
            fromJsonTree(pair.items[1]!, `${at}[1]`),
          ] as const;
        }),
      };
    }
  }
  for (const k of o.keys())
    if (!allowed.has(k)) fail(o.get(k)!, `${path}.${k}`, `not a member of a ${kind} command`);
  return out;
}
