import type { TcpChunk, TcpConnection, TcpFlow } from "@brokerkit/capture";
import { binaryToUtf8, concatBytes, type Data, toJsonBinary, toText } from "@brokerkit/data-model";
import {
  asZeekMessage,
  Broker1ConnectionDecoder,
  type Broker1Message,
  DEFAULT_LIMITS,
  decodeApiMessage,
  decodeStoreCommand,
  NativeConnectionDecoder,
  type NativeFrame,
  nodeMessagesOf,
  permessageDeflateOf,
  type WebSocketMessage,
  WebSocketStreamDecoder,
} from "@brokerkit/wire";
import { DETECT_BYTES, detectFromPrefix, type Protocol } from "./detect.js";
import { LegacyDecoder, type LegacyItem } from "./legacy.js";

/** One decoded message of a capture, in the shape `brokerkit decode` prints. */
export interface DecodedRecord {
  readonly ts: string;
  readonly timestampNs: bigint;
  readonly conn: string;
  readonly dir: "orig" | "resp";
  readonly protocol: Protocol;
  /** handshake, data, event, log, identifier, batch, command, control, status, error, unknown, gap */
  readonly kind: string;
  readonly topic?: string;
  /** gap: the number of bytes the capture is missing. */
  readonly size?: number;
  /** Broker's JSON v1 form of the payload. */
  readonly data?: Data;
  /** Broker's text form of the payload, or a short description. */
  readonly text: string;
}

let lastSecond: bigint | undefined;
let lastBase = "";

/** ISO 8601 with nanoseconds, UTC. */
export function isoNs(ns: bigint): string {
  const nanos = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const second = (ns - nanos) / 1_000_000_000n;
  // Packets come many to a second: the date part is made once per second.
  if (second !== lastSecond) {
    lastSecond = second;
    lastBase = new Date(Number(second) * 1000).toISOString().slice(0, 19);
  }
  return `${lastBase}.${nanos.toString().padStart(9, "0")}Z`;
}

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

type Dir = "orig" | "resp";
type Emit = (
  dir: Dir,
  ns: bigint | undefined,
  kind: string,
  text: string,
  topic?: string,
  data?: Data,
) => void;

// Per protocol: resynchronise a direction, take a chunk, and say what is left at the end.
interface ProtocolDecoder {
  resync(dir: Dir): void;
  push(chunk: TcpChunk): void;
  finish(): void;
}

