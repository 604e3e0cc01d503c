import { bytesToBinary } from "@brokerkit/data-model";
import { ByteQueue } from "../byte-queue.js";
import { DecodeError } from "../errors.js";
import { type DecodeLimits, resolveLimits } from "../limits.js";
import { Reader } from "../reader.js";
import { BoundaryScanner } from "../resync.js";
import { Writer } from "../writer.js";
import type { ActorHandle, CafError, CafMessage } from "./caf-message.js";
import { CafReader } from "./caf-reader.js";
import { CafWriter } from "./caf-writer.js";
import type { NodeId } from "./node-id.js";

// BASP, CAF 0.17's framing (broker-1x spec §4): a 32-byte big-endian header,
// then exactly payload_len bytes. No magic and no checksum, so a decoder
// trusts the length; a payload it cannot parse is kept raw and the stream
// continues at the next header.

export const BASP_HEADER_SIZE = 32;

export const BASP_OPERATIONS = [
  "server_handshake",
  "client_handshake",
  "direct_message",
  "routed_message",
  "monitor_message",
  "down_message",
  "heartbeat",
] as const;
export type BaspOperation = (typeof BASP_OPERATIONS)[number];

export interface BaspHeader {
  /** The operation code (0-6 are defined; others are kept as numbers and the payload as raw bytes). */
  readonly operation: number;
  /** Bytes 1-2, written as zero by CAF. */
  readonly padding: number;
  /** 0x01 named receiver (dest is an atom), 0x02 select connection. */
  readonly flags: number;
  readonly payloadLength: number;
  /** The BASP version (server handshake) or the message id (direct/routed messages). */
  readonly operationData: bigint;
  readonly sourceActor: bigint;
  readonly destActor: bigint;
}

export type BaspPayload =
  | {
      readonly kind: "server_handshake";
      readonly node: NodeId;
      readonly appIds: readonly string[];
      readonly publishedActor: bigint;
      readonly signatures: readonly string[];
    }
  | { readonly kind: "client_handshake"; readonly node: NodeId }
  | { readonly kind: "direct_message"; readonly stages: readonly ActorHandle[]; readonly message: CafMessage }
  | {
      readonly kind: "routed_message";
      readonly source: NodeId;
      readonly dest: NodeId;
      readonly stages: readonly ActorHandle[];
      readonly message: CafMessage;
    }
  | { readonly kind: "monitor_message"; readonly source: NodeId; readonly dest: NodeId }
  | {
      readonly kind: "down_message";
      readonly source: NodeId;
      readonly dest: NodeId;
      readonly reason: CafError;
    }
  | { readonly kind: "heartbeat" }
  /** A payload brokerkit could not decode (unknown operation or type, malformed bytes): kept exactly. */
  | { readonly kind: "unknown"; readonly raw: string; readonly error?: DecodeError };

export interface BaspMessage {
  readonly header: BaspHeader;
  readonly payload: BaspPayload;
}

export function readBaspHeader(r: Reader): BaspHeader {
  const operation = r.u8("a BASP operation");
  const padding = r.u16("BASP padding");
  const flags = r.u8("BASP flags");
  const payloadLength = r.u32("a BASP payload length");
  return {
    operation,
    padding,
    flags,
    payloadLength,
    operationData: r.u64("BASP operation data"),
    sourceActor: r.u64("a source actor"),
    destActor: r.u64("a destination actor"),
  };
}

function strings(c: CafReader, what: string): string[] {
  const n = c.count(what, 1);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(c.string(what));
  return out;
}

function stages(c: CafReader): ActorHandle[] {
  const n = c.count("a forwarding stack", 16);
  const out: ActorHandle[] = [];
  for (let i = 0; i < n; i++) out.push(c.handle());
  return out;
}

