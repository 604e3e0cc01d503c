import { bytesToBinary } from "@brokerkit/data-model";
import { ByteQueue } from "../byte-queue.js";
import { DecodeError } from "../errors.js";
import { type DecodeLimits, resolveLimits } from "../limits.js";
import { BoundaryScanner } from "../resync.js";
import { decodeNativeFrame, NATIVE_MAGIC, type NativeMessage } from "./messages.js";

export interface NativeChunkLike {
  readonly dir: "orig" | "resp";
  readonly data: Uint8Array;
  readonly frame?: number;
  readonly timestampNs?: bigint;
}

export interface NativeFrame {
  readonly dir: "orig" | "resp";
  /** Offset of the length prefix in its direction's byte stream. */
  readonly offset: number;
  readonly frame?: number;
  readonly timestampNs?: bigint;
  readonly phase: "handshake" | "operational";
  readonly message: NativeMessage;
}

/**
 * Decodes both directions of a native Broker connection, fed in capture order. Frames
 * are handshake messages until an originator_ack is seen in either direction,
 * envelopes afterwards (spec §5.8). A length beyond maxMessageBytes means the
 * bytes are not Broker frames: the rest of that direction is reported as
 * `unframed` (frames have no other boundary to resume at). Never throws.
 *
 * After `resync(dir)` (bytes were lost, or the capture joined the connection
 * midway) that direction looks for the next frame it can trust: a length
 * within the limit whose body decodes strictly, with nothing left over, as a
 * data or routing_update envelope, or as a handshake message carrying the
 * "ZEEK" magic. Commands, pings and pongs carry opaque bytes, so they are
 * skipped until such a frame comes. A trusted envelope also ends the handshake.
 */
export class NativeConnectionDecoder {
  private phase: "handshake" | "operational" = "handshake";
  private readonly limits: DecodeLimits;
  private readonly state = {
    orig: {
      queue: new ByteQueue(),
      origin: [] as { at: number; chunk: NativeChunkLike }[],
      pos: 0,
      dead: false,
      scanner: undefined as BoundaryScanner | undefined,
      skipped: 0,
    },
    resp: {
      queue: new ByteQueue(),
      origin: [] as { at: number; chunk: NativeChunkLike }[],
      pos: 0,
      dead: false,
      scanner: undefined as BoundaryScanner | undefined,
      skipped: 0,
    },
  };

  constructor(limits?: Partial<DecodeLimits>) {
    this.limits = resolveLimits(limits);
  }

  /** Bytes passed over while resynchronising, per direction. */
  skipped(dir: "orig" | "resp"): number {
    return this.state[dir].skipped;
  }

  /** The next chunk of `dir` does not continue the bytes before it: drop any partial frame and look for the next trusted one. */
  resync(dir: "orig" | "resp"): void {
    const s = this.state[dir];
    s.skipped += s.queue.length;
    s.queue.clear();
    s.dead = false;
    s.scanner ??= new BoundaryScanner((b, at) => probeNative(b, at, this.limits));
    s.scanner.reset(s.queue.offsetOf(s.queue.start));
  }

  /** Feed the next chunk of either direction (any size, in capture order); get the frames it completes. */
  push(chunk: NativeChunkLike): NativeFrame[] {
    const l = this.limits;
    let phase = this.phase;
    const out: NativeFrame[] = [];
    const s = this.state[chunk.dir];
    const q = s.queue;
    s.origin.push({ at: s.pos, chunk });
    s.pos += chunk.data.length;
    q.append(chunk.data);
    if (s.scanner) {
      const { found, keep } = s.scanner.find(q.pending(), q.offsetOf(q.start));
      const skip = found < 0 ? keep : found;
      s.skipped += skip;
      q.consumeTo(q.start + skip);
      if (found < 0) {
        this.trim(s);
        return out;
      }
      s.scanner = undefined;
      const length = lengthAt(q.bytes, q.start);
      phase = trustedFrame(q.bytes.subarray(q.start + 4, q.start + 4 + length), l) ?? phase;
    }
    const bytes = q.bytes;
    let pos = q.start;
    while (!s.dead && q.end - pos >= 4) {
      const length = lengthAt(bytes, pos);
      if (length > l.maxMessageBytes) {
        s.dead = true;
        break;
      }
      if (q.end - pos - 4 < length) break;
      const offset = q.offsetOf(pos);
      const message = decodeNativeFrame(bytes.subarray(pos + 4, pos + 4 + length), phase, offset + 4, l);
      out.push({ dir: chunk.dir, offset, phase, ...datedAt(s.origin, offset), message });
      if (message.kind === "originator_ack") phase = "operational";
      pos += 4 + length;
    }
    if (s.dead && q.end > pos) {
      const error = new DecodeError(
        "limit",
        q.offsetOf(pos),
        `a frame of at most ${l.maxMessageBytes} bytes`,
        "not a Broker stream",
      );
      out.push({
        dir: chunk.dir,
        offset: q.offsetOf(pos),
        phase,
        ...datedAt(s.origin, q.offsetOf(pos)),
        message: { kind: "unframed", raw: bytesToBinary(bytes, pos, q.end), error },
      });
      pos = q.end;
    }
    q.consumeTo(pos);
    this.trim(s);

    this.phase = phase;
    return out;
  }

