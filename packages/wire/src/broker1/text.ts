import { type Data, toText } from "@brokerkit/data-model";
import { keyValueCommandText, quotedText, topicsText } from "../text.js";
import type { BaspPayload } from "./basp.js";
import type {
  ActorHandle,
  CafError,
  CafMessage,
  CafValue,
  InternalCommand,
  NodeMessage,
} from "./caf-message.js";
import { type NodeId, nodeIdText } from "./node-id.js";

// Broker 1.x messages as one line for people reading a capture. A CAF
// message reads as CAF 0.17's stringification_inspector prints one: elements
// in parentheses, atoms in single quotes, strings in double quotes. The
// stream messages Broker's peers exchange are spelled out with their slots
// ("sender→receiver") and credit, so a peering reads as a conversation rather
// than a list of type signatures. Broker values use Broker's own text form;
// node ids are Broker's HOSTID#pid.

/** A BASP message's payload as one readable line, e.g. `('peer', ["/zeek/"], actor 6@…#1234)`. */
export function baspPayloadText(p: BaspPayload): string {
  switch (p.kind) {
    case "server_handshake":
      return `server_handshake ${nodeIdText(p.node)} ${p.appIds.join(" ")} actor ${p.publishedActor}`;
    case "client_handshake":
      return `client_handshake ${nodeIdText(p.node)}`;
    case "direct_message":
      return streamOrMessageText(p.message);
    case "routed_message":
      return `${route(p.source, p.dest)} ${streamOrMessageText(p.message)}`;
    case "monitor_message":
      return `monitor ${route(p.source, p.dest)}`;
    case "down_message":
      return `down ${route(p.source, p.dest)} ${errorText(p.reason)}`;
    case "heartbeat":
      return "heartbeat";
    case "unknown":
      return p.error ? `unknown: ${p.error.message}` : "unknown";
  }
}

// Stream traffic travels as messages of one stream element: that element says it all.
function streamOrMessageText(m: CafMessage): string {
  const only = m.elements.length === 1 ? m.elements[0]! : undefined;
  const stream =
    only?.type === "@open_stream_msg" || only?.type === "@upstream_msg" || only?.type === "@downstream_msg";
  return stream ? elementText(only) : cafMessageText(m);
}

/** A type-erased CAF message as CAF prints one: `(elem, elem, …)`. */
export function cafMessageText(m: CafMessage): string {
  return `(${m.elements.map(elementText).join(", ")})`;
}

function elementText(v: CafValue): string {
  switch (v.type) {
    case "@atom":
      return `'${v.value.text}'`;
    case "@str":
      return quotedText(v.value);
    case "@u8":
    case "@u16":
    case "@u32":
    case "@i8":
    case "@i16":
    case "@i32":
    case "@u64":
    case "@i64":
      return String(v.value);
    case "bool":
      return v.value !== 0 ? "true" : "false";
    case "@timespan":
    case "@timestamp":
      return `${v.value}ns`;
    case "@actor":
    case "@addr":
    case "@strong_actor_ptr":
    case "@weak_actor_ptr":
      return actorText(v.value);
    case "@node":
      return nodeIdText(v.value);
    case "@error":
      return errorText(v.value);
    case "@strvec":
    case "broker::filter_type":
      return topicsText(v.value);
    case "broker::data":
      return toText(v.value);
    case "broker::data_message":
      return `(${quotedText(v.value.topic)}, ${toText(v.value.data)})`;
    case "broker::set_command":
      return `set ${pairsText(v.value)}`;
    case "std::vector<broker::node_message>":
      return `[${v.value.map(nodeMessageText).join(", ")}]`;
    case "@open_stream_msg": {
      const o = v.value;
      return `open_stream_msg(slot ${o.slot}, ${cafMessageText(o.msg)}, from ${actorText(o.prevStage)})`;
    }
    case "@upstream_msg": {
      const u = v.value;
      const slots = `${u.slots.sender}→${u.slots.receiver}`;
      switch (u.kind) {
        case "ack_open":
          return `ack_open(${slots}, demand ${u.initialDemand}, batch size ${u.desiredBatchSize})`;
        case "ack_batch":
          return `ack_batch(${slots}, id ${u.acknowledgedId}, capacity ${u.newCapacity}, batch size ${u.desiredBatchSize})`;
        case "drop":
          return `drop(${slots})`;
        case "forced_drop":
          return `forced_drop(${slots}, ${errorText(u.reason)})`;
      }
      break;
    }
    case "@downstream_msg": {
      const d = v.value;
      const slots = `${d.slots.sender}→${d.slots.receiver}`;
      switch (d.kind) {
        case "batch":
          return `batch(${slots}, id ${d.id}, ${cafMessageText(d.xs)})`;
        case "close":
          return `close(${slots})`;
        case "forced_close":
          return `forced_close(${slots}, ${errorText(d.reason)})`;
      }
      break;
    }
  }
  // @unit and caf::stream<…> carry nothing.
  return v.type === "@unit" ? "unit" : "stream";
}

/** A node message as `(topic, value)` or `(topic, command key)`. */
export function nodeMessageText(n: NodeMessage): string {
  const c = n.content;
  return `(${quotedText(c.topic)}, ${c.kind === "data" ? toText(c.data) : commandText(c.command)})`;
}

/** A Broker 1.x store command: its kind and, where it has them, key and value in Broker's text form. */
export function commandText(c: InternalCommand): string {
  return c.kind === "set" ? `set ${pairsText(c.state)}` : keyValueCommandText(c);
}

function pairsText(pairs: readonly (readonly [Data, Data])[]): string {
  return `{${pairs.map(([k, v]) => `${toText(k)} -> ${toText(v)}`).join(", ")}}`;
}

function actorText(h: ActorHandle): string {
  return h.id === 0n && h.node.kind === "none" ? "null" : `actor ${h.id}@${nodeIdText(h.node)}`;
}

function errorText(e: CafError): string {
  const parts = [String(e.code)];
  if (e.category.text !== "") parts.push(`'${e.category.text}'`);
  if (e.context.elements.length > 0) parts.push(cafMessageText(e.context));
  return `error(${parts.join(", ")})`;
}

const route = (source: NodeId, dest: NodeId) => `${nodeIdText(source)} → ${nodeIdText(dest)}`;
