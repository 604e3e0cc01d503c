import type { DecodeLimits } from "../limits.js";
import { type BaspMessage, BaspStreamDecoder } from "./basp.js";
import type { NodeMessage } from "./caf.js";

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
 * Decode both directions of a Broker 1.x connection into one list of BASP
 * messages in capture order (ordered by the chunk that completed each one).
 */
export function decodeBroker1Connection(
  conn: { readonly chunks: readonly TcpChunkLike[] },
  limits?: Partial<DecodeLimits>,
): Broker1Message[] {
  const decoders = { orig: new BaspStreamDecoder(limits), resp: new BaspStreamDecoder(limits) };
  const position = { orig: 0, resp: 0 };
  // Where each chunk starts in its direction, to find the frame of a message's first byte.
  const starts = {
    orig: [] as { at: number; chunk: TcpChunkLike }[],
    resp: [] as { at: number; chunk: TcpChunkLike }[],
  };
  const out: Broker1Message[] = [];
  for (const chunk of conn.chunks) {
    starts[chunk.dir].push({ at: position[chunk.dir], chunk });
    position[chunk.dir] += chunk.data.length;
    for (const f of decoders[chunk.dir].push(chunk.data)) {
      const list = starts[chunk.dir];
      let i = list.length - 1;
      while (i > 0 && list[i]!.at > f.offset) i--;
      const origin = list[i]!.chunk;
      out.push({
        dir: chunk.dir,
        offset: f.offset,
        ...(origin.frame === undefined ? {} : { frame: origin.frame }),
        ...(origin.timestampNs === undefined ? {} : { timestampNs: origin.timestampNs }),
        message: f.message,
      });
    }
  }
  return out;
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
