import { bytesToBinary, type Data } from "@brokerkit/data-model";
import { readData } from "../data/decode.js";
import { writeData } from "../data/encode.js";
import { DecodeError } from "../errors.js";
import { type DecodeLimits, resolveLimits } from "../limits.js";
import { Reader } from "../reader.js";
import { Writer } from "../writer.js";

// The native peer-to-peer protocol of Broker 2.3 and later (spec §4–§5):
// length-prefixed frames; handshake messages start with a type byte, and after
// the handshake every frame is an envelope (sender, receiver, type, TTL,
// topic, payload). Endpoint ids and topics are binary strings, exactly as sent.

export const NATIVE_MAGIC = 0x5a45454b; // "ZEEK"
export const ENVELOPE_TYPES = ["data", "command", "routing_update", "ping", "pong"] as const;
export type EnvelopeType = (typeof ENVELOPE_TYPES)[number];

interface Trailing {
  /** Bytes after the last field (Broker does not check them in handshake messages). */
  readonly trailing?: string;
}

export type HandshakeMessage =
  | ({
      readonly kind: "hello";
      readonly magic: number;
      readonly sender: string;
      readonly minVersion: number;
      readonly maxVersion: number;
    } & Trailing)
  | ({ readonly kind: "probe"; readonly magic: number } & Trailing)
  | ({
      readonly kind: "version_select";
      readonly magic: number;
      readonly sender: string;
      readonly version: number;
    } & Trailing)
  | ({
      readonly kind: "drop_conn";
      readonly magic: number;
      readonly sender: string;
      /** Broker's ec code (e.g. 2 peer_incompatible, 38 wrong_magic_number, 39 redundant connection). */
      readonly code: number;
      readonly description: string;
    } & Trailing)
  | ({ readonly kind: "originator_syn" | "responder_syn_ack"; readonly filter: readonly string[] } & Trailing)
  | ({ readonly kind: "originator_ack" } & Trailing);

export type EnvelopePayload =
  | { readonly type: "data"; readonly value: Data }
  /** A store command (internal_command, spec §8.2), kept as bytes. */
  | { readonly type: "command"; readonly raw: string }
  | { readonly type: "routing_update"; readonly filter: readonly string[]; readonly trailing?: string }
  | { readonly type: "ping" | "pong"; readonly raw: string };

export interface Envelope {
  readonly kind: "envelope";
  /** 16-byte endpoint ids; all zero is nil (for the receiver: everyone subscribed). */
  readonly sender: string;
  readonly receiver: string;
  readonly ttl: number;
  readonly topic: string;
  readonly payload: EnvelopePayload;
}

/** One frame of a native connection. */
export type NativeMessage =
  | HandshakeMessage
  | Envelope
  /** A zero-length frame (ignored by Broker after the handshake). */
  | { readonly kind: "empty" }
  /** A frame brokerkit could not decode: its exact bytes and why. */
  | { readonly kind: "unknown"; readonly raw: string; readonly error: DecodeError }
  /** Bytes that are not frames at all (e.g. a length beyond the limit): the rest of that direction, raw. */
  | { readonly kind: "unframed"; readonly raw: string; readonly error: DecodeError };

const HANDSHAKE_KINDS = [
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
  "hello",
  "probe",
  "version_select",
  "drop_conn",
  "originator_syn",
  "responder_syn_ack",
  "originator_ack",
] as const;

function str(r: Reader, what: string, limits: DecodeLimits): string {
  const at = r.offset();
  const n = r.varbyte(what);
  if (n > limits.maxStringBytes)
    throw new DecodeError("limit", at, `${what} of at most ${limits.maxStringBytes} bytes`);
  return bytesToBinary(r.take(n, what));
}

function filter(r: Reader, limits: DecodeLimits): string[] {
  const at = r.offset();
  const n = r.varbyte("a filter size");
  if (n > r.remaining) throw new DecodeError("truncated", at, `${n} filter topics`);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(str(r, "a filter topic", limits));
  return out;
}

const rest = (r: Reader) => (r.remaining > 0 ? { trailing: bytesToBinary(r.take(r.remaining, "")) } : {});

