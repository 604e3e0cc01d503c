import { binaryToUtf8 } from "@brokerkit/data-model";
import {
  type Broker1Message,
  DEFAULT_LIMITS,
  DecodeError,
  type DecodeLimits,
  decodeStoreCommand,
  type NativeMessage,
  nodeMessagesOf,
} from "@brokerkit/wire";
import { ChannelConsumer, type ProducerMessage } from "./channel.js";
import type { StoreCommand } from "./command.js";
import { fromBroker1Command, fromCurrentCommand } from "./from-wire.js";
import type { LoggedCommand } from "./replay.js";

// What reached a store's clones, picked out of decoded traffic: the input that
// rebuilds the store with replayBroadcasts. Broker 1.x delivers in TCP order
// with no sequence numbers; the current protocol numbers the master's
// broadcasts, so a channel consumer puts them in order, drops duplicates (the
// same broadcast reaches every clone, retransmits come again) and drops what
// the snapshot already holds.

const CLONE_SUFFIX = "/<$>/data/clone";
const MASTER_SUFFIX = "/<$>/data/master";

const storeOf = (topic: string, suffix: string) =>
  topic.endsWith(suffix) ? binaryToUtf8(topic.slice(0, -suffix.length)) : undefined;

/** Each store's command log, by store name. */
export type StoreLogs = Map<string, LoggedCommand[]>;

function append(logs: StoreLogs, store: string, c: Omit<LoggedCommand, "seq">, seq?: bigint): void {
  const log = logs.get(store) ?? [];
  logs.set(store, log);
  log.push({ seq: seq ?? BigInt(log.length + 1), time: c.time, command: c.command });
}

/**
 * The clone input of every Broker 1.x store in the messages of some connections
 * (each connection's messages in stream order): the snapshot a clone receives
 * (a set_command addressed to the clone actor that asked for it on the master
 * topic) and the master's commands on the clone topic. Sequence numbers are
 * positions in a store's log (Broker 1.x has none). A store is read from the
 * first connection that carries its clone traffic: other connections carry
 * the same broadcasts to other clones.
 */
export function broker1StoreLogs(connections: Iterable<Iterable<Broker1Message>>): StoreLogs {
  const logs: StoreLogs = new Map();
  const cloneActors = new Map<bigint, string>(); // clone actor id -> store, from snapshot requests
  for (const messages of connections) {
    const here: StoreLogs = new Map();
    for (const m of messages) {
      const time = m.timestampNs ?? 0n;
      const p = m.message.payload;
      if (p.kind === "direct_message") {
        const store = cloneActors.get(m.message.header.destActor);
        for (const e of p.message.elements)
          if (e.type === "broker::set_command" && store !== undefined)
            append(here, store, { time, command: { kind: "snapshot", entries: e.value } });
      }
      for (const n of nodeMessagesOf(m.message)) {
        if (n.content.kind !== "command") continue;
        const c = n.content.command;
        const master = storeOf(n.content.topic, MASTER_SUFFIX);
        if (master !== undefined && c.kind === "snapshot") cloneActors.set(c.remoteClone.id, master);
        const store = storeOf(n.content.topic, CLONE_SUFFIX);
        const command = store === undefined ? undefined : fromBroker1Command(c);
        if (store !== undefined && command) append(here, store, { time, command });
      }
    }
    for (const [store, log] of here) if (!logs.has(store)) logs.set(store, log);
  }
  return logs;
}

/** A native frame as @brokerkit/wire decodes it, with its capture time. */
export interface TimedNativeMessage {
  readonly timestampNs?: bigint;
  readonly message: NativeMessage;
}

export interface CurrentStoreLogs {
  readonly logs: StoreLogs;
  /** Command envelopes on store topics that did not decode (skipped). */
  readonly errors: { readonly store: string; readonly time: bigint; readonly error: DecodeError }[];
}

/**
 * The clone input of every current-Broker store in native traffic (all
 * connections' frames, in capture order): the ack_clone snapshot, then the
 * master's broadcasts in channel order, each exactly once. Sequence numbers
 * are the channel's (the snapshot has the handshake's offset). A broadcast the
 * master reports lost (retransmit_failed) is skipped, where a real clone would
 * give up; what follows is still applied.
 */
export function currentStoreLogs(
  frames: Iterable<TimedNativeMessage>,
  limits: DecodeLimits = DEFAULT_LIMITS,
): CurrentStoreLogs {
  const logs: StoreLogs = new Map();
  const errors: CurrentStoreLogs["errors"][number][] = [];
  const channels = new Map<string, ChannelConsumer<StoreCommand>>();
  for (const { timestampNs, message: m } of frames) {
    if (m.kind !== "envelope" || m.payload.type !== "command") continue;
    const store = storeOf(m.topic, CLONE_SUFFIX);
    if (store === undefined) continue;
    const time = timestampNs ?? 0n;
    let decoded: ReturnType<typeof decodeStoreCommand>;
    try {
      decoded = decodeStoreCommand(m.payload.raw, limits);
    } catch (e) {
      if (e instanceof DecodeError) {
        errors.push({ store, time, error: e });
        continue;
      }
      throw e;
    }
    const channel = channels.get(store) ?? new ChannelConsumer<StoreCommand>();
    channels.set(store, channel);
    const c = decoded.content;
    let message: ProducerMessage<StoreCommand> | undefined;
    if (c.kind === "ack_clone") {
      if (!channel.initialized)
        append(logs, store, { time, command: { kind: "snapshot", entries: c.state } }, c.offset);
      message = { kind: "handshake", offset: c.offset, heartbeatInterval: c.heartbeatInterval };
    } else if (c.kind === "keepalive") message = { kind: "heartbeat", seq: c.seq };
    else if (c.kind === "retransmit_failed") message = { kind: "retransmit_failed", seq: c.seq };
    else {
      const command = fromCurrentCommand(c);
      if (command) message = { kind: "event", seq: decoded.seq, payload: command };
    }
    if (!message) continue;
    for (const d of channel.handle(message).delivered)
      if (d.kind === "event") append(logs, store, { time, command: d.payload }, d.seq);
  }
  return { logs, errors };
}
