import { tcpSegment } from "./net.js";
import { type ReadOptions, readPackets } from "./packets.js";
import { type TcpConnection, TcpReassembler } from "./tcp.js";

export { CaptureError } from "./errors.js";
export { type TcpSegment, tcpSegment } from "./net.js";
export { type Packet, type ReadOptions, readPackets } from "./packets.js";
export { type Endpoint, type TcpChunk, type TcpConnection, TcpReassembler } from "./tcp.js";

/** Every TCP connection of a capture held in memory, with its payload chunks in capture order. */
export function readTcpConnections(capture: Uint8Array, options?: ReadOptions): TcpConnection[] {
  const r = new TcpReassembler();
  for (const p of readPackets(capture, options)) {
    const s = tcpSegment(p.linkType, p.data);
    if (s) r.push(p, s);
  }
  r.finish();
  return r.connections.map(({ orig, resp, chunks, closed }) => ({ orig, resp, chunks, closed }));
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
export { type PacketToWrite, writePcap, writePcapng } from "./write.js";
