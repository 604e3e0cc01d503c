import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from "./net.js";
import type { Packet } from "./packets.js";

export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

export interface TcpChunk {
  /** orig: the side that sent the SYN (or, without one in the capture, the first sender seen). */
  readonly dir: "orig" | "resp";
  /** In-order payload, retransmissions and overlaps removed (the first copy of a byte wins). */
  readonly data: Uint8Array;
  readonly timestampNs: bigint;
  readonly frame: number;
  /** Bytes never seen in this direction just before this chunk. */
  readonly gapBefore: number;
}

export interface TcpConnection {
  readonly orig: Endpoint;
  readonly resp: Endpoint;
  readonly chunks: readonly TcpChunk[];
  readonly closed: boolean;
}

interface Pending {
  readonly rel: number;
  readonly data: Uint8Array;
  readonly frame: number;
  readonly timestampNs: bigint;
}

class Direction {
  isn: number | undefined;
  next = 0; // relative offset of the next byte expected
  pending: Pending[] = [];
  pendingBytes = 0;

  constructor(readonly dir: "orig" | "resp") {}

  // Relative offset of a sequence number (32-bit wraparound folded away).
  rel(seq: number): number {
    return (seq - (this.isn ?? seq)) >>> 0;
  }
}

interface Conn {
  readonly orig: Endpoint;
  readonly resp: Endpoint;
  readonly chunks: TcpChunk[];
  readonly dirs: { orig: Direction; resp: Direction };
  closed: boolean;
  sawData: boolean;
}

/** Reassembles TCP connections from packets in capture order. */
export class TcpReassembler {
  private readonly conns = new Map<string, Conn>();
  readonly connections: Conn[] = [];

  constructor(private readonly maxBufferedBytes = 1 << 24) {}

  push(p: Packet, s: TcpSegment): void {
    const a = `${s.src}|${s.srcPort}`;
    const b = `${s.dst}|${s.dstPort}`;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    let c = this.conns.get(key);
    const syn = (s.flags & TCP_SYN) !== 0 && (s.flags & TCP_ACK) === 0;
    if (!c || (syn && (c.closed || c.sawData))) {
      c = {
        orig: { ip: s.src, port: s.srcPort },
        resp: { ip: s.dst, port: s.dstPort },
        chunks: [],
        dirs: { orig: new Direction("orig"), resp: new Direction("resp") },
        closed: false,
        sawData: false,
      };
      if ((s.flags & TCP_SYN) !== 0 && (s.flags & TCP_ACK) !== 0) {
        // The first packet seen is a SYN-ACK: its sender is the responder.
        c = { ...c, orig: { ip: s.dst, port: s.dstPort }, resp: { ip: s.src, port: s.srcPort } };
      }
      this.conns.set(key, c);
      this.connections.push(c);
    }
    const dir = c.orig.ip === s.src && c.orig.port === s.srcPort ? c.dirs.orig : c.dirs.resp;
    if (s.flags & TCP_SYN) {
      dir.isn = (s.seq + 1) >>> 0;
      dir.next = 0;
    } else if (dir.isn === undefined) {
      dir.isn = s.seq; // the capture began mid-connection
    }
    if (s.payload.length > 0) {
      c.sawData = true;
      const rel = dir.rel((s.flags & TCP_SYN) !== 0 ? s.seq + 1 : s.seq);
      this.accept(c, dir, { rel, data: s.payload, frame: p.frame, timestampNs: p.timestampNs });
    }
    if (s.flags & (TCP_FIN | TCP_RST)) {
      c.closed = true;
      this.flush(c, dir);
    }
  }

  private emit(c: Conn, dir: Direction, seg: Pending, gapBefore: number): void {
    let data = seg.data;
    if (seg.rel < dir.next) data = data.subarray(dir.next - seg.rel);
    if (data.length === 0) return;
    c.chunks.push({ dir: dir.dir, data, timestampNs: seg.timestampNs, frame: seg.frame, gapBefore });
    dir.next = Math.max(dir.next, seg.rel + seg.data.length);
  }

  private accept(c: Conn, dir: Direction, seg: Pending): void {
    if (seg.rel + seg.data.length <= dir.next) return; // all of it was seen already
    if (seg.rel > dir.next) {
      dir.pending.push(seg);
      dir.pendingBytes += seg.data.length;
      if (dir.pendingBytes > this.maxBufferedBytes) this.flush(c, dir);
      return;
    }
    this.emit(c, dir, seg, 0);
    this.drain(c, dir, false);
  }

  // Deliver buffered segments that are now in order; with `giveUp`, jump gaps too.
  private drain(c: Conn, dir: Direction, giveUp: boolean): void {
    dir.pending.sort((x, y) => x.rel - y.rel);
    while (dir.pending.length > 0) {
      const first = dir.pending[0]!;
      if (first.rel > dir.next && !giveUp) break;
      dir.pending.shift();
      dir.pendingBytes -= first.data.length;
      const gap = Math.max(0, first.rel - dir.next);
      if (first.rel + first.data.length <= dir.next) continue;
      this.emit(c, dir, first, gap);
    }
  }

  private flush(c: Conn, dir: Direction): void {
    this.drain(c, dir, true);
  }

  /** Give up on every gap still open (end of capture). */
  finish(): void {
    for (const c of this.connections) {
      this.flush(c, c.dirs.orig);
      this.flush(c, c.dirs.resp);
    }
  }
}

export type { TcpSegment };
