import { CaptureError } from "./errors.js";

// Reading packet records from classic pcap (µs and ns, both byte orders) and
// pcapng (sections in either byte order, per-interface link type and
// timestamp resolution; EPB and SPB, other blocks skipped), fed in chunks of
// any size so a file of any length is read with one block's worth of memory.

export interface Packet {
  /** 1-based position in the file, counting packets only. */
  readonly frame: number;
  readonly timestampNs: bigint;
  readonly linkType: number;
  readonly interfaceId: number;
  readonly originalLength: number;
  readonly data: Uint8Array;
  /** Byte offset of the packet's record (pcap) or block (pcapng) in the file. */
  readonly fileOffset: number;
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

type Format =
  | { readonly kind: "pcap"; readonly little: boolean; readonly nanos: boolean; readonly linkType: number }
  | {
      readonly kind: "pcapng";
      little: boolean;
      interfaces: { linkType: number; unitsPerSecond: bigint }[];
    };

/**
 * A push-style capture reader: `push` chunks of the file in order and get the
 * packets they complete; `end` says the file is over and throws CaptureError
 * when it stopped inside a record. Packet data are views of the chunks pushed.
 */
export class PacketReader {
  private readonly max: number;
  private format: Format | undefined;
  private rest: Uint8Array = new Uint8Array(0);
  private restAt = 0; // file offset of rest[0]
  private frame = 0;
  private failed: CaptureError | undefined;

  constructor(options?: ReadOptions) {
    this.max = options?.maxPacketBytes ?? 1 << 24;
  }

  /** Bytes of the file taken apart into complete records so far. */
  get offset(): number {
    return this.restAt;
  }

  /**
   * The packets that `chunk` completes. At a damaged record the packets before
   * it are still returned; that push's successor (or `end`) throws the CaptureError.
   */
  push(chunk: Uint8Array): Packet[] {
    if (this.failed) throw this.failed;
    let bytes = chunk;
    if (this.rest.length > 0) {
      bytes = new Uint8Array(this.rest.length + chunk.length);
      bytes.set(this.rest);
      bytes.set(chunk, this.rest.length);
    }
    const out: Packet[] = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const at = { pos: 0 };
    try {
      if (!this.format) {
        at.pos = this.header(bytes, view);
        if (!this.format) {
          this.keep(bytes, 0);
          return out;
        }
      }
      if (this.format.kind === "pcap") this.pcap(bytes, view, at, out);
      else this.pcapng(bytes, view, at, out);
    } catch (e) {
      if (!(e instanceof CaptureError)) throw e;
      this.failed = e;
      if (out.length === 0) throw e;
    }
    this.keep(bytes, at.pos);
    return out;
  }

  /** The file is over: throws CaptureError if it ended inside a header, record or block. */
  end(): void {
    if (this.failed) throw this.failed;
    if (!this.format) {
      if (this.rest.length < 4) throw new CaptureError(0, "a pcap or pcapng file", "too short");
      throw new CaptureError(this.rest.length, "a 24-byte pcap header", "file truncated");
    }
    if (this.rest.length === 0) return;
    if (this.format.kind === "pcap") {
      const v = new DataView(this.rest.buffer, this.rest.byteOffset, this.rest.byteLength);
      if (this.rest.length < 16)
        throw new CaptureError(this.restAt, "a 16-byte packet record header", "file truncated");
      const caplen = v.getUint32(8, this.format.little);
      throw new CaptureError(this.restAt, `${caplen} bytes of packet data`, "file truncated");
    }
    if (this.rest.length < 12) throw new CaptureError(this.restAt, "a pcapng block header", "file truncated");
    const v = new DataView(this.rest.buffer, this.rest.byteOffset, this.rest.byteLength);
    const length = v.getUint32(4, this.format.little);
    throw new CaptureError(this.restAt, `a pcapng block of ${length} bytes`, "file truncated");
  }

  private keep(bytes: Uint8Array, pos: number): void {
    this.restAt += pos;
    // A copy, so the leftover does not pin the whole chunk.
    this.rest = pos === bytes.length ? new Uint8Array(0) : bytes.slice(pos);
  }

