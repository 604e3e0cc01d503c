import { bytesToBinary, formatAddressBinary } from "@brokerkit/data-model";

// From a link-layer frame to a TCP segment: Ethernet (with VLAN tags), Linux
// cooked capture v1/v2, BSD null/loop, raw IP; IPv4 and IPv6. Anything else
// (other protocols, fragments, malformed headers) is not a TCP segment.

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

/** The TCP segment in a captured frame, or undefined when there is none. */
export function tcpSegment(linkType: number, frame: Uint8Array): TcpSegment | undefined {
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const ip = ipLayer(linkType, frame, v);
  if (ip === undefined || ip >= frame.length) return undefined;
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
    if (frame[ip + 9] !== 6 || ihl < 20 || (fragment & 0x3fff) !== 0) return undefined; // not TCP, or a fragment
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
