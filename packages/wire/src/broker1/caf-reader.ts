import type { Data } from "@brokerkit/data-model";
import { readData } from "../data/decode.js";
import { nameAt } from "../data/leaves.js";
import { DecodeError } from "../errors.js";
import type { DecodeLimits } from "../limits.js";
import type { Reader } from "../reader.js";
import { asAtom, atomText } from "./atom.js";
import type {
  ActorHandle,
  CafError,
  CafMessage,
  CafValue,
  InternalCommand,
  NodeMessage,
  PublisherId,
  StreamSlots,
} from "./caf-message.js";
import { NODE_ID_DEFAULT, NODE_ID_NONE, type NodeId } from "./node-id.js";
import { cachedSignatureTypes } from "./signature.js";

// Reading CAF 0.17's binary serialization (broker-1x spec §2–§5, §9.2): a
// type-erased message is a signature naming its elements' types, then each
// element in turn; Broker's values inside go through the data decoder.

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
    if (impl === NODE_ID_NONE) return { kind: "none" };
    if (impl !== NODE_ID_DEFAULT)
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
