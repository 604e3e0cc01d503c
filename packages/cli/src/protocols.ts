import type { TcpChunk } from "@brokerkit/capture";
import { type Data, toText } from "@brokerkit/data-model";
import {
  asZeekMessage,
  Broker1ConnectionDecoder,
  type Broker1Message,
  baspPayloadText,
  commandText,
  DEFAULT_LIMITS,
  decodeApiMessage,
  decodeStoreCommand,
  NativeConnectionDecoder,
  type NativeFrame,
  nativeMessageText,
  nodeMessagesOf,
  permessageDeflateOf,
  storeCommandText,
  type WebSocketMessage,
  WebSocketStreamDecoder,
} from "@brokerkit/wire";
import { LegacyDecoder, type LegacyItem } from "./legacy.js";

// One adapter per protocol: each turns its wire decoder's messages into
// records through `emit`, and resynchronises a direction on request.

const ZEEK_KINDS: Record<string, string> = {
  event: "event",
  log_create: "log",
  log_write: "log",
  identifier_update: "identifier",
  batch: "batch",
};

function dataKind(value: Data): string {
  const z = asZeekMessage(value);
  return z ? ZEEK_KINDS[z.type]! : "data";
}

export type Dir = "orig" | "resp";
export type Emit = (
  dir: Dir,
  ns: bigint | undefined,
  kind: string,
  text: string,
  topic?: string,
  data?: Data,
) => void;

// Per protocol: resynchronise a direction, take a chunk, and say what is left at the end.
export interface ProtocolDecoder {
  resync(dir: Dir): void;
  push(chunk: TcpChunk): void;
  finish(): void;
}

export function broker1Decoder(emit: Emit): ProtocolDecoder {
  const d = new Broker1ConnectionDecoder();
  const each = (m: Broker1Message) => {
    const nodes = nodeMessagesOf(m.message);
    const p = m.message.payload;
    // Data sent straight to a peer (publish to an endpoint) rather than through a stream batch.
    const direct =
      p.kind === "direct_message" || p.kind === "routed_message"
        ? p.message.elements.flatMap((e) => (e.type === "broker::data_message" ? [e.value] : []))
        : [];
    for (const d of direct) emit(m.dir, m.timestampNs, dataKind(d.data), toText(d.data), d.topic, d.data);
    if (nodes.length === 0 && direct.length === 0) {
      const kind = p.kind === "unknown" ? "unknown" : p.kind.endsWith("handshake") ? "handshake" : "control";
      emit(m.dir, m.timestampNs, kind, baspPayloadText(p));
    }
    for (const n of nodes) {
      const c = n.content;
      if (c.kind === "data") emit(m.dir, m.timestampNs, dataKind(c.data), toText(c.data), c.topic, c.data);
      else emit(m.dir, m.timestampNs, "command", commandText(c.command), c.topic);
    }
  };
  return {
    resync: (dir) => d.resync(dir),
    push(chunk) {
      try {
        for (const m of d.push(chunk)) each(m);
      } catch (e) {
        // A length beyond the limit: BASP has nothing else to go by, so look for the next trusted message.
        emit(chunk.dir, chunk.timestampNs, "unknown", (e as Error).message);
        d.resync(chunk.dir);
      }
    },
    finish() {},
  };
}

export function nativeDecoder(emit: Emit): ProtocolDecoder {
  const d = new NativeConnectionDecoder();
  const each = (f: NativeFrame) => {
    const m = f.message;
    if (m.kind !== "envelope") {
      const kind =
        m.kind === "unknown" || m.kind === "unframed"
          ? "unknown"
          : m.kind === "empty"
            ? "control"
            : "handshake";
      emit(f.dir, f.timestampNs, kind, nativeMessageText(m));
      return;
    }
    const p = m.payload;
    if (p.type === "data") emit(f.dir, f.timestampNs, dataKind(p.value), toText(p.value), m.topic, p.value);
    else if (p.type === "command") {
      let text = "command";
      try {
        text = storeCommandText(decodeStoreCommand(p.raw, DEFAULT_LIMITS).content);
      } catch {
        text = "undecodable command";
      }
      emit(f.dir, f.timestampNs, "command", text, m.topic);
    } else emit(f.dir, f.timestampNs, "control", nativeMessageText(m), m.topic);
  };
  return {
    resync: (dir) => d.resync(dir),
    push: (chunk) => {
      for (const f of d.push(chunk)) each(f);
    },
    finish() {},
  };
}

