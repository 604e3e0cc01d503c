import {
  binaryToUtf8,
  type Data,
  dataMessageToJsonBinary,
  fromJsonTree,
  JsonData,
  JsonDecodeError,
  type JsonNode,
  parseJson,
  quoteJson,
  utf8ToBinary,
} from "@brokerkit/data-model";
import { type Static, Type } from "@sinclair/typebox";

// The WebSocket JSON API v1 (Broker 2.3+'s server, Zeek 8+'s server): the
// client first sends its subscriptions as a JSON array of topic prefixes; the
// server answers with an ack; then both send data messages; the server reports
// problems as error messages with a Broker `ec` name.

/** Broker's error code names (`ec`), by value; 41 (invalid_json) has no name in Broker. */
export const BROKER_ERROR_CODES = [
  "none", "unspecified", "peer_incompatible", "peer_invalid", "peer_unavailable", "peer_disconnect_during_handshake",
  "peer_timeout", "master_exists", "no_such_master", "no_such_key", "request_timeout", "type_clash", "invalid_data",
  "backend_failure", "stale_data", "cannot_open_file", "cannot_write_file", "invalid_topic_key", "end_of_file",
  "invalid_tag", "invalid_message", "invalid_status", "conversion_failed", "consumer_exists", "connection_timeout",
  "bad_member_function_call", "repeated_request_id", "broken_clone", "shutting_down", "invalid_peering_request",
  "repeated_peering_handshake_request", "unexpected_handshake_message", "invalid_handshake_state", "no_path_to_peer",
  "no_connector_available", "cannot_open_resource", "serialization_failed", "deserialization_failed",
  "wrong_magic_number", "redundant_connection", "logic_error",
] as const; // biome-ignore format: a table

/** TypeBox schemas of the API's messages (as parsed JSON; 64-bit values as bigint where exact). */
export const ApiSubscriptions = Type.Array(Type.String(), { $id: "broker-ws-subscriptions" });
export const ApiAck = Type.Object(
  { type: Type.Literal("ack"), endpoint: Type.String(), version: Type.String() },
  { $id: "broker-ws-ack" },
);
export const ApiError = Type.Object(
  { type: Type.Literal("error"), code: Type.String(), context: Type.String() },
  { $id: "broker-ws-error" },
);
export const ApiDataMessage = Type.Intersect(
  [Type.Object({ type: Type.Literal("data-message"), topic: Type.String() }), JsonData],
  {
    $id: "broker-ws-data-message",
  },
);

export type WebSocketApiMessage =
  | { readonly type: "subscriptions"; readonly topics: readonly string[] }
  | Static<typeof ApiAck>
  | Static<typeof ApiError>
  | { readonly type: "data-message"; readonly topic: string; readonly value: Data };

function field(tree: Extract<JsonNode, { kind: "object" }>, key: string): JsonNode | undefined {
  return tree.entries.find(([k]) => k === key)?.[1];
}

function textField(tree: Extract<JsonNode, { kind: "object" }>, key: string): string {
  const v = field(tree, key);
  if (v?.kind !== "string") throw new JsonDecodeError(`$.${key}`, "expected a string", v?.offset);
  return binaryToUtf8(v.binary);
}

/**
 * Decode one text message of the API. Accepts any JSON whitespace and key
 * order (older Broker wrote `": "` separators). Errors are JsonDecodeError
 * with the JSON path.
 */
export function decodeApiMessage(text: string | Uint8Array): WebSocketApiMessage {
  const tree = parseJson(text);
  if (tree.kind === "array") {
    return {
      type: "subscriptions",
      topics: tree.items.map((t, i) => {
        if (t.kind !== "string") throw new JsonDecodeError(`$[${i}]`, "expected a topic string", t.offset);
        return binaryToUtf8(t.binary);
      }),
    };
  }
  if (tree.kind !== "object")
    throw new JsonDecodeError("$", "expected a JSON object or a subscription array", tree.offset);
  const type = textField(tree, "type");
  switch (type) {
    case "ack":
      return { type, endpoint: textField(tree, "endpoint"), version: textField(tree, "version") };
    case "error":
      return { type, code: textField(tree, "code"), context: textField(tree, "context") };
    case "data-message":
      return { type, topic: textField(tree, "topic"), value: fromJsonTree(tree) };
    default:
      throw new JsonDecodeError(
        "$.type",
        `unknown message type ${JSON.stringify(type)}`,
        field(tree, "type")?.offset,
      );
  }
}

/** The message as Broker's encoder writes it (compact, fixed key order), as a binary string of UTF-8 bytes. */
export function encodeApiMessageBinary(m: WebSocketApiMessage): string {
  const q = (s: string) => quoteJson(utf8ToBinary(s));
  switch (m.type) {
    case "subscriptions":
      return `[${m.topics.map(q).join(",")}]`;
    case "ack":
      return `{"type":"ack","endpoint":${q(m.endpoint)},"version":${q(m.version)}}`;
    case "error":
      return `{"type":"error","code":${q(m.code)},"context":${q(m.context)}}`;
    case "data-message":
      return dataMessageToJsonBinary(m.topic, m.value);
  }
}
