import { concatDirection, type TcpConnection } from "@brokerkit/capture";
import { binaryToUtf8, type Data, toJsonBinary, toText } from "@brokerkit/data-model";
import {
  asZeekMessage,
  DEFAULT_LIMITS,
  decodeApiMessage,
  decodeBroker1Connection,
  decodeNativeConnection,
  decodeStoreCommand,
  nodeMessagesOf,
  permessageDeflateOf,
  WebSocketStreamDecoder,
} from "@brokerkit/wire";
import { detectProtocol, type Protocol } from "./detect.js";

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
  /** Broker's JSON v1 form of the payload. */
  readonly data?: Data;
  /** Broker's text form of the payload, or a short description. */
  readonly text: string;
}

/** ISO 8601 with nanoseconds, UTC. */
export function isoNs(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  return `${base}.${(((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).toString().padStart(9, "0")}Z`;
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

/** Every message of one TCP connection, decoded by the protocol its bytes speak. */
export function decodeConnection(conn: TcpConnection): DecodedRecord[] {
  const protocol = detectProtocol(conn);
  const name = `${conn.orig.ip}:${conn.orig.port}>${conn.resp.ip}:${conn.resp.port}`;
  const out: DecodedRecord[] = [];
  const push = (
    dir: "orig" | "resp",
    ns: bigint | undefined,
    kind: string,
    text: string,
    topic?: string,
    data?: Data,
  ) =>
    out.push({
      ts: isoNs(ns ?? 0n),
      timestampNs: ns ?? 0n,
      conn: name,
      dir,
      protocol,
      kind,
      ...(topic === undefined ? {} : { topic: binaryToUtf8(topic) }),
      ...(data === undefined ? {} : { data }),
      text,
    });
  for (const c of conn.chunks)
    if (c.gapBefore > 0) push(c.dir, c.timestampNs, "gap", `${c.gapBefore} bytes missing`);

  if (protocol === "broker-1") {
    for (const m of decodeBroker1Connection(conn)) {
      const nodes = nodeMessagesOf(m.message);
      const p = m.message.payload;
      if (nodes.length === 0) {
        const kind =
          p.kind === "unknown" ? "unknown" : p.kind.endsWith("handshake") ? "handshake" : "control";
        push(m.dir, m.timestampNs, kind, p.kind === "direct_message" ? p.message.signature : p.kind);
      }
      for (const n of nodes) {
        const c = n.content;
        if (c.kind === "data") push(m.dir, m.timestampNs, dataKind(c.data), toText(c.data), c.topic, c.data);
        else
          push(
            m.dir,
            m.timestampNs,
            "command",
            `${c.command.kind}${"key" in c.command ? ` ${toText(c.command.key)}` : ""}`,
            c.topic,
          );
      }
    }
  } else if (protocol === "broker-native") {
    for (const f of decodeNativeConnection(conn)) {
      const m = f.message;
      if (m.kind !== "envelope") {
        push(
          f.dir,
          f.timestampNs,
          m.kind === "unknown" || m.kind === "unframed" ? "unknown" : "handshake",
          m.kind,
        );
        continue;
      }
      const p = m.payload;
      if (p.type === "data") push(f.dir, f.timestampNs, dataKind(p.value), toText(p.value), m.topic, p.value);
      else if (p.type === "command") {
        let text = "command";
        try {
          const c = decodeStoreCommand(p.raw, DEFAULT_LIMITS).content;
          text = `${c.kind}${"key" in c ? ` ${toText(c.key)}` : ""}`;
        } catch {
          text = "undecodable command";
        }
        push(f.dir, f.timestampNs, "command", text, m.topic);
      } else push(f.dir, f.timestampNs, "control", p.type, m.topic);
    }
  } else if (protocol === "broker-websocket") {
    const server = new WebSocketStreamDecoder();
    const serverMessages = server.push(concatDirection(conn, "resp"));
    const times = {
      orig: conn.chunks.find((c) => c.dir === "orig")?.timestampNs,
      resp: conn.chunks.find((c) => c.dir === "resp")?.timestampNs,
    };
    // The client's head is only the offer; what was agreed is in the server's 101 response.
    const agreed = server.httpHead ? permessageDeflateOf(server.httpHead) : undefined;
    const clientDecoder = new WebSocketStreamDecoder(false, undefined, agreed?.client);
    for (const [dir, messages] of [
      ["orig", clientDecoder.push(concatDirection(conn, "orig"))],
      ["resp", serverMessages],
    ] as const) {
      for (const msg of messages) {
        if (msg.opcode !== 1 || (msg.compressed && !msg.inflated)) {
          push(dir, times[dir], "control", msg.compressed ? "compressed message" : `opcode ${msg.opcode}`);
          continue;
        }
        try {
          const a = decodeApiMessage(msg.payload);
          if (a.type === "data-message")
            push(dir, times[dir], dataKind(a.value), toText(a.value), a.topic, a.value);
          else if (a.type === "error") push(dir, times[dir], "error", `${a.code}: ${a.context}`);
          else
            push(
              dir,
              times[dir],
              "handshake",
              a.type === "ack" ? `ack ${a.endpoint} ${a.version}` : `subscribe ${a.topics.join(" ")}`,
            );
        } catch {
          push(dir, times[dir], "unknown", new TextDecoder().decode(msg.payload).slice(0, 80));
        }
      }
    }
  } else {
    push("orig", conn.chunks[0]?.timestampNs, "unknown", "not a Broker protocol");
  }
  return out.sort((a, b) => (a.timestampNs < b.timestampNs ? -1 : a.timestampNs > b.timestampNs ? 1 : 0));
}

/** The JSON line `brokerkit decode --format jsonl` prints for a record. */
export function recordToJsonLine(r: DecodedRecord): string {
  const fields: string[] = [
    `"ts":${JSON.stringify(r.ts)}`,
    `"conn":${JSON.stringify(r.conn)}`,
    `"dir":"${r.dir}"`,
    `"protocol":"${r.protocol}"`,
    `"kind":"${r.kind}"`,
  ];
  if (r.topic !== undefined) fields.push(`"topic":${JSON.stringify(r.topic)}`);
  if (r.data !== undefined) {
    // Broker's JSON is embedded as is when it is valid JSON (it is not for NaN, inf or raw control bytes).
    const json = binaryToUtf8(toJsonBinary(r.data));
    let valid = true;
    try {
      JSON.parse(json);
    } catch {
      valid = false;
    }
    fields.push(
      valid
        ? `"data":${json}`
        : `"data":null,"dataNote":${JSON.stringify("not valid JSON in Broker's form; see text")}`,
    );
  }
  fields.push(`"text":${JSON.stringify(r.text)}`);
  return `{${fields.join(",")}}`;
}
