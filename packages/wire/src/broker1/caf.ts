import type { Data } from "@brokerkit/data-model";
import { readData } from "../data/decode.js";
import { writeData } from "../data/encode.js";
import { nameAt } from "../data/leaves.js";
import { DecodeError } from "../errors.js";
import type { DecodeLimits } from "../limits.js";
import type { Reader } from "../reader.js";
import type { Writer } from "../writer.js";

// CAF 0.17's binary serialization of the types that travel between Broker
// 1.4 nodes (broker-1x spec §2–§5, §9.2). Strings (topics, type names, app
// ids) are kept as binary strings: one char per byte, exactly as sent.

const ATOM_CHARS = " 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

/** An atom keeps its 64-bit value (what goes on the wire) and the text it spells. */
export interface Atom {
  readonly value: bigint;
  readonly text: string;
}

export function atomText(value: bigint): string {
  let n = 0;
  while (n < 10 && value >> BigInt(6 * (n + 1)) !== 0n) n++;
  if (value >> BigInt(6 * n) !== 0xfn) return `<atom 0x${value.toString(16)}>`;
  let out = "";
  for (let i = n - 1; i >= 0; i--) out += ATOM_CHARS[Number((value >> BigInt(6 * i)) & 0x3fn)];
  return out;
}

export function atom(text: string): Atom {
  let v = 0xfn;
  for (const c of text) {
    const i = ATOM_CHARS.indexOf(c);
    v = (v << 6n) | BigInt(Math.max(i, 0));
  }
  return { value: BigInt.asUintN(64, v), text };
}

const asAtom = (value: bigint): Atom => ({ value, text: atomText(value) });

/** caf::node_id: none, or the "default" implementation with a process id and a 20-byte host id. */
export type NodeId =
  | { readonly kind: "none" }
  | {
      readonly kind: "default";
      readonly processId: number;
      readonly hostId: string /* 20-byte binary string */;
    };

const ATOM_EMPTY = 0xfn;
const ATOM_DEFAULT = 0x00003e9aab9bac79n;

/** Broker's text form of a node id: HOSTID (40 upper-case hex digits) + "#" + pid. */
export function nodeIdText(n: NodeId): string {
  if (n.kind === "none") return "none";
  let hex = "";
  for (let i = 0; i < n.hostId.length; i++) hex += n.hostId.charCodeAt(i).toString(16).padStart(2, "0");
  return `${hex.toUpperCase()}#${n.processId}`;
}

/** An actor handle: actor id + node (a null handle has id 0 and no node). */
export interface ActorHandle {
  readonly id: bigint;
  readonly node: NodeId;
}

export interface CafError {
  readonly code: number;
  readonly category: Atom;
  readonly context: CafMessage;
}

/** A type-erased caf::message: its signature ("@<>+@atom+@str") and the decoded elements. */
export interface CafMessage {
  readonly typeNumber: number;
  readonly signature: string;
  readonly elements: readonly CafValue[];
}

/** One element of a CafMessage, tagged with its CAF type name. */
export type CafValue =
  | { readonly type: "@atom"; readonly value: Atom }
  | { readonly type: "@str"; readonly value: string }
  | { readonly type: "@u8" | "@u16" | "@u32" | "@i8" | "@i16" | "@i32" | "bool"; readonly value: number }
  | { readonly type: "@u64" | "@i64" | "@timespan" | "@timestamp"; readonly value: bigint }
  | {
      readonly type: "@actor" | "@addr" | "@strong_actor_ptr" | "@weak_actor_ptr";
      readonly value: ActorHandle;
    }
  | { readonly type: "@node"; readonly value: NodeId }
  | { readonly type: "@error"; readonly value: CafError }
  | { readonly type: "@unit" | `caf::stream<${string}>` }
  | { readonly type: "@strvec" | "broker::filter_type"; readonly value: readonly string[] }
  | { readonly type: "broker::data"; readonly value: Data }
  | { readonly type: "broker::data_message"; readonly value: DataMessage }
  | { readonly type: "broker::set_command"; readonly value: readonly (readonly [Data, Data])[] }
  | { readonly type: "std::vector<broker::node_message>"; readonly value: readonly NodeMessage[] }
  | { readonly type: "@open_stream_msg"; readonly value: OpenStreamMsg }
  | { readonly type: "@upstream_msg"; readonly value: UpstreamMsg }
  | { readonly type: "@downstream_msg"; readonly value: DownstreamMsg };