function handshake(r: Reader, limits: DecodeLimits): HandshakeMessage {
  const at = r.offset();
  const tag = r.u8("a handshake message type");
  const kind = HANDSHAKE_KINDS[tag];
  const id = () => bytesToBinary(r.take(16, "an endpoint id"));
  switch (kind) {
    case "hello": {
      const magic = r.u32("the magic number");
      const sender = id();
      const minVersion = r.u8("a minimum version");
      return { kind, magic, sender, minVersion, maxVersion: r.u8("a maximum version"), ...rest(r) };
    }
    case "probe":
      return { kind, magic: r.u32("the magic number"), ...rest(r) };
    case "version_select": {
      const magic = r.u32("the magic number");
      const sender = id();
      return { kind, magic, sender, version: r.u8("the selected version"), ...rest(r) };
    }
    case "drop_conn": {
      const magic = r.u32("the magic number");
      const sender = id();
      const code = r.u8("an error code");
      return { kind, magic, sender, code, description: str(r, "a description", limits), ...rest(r) };
    }
    case "originator_syn":
    case "responder_syn_ack":
      return { kind, filter: filter(r, limits), ...rest(r) };
    case "originator_ack":
      return { kind, ...rest(r) };
    default:
      throw new DecodeError("invalid", at, "a handshake message type 6-12", `got ${tag}`);
  }
}

function envelope(r: Reader, limits: DecodeLimits): Envelope {
  const sender = bytesToBinary(r.take(16, "a sender id"));
  const receiver = bytesToBinary(r.take(16, "a receiver id"));
  const at = r.offset();
  const t = r.u8("an envelope type");
  const type = ENVELOPE_TYPES[t - 1];
  if (!type) throw new DecodeError("invalid", at, "an envelope type 1-5", `got ${t}`);
  const ttl = r.u16("a ttl");
  const topicLength = r.u16("a topic length");
  const topic = bytesToBinary(r.take(topicLength, "the topic"));
  let payload: EnvelopePayload;
  switch (type) {
    case "data": {
      const value = readData(r, "v1", limits);
      if (r.remaining > 0) throw new DecodeError("trailing", r.offset(), "the end of the data payload");
      payload = { type, value };
      break;
    }
    case "routing_update":
      payload = { type, filter: filter(r, limits), ...rest(r) };
      break;
    default:
      payload = { type, raw: bytesToBinary(r.take(r.remaining, "")) };
  }
  return { kind: "envelope", sender, receiver, ttl, topic, payload };
}

/** Decode one frame body (without its length prefix). Never throws: failures become `unknown`. */
export function decodeNativeFrame(
  body: Uint8Array,
  phase: "handshake" | "operational",
  base = 0,
  limits?: Partial<DecodeLimits>,
): NativeMessage {
  if (body.length === 0) return { kind: "empty" };
  const r = new Reader(body, 0, body.length, base);
  try {
    return phase === "handshake" ? handshake(r, resolveLimits(limits)) : envelope(r, resolveLimits(limits));
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { kind: "unknown", raw: bytesToBinary(body), error: e };
  }
}

function writeFilter(w: Writer, topics: readonly string[]): void {
  w.varbyte(topics.length);
  for (const t of topics) {
    w.varbyte(t.length);
    w.binary(t);
  }
}

/** The frame body of a message (add the length prefix with encodeNativeFrame). */
export function encodeNativeMessage(m: NativeMessage): Uint8Array {
  const w = new Writer();
  const tail = (x: { trailing?: string }) => x.trailing !== undefined && w.binary(x.trailing);
  switch (m.kind) {
    case "empty":
      break;
    case "unknown":
    case "unframed":
      w.binary(m.raw);
      break;
    case "envelope": {
      w.binary(m.sender);
      w.binary(m.receiver);
      w.u8(ENVELOPE_TYPES.indexOf(m.payload.type) + 1);
      w.u16(m.ttl);
      w.u16(m.topic.length);
      w.binary(m.topic);
      const p = m.payload;
      if (p.type === "data") writeData(w, p.value, "v1");
      else if (p.type === "routing_update") {
        writeFilter(w, p.filter);
        tail(p);
      } else w.binary(p.raw);
      break;
    }
    default: {
      w.u8(HANDSHAKE_KINDS.indexOf(m.kind));
      if ("magic" in m) w.u32(m.magic);
      if (m.kind === "hello" || m.kind === "version_select" || m.kind === "drop_conn") w.binary(m.sender);
      if (m.kind === "hello") {
        w.u8(m.minVersion);
        w.u8(m.maxVersion);
      } else if (m.kind === "version_select") w.u8(m.version);
      else if (m.kind === "drop_conn") {
        w.u8(m.code);
        w.varbyte(m.description.length);
        w.binary(m.description);
      } else if (m.kind === "originator_syn" || m.kind === "responder_syn_ack") writeFilter(w, m.filter);
      tail(m);
    }
  }
  return w.finish();
}

/** A message with its 4-byte length prefix, as it travels. */
export function encodeNativeFrame(m: NativeMessage): Uint8Array {
  const body = encodeNativeMessage(m);
  if (m.kind === "unframed") return body;
  const w = new Writer(body.length + 4);
  w.u32(body.length);
  w.bytes(body);
  return w.finish();
}
