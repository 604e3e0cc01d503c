import type { DecodeLimits } from "../limits.js";
import { type BaspMessage, BaspStreamDecoder } from "./basp.js";
import type { NodeMessage } from "./caf-message.js";

/** The minimum of a reassembled TCP connection this needs (what @brokerkit/capture produces). */
export interface TcpChunkLike {
  readonly dir: "orig" | "resp";
  readonly data: Uint8Array;
  readonly frame?: number;
  readonly timestampNs?: bigint;
}

export interface Broker1Message {
  readonly dir: "orig" | "resp";
  /** Offset of the message's first byte in its direction's byte stream. */
  readonly offset: number;
  /** Capture frame and time of the packet holding the first byte, when known. */
  readonly frame?: number;
  readonly timestampNs?: bigint;
  readonly message: BaspMessage;
}

/**
 * Both directions of a Broker 1.x connection fed chunk by chunk in capture
 * order; each push returns the BASP messages it completes (see
 * BaspStreamDecoder, also for `resync`). Memory is one partial message per
 * direction.
 */
export class Broker1ConnectionDecoder {
  private readonly decoders: { orig: BaspStreamDecoder; resp: BaspStreamDecoder };
  private readonly position = { orig: 0, resp: 0 };
  // Where the chunks still holding undecoded bytes start, to date a message by its first byte.
  private readonly starts = {
    orig: [] as { at: number; chunk: TcpChunkLike }[],
    resp: [] as { at: number; chunk: TcpChunkLike }[],
  };

  constructor(limits?: Partial<DecodeLimits>) {
    this.decoders = { orig: new BaspStreamDecoder(limits), resp: new BaspStreamDecoder(limits) };
  }

  /** Bytes passed over while resynchronising, per direction. */
  skipped(dir: "orig" | "resp"): number {
    return this.decoders[dir].skipped;
  }

  /** The next chunk of `dir` does not continue the bytes before it (see BaspStreamDecoder.resync). */
  resync(dir: "orig" | "resp"): void {
    this.decoders[dir].resync();
  }

  push(chunk: TcpChunkLike): Broker1Message[] {
    const dir = chunk.dir;
    const list = this.starts[dir];
    list.push({ at: this.position[dir], chunk });
    this.position[dir] += chunk.data.length;
    const decoder = this.decoders[dir];
    const out: Broker1Message[] = [];
    for (const f of decoder.push(chunk.data)) {
      let i = list.length - 1;
      while (i > 0 && list[i]!.at > f.offset) i--;
      const origin = list[i]!.chunk;
      out.push({
        dir,
        offset: f.offset,
        ...(origin.frame === undefined ? {} : { frame: origin.frame }),
        ...(origin.timestampNs === undefined ? {} : { timestampNs: origin.timestampNs }),
        message: f.message,
      });
    }
    // Chunks wholly before the first undecoded byte are no longer needed.
    const undecoded = this.position[dir] - decoder.pending;
    let k = 0;
    while (k + 1 < list.length && list[k + 1]!.at <= undecoded) k++;
    if (k > 0) list.splice(0, k);
    return out;
  }
}

/**
 * Decode both directions of a Broker 1.x connection into one list of BASP
 * messages in capture order (ordered by the chunk that completed each one).
 */
export function decodeBroker1Connection(
  conn: { readonly chunks: readonly TcpChunkLike[] },
  limits?: Partial<DecodeLimits>,
): Broker1Message[] {
  const d = new Broker1ConnectionDecoder(limits);
  return conn.chunks.flatMap((c) => d.push(c));
}

/** Every node message (data and store commands) carried in a BASP message's stream batches. */
export function nodeMessagesOf(m: BaspMessage): NodeMessage[] {
  if (m.payload.kind !== "direct_message" && m.payload.kind !== "routed_message") return [];
  const out: NodeMessage[] = [];
  for (const e of m.payload.message.elements) {
    if (e.type !== "@downstream_msg" || e.value.kind !== "batch") continue;
    for (const x of e.value.xs.elements)
      if (x.type === "std::vector<broker::node_message>") out.push(...x.value);
  }
  return out;
}
