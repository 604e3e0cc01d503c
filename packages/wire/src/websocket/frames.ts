import { concatBytes } from "@brokerkit/data-model";
import { ByteQueue } from "../byte-queue.js";
import { DecodeError } from "../errors.js";
import { type DecodeLimits, resolveLimits } from "../limits.js";
import { Reader } from "../reader.js";
import { BoundaryScanner } from "../resync.js";
import { Writer } from "../writer.js";
import { RawInflater } from "./inflate.js";

// RFC 6455 framing, for reading captured WebSocket traffic (Broker's and
// Zeek's JSON API) and for clients. Payloads are unmasked on decode; the mask
// key is kept so a frame re-encodes to the bytes captured.

export const WS_OPCODES = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

export interface WebSocketFrame {
  readonly fin: boolean;
  /** RSV1-3 as a 3-bit number; RSV1 (4) marks a permessage-deflate compressed message. */
  readonly rsv: number;
  readonly opcode: number;
  /** The 4-byte masking key of a client frame, or undefined for an unmasked (server) frame. */
  readonly mask?: Uint8Array;
  /** Unmasked payload. */
  readonly payload: Uint8Array;
  /** How the length was written (7-bit, 16-bit or 64-bit form), so re-encoding is exact. */
  readonly lengthForm: 7 | 16 | 64;
}

/** Read one frame at the reader's position ("truncated" if it is not all there yet). */
export function readWebSocketFrame(r: Reader, limits: DecodeLimits): WebSocketFrame {
  const b0 = r.u8("a WebSocket frame header");
  const b1 = r.u8("a WebSocket frame header");
  const opcode = b0 & 0x0f;
  if (![0, 1, 2, 8, 9, 10].includes(opcode))
    throw new DecodeError("invalid", r.offset() - 2, "a WebSocket opcode", `got ${opcode}`);
  const at = r.offset();
  let length = b1 & 0x7f;
  let lengthForm: 7 | 16 | 64 = 7;
  if (length === 126) {
    length = r.u16("a 16-bit payload length");
    lengthForm = 16;
  } else if (length === 127) {
    const big = r.u64("a 64-bit payload length");
    if (big > BigInt(limits.maxMessageBytes)) {
      throw new DecodeError("limit", at, `a WebSocket payload of at most ${limits.maxMessageBytes} bytes`);
    }
    length = Number(big);
    lengthForm = 64;
  }
  if (length > limits.maxMessageBytes)
    throw new DecodeError("limit", at, `a WebSocket payload of at most ${limits.maxMessageBytes} bytes`);
  if (opcode >= 8 && (length > 125 || (b0 & 0x80) === 0)) {
    throw new DecodeError("invalid", at, "a control frame of at most 125 bytes, not fragmented");
  }
  const mask = b1 & 0x80 ? r.take(4, "a masking key").slice() : undefined;
  const payload = r.take(length, "the frame payload").slice();
  if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
  return {
    fin: (b0 & 0x80) !== 0,
    rsv: (b0 >> 4) & 7,
    opcode,
    ...(mask ? { mask } : {}),
    payload,
    lengthForm,
  };
}

export function encodeWebSocketFrame(f: WebSocketFrame): Uint8Array {
  const w = new Writer(14 + f.payload.length);
  w.u8((f.fin ? 0x80 : 0) | ((f.rsv & 7) << 4) | (f.opcode & 0x0f));
  const maskBit = f.mask ? 0x80 : 0;
  const n = f.payload.length;
  const form = Math.max(f.lengthForm, n > 0xffff ? 64 : n > 125 ? 16 : 7);
  if (form === 7) w.u8(maskBit | n);
  else if (form === 16) {
    w.u8(maskBit | 126);
    w.u16(n);
  } else {
    w.u8(maskBit | 127);
    w.u64(BigInt(n));
  }
  if (f.mask) {
    w.bytes(f.mask);
    const masked = f.payload.slice();
    for (let i = 0; i < masked.length; i++) masked[i]! ^= f.mask[i & 3]!;
    w.bytes(masked);
  } else {
    w.bytes(f.payload);
  }
  return w.finish();
}

