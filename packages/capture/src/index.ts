import { CaptureError } from "./errors.js";
import { Ipv4Fragments, tcpSegment } from "./net.js";
import { PacketReader, type ReadOptions } from "./packets.js";
import { type ReassemblyOptions, type TcpConnection, TcpReassembler } from "./tcp.js";

export { CaptureError } from "./errors.js";
export { type FileChunks, readFileChunks } from "./file.js";
export { fragmentIpv4, ipPacket, linkFrame, type TcpFrameSpec, tcpFrame } from "./frame.js";
export { type FragmentLimits, Ipv4Fragments, type TcpSegment, tcpSegment } from "./net.js";
export { type Packet, PacketReader, type ReadOptions, readPackets } from "./packets.js";
export {
  type Endpoint,
  type ReassemblyOptions,
  type TcpChunk,
  type TcpConnection,
  type TcpFlow,
  TcpReassembler,
} from "./tcp.js";
export { type PacketToWrite, writePcap, writePcapng } from "./write.js";

export interface StreamResult {
  /** Bytes of the file read into complete packets. */
  readonly bytes: number;
  readonly packets: number;
  /**
   * TCP packets captured shorter than they were on the wire (the capture's snap length): the
   * bytes they lost reach the reassembler as gaps, like segments the capture missed.
   */
  readonly cutPackets: number;
  /** Where a damaged or truncated file stopped; everything before it was delivered. */
  readonly error?: CaptureError;
}

/**
 * Read a capture chunk by chunk (e.g. `readFileChunks(path)`) and reassemble
 * its TCP connections, delivering each direction's bytes as they become
 * in-order (`onChunk`) and each connection's end (`onEnd`), in capture order.
 * Memory stays bounded by the reassembly and fragment limits, whatever the
 * file's size. A damaged file ends the stream: connections still open are
 * ended and the CaptureError is returned, not thrown.
 */
export function streamTcp(
  chunks: Iterable<Uint8Array>,
  handlers: Required<Pick<ReassemblyOptions, "onChunk">> &
    Pick<ReassemblyOptions, "onEnd"> & { readonly onProgress?: (bytesRead: number) => void },
  options: ReadOptions & Omit<ReassemblyOptions, "onChunk" | "onEnd"> = {},
): StreamResult {
  const reader = new PacketReader(options);
  const fragments = new Ipv4Fragments();
  const tcp = new TcpReassembler({ ...options, ...handlers });
  let packets = 0;
  let cutPackets = 0;
  let read = 0;
  let error: CaptureError | undefined;
  try {
    for (const chunk of chunks) {
      read += chunk.length;
      for (const p of reader.push(chunk)) {
        packets++;
        const s = tcpSegment(p.linkType, p.data, fragments);
        if (!s) continue;
        if (p.data.length < p.originalLength) cutPackets++;
        tcp.push(p, s);
      }
      handlers.onProgress?.(read);
    }
    reader.end();
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    error = e;
  }
  tcp.finish();
  return { bytes: reader.offset, packets, cutPackets, ...(error ? { error } : {}) };
}

/** Every TCP connection of a capture held in memory, with its payload chunks in capture order. Throws CaptureError for a damaged file. */
export function readTcpConnections(
  capture: Uint8Array,
  options?: ReadOptions & Omit<ReassemblyOptions, "onChunk" | "onEnd">,
): TcpConnection[] {
  const conns = new Map<
    number,
    {
      orig: TcpConnection["orig"];
      resp: TcpConnection["resp"];
      chunks: TcpConnection["chunks"][number][];
      closed: boolean;
    }
  >();
  const result = streamTcp(
    [capture],
    {
      onChunk: (flow, chunk) => {
        let c = conns.get(flow.id);
        if (!c) {
          c = { orig: flow.orig, resp: flow.resp, chunks: [], closed: false };
          conns.set(flow.id, c);
        }
        c.chunks.push(chunk);
      },
      onEnd: (flow, closed) => {
        const c = conns.get(flow.id);
        if (c) c.closed = closed;
        else conns.set(flow.id, { orig: flow.orig, resp: flow.resp, chunks: [], closed });
      },
    },
    options,
  );
  if (result.error) throw result.error;
  return [...conns.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}

/** All bytes one side sent, concatenated. */
export function concatDirection(conn: TcpConnection, dir: "orig" | "resp"): Uint8Array {
  const parts = conn.chunks.filter((c) => c.dir === dir);
  const out = new Uint8Array(parts.reduce((n, c) => n + c.data.length, 0));
  let at = 0;
  for (const c of parts) {
    out.set(c.data, at);
    at += c.data.length;
  }
  return out;
}
