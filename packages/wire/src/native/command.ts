import { bytesToBinary, type Data } from "@brokerkit/data-model";
import { readData } from "../data/decode.js";
import { writeData } from "../data/encode.js";
import { DecodeError } from "../errors.js";
import type { DecodeLimits } from "../limits.js";
import { Reader } from "../reader.js";
import { Writer } from "../writer.js";

// The payload of a current-protocol command envelope (spec §8.2): a store
// channel header (seq, sender, receiver) and one command. Broker reads it with
// its inspector decoder, which ignores trailing bytes; we keep them.

/** entity_id: an endpoint id (16-byte binary string, all zero = nil) and an object id. */
export interface EntityIdWire {
  readonly endpoint: string;
  readonly object: bigint;
}

export const COMMAND_KINDS = [
  "put",
  "put_unique",
  "put_unique_result",
  "erase",
  "expire",
  "add",
  "subtract",
  "clear",
  "attach_writer",
  "keepalive",
  "cumulative_ack",
  "nack",
  "ack_clone",
  "retransmit_failed",
] as const;

export type CommandContent =
  | {
      readonly kind: "put";
      readonly key: Data;
      readonly value: Data;
      readonly expiry?: bigint;
      readonly publisher: EntityIdWire;
    }
  | {
      readonly kind: "put_unique";
      readonly key: Data;
      readonly value: Data;
      readonly expiry?: bigint;
      readonly who: EntityIdWire;
      readonly reqId: bigint;
      readonly publisher: EntityIdWire;
    }
  | {
      readonly kind: "put_unique_result";
      readonly inserted: boolean;
      readonly who: EntityIdWire;
      readonly reqId: bigint;
      readonly publisher: EntityIdWire;
    }
  | { readonly kind: "erase" | "expire"; readonly key: Data; readonly publisher: EntityIdWire }
  | {
      readonly kind: "add";
      readonly key: Data;
      readonly value: Data;
      /** A type tag 0-14 (Broker turns a larger byte into 0, none). */
      readonly initType: number;
      readonly expiry?: bigint;
      readonly publisher: EntityIdWire;
    }
  | {
      readonly kind: "subtract";
      readonly key: Data;
      readonly value: Data;
      readonly expiry?: bigint;
      readonly publisher: EntityIdWire;
    }
  | { readonly kind: "clear"; readonly publisher: EntityIdWire }
  | { readonly kind: "attach_writer"; readonly offset: bigint; readonly heartbeatInterval: number }
  | { readonly kind: "keepalive" | "cumulative_ack" | "retransmit_failed"; readonly seq: bigint }
  | { readonly kind: "nack"; readonly seqs: readonly bigint[] }
  | {
      readonly kind: "ack_clone";
      readonly offset: bigint;
      readonly heartbeatInterval: number;
      /** The master's snapshot, in the (hash) order it was sent. */
      readonly state: readonly (readonly [Data, Data])[];
    };

export interface StoreCommandMessage {
  readonly seq: bigint;
  readonly sender: EntityIdWire;
  readonly receiver: EntityIdWire;
  readonly content: CommandContent;
  /** Bytes after the command (Broker ignores them). */
  readonly trailing?: string;
}

function entity(r: Reader): EntityIdWire {
  return { endpoint: bytesToBinary(r.take(16, "an endpoint id")), object: r.u64("an object id") };
}

function optionalTimespan(r: Reader): bigint | undefined {
  return r.u8("an optional flag") !== 0 ? r.i64("a timespan") : undefined;
}

const withExpiry = (e: bigint | undefined) => (e === undefined ? {} : { expiry: e });