/** A complete message: the frames of one data message joined, or one control frame. */
export interface WebSocketMessage {
  readonly opcode: number;
  /** True when RSV1 is set: the message was permessage-deflate compressed on the wire. */
  readonly compressed: boolean;
  /** True when `payload` is the inflated message (the decoder knew the negotiated parameters). */
  readonly inflated?: boolean;
  /** The message (inflated when `inflated`; still compressed when `compressed` without `inflated`). */
  readonly payload: Uint8Array;
  /** Close frames: the status code and reason, when present. */
  readonly close?: { readonly code: number; readonly reason: string };
  /** Stream offset of the first frame. */
  readonly offset: number;
  readonly frames: readonly WebSocketFrame[];
}

/**
 * One direction of a WebSocket connection in chunks of any size: frames are
 * joined into messages (control frames may arrive between fragments). Until
 * `upgraded` the bytes are an HTTP/1.1 head, skipped up to its blank line.
 *
 * After `resync()` (bytes were lost, or the stream is joined midway) the
 * decoder looks for the next frame it can trust: a final, unfragmented text
 * frame (RSV bits clear, masked exactly when the head showed a client, or
 * either way without a head) whose payload is a JSON object or array, as
 * every Broker API message is. Compressed messages cannot be trusted (and,
 * with context takeover, not inflated after a gap: the shared dictionary is
 * lost), so they are passed over, or reported still compressed.
 */
export class WebSocketStreamDecoder {
  private readonly queue = new ByteQueue();
  private fragments: { frames: WebSocketFrame[]; offset: number } | undefined;
  private readonly limits: DecodeLimits;
  /** The HTTP head (request or response) seen before the frames, once complete. */
  httpHead: string | undefined;
  /** True once a response head that is not "101 Switching Protocols" was seen: no frames follow. */
  refused = false;

  private inflater: RawInflater | undefined;
  private contextTakeover = false;
  private scanner: BoundaryScanner | undefined;
  /** Bytes passed over while resynchronising, in total. */
  skipped = 0;

  /**
   * `upgraded`: the bytes start after the HTTP head. `deflate`: the negotiated
   * permessage-deflate parameters for this direction; a decoder that reads a
   * server's 101 response learns them from its Sec-WebSocket-Extensions.
   */
  constructor(
    private upgraded = false,
    limits?: Partial<DecodeLimits>,
    deflate?: { readonly contextTakeover: boolean },
  ) {
    this.limits = resolveLimits(limits);
    if (deflate) {
      this.inflater = new RawInflater(deflate.contextTakeover, this.limits.maxMessageBytes);
      this.contextTakeover = deflate.contextTakeover;
    }
  }

  /** Bytes received but not yet part of a complete frame. */
  get pending(): number {
    return this.queue.length;
  }

  /** The bytes pushed next do not continue the ones before: drop any partial frame or message and look for the next trusted frame. */
  resync(): void {
    this.skipped += this.queue.length;
    this.queue.clear();
    this.fragments = undefined;
    this.upgraded = true;
    this.refused = false;
    if (this.contextTakeover) this.inflater = undefined;
    const client = this.httpHead === undefined ? undefined : /^GET /i.test(this.httpHead);
    this.scanner ??= new BoundaryScanner((b, at) => probeWebSocket(b, at, client, this.limits));
    this.scanner.reset(this.queue.offsetOf(this.queue.start));
  }

