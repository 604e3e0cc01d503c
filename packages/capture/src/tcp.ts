import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from "./net.js";
import type { Packet } from "./packets.js";

export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

/** A TCP connection as the reassembler names it: `id` counts connections in the order their first packet was seen. */
export interface TcpFlow {
  readonly id: number;
  readonly orig: Endpoint;
  readonly resp: Endpoint;
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
  /** The first chunk of a direction whose SYN was not captured: it may start inside a message. */
  readonly midStream?: true;
}

export interface TcpConnection {
  readonly orig: Endpoint;
  readonly resp: Endpoint;
  readonly chunks: readonly TcpChunk[];
  readonly closed: boolean;
}

export interface ReassemblyOptions {
  /** Out-of-order bytes one direction may hold while waiting for a missing segment. */
  readonly maxBufferedBytes?: number;
  /** Out-of-order bytes all connections together may hold (the direction holding most gives up first). */
  readonly maxTotalBufferedBytes?: number;
  /** Connections tracked at once; beyond it the oldest is ended (as if the capture ended for it). */
  readonly maxConnections?: number;
  /**
   * Streaming: every in-order chunk as soon as it is known. Without it the
   * reassembler collects chunks in `connections` instead.
   */
  readonly onChunk?: (flow: TcpFlow, chunk: TcpChunk) => void;
  /** Streaming: a connection is over (FIN both ways, RST, or the end of the capture); nothing more follows for it. */
  readonly onEnd?: (flow: TcpFlow, closed: boolean) => void;
}

interface Pending {
  readonly rel: number;
  readonly data: Uint8Array;
  readonly frame: number;
  readonly timestampNs: bigint;
}

class Direction {
  isn: number | undefined;
  /** Offset of the next byte expected, counted from the ISN without 32-bit wraparound. */
  next = 0;
  pending: Pending[] = [];
  pendingBytes = 0;
  sorted = true;
  fin = false;
  midStream = false;

  constructor(readonly dir: "orig" | "resp") {}

  /** Offset of a sequence number, taken as the one nearest to `next` (so streams may exceed 4 GiB). */
  rel(seq: number): number {
    const base = ((this.isn ?? seq) + this.next) >>> 0;
    return this.next + ((seq - base) | 0);
  }
}

interface Conn {
  readonly flow: TcpFlow;
  readonly key: string;
  readonly orig: Endpoint;
  readonly resp: Endpoint;
  readonly chunks: TcpChunk[];
  readonly dirs: { orig: Direction; resp: Direction };
  closed: boolean;
  ended: boolean;
  sawData: boolean;
}

/**
 * Reassembles TCP connections from packets in capture order. Bytes never seen
 * become a `gapBefore` count when the reassembler gives up on them: when the
 * peer acknowledges past them (so they were sent but not captured), when a
 * buffer limit is reached, at RST or the second FIN, or at the end.
 */
export class TcpReassembler {
  private readonly conns = new Map<string, Conn>();
  // Ended connections stay in `conns` for a while so their last ACKs do not start new ones.
  private readonly ended: Conn[] = [];
  /** Collecting mode: every connection, in the order it was first seen. */
  readonly connections: Conn[] = [];
  private readonly options: ReassemblyOptions;
  private readonly maxBuffered: number;
  private readonly maxTotal: number;
  private readonly maxConnections: number;
  private live = 0;
  private totalPending = 0;
  private flows = 0;

  constructor(options: ReassemblyOptions = {}) {
    this.options = options;
    this.maxBuffered = options.maxBufferedBytes ?? 1 << 24;
    this.maxTotal = options.maxTotalBufferedBytes ?? 1 << 28;
    this.maxConnections = options.maxConnections ?? 1 << 20;
  }

