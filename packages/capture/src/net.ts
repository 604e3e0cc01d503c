import { bytesToBinary, formatAddressBinary } from "@brokerkit/data-model";

// From a link-layer frame to a TCP segment: Ethernet (with VLAN tags), Linux
// cooked capture v1/v2, BSD null/loop, raw IP; IPv4 (fragments reassembled
// when an Ipv4Fragments store is given) and IPv6. Anything else (other
// protocols, IPv6 fragments, malformed headers) is not a TCP segment.

export interface TcpSegment {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly payload: Uint8Array;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

function ipLayer(linkType: number, d: Uint8Array, v: DataView): number | undefined {
  switch (linkType) {
    case 1: {
      let at = 12;
      let type = d.length >= 14 ? v.getUint16(12) : -1;
      while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
        at += 4;
        type = d.length >= at + 2 ? v.getUint16(at) : -1;
      }
      return type === 0x0800 || type === 0x86dd ? at + 2 : undefined;
    }
    case 0:
    case 108:
      return d.length >= 4 ? 4 : undefined;
    case 113:
      return d.length >= 16 ? 16 : undefined;
    case 276:
      return d.length >= 20 ? 20 : undefined;
    case 101:
    case 228:
    case 229:
    case 12:
    case 14:
      return 0;
    default:
      return undefined;
  }
}

function ipv6Text(d: Uint8Array, at: number): string {
  return formatAddressBinary(bytesToBinary(d, at, at + 16));
}

/**
 * The TCP segment in a captured frame, or undefined when there is none. With
 * `fragments`, IPv4 fragments are collected there and the fragment that
 * completes a datagram gives its segment.
 */
export function tcpSegment(
  linkType: number,
  frame: Uint8Array,
  fragments?: Ipv4Fragments,
): TcpSegment | undefined {
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const ip = ipLayer(linkType, frame, v);
  if (ip === undefined || ip >= frame.length) return undefined;
  return segmentAt(frame, v, ip, fragments);
}

function segmentAt(
  frame: Uint8Array,
  v: DataView,
  ip: number,
  fragments: Ipv4Fragments | undefined,
): TcpSegment | undefined {
  const version = frame[ip]! >> 4;
  let tcp: number;
  let end: number;
  let src: string;
  let dst: string;
  if (version === 4) {
    if (frame.length < ip + 20) return undefined;
    const ihl = (frame[ip]! & 0x0f) * 4;
    const total = v.getUint16(ip + 2);
    const fragment = v.getUint16(ip + 6);
    if (frame[ip + 9] !== 6 || ihl < 20 || frame.length < ip + ihl) return undefined;
    if ((fragment & 0x3fff) !== 0) {
      const whole = fragments?.add(frame.subarray(ip, Math.min(frame.length, ip + total)));
      return whole ? segmentAt(whole, new DataView(whole.buffer), 0, undefined) : undefined;
    }
    tcp = ip + ihl;
    end = Math.min(frame.length, ip + total);
    src = Array.from(frame.subarray(ip + 12, ip + 16)).join(".");
    dst = Array.from(frame.subarray(ip + 16, ip + 20)).join(".");
  } else if (version === 6) {
    if (frame.length < ip + 40) return undefined;
    let next = frame[ip + 6]!;
    tcp = ip + 40;
    end = Math.min(frame.length, ip + 40 + v.getUint16(ip + 4));
    // Hop-by-hop, routing and destination options headers precede TCP; fragments are not reassembled.
    while (next === 0 || next === 43 || next === 60) {
      if (tcp + 2 > end) return undefined;
      next = frame[tcp]!;
      tcp += (frame[tcp + 1]! + 1) * 8;
    }
    if (next !== 6) return undefined;
    src = ipv6Text(frame, ip + 8);
    dst = ipv6Text(frame, ip + 24);
  } else {
    return undefined;
  }
  if (tcp + 20 > end) return undefined;
  const offset = (frame[tcp + 12]! >> 4) * 4;
  if (offset < 20 || tcp + offset > end) return undefined;
  return {
    src,
    dst,
    srcPort: v.getUint16(tcp),
    dstPort: v.getUint16(tcp + 2),
    seq: v.getUint32(tcp + 4),
    ack: v.getUint32(tcp + 8),
    flags: frame[tcp + 13]!,
    payload: frame.subarray(tcp + offset, end),
  };
}