  push(chunk: Uint8Array): WebSocketMessage[] {
    const q = this.queue;
    q.append(chunk);
    if (this.scanner) {
      const { found, keep } = this.scanner.find(q.pending(), q.offsetOf(q.start));
      const skip = found < 0 ? keep : found;
      this.skipped += skip;
      q.consumeTo(q.start + skip);
      if (found < 0) return [];
      this.scanner = undefined;
    }
    if (!this.upgraded) {
      const end = findBlankLine(q.pending());
      if (end < 0) {
        if (q.length > 65536)
          throw new DecodeError("limit", q.offsetOf(q.start), "an HTTP head of at most 64 KiB");
        return [];
      }
      this.httpHead = new TextDecoder().decode(q.bytes.subarray(q.start, q.start + end));
      this.upgraded = true;
      this.refused = /^HTTP\/1\.[01] (?!101)/.test(this.httpHead);
      const negotiated = this.httpHead.startsWith("HTTP/") ? permessageDeflateOf(this.httpHead) : undefined;
      if (negotiated && !this.inflater)
        this.inflater = new RawInflater(negotiated.server.contextTakeover, this.limits.maxMessageBytes);
      if (negotiated) this.contextTakeover ||= negotiated.server.contextTakeover;
      q.consumeTo(q.start + end);
    }
    if (this.refused) {
      // An HTTP error answer (its body is not WebSocket frames).
      q.clear();
      return [];
    }
    const out: WebSocketMessage[] = [];
    const r = new Reader(q.bytes, q.start, q.end, q.offsetOf(0));
    while (r.pos < q.end) {
      const start = r.pos;
      let frame: WebSocketFrame;
      try {
        frame = readWebSocketFrame(r, this.limits);
      } catch (e) {
        if (e instanceof DecodeError && e.kind === "truncated") {
          r.pos = start;
          break;
        }
        throw e;
      }
      const offset = q.offsetOf(start);
      if (frame.opcode >= 8) {
        out.push(message([frame], offset, undefined));
      } else if (frame.opcode === 0) {
        if (!this.fragments)
          throw new DecodeError("invalid", offset, "a first frame before a continuation frame");
        this.fragments.frames.push(frame);
        if (frame.fin) {
          out.push(message(this.fragments.frames, this.fragments.offset, this.inflater));
          this.fragments = undefined;
        }
      } else if (frame.fin) {
        out.push(message([frame], offset, this.inflater));
      } else {
        this.fragments = { frames: [frame], offset };
      }
    }
    q.consumeTo(r.pos);
    return out;
  }
}

// Whether a frame resynchronisation may trust starts at `at` (see WebSocketStreamDecoder).
function probeWebSocket(
  b: Uint8Array,
  at: number,
  client: boolean | undefined,
  limits: DecodeLimits,
): "no" | "more" | "yes" {
  const n = b.length - at;
  if (n < 1) return "more";
  if (b[at] !== 0x81) return "no"; // FIN, no RSV bits, text
  if (n < 2) return "more";
  const masked = (b[at + 1]! & 0x80) !== 0;
  if (client !== undefined && masked !== client) return "no";
  const r = new Reader(b, at, b.length);
  let frame: WebSocketFrame;
  try {
    frame = readWebSocketFrame(r, limits);
  } catch (e) {
    return e instanceof DecodeError && e.kind === "truncated" ? "more" : "no";
  }
  const first = frame.payload[0];
  if (first !== 0x7b && first !== 0x5b) return "no"; // { or [
  try {
    JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(frame.payload));
    return "yes";
  } catch {
    return "no";
  }
}

/**
 * The permessage-deflate parameters a server's 101 response agreed to, per
 * direction (RFC 7692), or undefined when the extension was not accepted.
 */
export function permessageDeflateOf(
  responseHead: string,
):
  | { readonly server: { contextTakeover: boolean }; readonly client: { contextTakeover: boolean } }
  | undefined {
  const ext = /^sec-websocket-extensions:(.*)$/im.exec(responseHead)?.[1];
  if (!ext || !/permessage-deflate/i.test(ext)) return undefined;
  return {
    server: { contextTakeover: !/server_no_context_takeover/i.test(ext) },
    client: { contextTakeover: !/client_no_context_takeover/i.test(ext) },
  };
}

function message(
  frames: WebSocketFrame[],
  offset: number,
  inflater: RawInflater | undefined,
): WebSocketMessage {
  const first = frames[0]!;
  const raw = frames.length === 1 ? first.payload : concatBytes(frames.map((f) => f.payload));
  const compressed = (first.rsv & 4) !== 0;
  const inflated = compressed && inflater !== undefined;
  const payload = inflated ? inflater.inflateMessage(raw) : raw;
  const close =
    first.opcode === 8 && payload.length >= 2
      ? {
          close: {
            code: (payload[0]! << 8) | payload[1]!,
            reason: new TextDecoder().decode(payload.subarray(2)),
          },
        }
      : {};
  return {
    opcode: first.opcode,
    compressed,
    ...(inflated ? { inflated } : {}),
    payload,
    ...close,
    offset,
    frames,
  };
}

function findBlankLine(b: Uint8Array): number {
  for (let i = 3; i < b.length; i++) {
    if (b[i] === 0x0a && b[i - 1] === 0x0d && b[i - 2] === 0x0a && b[i - 3] === 0x0d) return i + 1;
  }
  return -1;
}