  // Chunks wholly before the first undecoded byte are no longer needed to date frames.
  private trim(s: { origin: { at: number }[]; queue: ByteQueue }): void {
    const undecoded = s.queue.offsetOf(s.queue.start);
    let k = 0;
    while (k + 1 < s.origin.length && s.origin[k + 1]!.at <= undecoded) k++;
    if (k > 0) s.origin.splice(0, k);
  }
}

// The capture frame and time of the chunk that holds the byte at `offset`.
function datedAt(
  origin: readonly { at: number; chunk: NativeChunkLike }[],
  offset: number,
): { frame?: number; timestampNs?: bigint } {
  let i = origin.length - 1;
  while (i > 0 && origin[i]!.at > offset) i--;
  const { frame, timestampNs } = origin[i]!.chunk;
  if (frame === undefined) return timestampNs === undefined ? {} : { timestampNs };
  return timestampNs === undefined ? { frame } : { frame, timestampNs };
}

function lengthAt(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

// Whether a frame the decoder can trust starts at `at` (see NativeConnectionDecoder).
function probeNative(b: Uint8Array, at: number, limits: DecodeLimits): "no" | "more" | "yes" {
  const n = b.length - at;
  if (n < 4) return "more";
  const v = new DataView(b.buffer, b.byteOffset + at, n);
  const length = v.getUint32(0);
  if (length < 5 || length > limits.maxMessageBytes) return "no";
  if (n < 4 + length) {
    // Cheap early rejections while the frame is incomplete.
    if (n >= 4 + 33 && b[at + 4] !== undefined && b[at + 4]! >= 6 && b[at + 4]! <= 9) return "more";
    if (length < 37) return n >= 6 && (b[at + 4]! < 6 || b[at + 4]! > 9) ? "no" : "more";
    if (n >= 4 + 33 && b[at + 36] !== 1 && b[at + 36] !== 3) return "no";
    if (n >= 4 + 37 && v.getUint16(4 + 35) > length - 37) return "no";
    return "more";
  }
  return trustedFrame(b.subarray(at + 4, at + 4 + length), limits) ? "yes" : "no";
}

// The phase a frame body belongs to when it is one resynchronisation may trust.
function trustedFrame(body: Uint8Array, limits: DecodeLimits): "handshake" | "operational" | undefined {
  if (body[0]! >= 6 && body[0]! <= 9 && body.length < 4096) {
    const m = decodeNativeFrame(body, "handshake", 0, limits);
    if ("magic" in m && m.magic === NATIVE_MAGIC && m.trailing === undefined) return "handshake";
  }
  const m = decodeNativeFrame(body, "operational", 0, limits);
  return m.kind === "envelope" && (m.payload.type === "data" || m.payload.type === "routing_update")
    ? "operational"
    : undefined;
}

/** Decode a whole captured connection (see NativeConnectionDecoder). */
export function decodeNativeConnection(
  conn: { readonly chunks: readonly NativeChunkLike[] },
  limits?: Partial<DecodeLimits>,
): NativeFrame[] {
  const d = new NativeConnectionDecoder(limits);
  return conn.chunks.flatMap((c) => d.push(c));
}
