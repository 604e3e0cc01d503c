import type { Data } from "@brokerkit/data-model";
import { writeData } from "../data/encode.js";
import type { Writer } from "../writer.js";
import type {
  ActorHandle,
  CafError,
  CafMessage,
  CafValue,
  InternalCommand,
  NodeMessage,
  PublisherId,
} from "./caf-message.js";
import { NODE_ID_DEFAULT, NODE_ID_NONE, type NodeId } from "./node-id.js";

// Writing CAF 0.17's binary serialization: the exact inverse of CafReader, so
// that a decoded message re-encodes to the bytes it came from.

export class CafWriter {
  constructor(readonly w: Writer) {}

  string(s: string): void {
    this.w.varbyte(s.length);
    this.w.binary(s);
  }

  node(n: NodeId): void {
    if (n.kind === "none") {
      this.w.u64(NODE_ID_NONE);
      return;
    }
    this.w.u64(NODE_ID_DEFAULT);
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