function content(r: Reader, limits: DecodeLimits): CommandContent {
  const at = r.offset();
  const index = r.u8("a command type");
  const kind = COMMAND_KINDS[index];
  const data = () => readData(r, "v1", limits);
  switch (kind) {
    case "put": {
      const key = data();
      const value = data();
      return { kind, key, value, ...withExpiry(optionalTimespan(r)), publisher: entity(r) };
    }
    case "put_unique": {
      const key = data();
      const value = data();
      const expiry = optionalTimespan(r);
      const who = entity(r);
      return {
        kind,
        key,
        value,
        ...withExpiry(expiry),
        who,
        reqId: r.u64("a request id"),
        publisher: entity(r),
      };
    }
    case "put_unique_result": {
      const inserted = r.u8("a boolean") !== 0;
      const who = entity(r);
      return { kind, inserted, who, reqId: r.u64("a request id"), publisher: entity(r) };
    }
    case "erase":
    case "expire":
      return { kind, key: data(), publisher: entity(r) };
    case "add": {
      const key = data();
      const value = data();
      const initType = r.u8("an init type");
      return { kind, key, value, initType, ...withExpiry(optionalTimespan(r)), publisher: entity(r) };
    }
    case "subtract": {
      const key = data();
      const value = data();
      return { kind, key, value, ...withExpiry(optionalTimespan(r)), publisher: entity(r) };
    }
    case "clear":
      return { kind, publisher: entity(r) };
    case "attach_writer":
      return { kind, offset: r.u64("an offset"), heartbeatInterval: r.u16("a heartbeat interval") };
    case "keepalive":
    case "cumulative_ack":
    case "retransmit_failed":
      return { kind, seq: r.u64("a sequence number") };
    case "nack": {
      const n = r.varbyte("a nack count");
      if (n * 8 > r.remaining) throw new DecodeError("truncated", r.offset(), `${n} sequence numbers`);
      const seqs: bigint[] = [];
      for (let i = 0; i < n; i++) seqs.push(r.u64("a sequence number"));
      return { kind, seqs };
    }
    case "ack_clone": {
      const offset = r.u64("an offset");
      const heartbeatInterval = r.u16("a heartbeat interval");
      const n = r.varbyte("a snapshot size");
      if (n > limits.maxContainerLength || n * 2 > r.remaining)
        throw new DecodeError("truncated", r.offset(), `${n} snapshot entries`);
      const state: [Data, Data][] = [];
      for (let i = 0; i < n; i++) state.push([data(), data()]);
      return { kind, offset, heartbeatInterval, state };
    }
    default:
      throw new DecodeError("invalid", at, "a command type 0-13", `got ${index}`);
  }
}

/** Decode a command envelope's payload. Throws DecodeError only. */
export function decodeStoreCommand(
  payload: Uint8Array | string,
  limits: DecodeLimits,
  base = 0,
): StoreCommandMessage {
  const bytes = typeof payload === "string" ? Uint8Array.from(payload, (c) => c.charCodeAt(0)) : payload;
  const r = new Reader(bytes, 0, bytes.length, base);
  const seq = r.u64("a sequence number");
  const sender = entity(r);
  const receiver = entity(r);
  const c = content(r, limits);
  return {
    seq,
    sender,
    receiver,
    content: c,
    ...(r.remaining > 0 ? { trailing: bytesToBinary(r.take(r.remaining, "")) } : {}),
  };
}

export function encodeStoreCommand(m: StoreCommandMessage): Uint8Array {
  const w = new Writer();
  const ent = (e: EntityIdWire) => {
    w.binary(e.endpoint);
    w.u64(e.object);
  };
  const opt = (e: bigint | undefined) => {
    w.u8(e === undefined ? 0 : 1);
    if (e !== undefined) w.i64(e);
  };
  const data = (d: Data) => writeData(w, d, "v1");
  w.u64(m.seq);
  ent(m.sender);
  ent(m.receiver);
  const c = m.content;
  w.u8(COMMAND_KINDS.indexOf(c.kind));
  switch (c.kind) {
    case "put":
      data(c.key);
      data(c.value);
      opt(c.expiry);
      ent(c.publisher);
      break;
    case "put_unique":
      data(c.key);
      data(c.value);
      opt(c.expiry);
      ent(c.who);
      w.u64(c.reqId);
      ent(c.publisher);
      break;
    case "put_unique_result":
      w.u8(c.inserted ? 1 : 0);
      ent(c.who);
      w.u64(c.reqId);
      ent(c.publisher);
      break;
    case "erase":
    case "expire":
      data(c.key);
      ent(c.publisher);
      break;
    case "add":
      data(c.key);
      data(c.value);
      w.u8(c.initType);
      opt(c.expiry);
      ent(c.publisher);
      break;
    case "subtract":
      data(c.key);
      data(c.value);
      opt(c.expiry);
      ent(c.publisher);
      break;
    case "clear":
      ent(c.publisher);
      break;
    case "attach_writer":
      w.u64(c.offset);
      w.u16(c.heartbeatInterval);
      break;
    case "keepalive":
    case "cumulative_ack":
    case "retransmit_failed":
      w.u64(c.seq);
      break;
    case "nack":
      w.varbyte(c.seqs.length);
      for (const s of c.seqs) w.u64(s);
      break;
    case "ack_clone":
      w.u64(c.offset);
      w.u16(c.heartbeatInterval);
      w.varbyte(c.state.length);
      for (const [k, v] of c.state) {
        data(k);
        data(v);
      }
      break;
  }
  if (m.trailing !== undefined) w.binary(m.trailing);
  return w.finish();
}