function broker1Decoder(emit: Emit): ProtocolDecoder {
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
      emit(m.dir, m.timestampNs, kind, p.kind === "direct_message" ? p.message.signature : p.kind);
    }
    for (const n of nodes) {
      const c = n.content;
      if (c.kind === "data") emit(m.dir, m.timestampNs, dataKind(c.data), toText(c.data), c.topic, c.data);
      else
        emit(
          m.dir,
          m.timestampNs,
          "command",
          `${c.command.kind}${"key" in c.command ? ` ${toText(c.command.key)}` : ""}`,
          c.topic,
        );
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

function nativeDecoder(emit: Emit): ProtocolDecoder {
  const d = new NativeConnectionDecoder();
  const each = (f: NativeFrame) => {
    const m = f.message;
    if (m.kind !== "envelope") {
      const kind = m.kind === "unknown" || m.kind === "unframed" ? "unknown" : "handshake";
      emit(f.dir, f.timestampNs, kind, m.kind);
      return;
    }
    const p = m.payload;
    if (p.type === "data") emit(f.dir, f.timestampNs, dataKind(p.value), toText(p.value), m.topic, p.value);
    else if (p.type === "command") {
      let text = "command";
      try {
        const c = decodeStoreCommand(p.raw, DEFAULT_LIMITS).content;
        text = `${c.kind}${"key" in c ? ` ${toText(c.key)}` : ""}`;
      } catch {
        text = "undecodable command";
      }
      emit(f.dir, f.timestampNs, "command", text, m.topic);
    } else emit(f.dir, f.timestampNs, "control", p.type, m.topic);
  };
  return {
    resync: (dir) => d.resync(dir),
    push: (chunk) => {
      for (const f of d.push(chunk)) each(f);
    },
    finish() {},
  };
}

function legacyDecoder(emit: Emit): ProtocolDecoder {
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

function webSocketDecoder(emit: Emit): ProtocolDecoder {
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
      emit(dir, ns, "control", msg.compressed ? "compressed message" : `opcode ${msg.opcode}`);
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

/**
 * Decodes one TCP connection chunk by chunk, as reassembly delivers it:
 * detects the protocol from the first bytes (holding at most a few KiB until
 * it can), then returns each message as soon as its last byte arrives. A gap
 * becomes a `gap` record and the protocol decoder resynchronises at the next
 * message it can trust; so does a direction the capture joined midway.
 */
export class ConnectionDecoder {
  private decoder: ProtocolDecoder | undefined;
  private detected: Protocol | undefined;
  private held: TcpChunk[] = [];
  private heldBytes = 0;
  private readonly prefix = { orig: [] as Uint8Array[], resp: [] as Uint8Array[] };
  private readonly prefixBytes = { orig: 0, resp: 0 };
  private readonly midStream = { orig: false, resp: false };
  private out: DecodedRecord[] = [];
  private readonly name: string;

  constructor(private readonly flow: Pick<TcpFlow, "orig" | "resp">) {
    this.name = `${flow.orig.ip}:${flow.orig.port}>${flow.resp.ip}:${flow.resp.port}`;
  }

  /** The protocol, once detected. */
  get protocol(): Protocol | undefined {
    return this.detected;
  }

  push(chunk: TcpChunk): DecodedRecord[] {
    if (this.detected === undefined) {
      if (chunk.midStream) this.midStream[chunk.dir] = true;
      this.held.push(chunk);
      this.heldBytes += chunk.data.length;
      const limit = this.midStream[chunk.dir] ? DETECT_BYTES.midStream : DETECT_BYTES.start[chunk.dir];
      if (this.prefixBytes[chunk.dir] < limit) {
        this.prefix[chunk.dir].push(chunk.data.subarray(0, limit - this.prefixBytes[chunk.dir]));
        this.prefixBytes[chunk.dir] += Math.min(chunk.data.length, limit - this.prefixBytes[chunk.dir]);
      }
      // One side may stay silent: past 1 MiB held, decide with what there is.
      this.detect(this.heldBytes > 1 << 20);
    } else this.take(chunk);
    return this.drainOut();
  }

  /** The connection is over: decode what was held back. */
  finish(): DecodedRecord[] {
    if (this.detected === undefined) this.detect(true);
    this.decoder?.finish();
    return this.drainOut();
  }

  private drainOut(): DecodedRecord[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private detect(final: boolean): void {
    const protocol = detectFromPrefix(
      {
        orig: concatBytes(this.prefix.orig),
        resp: concatBytes(this.prefix.resp),
        midStream: this.midStream,
        respPort: this.flow.resp.port,
      },
      final,
    );
    if (protocol === undefined) return;
    this.detected = protocol;
    const emit: Emit = (dir, ns, kind, text, topic, data) => this.record(dir, ns, kind, text, topic, data);
    if (protocol === "broker-1") this.decoder = broker1Decoder(emit);
    else if (protocol === "broker-native") this.decoder = nativeDecoder(emit);
    else if (protocol === "broker-websocket") this.decoder = webSocketDecoder(emit);
    else if (protocol === "bro-legacy") this.decoder = legacyDecoder(emit);
    else this.record("orig", this.held[0]?.timestampNs, "unknown", "not a Broker protocol");
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    this.prefix.orig = [];
    this.prefix.resp = [];
    for (const c of held) this.take(c);
  }

  private take(chunk: TcpChunk): void {
    if (chunk.gapBefore > 0) {
      this.record(
        chunk.dir,
        chunk.timestampNs,
        "gap",
        `${chunk.gapBefore} bytes missing`,
        undefined,
        undefined,
        {
          size: chunk.gapBefore,
        },
      );
    }
    if (!this.decoder) return;
    if (chunk.gapBefore > 0 || chunk.midStream) this.decoder.resync(chunk.dir);
    this.decoder.push(chunk);
  }

  private record(
    dir: Dir,
    ns: bigint | undefined,
    kind: string,
    text: string,
    topic?: string,
    data?: Data,
    extra?: { size: number },
  ): void {
    this.out.push({
      ts: isoNs(ns ?? 0n),
      timestampNs: ns ?? 0n,
      conn: this.name,
      dir,
      protocol: this.detected ?? "unknown",
      kind,
      ...(topic === undefined ? {} : { topic: binaryToUtf8(topic) }),
      ...(extra ?? {}),
      ...(data === undefined ? {} : { data }),
      text,
    });
  }
}

/** Every message of one TCP connection held in memory, in capture order. */
export function decodeConnection(conn: TcpConnection): DecodedRecord[] {
  const d = new ConnectionDecoder(conn);
  return [...conn.chunks.flatMap((c) => d.push(c)), ...d.finish()];
}

const NON_ASCII = /[\x80-\xff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: Broker's JSON can hold raw control bytes; this finds them.
const MAYBE_INVALID = /[\x00-\x1f]|\\v|[:,[]-?(?:nan|inf)/;

/** The JSON line `brokerkit decode --format jsonl` prints for a record. */
export function recordToJsonLine(r: DecodedRecord): string {
  // ts, conn, dir, protocol and kind are plain ASCII without quotes or backslashes.
  let line = `{"ts":"${r.ts}","conn":"${r.conn}","dir":"${r.dir}","protocol":"${r.protocol}","kind":"${r.kind}"`;
  if (r.topic !== undefined) line += `,"topic":${JSON.stringify(r.topic)}`;
  if (r.size !== undefined) line += `,"size":${r.size}`;
  if (r.data !== undefined) {
    // Broker's JSON is embedded as is when it is valid JSON (it is not for NaN, inf, the \v escape or
    // raw control bytes; non-UTF-8 bytes become U+FFFD); only output that might be invalid is parsed.
    const binary = toJsonBinary(r.data);
    const json = NON_ASCII.test(binary) ? binaryToUtf8(binary) : binary;
    let valid = true;
    if (MAYBE_INVALID.test(binary)) {
      try {
        JSON.parse(json);
      } catch {
        valid = false;
      }
    }
    line += valid ? `,"data":${json}` : `,"data":null,"dataNote":"not valid JSON in Broker's form; see text"`;
  }
  return `${line},"text":${JSON.stringify(r.text)}}`;
}