export function legacyDecoder(emit: Emit): ProtocolDecoder {
  const d = new LegacyDecoder();
  const origins = { orig: new Origins(), resp: new Origins() };
  const each = (items: LegacyItem[]) => {
    for (const i of items) emit(i.dir, origins[i.dir].at(i.offset), i.kind, i.text, undefined, i.data);
  };
  return {
    resync: (dir) => d.resync(dir),
    push(chunk) {
      origins[chunk.dir].add(chunk);
      each(d.push(chunk.dir, chunk.data));
    },
    finish() {
      each(d.finish());
    },
  };
}

export function webSocketDecoder(emit: Emit): ProtocolDecoder {
  const server = new WebSocketStreamDecoder();
  // The client's head is only the offer; what was agreed is in the server's 101 response,
  // so the client's bytes wait (bounded) until that response is seen.
  let client: WebSocketStreamDecoder | undefined;
  let waiting: TcpChunk[] = [];
  let waitingBytes = 0;
  let clientResync = false;
  const origins = { orig: new Origins(), resp: new Origins() };
  const each = (dir: Dir, msg: WebSocketMessage) => {
    const ns = origins[dir].at(msg.offset);
    if (msg.opcode !== 1 || (msg.compressed && !msg.inflated)) {
      emit(dir, ns, "control", msg.compressed ? "compressed message" : webSocketControlText(msg));
      return;
    }
    try {
      const a = decodeApiMessage(msg.payload);
      if (a.type === "data-message") emit(dir, ns, dataKind(a.value), toText(a.value), a.topic, a.value);
      else if (a.type === "error") emit(dir, ns, "error", `${a.code}: ${a.context}`);
      else
        emit(
          dir,
          ns,
          "handshake",
          a.type === "ack" ? `ack ${a.endpoint} ${a.version}` : `subscribe ${a.topics.join(" ")}`,
        );
    } catch {
      emit(dir, ns, "unknown", new TextDecoder().decode(msg.payload).slice(0, 80));
    }
  };
  const feed = (decoder: WebSocketStreamDecoder, chunk: TcpChunk) => {
    origins[chunk.dir].add(chunk);
    try {
      for (const m of decoder.push(chunk.data)) each(chunk.dir, m);
    } catch (e) {
      emit(chunk.dir, chunk.timestampNs, "unknown", (e as Error).message);
      decoder.resync();
    }
  };
  const startClient = () => {
    const agreed = server.httpHead ? permessageDeflateOf(server.httpHead) : undefined;
    client = new WebSocketStreamDecoder(false, undefined, agreed?.client);
    if (clientResync) client.resync();
    const queued = waiting;
    waiting = [];
    for (const c of queued) feed(client, c);
  };
  return {
    resync(dir) {
      if (dir === "resp") server.resync();
      else if (client) client.resync();
      else clientResync = true;
    },
    push(chunk) {
      if (chunk.dir === "resp") {
        feed(server, chunk);
        if (!client && server.httpHead !== undefined) startClient();
      } else if (client) feed(client, chunk);
      else {
        waiting.push(chunk);
        waitingBytes += chunk.data.length;
        if (waitingBytes > 1 << 20) startClient();
      }
    },
    finish() {
      if (!client) startClient();
    },
  };
}

// RFC 6455's opcodes by name; Broker's API speaks only text, so anything else is control traffic.
function webSocketControlText(msg: WebSocketMessage): string {
  switch (msg.opcode) {
    case 2:
      return `binary message, ${msg.payload.length} bytes`;
    case 8:
      return msg.close
        ? `close ${msg.close.code}${msg.close.reason ? ` ${JSON.stringify(msg.close.reason)}` : ""}`
        : "close";
    case 9:
      return "ping";
    case 10:
      return "pong";
    default:
      return `opcode ${msg.opcode}`;
  }
}

// When each byte offset of a direction was captured, for the chunks not yet decoded.
class Origins {
  private list: { at: number; ns: bigint }[] = [];
  private end = 0;

  add(chunk: TcpChunk): void {
    this.list.push({ at: this.end, ns: chunk.timestampNs });
    this.end += chunk.data.length;
    // A direction that yields no messages for long (nothing to resynchronise on) must not grow this.
    if (this.list.length > 4096) this.list.splice(0, 2048);
  }

  /** The capture time of the byte at `offset`; earlier offsets are forgotten. */
  at(offset: number): bigint | undefined {
    let k = 0;
    while (k + 1 < this.list.length && this.list[k + 1]!.at <= offset) k++;
    if (k > 0) this.list.splice(0, k);
    return this.list[0]?.ns;
  }
}
