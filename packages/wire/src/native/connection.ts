import { bytesToBinary } from "@brokerkit/data-model";
import { DecodeError } from "../errors.js";
import { type DecodeLimits, resolveLimits } from "../limits.js";
import { decodeNativeFrame, type NativeMessage } from "./messages.js";

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
 */
export class NativeConnectionDecoder {
  private phase: "handshake" | "operational" = "handshake";
  private readonly limits: DecodeLimits;
  private readonly state = {
    orig: {
      buffer: new Uint8Array(0),
      consumed: 0,
      origin: [] as { at: number; chunk: NativeChunkLike }[],
      pos: 0,
      dead: false,
    },
    resp: {
      buffer: new Uint8Array(0),
      consumed: 0,
      origin: [] as { at: number; chunk: NativeChunkLike }[],
      pos: 0,
      dead: false,
    },
  };

  constructor(limits?: Partial<DecodeLimits>) {
    this.limits = resolveLimits(limits);
  }

  /** Feed the next chunk of either direction (any size, in capture order); get the frames it completes. */
  push(chunk: NativeChunkLike): NativeFrame[] {
    const l = this.limits;
    const state = this.state;
    let phase = this.phase;
    const out: NativeFrame[] = [];
    const s = state[chunk.dir];
    s.origin.push({ at: s.pos, chunk });
    s.pos += chunk.data.length;
    const joined = new Uint8Array(s.buffer.length + chunk.data.length);
    joined.set(s.buffer);
    joined.set(chunk.data, s.buffer.length);
    let pos = 0;
    while (!s.dead && joined.length - pos >= 4) {
      const length = new DataView(joined.buffer, joined.byteOffset + pos, 4).getUint32(0);
      if (length > l.maxMessageBytes) {
        s.dead = true;
        break;
      }
      if (joined.length - pos - 4 < length) break;
      const offset = s.consumed + pos;
      const message = decodeNativeFrame(joined.subarray(pos + 4, pos + 4 + length), phase, offset + 4, l);
      let i = s.origin.length - 1;
      while (i > 0 && s.origin[i]!.at > offset) i--;
      const origin = s.origin[i]!.chunk;
      out.push({
        dir: chunk.dir,
        offset,
        phase,
        ...(origin.frame === undefined ? {} : { frame: origin.frame }),
        ...(origin.timestampNs === undefined ? {} : { timestampNs: origin.timestampNs }),
        message,
      });
      if (message.kind === "originator_ack") phase = "operational";
      pos += 4 + length;
    }
    if (s.dead && joined.length > pos) {
      const error = new DecodeError(
        "limit",
        s.consumed + pos,
        `a frame of at most ${l.maxMessageBytes} bytes`,
        "not a Broker stream",
      );
      out.push({
        dir: chunk.dir,
        offset: s.consumed + pos,
        phase,
        message: { kind: "unframed", raw: bytesToBinary(joined, pos), error },
      });
      pos = joined.length;
    }
    s.consumed += pos;
    s.buffer = joined.slice(pos);

    this.phase = phase;
    return out;
  }
}

/** Decode a whole captured connection (see NativeConnectionDecoder). */
export function decodeNativeConnection(
  conn: { readonly chunks: readonly NativeChunkLike[] },
  limits?: Partial<DecodeLimits>,
): NativeFrame[] {
  const d = new NativeConnectionDecoder(limits);
  return conn.chunks.flatMap((c) => d.push(c));
}
