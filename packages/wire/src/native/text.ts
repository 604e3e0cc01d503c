import { binaryToHex, toText } from "@brokerkit/data-model";
import { keyValueCommandText, quotedText, topicsText } from "../text.js";
import { BROKER_ERROR_CODES } from "../websocket/api.js";
import type { CommandContent } from "./command.js";
import { NATIVE_MAGIC, type NativeMessage } from "./messages.js";

// Native Broker frames as one line for people reading a capture: each
// handshake message with what it negotiates (endpoint ids as Broker prints
// them, versions, filters, the drop_conn error), envelopes by their payload.

/** A 16-byte endpoint id as Broker prints it: the lower-case UUID form, 8-4-4-4-12 hex digits. */
export function endpointIdText(binary: string): string {
  const h = binaryToHex(binary);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A native frame as one readable line, e.g. `drop_conn 3f2a…-… peer_incompatible: "unsupported versions offered"`. */
export function nativeMessageText(m: NativeMessage): string {
  switch (m.kind) {
    case "hello":
      return `hello ${endpointIdText(m.sender)} versions ${m.minVersion}-${m.maxVersion}${magic(m.magic)}`;
    case "probe":
      return `probe${magic(m.magic)}`;
    case "version_select":
      return `version_select ${endpointIdText(m.sender)} version ${m.version}${magic(m.magic)}`;
    case "drop_conn":
      return `drop_conn ${endpointIdText(m.sender)} ${BROKER_ERROR_CODES[m.code] ?? `ec ${m.code}`}: ${quotedText(m.description)}${magic(m.magic)}`;
    case "originator_syn":
    case "responder_syn_ack":
      return `${m.kind} ${topicsText(m.filter)}`;
    case "originator_ack":
      return m.kind;
    case "empty":
      return "empty frame";
    case "unknown":
    case "unframed":
      return `${m.kind}: ${m.error.message}`;
    case "envelope": {
      const p = m.payload;
      switch (p.type) {
        case "data":
          return toText(p.value);
        case "routing_update":
          return `routing_update ${topicsText(p.filter)}`;
        default:
          return p.type;
      }
    }
  }
}

/** A store command (decodeStoreCommand's content) as its kind, then key and value where it has them. */
export function storeCommandText(c: CommandContent): string {
  return keyValueCommandText(c);
}

// The magic is "ZEEK" in every frame Broker accepts; anything else is worth saying.
const magic = (value: number) =>
  value === NATIVE_MAGIC ? "" : ` (magic 0x${value.toString(16).padStart(8, "0")})`;