export interface DataMessage {
  readonly topic: string;
  readonly data: Data;
}

export interface OpenStreamMsg {
  readonly slot: number;
  readonly msg: CafMessage;
  readonly prevStage: ActorHandle;
  readonly originalStage: ActorHandle;
  readonly priority: number;
}

export interface StreamSlots {
  readonly sender: number;
  readonly receiver: number;
}

export type UpstreamMsg = { readonly slots: StreamSlots; readonly sender: ActorHandle } & (
  | {
      readonly kind: "ack_open";
      readonly rebindFrom: ActorHandle;
      readonly rebindTo: ActorHandle;
      readonly initialDemand: number;
      readonly desiredBatchSize: number;
    }
  | {
      readonly kind: "ack_batch";
      readonly newCapacity: number;
      readonly desiredBatchSize: number;
      readonly acknowledgedId: bigint;
    }
  | { readonly kind: "drop" }
  | { readonly kind: "forced_drop"; readonly reason: CafError }
);

export type DownstreamMsg = { readonly slots: StreamSlots; readonly sender: ActorHandle } & (
  | { readonly kind: "batch"; readonly size: number; readonly xs: CafMessage; readonly id: bigint }
  | { readonly kind: "close" }
  | { readonly kind: "forced_close"; readonly reason: CafError }
);

/** broker::publisher_id: the endpoint's node and the object (actor) that acted. */
export interface PublisherId {
  readonly node: NodeId;
  readonly object: bigint;
}

/** Broker 1.4's internal_command, by variant index (spec §9.2). Expiry is relative ns. */
export type InternalCommand =
  | { readonly kind: "none" }
  | {
      readonly kind: "put";
      readonly key: Data;
      readonly value: Data;
      readonly expiry?: bigint;
      readonly publisher: PublisherId;
    }
  | {
      readonly kind: "put_unique";
      readonly key: Data;
      readonly value: Data;
      readonly expiry?: bigint;
      readonly who: ActorHandle;
      readonly reqId: bigint;
      readonly publisher: PublisherId;
    }
  | { readonly kind: "erase" | "expire"; readonly key: Data; readonly publisher: PublisherId }
  | {
      readonly kind: "add";
      readonly key: Data;
      readonly value: Data;
      /** Broker 1.4's alphabetical data::type code (address 0, boolean 1, count 2, enum_value 3, …). */
      readonly initType: number;
      readonly expiry?: bigint;
      readonly publisher: PublisherId;
    }
  | {
      readonly kind: "subtract";
      readonly key: Data;
      readonly value: Data;
      readonly expiry?: bigint;
      readonly publisher: PublisherId;
    }
  | { readonly kind: "snapshot"; readonly remoteCore: ActorHandle; readonly remoteClone: ActorHandle }
  | { readonly kind: "snapshot_sync"; readonly remoteClone: ActorHandle }
  | { readonly kind: "set"; readonly state: readonly (readonly [Data, Data])[] }
  | { readonly kind: "clear" };

/** broker::node_message: a data or command message with its TTL and (always empty in 1.4) receivers. */
export interface NodeMessage {
  readonly content:
    | { readonly kind: "data"; readonly topic: string; readonly data: Data }
    | { readonly kind: "command"; readonly topic: string; readonly command: InternalCommand };
  readonly ttl: number;
  readonly receivers: readonly NodeId[];
}

/** Broker 1.4's alphabetical data::type numbering, used only by add's init_type. */
export const BROKER1_INIT_TYPES = [
  "address",
  "boolean",
  "count",
  "enum_value",
  "integer",
  "none",
  "port",
  "real",
  "set",
  "string",
  "subnet",
  "table",
  "timespan",
  "timestamp",
  "vector",
] as const;

// ---------------------------------------------------------------- reading

export class CafReader {
  constructor(
    readonly r: Reader,
    readonly limits: DecodeLimits,
  ) {}

  string(what: string): string {
    const n = this.r.varbyte(what);
    if (n > this.limits.maxStringBytes)
      throw new DecodeError(
        "limit",
        this.r.offset(),
        `${what} of at most ${this.limits.maxStringBytes} bytes`,
      );
    return this.bytesAsName(n, what);
  }

