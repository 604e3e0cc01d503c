// Writing captures, for tests (ours and users'): classic pcap and pcapng.
import { concatBytes } from "@brokerkit/data-model";

export interface PacketToWrite {
  readonly timestampNs: bigint;
  readonly data: Uint8Array;
  readonly interfaceId?: number;
  /** Length on the wire when `data` was cut by a snap length (default: `data.length`). */
  readonly originalLength?: number;
}

/** A classic pcap file (microsecond or nanosecond timestamps, either byte order). */
export function writePcap(
  packets: readonly PacketToWrite[],
  options: { linkType?: number; nanos?: boolean; littleEndian?: boolean } = {},
): Uint8Array {
  const little = options.littleEndian ?? true;
  const size = 24 + packets.reduce((n, p) => n + 16 + p.data.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, options.nanos ? 0xa1b23c4d : 0xa1b2c3d4, little);
  v.setUint16(4, 2, little);
  v.setUint16(6, 4, little);
  v.setUint32(16, 262144, little);
  v.setUint32(20, options.linkType ?? 1, little);
  let at = 24;
  const unit = options.nanos ? 1n : 1000n;
  for (const p of packets) {
    v.setUint32(at, Number(p.timestampNs / 1_000_000_000n), little);
    v.setUint32(at + 4, Number((p.timestampNs % 1_000_000_000n) / unit), little);
    v.setUint32(at + 8, p.data.length, little);
    v.setUint32(at + 12, p.originalLength ?? p.data.length, little);
    out.set(p.data, at + 16);
    at += 16 + p.data.length;
  }
  return out;
}

/**
 * A pcapng file with one section and the given interfaces: link type and the
 * raw if_tsresol byte (a power of 10, or of 2 with bit 7 set; 6 by default).
 */
export function writePcapng(
  packets: readonly PacketToWrite[],
  interfaces: readonly { linkType: number; tsresol?: number }[],
  options: { littleEndian?: boolean } = {},
): Uint8Array {
  const little = options.littleEndian ?? true;
  const blocks: Uint8Array[] = [];
  const block = (type: number, body: Uint8Array) => {
    const length = 12 + ((body.length + 3) & ~3);
    const b = new Uint8Array(length);
    const v = new DataView(b.buffer);
    v.setUint32(0, type, little);
    v.setUint32(4, length, little);
    b.set(body, 8);
    v.setUint32(length - 4, length, little);
    blocks.push(b);
  };
  const shb = new Uint8Array(16);
  const sv = new DataView(shb.buffer);
  sv.setUint32(0, 0x1a2b3c4d, little);
  sv.setUint16(4, 1, little);
  sv.setBigInt64(8, -1n, little);
  block(0x0a0d0d0a, shb);
  for (const i of interfaces) {
    const idb = new Uint8Array(20);
    const v = new DataView(idb.buffer);
    v.setUint16(0, i.linkType, little);
    v.setUint32(4, 0, little);
    v.setUint16(8, 9, little); // if_tsresol
    v.setUint16(10, 1, little);
    idb[12] = i.tsresol ?? 6;
    block(1, idb);
  }
  for (const p of packets) {
    const ts =
      (p.timestampNs * unitsPerSecond(interfaces[p.interfaceId ?? 0]?.tsresol ?? 6)) / 1_000_000_000n;
    const epb = new Uint8Array(20 + p.data.length);
    const v = new DataView(epb.buffer);
    v.setUint32(0, p.interfaceId ?? 0, little);
    v.setUint32(4, Number(ts >> 32n), little);
    v.setUint32(8, Number(ts & 0xffffffffn), little);
    v.setUint32(12, p.data.length, little);
    v.setUint32(16, p.originalLength ?? p.data.length, little);
    epb.set(p.data, 20);
    block(6, epb);
  }
  return concatBytes(blocks);
}

/** Timestamp units per second of an if_tsresol byte. */
export function unitsPerSecond(tsresol: number): bigint {
  return tsresol & 0x80 ? 2n ** BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
}