export interface FragmentLimits {
  /** Datagrams being reassembled at once; the oldest is dropped to make room. */
  readonly maxDatagrams?: number;
  /** Bytes held in fragments altogether. */
  readonly maxBytes?: number;
}

/**
 * IPv4 fragments waiting for the rest of their datagram, bounded in count and
 * bytes (the oldest incomplete datagram is dropped first). Where fragments
 * overlap, the one starting first wins.
 */
export class Ipv4Fragments {
  private readonly datagrams = new Map<
    string,
    {
      header: Uint8Array;
      parts: { at: number; data: Uint8Array }[];
      total: number | undefined;
      bytes: number;
    }
  >();
  private bytes = 0;
  private readonly maxDatagrams: number;
  private readonly maxBytes: number;

  constructor(limits: FragmentLimits = {}) {
    this.maxDatagrams = limits.maxDatagrams ?? 1024;
    this.maxBytes = limits.maxBytes ?? 1 << 24;
  }

  /** Datagrams still incomplete. */
  get pending(): number {
    return this.datagrams.size;
  }

  /** Add one fragment (an IPv4 packet); returns the whole datagram once every byte is there. */
  add(packet: Uint8Array): Uint8Array | undefined {
    const v = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
    const ihl = (packet[0]! & 0x0f) * 4;
    const word = v.getUint16(6);
    const at = (word & 0x1fff) * 8;
    const more = (word & 0x2000) !== 0;
    const data = packet.slice(ihl);
    if (at + data.length > 65535 - ihl) return undefined;
    const key = `${v.getUint32(12)}>${v.getUint32(16)}:${v.getUint16(4)}:${packet[9]}`;
    let d = this.datagrams.get(key);
    if (!d) {
      d = { header: packet.slice(0, ihl), parts: [], total: undefined, bytes: 0 };
      this.datagrams.set(key, d);
    }
    if (at === 0) d.header = packet.slice(0, ihl);
    if (!more) d.total = at + data.length;
    d.parts.push({ at, data });
    d.bytes += data.length;
    this.bytes += data.length;
    const whole = this.complete(d);
    if (whole) {
      this.datagrams.delete(key);
      this.bytes -= d.bytes;
      return whole;
    }
    while (this.datagrams.size > this.maxDatagrams || this.bytes > this.maxBytes) {
      const [oldest, o] = this.datagrams.entries().next().value!;
      this.datagrams.delete(oldest);
      this.bytes -= o.bytes;
    }
    return undefined;
  }

  private complete(d: {
    header: Uint8Array;
    parts: { at: number; data: Uint8Array }[];
    total: number | undefined;
  }): Uint8Array | undefined {
    if (d.total === undefined) return undefined;
    d.parts.sort((a, b) => a.at - b.at);
    let covered = 0;
    for (const p of d.parts) {
      if (p.at > covered) return undefined;
      covered = Math.max(covered, p.at + p.data.length);
    }
    if (covered < d.total) return undefined;
    const ihl = d.header.length;
    const out = new Uint8Array(ihl + d.total);
    out.set(d.header);
    // Later parts are written first so the earlier-starting part wins an overlap.
    for (let i = d.parts.length - 1; i >= 0; i--) {
      const p = d.parts[i]!;
      out.set(p.data.subarray(0, Math.max(0, d.total - p.at)), ihl + p.at);
    }
    const v = new DataView(out.buffer);
    v.setUint16(2, out.length);
    v.setUint16(6, 0);
    return out;
  }
}