  /** The next n bytes as a (shared, see nameAt) binary string. */
  private bytesAsName(n: number, what: string): string {
    const r = this.r;
    r.need(n, what);
    r.pos += n;
    return nameAt(r.bytes, r.pos - n, n);
  }

  count(what: string, minBytesEach: number): number {
    const at = this.r.offset();
    const n = this.r.varbyte(what);
    if (n > this.limits.maxContainerLength)
      throw new DecodeError("limit", at, `${what} of at most ${this.limits.maxContainerLength}`);
    if (n * minBytesEach > this.r.remaining)
      throw new DecodeError("truncated", this.r.offset(this.r.end), what);
    return n;
  }

  i32(what: string): number {
    return this.r.u32(what) | 0;
  }

  node(): NodeId {
    const at = this.r.offset();
    const impl = this.r.u64("a node id");
    if (impl === ATOM_EMPTY) return { kind: "none" };
    if (impl !== ATOM_DEFAULT)
      throw new DecodeError("invalid", at, "a node id of kind 'default' or none", `atom ${atomText(impl)}`);
    const processId = this.r.u32("a process id");
    return { kind: "default", processId, hostId: this.bytesAsName(20, "a host id") };
  }

  handle(): ActorHandle {
    const id = this.r.u64("an actor id");
    return { id, node: this.node() };
  }

  error(depth: number): CafError {
    const code = this.r.u8("an error code");
    const category = asAtom(this.r.u64("an error category"));
    return { code, category, context: this.message(depth + 1) };
  }

  data(): Data {
    return readData(this.r, "broker-1", this.limits);
  }

  optionalTimespan(): bigint | undefined {
    return this.r.u8("an optional flag") !== 0 ? this.r.i64("a timespan") : undefined;
  }

  /** An optional timespan as an optional `expiry` property. */
  expiry(): { expiry?: bigint } {
    const e = this.optionalTimespan();
    return e === undefined ? {} : { expiry: e };
  }

  /** The key, value and expiry that put, put_unique and subtract begin with. */
  keyValueExpiry(): { key: Data; value: Data; expiry?: bigint } {
    const key = this.data();
    const value = this.data();
    return { key, value, ...this.expiry() };
  }

  publisher(): PublisherId {
    return { node: this.node(), object: this.r.u64("a publisher object id") };
  }

  pairs(what: string): [Data, Data][] {
    const n = this.count(what, 2);
    const out: [Data, Data][] = [];
    for (let i = 0; i < n; i++) out.push([this.data(), this.data()]);
    return out;
  }

  command(): InternalCommand {
    const at = this.r.offset();
    const index = this.r.u8("an internal_command index");
    switch (index) {
      case 0:
        return { kind: "none" };
      case 1:
        return { kind: "put", ...this.keyValueExpiry(), publisher: this.publisher() };
      case 2: {
        const fields = this.keyValueExpiry();
        const who = this.handle();
        return {
          kind: "put_unique",
          ...fields,
          who,
          reqId: this.r.u64("a request id"),
          publisher: this.publisher(),
        };
      }
      case 3:
      case 4:
        return { kind: index === 3 ? "erase" : "expire", key: this.data(), publisher: this.publisher() };
      case 5: {
        const key = this.data();
        const value = this.data();
        const initType = this.r.u8("an init type");
        return { kind: "add", key, value, initType, ...this.expiry(), publisher: this.publisher() };
      }
      case 6:
        return { kind: "subtract", ...this.keyValueExpiry(), publisher: this.publisher() };
      case 7:
        return { kind: "snapshot", remoteCore: this.handle(), remoteClone: this.handle() };
      case 8:
        return { kind: "snapshot_sync", remoteClone: this.handle() };
      case 9:
        return { kind: "set", state: this.pairs("a snapshot") };
      case 10:
        return { kind: "clear" };
      default:
        throw new DecodeError("invalid", at, "an internal_command index 0-10", `got ${index}`);
    }
  }

  nodeMessage(): NodeMessage {
    const at = this.r.offset();
    const index = this.r.u8("a node_message content index");
    if (index > 1)
      throw new DecodeError("invalid", at, "node_message content 0 (data) or 1 (command)", `got ${index}`);
    const topic = this.string("a topic");
    const content =
      index === 0
        ? { kind: "data" as const, topic, data: this.data() }
        : { kind: "command" as const, topic, command: this.command() };
    const ttl = this.r.u16("a ttl");
    const n = this.count("receivers", 8);
    const receivers: NodeId[] = [];
    for (let i = 0; i < n; i++) receivers.push(this.node());
    return { content, ttl, receivers };
  }