function payloadOf(operation: number, c: CafReader): BaspPayload {
  switch (BASP_OPERATIONS[operation]) {
    case "server_handshake":
      return {
        kind: "server_handshake",
        node: c.node(),
        appIds: strings(c, "application identifiers"),
        publishedActor: c.r.u64("the published actor id"),
        signatures: strings(c, "interface signatures"),
      };
    case "client_handshake":
      return { kind: "client_handshake", node: c.node() };
    case "direct_message":
      return { kind: "direct_message", stages: stages(c), message: c.message(0) };
    case "routed_message":
      return {
        kind: "routed_message",
        source: c.node(),
        dest: c.node(),
        stages: stages(c),
        message: c.message(0),
      };
    case "monitor_message":
      return { kind: "monitor_message", source: c.node(), dest: c.node() };
    case "down_message":
      return { kind: "down_message", source: c.node(), dest: c.node(), reason: c.error(0) };
    case "heartbeat":
      return { kind: "heartbeat" };
    default:
      throw new DecodeError("invalid", c.r.offset(), "a BASP operation 0-6", `got ${operation}`);
  }
}

/**
 * Decode the payload of one BASP message. Never throws: what cannot be
 * decoded (or leaves bytes over) becomes an `unknown` payload holding the
 * exact bytes and the reason.
 */
export function decodeBaspPayload(
  header: BaspHeader,
  payload: Uint8Array,
  base: number,
  limits: DecodeLimits,
): BaspPayload {
  return readPayload(header, new Reader(payload, 0, payload.length, base), limits);
}

// decodeBaspPayload on r's bytes [pos, end).
function readPayload(header: BaspHeader, r: Reader, limits: DecodeLimits): BaspPayload {
  const start = r.pos;
  try {
    const p = payloadOf(header.operation, new CafReader(r, limits));
    if (r.remaining > 0)
      throw new DecodeError(
        "trailing",
        r.offset(),
        "the end of the BASP payload",
        `${r.remaining} bytes left`,
      );
    return p;
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { kind: "unknown", raw: bytesToBinary(r.bytes, start, r.end), error: e };
  }
}

function writePayload(c: CafWriter, p: BaspPayload): void {
  const list = (xs: readonly string[]) => {
    c.w.varbyte(xs.length);
    for (const s of xs) c.string(s);
  };
  switch (p.kind) {
    case "server_handshake":
      c.node(p.node);
      list(p.appIds);
      c.w.u64(p.publishedActor);
      list(p.signatures);
      return;
    case "client_handshake":
      c.node(p.node);
      return;
    case "direct_message":
    case "routed_message":
      if (p.kind === "routed_message") {
        c.node(p.source);
        c.node(p.dest);
      }
      c.w.varbyte(p.stages.length);
      for (const h of p.stages) c.handle(h);
      c.message(p.message);
      return;
    case "monitor_message":
    case "down_message":
      c.node(p.source);
      c.node(p.dest);
      if (p.kind === "down_message") c.error(p.reason);
      return;
    case "heartbeat":
      return;
    case "unknown":
      c.w.binary(p.raw);
      return;
  }
}

/** The bytes of one BASP message; the header's payload length is recomputed from the payload. */
export function encodeBaspMessage(m: BaspMessage): Uint8Array {
  const body = new Writer();
  writePayload(new CafWriter(body), m.payload);
  const payload = body.finish();
  const w = new Writer(BASP_HEADER_SIZE + payload.length);
  const h = m.header;
  w.u8(h.operation);
  w.u16(h.padding);
  w.u8(h.flags);
  w.u32(payload.length);
  w.u64(h.operationData);
  w.u64(h.sourceActor);
  w.u64(h.destActor);
  w.bytes(payload);
  return w.finish();
}

/** A decoded message and where its first byte was in the direction's byte stream. */
export interface BaspFrame {
  readonly offset: number;
  readonly message: BaspMessage;
}

