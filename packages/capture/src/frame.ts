import { binaryToBytes, parseAddressText } from "@brokerkit/data-model";

// Building captured frames that carry one TCP segment, for tests and
// benchmarks: every link layer and IP version the readers understand.

export interface TcpFrameSpec {
  /** 1 Ethernet, 0/108 BSD null/loop, 113 Linux SLL, 276 Linux SLL2, 101/228/229/12/14 raw IP. */
  readonly linkType: number;
  /** Dotted IPv4 or IPv6 text; both ends must be the same version. */
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack?: number;
  readonly flags: number;
  readonly payload: Uint8Array;
  /** Ethernet only: 802.1Q tags (VLAN ids) before the IP ethertype. */
  readonly vlans?: readonly number[];
  /** IPv4 only: the identification field (fragments of one datagram share it). */
  readonly ipId?: number;
}

function addressBytes(text: string): Uint8Array {
  if (!text.includes(":")) return new Uint8Array(text.split(".").map(Number));
  const b = parseAddressText(text);
  if (b === undefined) throw new SyntaxError(`tcpFrame: cannot parse ${text}`);
  return binaryToBytes(b);
}

/** The IP packet (IPv4 or IPv6) of a TCP segment. */
export function ipPacket(spec: Omit<TcpFrameSpec, "linkType" | "vlans">): Uint8Array {
  const src = addressBytes(spec.src);
  const dst = addressBytes(spec.dst);
  const v6 = src.length === 16;
  const ipLen = v6 ? 40 : 20;
  const out = new Uint8Array(ipLen + 20 + spec.payload.length);
  const v = new DataView(out.buffer);
  if (v6) {
    out[0] = 0x60;
    v.setUint16(4, 20 + spec.payload.length);
    out[6] = 6;
    out[7] = 64;
    out.set(src, 8);
    out.set(dst, 24);
  } else {
    out[0] = 0x45;
    v.setUint16(2, out.length);
    v.setUint16(4, spec.ipId ?? 0);
    out[8] = 64;
    out[9] = 6;
    out.set(src, 12);
    out.set(dst, 16);
  }
  const t = ipLen;
  v.setUint16(t, spec.srcPort);
  v.setUint16(t + 2, spec.dstPort);
  v.setUint32(t + 4, spec.seq >>> 0);
  v.setUint32(t + 8, (spec.ack ?? 0) >>> 0);
  out[t + 12] = 0x50;
  out[t + 13] = spec.flags;
  v.setUint16(t + 14, 65535);
  out.set(spec.payload, t + 20);
  return out;
}

/** A link-layer frame holding an IP packet. */
export function linkFrame(linkType: number, ip: Uint8Array, vlans: readonly number[] = []): Uint8Array {
  const v6 = ip[0]! >> 4 === 6;
  const ethertype = v6 ? 0x86dd : 0x0800;
  let head: Uint8Array;
  switch (linkType) {
    case 1: {
      head = new Uint8Array(14 + 4 * vlans.length);
      const v = new DataView(head.buffer);
      head.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]);
      let at = 12;
      for (const id of vlans) {
        v.setUint16(at, 0x8100);
        v.setUint16(at + 2, id & 0x0fff);
        at += 4;
      }
      v.setUint16(at, ethertype);
      break;
    }
    case 0:
    case 108:
      // The address family, in the capturing host's byte order for null (0), big-endian for loop (108).
      head = new Uint8Array(4);
      new DataView(head.buffer).setUint32(0, v6 ? 24 : 2, linkType === 0);
      break;
    case 113:
      head = new Uint8Array(16);
      new DataView(head.buffer).setUint16(14, ethertype);
      break;
    case 276:
      head = new Uint8Array(20);
      new DataView(head.buffer).setUint16(0, ethertype);
      break;
    default:
      head = new Uint8Array(0);
  }
  const out = new Uint8Array(head.length + ip.length);
  out.set(head);
  out.set(ip, head.length);
  return out;
}

/** A captured frame carrying one TCP segment. */
export function tcpFrame(spec: TcpFrameSpec): Uint8Array {
  return linkFrame(spec.linkType, ipPacket(spec), spec.vlans);
}

/** An IPv4 packet cut into fragments whose payloads hold at most `size` bytes (a multiple of 8). */
export function fragmentIpv4(packet: Uint8Array, size: number): Uint8Array[] {
  const ihl = (packet[0]! & 0x0f) * 4;
  const body = packet.subarray(ihl);
  const out: Uint8Array[] = [];
  for (let at = 0; at < body.length; at += size) {
    const part = body.subarray(at, at + size);
    const f = new Uint8Array(ihl + part.length);
    f.set(packet.subarray(0, ihl));
    f.set(part, ihl);
    const v = new DataView(f.buffer);
    v.setUint16(2, f.length);
    v.setUint16(6, (at + size < body.length ? 0x2000 : 0) | (at / 8));
    out.push(f);
  }
  return out;
}