  /** What every up- and downstream message starts with: slots, sender, and the variant index. */
  streamHead(what: string): { slots: StreamSlots; sender: ActorHandle; at: number; index: number } {
    const slots = { sender: this.r.u16("a sender slot"), receiver: this.r.u16("a receiver slot") };
    const sender = this.handle();
    return { slots, sender, at: this.r.offset(), index: this.r.u8(what) };
  }

  element(type: string, depth: number): CafValue {
    switch (type) {
      case "@atom":
        return { type, value: asAtom(this.r.u64("an atom")) };
      case "@str":
        return { type, value: this.string("a string") };
      case "@u8":
      case "bool":
        return { type, value: this.r.u8(type) };
      case "@i8":
        return { type, value: (this.r.u8(type) << 24) >> 24 };
      case "@u16":
        return { type, value: this.r.u16(type) };
      case "@i16":
        return { type, value: (this.r.u16(type) << 16) >> 16 };
      case "@u32":
        return { type, value: this.r.u32(type) };
      case "@i32":
        return { type, value: this.i32(type) };
      case "@u64":
        return { type, value: this.r.u64(type) };
      case "@i64":
      case "@timespan":
      case "@timestamp":
        return { type, value: this.r.i64(type) };
      case "@actor":
      case "@addr":
      case "@strong_actor_ptr":
      case "@weak_actor_ptr":
        return { type, value: this.handle() };
      case "@node":
        return { type, value: this.node() };
      case "@error":
        return { type, value: this.error(depth) };
      case "@unit":
        return { type };
      case "@strvec":
      case "broker::filter_type": {
        const n = this.count(type, 1);
        const value: string[] = [];
        for (let i = 0; i < n; i++) value.push(this.string("a topic"));
        return { type, value };
      }
      case "broker::data":
        return { type, value: this.data() };
      case "broker::data_message":
        return { type, value: { topic: this.string("a topic"), data: this.data() } };
      case "broker::set_command":
        return { type, value: this.pairs("a set_command state") };
      case "std::vector<broker::node_message>": {
        const n = this.count(type, 4);
        const value: NodeMessage[] = [];
        for (let i = 0; i < n; i++) value.push(this.nodeMessage());
        return { type, value };
      }
      case "@open_stream_msg":
        return {
          type,
          value: {
            slot: this.r.u16("a slot"),
            msg: this.message(depth + 1),
            prevStage: this.handle(),
            originalStage: this.handle(),
            priority: this.i32("a stream priority"),
          },
        };
      case "@upstream_msg": {
        const { slots, sender, at, index } = this.streamHead("an upstream_msg kind");
        switch (index) {
          case 0:
            return {
              type,
              value: {
                slots,
                sender,
                kind: "ack_open",
                rebindFrom: this.handle(),
                rebindTo: this.handle(),
                initialDemand: this.i32("initial demand"),
                desiredBatchSize: this.i32("desired batch size"),
              },
            };
          case 1:
            return {
              type,
              value: {
                slots,
                sender,
                kind: "ack_batch",
                newCapacity: this.i32("new capacity"),
                desiredBatchSize: this.i32("desired batch size"),
                acknowledgedId: this.r.i64("an acknowledged batch id"),
              },
            };
          case 2:
            return { type, value: { slots, sender, kind: "drop" } };
          case 3:
            return { type, value: { slots, sender, kind: "forced_drop", reason: this.error(depth) } };
          default:
            throw new DecodeError("invalid", at, "an upstream_msg kind 0-3", `got ${index}`);
        }
      }
      case "@downstream_msg": {
        const { slots, sender, at, index } = this.streamHead("a downstream_msg kind");
        switch (index) {
          case 0:
            return {
              type,
              value: {
                slots,
                sender,
                kind: "batch",
                size: this.i32("a batch size"),
                xs: this.message(depth + 1),
                id: this.r.i64("a batch id"),
              },
            };
          case 1:
            return { type, value: { slots, sender, kind: "close" } };
          case 2:
            return { type, value: { slots, sender, kind: "forced_close", reason: this.error(depth) } };
          default:
            throw new DecodeError("invalid", at, "a downstream_msg kind 0-2", `got ${index}`);
        }
      }
      default:
        if (type.startsWith("caf::stream<")) return { type: type as `caf::stream<${string}>` };
        throw new DecodeError(
          "invalid",
          this.r.offset(),
          "a CAF type name brokerkit knows",
          `unknown type ${JSON.stringify(type)}`,
        );
    }
  }