  push(p: Packet, s: TcpSegment): void {
    const a = `${s.src}|${s.srcPort}`;
    const b = `${s.dst}|${s.dstPort}`;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    let c = this.conns.get(key);
    const syn = (s.flags & TCP_SYN) !== 0 && (s.flags & TCP_ACK) === 0;
    if (c && syn && (c.closed || c.sawData || c.ended)) {
      this.end(c); // the port pair is reused by a new connection
      c = undefined;
    }
    if (c?.ended) return; // a late packet of a connection already over
    if (!c) {
      // The first packet seen being a SYN-ACK means its sender is the responder.
      const synAck = (s.flags & TCP_SYN) !== 0 && (s.flags & TCP_ACK) !== 0;
      const src = { ip: s.src, port: s.srcPort };
      const dst = { ip: s.dst, port: s.dstPort };
      const orig = synAck ? dst : src;
      const resp = synAck ? src : dst;
      c = {
        flow: { id: this.flows++, orig, resp },
        key,
        orig,
        resp,
        chunks: [],
        dirs: { orig: new Direction("orig"), resp: new Direction("resp") },
        closed: false,
        ended: false,
        sawData: false,
      };
      this.conns.set(key, c);
      if (!this.options.onChunk) this.connections.push(c);
      if (++this.live > this.maxConnections) {
        for (const old of this.conns.values())
          if (!old.ended) {
            this.end(old);
            break;
          }
      }
    }
    const fromOrig = c.orig.ip === s.src && c.orig.port === s.srcPort;
    const dir = fromOrig ? c.dirs.orig : c.dirs.resp;
    const peer = fromOrig ? c.dirs.resp : c.dirs.orig;
    if (s.flags & TCP_SYN) {
      if (dir.isn === undefined || (dir.next === 0 && dir.pending.length === 0)) {
        dir.isn = (s.seq + 1) >>> 0;
        dir.next = 0;
        dir.midStream = false;
      }
    } else if (dir.isn === undefined) {
      dir.isn = s.seq; // the capture began mid-connection
      dir.midStream = true;
    }
    if (s.payload.length > 0) {
      c.sawData = true;
      const rel = dir.rel((s.flags & TCP_SYN) !== 0 ? s.seq + 1 : s.seq);
      this.accept(c, dir, { rel, data: s.payload, frame: p.frame, timestampNs: p.timestampNs });
    }
    if (s.flags & TCP_ACK && peer.isn !== undefined && peer.pending.length > 0) {
      // The peer received everything before `ack`: what of it was not captured never will be.
      const acked = peer.rel(s.ack);
      if (acked > peer.next) this.drain(c, peer, acked);
    }
    if (s.flags & TCP_FIN) dir.fin = true;
    if (s.flags & TCP_RST || (c.dirs.orig.fin && c.dirs.resp.fin)) {
      c.closed = true;
      this.end(c);
    } else if (s.flags & TCP_FIN) c.closed = true;
  }

  /** Give up on every gap still open and end every connection (end of capture). */
  finish(): void {
    for (const c of [...this.conns.values()]) this.end(c);
    this.conns.clear();
    this.ended.length = 0;
  }

  private end(c: Conn): void {
    if (c.ended) return;
    this.drain(c, c.dirs.orig, Number.POSITIVE_INFINITY);
    this.drain(c, c.dirs.resp, Number.POSITIVE_INFINITY);
    c.ended = true;
    this.live--;
    c.dirs.orig.pending = [];
    c.dirs.resp.pending = [];
    this.ended.push(c);
    if (this.ended.length > 65536) {
      const old = this.ended.splice(0, 32768);
      for (const o of old) if (this.conns.get(o.key) === o) this.conns.delete(o.key);
    }
    this.options.onEnd?.(c.flow, c.closed);
  }

  private emit(c: Conn, dir: Direction, seg: Pending, gapBefore: number): void {
    let data = seg.data;
    if (seg.rel < dir.next) data = data.subarray(dir.next - seg.rel);
    if (data.length === 0) return;
    dir.next = Math.max(dir.next, seg.rel + seg.data.length);
    const chunk: TcpChunk = {
      dir: dir.dir,
      data,
      timestampNs: seg.timestampNs,
      frame: seg.frame,
      gapBefore,
      ...(dir.midStream ? { midStream: true as const } : {}),
    };
    dir.midStream = false;
    if (this.options.onChunk) this.options.onChunk(c.flow, chunk);
    else c.chunks.push(chunk);
  }

  private accept(c: Conn, dir: Direction, seg: Pending): void {
    if (seg.rel + seg.data.length <= dir.next) return; // all of it was seen already
    if (seg.rel > dir.next) {
      // Copied, so a held segment does not pin the file chunk it was read from.
      dir.pending.push({ ...seg, data: seg.data.slice() });
      dir.sorted = dir.pending.length === 1;
      dir.pendingBytes += seg.data.length;
      this.totalPending += seg.data.length;
      if (dir.pendingBytes > this.maxBuffered) this.drain(c, dir, Number.POSITIVE_INFINITY);
      else if (this.totalPending > this.maxTotal) this.relieve();
      return;
    }
    this.emit(c, dir, seg, 0);
    if (dir.pending.length > 0) this.drain(c, dir, dir.next);
  }

  // Deliver buffered segments that start at or before `upTo`, jumping the gaps before them.
  private drain(c: Conn, dir: Direction, upTo: number): void {
    if (!dir.sorted) {
      dir.pending.sort((x, y) => x.rel - y.rel);
      dir.sorted = true;
    }
    let i = 0;
    for (; i < dir.pending.length; i++) {
      const first = dir.pending[i]!;
      if (first.rel > dir.next && first.rel > upTo) break;
      dir.pendingBytes -= first.data.length;
      this.totalPending -= first.data.length;
      if (first.rel + first.data.length <= dir.next) continue;
      this.emit(c, dir, first, Math.max(0, first.rel - dir.next));
    }
    if (i > 0) dir.pending.splice(0, i);
  }

  // Over the total limit: the direction holding most gives up its gaps.
  private relieve(): void {
    let worst: [Conn, Direction] | undefined;
    for (const c of this.conns.values())
      if (!c.ended)
        for (const d of [c.dirs.orig, c.dirs.resp])
          if (!worst || d.pendingBytes > worst[1].pendingBytes) worst = [c, d];
    if (worst) this.drain(worst[0], worst[1], Number.POSITIVE_INFINITY);
  }
}

export type { TcpSegment };