  // Recognises the file format; returns how many bytes of header it took (0 while unsure).
  private header(bytes: Uint8Array, view: DataView): number {
    if (bytes.length < 4) return 0;
    const magic = view.getUint32(0, false);
    if (magic === 0x0a0d0d0a) {
      this.format = { kind: "pcapng", little: true, interfaces: [] };
      return 0;
    }
    const m = PCAP_MAGICS[magic];
    if (!m) throw new CaptureError(0, "a pcap or pcapng magic number", `got 0x${magic.toString(16)}`);
    if (bytes.length < 24) return 0;
    this.format = { kind: "pcap", ...m, linkType: view.getUint32(20, m.little) & 0x0fffffff };
    return 24;
  }

  // Both loops leave `at.pos` after the last complete record, also when they throw.
  private pcap(bytes: Uint8Array, view: DataView, at: { pos: number }, out: Packet[]): void {
    const f = this.format as Extract<Format, { kind: "pcap" }>;
    const little = f.little;
    const unit = f.nanos ? 1n : 1000n;
    let pos = at.pos;
    while (bytes.length - pos >= 16) {
      const caplen = view.getUint32(pos + 8, little);
      if (caplen > this.max)
        throw new CaptureError(
          this.restAt + pos + 8,
          `a packet of at most ${this.max} bytes`,
          `got ${caplen}`,
        );
      if (bytes.length - pos - 16 < caplen) break;
      const sec = view.getUint32(pos, little);
      const frac = view.getUint32(pos + 4, little);
      out.push({
        frame: ++this.frame,
        timestampNs: BigInt(sec) * 1_000_000_000n + BigInt(frac) * unit,
        linkType: f.linkType,
        interfaceId: 0,
        originalLength: view.getUint32(pos + 12, little),
        data: bytes.subarray(pos + 16, pos + 16 + caplen),
        fileOffset: this.restAt + pos,
      });
      pos += 16 + caplen;
      at.pos = pos;
    }
  }

  private pcapng(bytes: Uint8Array, view: DataView, cursor: { pos: number }, out: Packet[]): void {
    const f = this.format as Extract<Format, { kind: "pcapng" }>;
    let pos = cursor.pos;
    while (bytes.length - pos >= 12) {
      const at = this.restAt + pos;
      let little = f.little;
      const isSection = view.getUint32(pos, false) === 0x0a0d0d0a;
      if (isSection) {
        // A section header: its byte-order magic decides how everything after it is read.
        const bom = view.getUint32(pos + 8, false);
        if (bom === 0x1a2b3c4d) little = false;
        else if (bom === 0x4d3c2b1a) little = true;
        else throw new CaptureError(at + 8, "a pcapng byte-order magic");
      }
      const type = view.getUint32(pos, little);
      const length = view.getUint32(pos + 4, little);
      if (length < 12 || length % 4 !== 0 || length > this.max + 64) {
        throw new CaptureError(at + 4, "a pcapng block length (multiple of 4, at least 12)", `got ${length}`);
      }
      const minimum = type === 1 ? 20 : type === 6 ? 32 : type === 3 ? 16 : 12;
      if (length < minimum)
        throw new CaptureError(
          at + 4,
          `a block of type ${type} of at least ${minimum} bytes`,
          `got ${length}`,
        );
      if (bytes.length - pos < length) break;
      if (isSection) {
        f.little = little;
        f.interfaces = [];
      }
      const body = pos + 8;
      if (type === 1) {
        f.interfaces.push({
          linkType: view.getUint16(body, little),
          unitsPerSecond: ifTsresol(bytes, view, body + 8, pos + length - 4, little),
        });
      } else if (type === 6 || type === 3) {
        const interfaceId = type === 6 ? view.getUint32(body, little) : 0;
        const iface = f.interfaces[interfaceId];
        if (!iface)
          throw new CaptureError(
            this.restAt + body,
            `interface ${interfaceId} to be described before its packets`,
          );
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
          throw new CaptureError(
            this.restAt + body,
            "packet data inside its block",
            `captured length ${caplen}`,
          );
        out.push({
          frame: ++this.frame,
          timestampNs,
          linkType: iface.linkType,
          interfaceId,
          originalLength: origlen,
          data: bytes.subarray(dataAt, dataAt + caplen),
          fileOffset: at,
        });
      }
      pos += length;
      cursor.pos = pos;
    }
  }
}

/** Every packet of a capture held in memory. Throws CaptureError after the last complete packet if the file is damaged. */
export function* readPackets(bytes: Uint8Array, options?: ReadOptions): Generator<Packet> {
  const reader = new PacketReader(options);
  yield* reader.push(bytes);
  reader.end();
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