  message(depth: number): CafMessage {
    if (depth > 16) throw new DecodeError("limit", this.r.offset(), "caf::message nesting of at most 16");
    const typeNumber = this.r.u16("a message type number");
    const signature = this.string("a message signature");
    const types = cachedSignatureTypes(signature);
    if (!types)
      throw new DecodeError(
        "invalid",
        this.r.offset(),
        'a signature starting with "@<>"',
        JSON.stringify(signature),
      );
    const elements = new Array<CafValue>(types.length);
    for (let i = 0; i < types.length; i++) elements[i] = this.element(types[i]!, depth);
    return { typeNumber, signature, elements };
  }
}

// Peers send the same few signatures over and over.
const signatures = new Map<string, readonly string[] | undefined>();

function cachedSignatureTypes(signature: string): readonly string[] | undefined {
  let types = signatures.get(signature);
  if (types === undefined && !signatures.has(signature)) {
    if (signatures.size >= 256) signatures.clear(); // bounded, whatever a hostile stream sends
    types = signatureTypes(signature);
    signatures.set(signature, types === undefined ? undefined : Object.freeze(types));
  }
  return types;
}

/** "@<>+@atom+@str" -> ["@atom", "@str"]; "@<>" -> []. Type names may contain '+' only inside <>. */
export function signatureTypes(signature: string): string[] | undefined {
  if (!signature.startsWith("@<>")) return undefined;
  const rest = signature.slice(3);
  if (rest === "") return [];
  if (!rest.startsWith("+")) return undefined;
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of rest.slice(1)) {
    if (c === "+" && depth === 0) {
      out.push(cur);
      cur = "";
      continue;
    }
    if (c === "<") depth++;
    if (c === ">") depth--;
    cur += c;
  }
  out.push(cur);
  return out;
}

// ---------------------------------------------------------------- writing

export class CafWriter {
  constructor(readonly w: Writer) {}

  string(s: string): void {
    this.w.varbyte(s.length);
    this.w.binary(s);
  }

  node(n: NodeId): void {
    if (n.kind === "none") {
      this.w.u64(ATOM_EMPTY);
      return;
    }
    this.w.u64(ATOM_DEFAULT);
    this.w.u32(n.processId);
    this.w.binary(n.hostId);
  }

  handle(h: ActorHandle): void {
    this.w.u64(h.id);
    this.node(h.node);
  }

  error(e: CafError): void {
    this.w.u8(e.code);
    this.w.u64(e.category.value);
    this.message(e.context);
  }

  data(d: Data): void {
    writeData(this.w, d, "broker-1");
  }

  optionalTimespan(t: bigint | undefined): void {
    this.w.u8(t === undefined ? 0 : 1);
    if (t !== undefined) this.w.i64(t);
  }

  publisher(p: PublisherId): void {
    this.node(p.node);
    this.w.u64(p.object);
  }

  pairs(pairs: readonly (readonly [Data, Data])[]): void {
    this.w.varbyte(pairs.length);
    for (const [k, v] of pairs) {
      this.data(k);
      this.data(v);
    }
  }

  command(c: InternalCommand): void {
    const index = [
      "none",
      "put",
      "put_unique",
      "erase",
      "expire",
      "add",
      "subtract",
      "snapshot",
      "snapshot_sync",
      "set",
      "clear",
    ].indexOf(c.kind);
    this.w.u8(index);
    switch (c.kind) {
      case "none":
      case "clear":
        return;
      case "put":
        this.data(c.key);
        this.data(c.value);
        this.optionalTimespan(c.expiry);
        this.publisher(c.publisher);
        return;
      case "put_unique":
        this.data(c.key);
        this.data(c.value);
        this.optionalTimespan(c.expiry);
        this.handle(c.who);
        this.w.u64(c.reqId);
        this.publisher(c.publisher);
        return;
      case "erase":
      case "expire":
        this.data(c.key);
        this.publisher(c.publisher);
        return;
      case "add":
        this.data(c.key);
        this.data(c.value);
        this.w.u8(c.initType);
        this.optionalTimespan(c.expiry);
        this.publisher(c.publisher);
        return;
      case "subtract":
        this.data(c.key);
        this.data(c.value);
        this.optionalTimespan(c.expiry);
        this.publisher(c.publisher);
        return;
      case "snapshot":
        this.handle(c.remoteCore);
        this.handle(c.remoteClone);
        return;
      case "snapshot_sync":
        this.handle(c.remoteClone);
        return;
      case "set":
        this.pairs(c.state);
        return;
    }
  }

