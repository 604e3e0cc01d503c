import { string as brokerString, type Data, vector } from "@brokerkit/data-model";
import {
  Caps,
  type Direction,
  describe,
  describeEvent,
  escapeBytes,
  formatAddr,
  LegacyConnectionDecoder,
  type LegacyMessage,
  type LegacyRecord,
  type LogField,
  type LogValue,
  type Serialization,
  STATE_OP_NAMES,
  toBrokerData,
} from "@brokerkit/legacy-comm";
import { zeekEvent, zeekMessageToData } from "@brokerkit/wire";

/** One legacy message as `brokerkit decode` shows it. */
export interface LegacyItem {
  readonly dir: Direction;
  /** Stream offset of the message in its direction (for its capture time). */
  readonly offset: number;
  /** handshake, event, identifier, state, log, print, status, control, packet, unknown */
  readonly kind: string;
  readonly text: string;
  readonly data?: Data;
}

const CAP_NAMES: [number, string][] = [
  [Caps.compression, "compression"],
  [Caps.noCaching, "no-caching"],
  [Caps.pid64, "64-bit-ids"],
  [Caps.newCacheStrategy, "new-cache-strategy"],
  [Caps.broccoliPeer, "broccoli"],
];

const binary = (s: string) => JSON.stringify(s);

function logValueText(v: LogValue): string {
  if (!v.present) return "-";
  const p = v.value;
  switch (p.kind) {
    case "int":
    case "unsigned":
      return p.value.toString();
    case "port":
      return `${p.port}/${["unknown", "tcp", "udp", "icmp"][p.proto] ?? "unknown"}`;
    case "addr":
      return formatAddr(p.addr);
    case "subnet":
      return `${formatAddr(p.addr)}/${p.length}`;
    case "double":
      return String(p.value);
    case "string":
      return escapeBytes(p.bytes);
    case "list":
      return `{${p.elements.map(logValueText).join(",")}}`;
  }
}

function serialItem(s: Serialization): Omit<LegacyItem, "dir" | "offset"> {
  switch (s.kind) {
    case "event": {
      const event = zeekEvent(s.name, s.args.map(toBrokerData));
      return { kind: "event", text: describeEvent(s.name, s.args), data: zeekMessageToData(event) };
    }
    case "id": {
      const { name, value } = s.id;
      return {
        kind: "identifier",
        text: `${name} = ${value ? describe(value) : "<no value>"}`,
        ...(value ? { data: vector([brokerString(name), toBrokerData(value)]) } : {}),
      };
    }
    case "state": {
      const a = s.access;
      const ops = [a.op1, a.op2, a.op3].filter((v) => v !== undefined);
      return {
        kind: "state",
        text: `${(STATE_OP_NAMES[a.opcode] ?? `op${a.opcode}`).toUpperCase()} ${a.target} ${ops.map(describe).join(" ")}`,
        data: vector([brokerString(a.target), ...ops.map(toBrokerData)]),
      };
    }
    case "packet":
      return { kind: "packet", text: `packet of ${s.data.length} bytes (link type ${s.linkType})` };
  }
}

/** What each message of the Bro communication protocol becomes in `brokerkit decode`. */
export function legacyItems(
  dir: Direction,
  offset: number,
  m: LegacyMessage,
  writers: Map<string, readonly LogField[]>,
): LegacyItem[] {
  const one = (kind: string, text: string, data?: Data): LegacyItem[] => [
    { dir, offset, kind, text, ...(data === undefined ? {} : { data }) },
  ];
  switch (m.type) {
    case "version":
      return one(
        "handshake",
        `VERSION ${m.protocolVersion}, data format ${m.dataFormatVersion}, cache ${m.cacheSize}, runtime ${m.runtime} s${m.className ? `, class ${binary(m.className)}` : ""}`,
      );
    case "caps":
      return one(
        "handshake",
        `CAPS ${
          CAP_NAMES.filter(([bit]) => m.flags & bit)
            .map(([, n]) => n)
            .join(" ") || "none"
        }`,
      );
    case "request-events":
      return one("handshake", `REQUEST_EVENTS ${m.events.join(", ")}`);
    case "capture-filter":
      return one("handshake", `CAPTURE_FILTER ${binary(m.filter)}`);
    case "request-sync":
      return one("handshake", `REQUEST_SYNC${m.authoritative ? " (authoritative)" : ""}`);
    case "request-logs":
      return one("handshake", "REQUEST_LOGS");
    case "phase-done":
      return one("handshake", "PHASE_DONE");
    case "compress":
      return one("control", "COMPRESS (everything after this is compressed)");
    case "sync-point":
      return one("control", `SYNC_POINT ${m.point}`);
    case "ping":
    case "pong":
      return one("status", `${m.type.toUpperCase()} seq ${m.seq}`);
    case "remote-print":
      return m.prints.flatMap((p) =>
        one("print", `${p.file}: ${escapeBytes(Uint8Array.from(p.text, (c) => c.charCodeAt(0)))}`),
      );
    case "log-create-writer": {
      const w = m.writer;
      writers.set(w.info.path, w.fields);
      return one("log", `LOG_CREATE_WRITER ${w.info.path} (${w.fields.map((f) => f.name).join(", ")})`);
    }
    case "log-write":
      return m.entries.flatMap((e) => {
        const fields = writers.get(e.path);
        const cols = e.values.map((v, i) => `${fields?.[i]?.name ?? `$${i}`}=${logValueText(v)}`);
        return one("log", `${e.path}: ${cols.join(" ")}`);
      });
    case "serial":
      return [{ dir, offset, ...serialItem(m.serialization) }];
    case "unknown":
      return one(
        "unknown",
        `${m.code === undefined ? "chunk" : `message type ${m.code}`}${m.args ? ` (${m.args.length} bytes)` : ""}${m.error ? `: ${m.error.message}` : ""}`,
      );
  }
}

/** Decodes one legacy connection incrementally, turning each message into what `brokerkit decode` prints. */
export class LegacyDecoder {
  private readonly decoder = new LegacyConnectionDecoder();
  private readonly writers = new Map<string, readonly LogField[]>();

  push(dir: Direction, bytes: Uint8Array): LegacyItem[] {
    return this.items(this.decoder.push(dir, bytes));
  }

  /** Bytes went missing, or the capture joined midway: find the next message. */
  resync(dir: Direction): void {
    this.decoder.resync(dir);
  }

  /** The connection is over. */
  finish(): LegacyItem[] {
    return this.items([...this.decoder.finish("orig"), ...this.decoder.finish("resp")]);
  }

  private items(records: LegacyRecord[]): LegacyItem[] {
    return records.flatMap((r) => legacyItems(r.dir, r.offset, r.message, this.writers));
  }
}
