import { CaptureError } from "./errors.js";

// Reading packet records from classic pcap (µs and ns, both byte orders) and
// pcapng (sections in either byte order, per-interface link type and
// timestamp resolution; EPB and SPB, other blocks skipped).

export interface Packet {
  /** 1-based position in the file, counting packets only. */
  readonly frame: number;
  readonly timestampNs: bigint;
  readonly linkType: number;
  readonly interfaceId: number;
  readonly originalLength: number;
  readonly data: Uint8Array;
}

export interface ReadOptions {
  /** Largest packet or block accepted (a corrupt length cannot allocate more). */
  readonly maxPacketBytes?: number;
}

const PCAP_MAGICS: Record<number, { little: boolean; nanos: boolean }> = {
  2712847316: { little: false, nanos: false },
  3569595041: { little: true, nanos: false },
  2712812621: { little: false, nanos: true },
  1295823521: { little: true, nanos: true },
};

/** Every packet of a capture held in memory. Throws CaptureError after the last complete packet if the file is damaged. */
export function* readPackets(bytes: Uint8Array, options?: ReadOptions): Generator<Packet> {
  const max = options?.maxPacketBytes ?? 1 << 24;
  if (bytes.length < 4) throw new CaptureError(0, "a pcap or pcapng file", "too short");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic === 0x0a0d0d0a) {
    yield* readPcapng(bytes, view, max);
    return;
  }
  const m = PCAP_MAGICS[magic];
  if (!m) throw new CaptureError(0, "a pcap or pcapng magic number", `got 0x${magic.toString(16)}`);
  if (bytes.length < 24) throw new CaptureError(bytes.length, "a 24-byte pcap header");
  const linkType = view.getUint32(20, m.little) & 0x0fffffff;
  let pos = 24;
  let frame = 0;
  while (pos < bytes.length) {
    if (bytes.length - pos < 16)
      throw new CaptureError(pos, "a 16-byte packet record header", "file truncated");
    const sec = view.getUint32(pos, m.little);
    const frac = view.getUint32(pos + 4, m.little);
    const caplen = view.getUint32(pos + 8, m.little);
    const origlen = view.getUint32(pos + 12, m.little);
    if (caplen > max) throw new CaptureError(pos + 8, `a packet of at most ${max} bytes`, `got ${caplen}`);
    if (bytes.length - pos - 16 < caplen)
      throw new CaptureError(pos, `${caplen} bytes of packet data`, "file truncated");
    yield {
      frame: ++frame,
      timestampNs: BigInt(sec) * 1_000_000_000n + BigInt(frac) * (m.nanos ? 1n : 1000n),
      linkType,
      interfaceId: 0,
      originalLength: origlen,
      data: bytes.subarray(pos + 16, pos + 16 + caplen),
    };
    pos += 16 + caplen;
  }
}

function* readPcapng(bytes: Uint8Array, view: DataView, max: number): Generator<Packet> {
  let pos = 0;
  let little = true;
  let interfaces: { linkType: number; unitsPerSecond: bigint }[] = [];
  let frame = 0;
  while (pos < bytes.length) {
    if (bytes.length - pos < 12) throw new CaptureError(pos, "a pcapng block header", "file truncated");
    const type = view.getUint32(pos, little);
    if (view.getUint32(pos, false) === 0x0a0d0d0a) {
      // A section header: its byte-order magic decides how everything after it is read.
      const bom = view.getUint32(pos + 8, false);
      if (bom === 0x1a2b3c4d) little = false;
      else if (bom === 0x4d3c2b1a) little = true;
      else throw new CaptureError(pos + 8, "a pcapng byte-order magic");
      interfaces = [];
    }
    const length = view.getUint32(pos + 4, little);
    if (length < 12 || length % 4 !== 0 || length > max + 64) {
      throw new CaptureError(pos + 4, "a pcapng block length (multiple of 4, at least 12)", `got ${length}`);
    }
    if (bytes.length - pos < length)
      throw new CaptureError(pos, `a pcapng block of ${length} bytes`, "file truncated");
    const body = pos + 8;
    const minimum = type === 1 ? 20 : type === 6 ? 32 : type === 3 ? 16 : 12;
    if (length < minimum)
      throw new CaptureError(
        pos + 4,
        `a block of type ${type} of at least ${minimum} bytes`,
        `got ${length}`,
      );
    if (type === 1) {
      interfaces.push({
        linkType: view.getUint16(body, little),
        unitsPerSecond: ifTsresol(bytes, view, body + 8, pos + length - 4, little),
      });
    } else if (type === 6 || type === 3) {
      const interfaceId = type === 6 ? view.getUint32(body, little) : 0;
      const iface = interfaces[interfaceId];
      if (!iface) throw new CaptureError(body, `interface ${interfaceId} to be described before its packets`);
      let timestampNs = 0n;
      let caplen: number;
      let origlen: number;
      let dataAt: number;
      if (type === 6) {
        const ts =
          (BigInt(view.getUint32(body + 4, little)) << 32n) | BigInt(view.getUint32(body + 8, little));
        timestampNs = (ts * 1_000_000_000n) / iface.unitsPerSecond;
        caplen = view.getUint32(body + 12, little);
        origlen = view.getUint32(body + 16, little);
        dataAt = body + 20;
      } else {
        origlen = view.getUint32(body, little);
        caplen = Math.min(origlen, length - 16);
        dataAt = body + 4;
      }
      if (dataAt + caplen > pos + length - 4)
        throw new CaptureError(body, "packet data inside its block", `captured length ${caplen}`);
      yield {
        frame: ++frame,
        timestampNs,
        linkType: iface.linkType,
        interfaceId,
        originalLength: origlen,
        data: bytes.subarray(dataAt, dataAt + caplen),
      };
    }
    pos += length;
  }
}

function ifTsresol(bytes: Uint8Array, view: DataView, from: number, to: number, little: boolean): bigint {
  let pos = from;
  while (pos + 4 <= to) {
    const code = view.getUint16(pos, little);
    const len = view.getUint16(pos + 2, little);
    if (code === 0) break;
    if (code === 9 && len >= 1) {
      const v = bytes[pos + 4]!;
      return v & 0x80 ? 2n ** BigInt(v & 0x7f) : 10n ** BigInt(v);
    }
    pos += 4 + ((len + 3) & ~3);
  }
  return 1_000_000n;
}