  nodeMessage(m: NodeMessage): void {
    this.w.u8(m.content.kind === "data" ? 0 : 1);
    this.string(m.content.topic);
    if (m.content.kind === "data") this.data(m.content.data);
    else this.command(m.content.command);
    this.w.u16(m.ttl);
    this.w.varbyte(m.receivers.length);
    for (const n of m.receivers) this.node(n);
  }

  element(v: CafValue): void {
    switch (v.type) {
      case "@atom":
        this.w.u64(v.value.value);
        return;
      case "@str":
        this.string(v.value);
        return;
      case "@u8":
      case "@i8":
      case "bool":
        this.w.u8(v.value & 0xff);
        return;
      case "@u16":
      case "@i16":
        this.w.u16(v.value & 0xffff);
        return;
      case "@u32":
      case "@i32":
        this.w.u32(v.value >>> 0);
        return;
      case "@u64":
        this.w.u64(v.value);
        return;
      case "@i64":
      case "@timespan":
      case "@timestamp":
        this.w.i64(v.value);
        return;
      case "@actor":
      case "@addr":
      case "@strong_actor_ptr":
      case "@weak_actor_ptr":
        this.handle(v.value);
        return;
      case "@node":
        this.node(v.value);
        return;
      case "@error":
        this.error(v.value);
        return;
      case "@strvec":
      case "broker::filter_type":
        this.w.varbyte(v.value.length);
        for (const s of v.value) this.string(s);
        return;
      case "broker::data":
        this.data(v.value);
        return;
      case "broker::data_message":
        this.string(v.value.topic);
        this.data(v.value.data);
        return;
      case "broker::set_command":
        this.pairs(v.value);
        return;
      case "std::vector<broker::node_message>":
        this.w.varbyte(v.value.length);
        for (const m of v.value) this.nodeMessage(m);
        return;
      case "@open_stream_msg":
        this.w.u16(v.value.slot);
        this.message(v.value.msg);
        this.handle(v.value.prevStage);
        this.handle(v.value.originalStage);
        this.w.u32(v.value.priority >>> 0);
        return;
      case "@upstream_msg": {
        const u = v.value;
        this.w.u16(u.slots.sender);
        this.w.u16(u.slots.receiver);
        this.handle(u.sender);
        this.w.u8(["ack_open", "ack_batch", "drop", "forced_drop"].indexOf(u.kind));
        if (u.kind === "ack_open") {
          this.handle(u.rebindFrom);
          this.handle(u.rebindTo);
          this.w.u32(u.initialDemand >>> 0);
          this.w.u32(u.desiredBatchSize >>> 0);
        } else if (u.kind === "ack_batch") {
          this.w.u32(u.newCapacity >>> 0);
          this.w.u32(u.desiredBatchSize >>> 0);
          this.w.i64(u.acknowledgedId);
        } else if (u.kind === "forced_drop") this.error(u.reason);
        return;
      }
      case "@downstream_msg": {
        const d = v.value;
        this.w.u16(d.slots.sender);
        this.w.u16(d.slots.receiver);
        this.handle(d.sender);
        this.w.u8(["batch", "close", "forced_close"].indexOf(d.kind));
        if (d.kind === "batch") {
          this.w.u32(d.size >>> 0);
          this.message(d.xs);
          this.w.i64(d.id);
        } else if (d.kind === "forced_close") this.error(d.reason);
        return;
      }
      default:
        return; // @unit and caf::stream<…> are empty
    }
  }

  message(m: CafMessage): void {
    this.w.u16(m.typeNumber);
    this.string(m.signature);
    for (const e of m.elements) this.element(e);
  }
}