/**
 * One direction of a BASP connection, fed in chunks of any size, in linear
 * time however it is cut. A header whose payload length exceeds the limit
 * cannot be skipped safely (the length is all BASP has): the messages before
 * it are returned, and the push that reaches it without any throws a
 * DecodeError (call `resync()` to go on at the next trusted message).
 *
 * After `resync()` (bytes were lost, or the stream is joined midway) the
 * decoder looks for the next message it can trust before decoding on: a
 * header with operation server_handshake, direct_message or routed_message,
 * zero padding, flags of at most 3 and a length within the limit, whose
 * whole payload decodes with nothing left over. Heartbeats and the other
 * operations carry too little structure to be recognised, so they are skipped
 * until such a message comes.
 */
export class BaspStreamDecoder {
  private readonly queue = new ByteQueue();
  private view = new DataView(this.queue.bytes.buffer);
  private readonly limits: DecodeLimits;
  private scanner: BoundaryScanner | undefined;
  /** Bytes passed over while resynchronising, in total. */
  skipped = 0;

  constructor(limits?: Partial<DecodeLimits>) {
    this.limits = resolveLimits(limits);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** The bytes pushed next do not continue the ones before: drop any partial message and look for the next one. */
  resync(): void {
    this.skipped += this.queue.length;
    this.queue.clear();
    this.scanner ??= new BoundaryScanner((b, at) => probeBasp(b, at, this.limits));
    this.scanner.reset(this.queue.offsetOf(this.queue.start));
  }

  push(chunk: Uint8Array): BaspFrame[] {
    const q = this.queue;
    q.append(chunk);
    const out: BaspFrame[] = [];
    if (this.scanner) {
      const { found, keep } = this.scanner.find(q.pending(), q.offsetOf(q.start));
      const skip = found < 0 ? keep : found;
      this.skipped += skip;
      q.consumeTo(q.start + skip);
      if (found < 0) return out;
      this.scanner = undefined;
    }
    const bytes = q.bytes;
    if (this.view.buffer !== bytes.buffer) this.view = new DataView(bytes.buffer);
    const base = q.offsetOf(0);
    let pos = q.start;
    while (q.end - pos >= BASP_HEADER_SIZE) {
      const header = readBaspHeader(new Reader(bytes, pos, q.end, base, this.view));
      if (header.payloadLength > this.limits.maxMessageBytes) {
        // Deliver what came before; the next push reports the length (and the caller resyncs).
        if (out.length > 0) break;
        throw new DecodeError(
          "limit",
          base + pos + 4,
          `a BASP payload of at most ${this.limits.maxMessageBytes} bytes`,
        );
      }
      const end = pos + BASP_HEADER_SIZE + header.payloadLength;
      if (end > q.end) break;
      const r = new Reader(bytes, pos + BASP_HEADER_SIZE, end, base, this.view);
      out.push({ offset: base + pos, message: { header, payload: readPayload(header, r, this.limits) } });
      pos = end;
    }
    q.consumeTo(pos);
    return out;
  }
}

// Whether a BASP message the decoder can trust starts at `at` (see BaspStreamDecoder).
function probeBasp(b: Uint8Array, at: number, limits: DecodeLimits): "no" | "more" | "yes" {
  const n = b.length - at;
  if (n < 1) return "more";
  const op = b[at]!;
  if (op !== 0 && op !== 2 && op !== 3) return "no";
  if ((n > 1 && b[at + 1] !== 0) || (n > 2 && b[at + 2] !== 0) || (n > 3 && b[at + 3]! > 3)) return "no";
  if (n < BASP_HEADER_SIZE) return "more";
  const header = readBaspHeader(new Reader(b, at, b.length));
  if (header.payloadLength === 0 || header.payloadLength > limits.maxMessageBytes) return "no";
  if (n < BASP_HEADER_SIZE + header.payloadLength) return "more";
  const payload = b.subarray(at + BASP_HEADER_SIZE, at + BASP_HEADER_SIZE + header.payloadLength);
  return decodeBaspPayload(header, payload, 0, limits).kind === "unknown" ? "no" : "yes";
}
