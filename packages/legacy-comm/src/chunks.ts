import { concatBytes } from "@brokerkit/data-model";
import { DecodeError } from "@brokerkit/wire";

/** Bit 31 of a chunk's length word: more parts of this logical chunk follow. */
export const FLAG_PARTIAL = 0x80000000;
/** Bro reads into a 1 MiB buffer, so one physical chunk carries at most this many payload bytes. */
export const MAX_CHUNK_PAYLOAD = 1048576 - 4;

/** A logical chunk: one or more physical chunks joined. */
export interface Chunk {
  readonly payload: Uint8Array;
  /** Stream offset of the first length word. */
  readonly offset: number;
  /** Stream offset just past the last part. */
  readonly end: number;
  /** Physical chunks it arrived in. */
  readonly parts: number;
}

/**
 * Splits one direction's byte stream into logical chunks, fed in pieces of
 * any size. A zero length, or a logical chunk over `maxChunkBytes`, is a
 * framing error: the stream cannot be followed past it.
 */
export class ChunkDecoder {
  private buf = new Uint8Array(0);
  private bufOffset = 0;
  // Pieces pushed while the buffered chunk is still incomplete: joined only once
  // enough bytes are there, so byte-by-byte feeding stays linear.
  private waiting: Uint8Array[] = [];
  private waitingBytes = 0;
  private need = 4;
  private parts: Uint8Array[] = [];
  private partsBytes = 0;
  private partsStart = 0;

  constructor(private readonly maxChunkBytes = 1 << 26) {}

  /** Stream offset of the first byte not yet consumed. */
  get offset(): number {
    return this.bufOffset;
  }

  /** Bytes held back waiting for the rest of a chunk. */
  get pending(): number {
    return this.buf.length + this.waitingBytes + this.partsBytes;
  }

  /** Forgets everything buffered; the next byte pushed is at stream offset `offset`. */
  restart(offset: number): void {
    this.buf = new Uint8Array(0);
    this.waiting = [];
    this.waitingBytes = 0;
    this.parts = [];
    this.partsBytes = 0;
    this.need = 4;
    this.bufOffset = offset;
  }

  push(bytes: Uint8Array): Chunk[] {
    const out: Chunk[] = [];
    if (this.buf.length + this.waitingBytes + bytes.length < this.need) {
      this.waiting.push(bytes.slice());
      this.waitingBytes += bytes.length;
      return out;
    }
    let buf =
      this.buf.length || this.waiting.length ? concatBytes([this.buf, ...this.waiting, bytes]) : bytes;
    this.waiting = [];
    this.waitingBytes = 0;
    let pos = 0;
    this.need = 4;
    while (buf.length - pos >= 4) {
      const word = ((buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!) >>> 0;
      const len = word & ~FLAG_PARTIAL;
      const at = this.bufOffset + pos;
      if (len === 0) throw new DecodeError("invalid", at, "a chunk length of at least 1");
      if (this.partsBytes + len > this.maxChunkBytes)
        throw new DecodeError("limit", at, `a logical chunk of at most ${this.maxChunkBytes} bytes`);
      if (buf.length - pos - 4 < len) {
        this.need = 4 + len;
        break;
      }
      if (this.parts.length === 0) this.partsStart = at;
      this.parts.push(buf.slice(pos + 4, pos + 4 + len));
      this.partsBytes += len;
      pos += 4 + len;
      if (!(word & FLAG_PARTIAL)) {
        const payload = this.parts.length === 1 ? this.parts[0]! : concatBytes(this.parts);
        out.push({ payload, offset: this.partsStart, end: this.bufOffset + pos, parts: this.parts.length });
        this.parts = [];
        this.partsBytes = 0;
      }
    }
    this.bufOffset += pos;
    buf = buf.subarray(pos);
    this.buf = buf.length ? buf.slice() : new Uint8Array(0);
    return out;
  }
}

/** Frames a logical chunk, splitting it with FLAG_PARTIAL where it exceeds `maxPart` (as Bro's writer does). */
export function encodeChunk(payload: Uint8Array, maxPart = MAX_CHUNK_PAYLOAD): Uint8Array {
  if (payload.length === 0) throw new RangeError("a chunk carries at least one byte");
  const parts = Math.ceil(payload.length / maxPart);
  const out = new Uint8Array(payload.length + 4 * parts);
  const view = new DataView(out.buffer);
  let o = 0;
  for (let p = 0; p < parts; p++) {
    const part = payload.subarray(p * maxPart, (p + 1) * maxPart);
    view.setUint32(o, (part.length | (p < parts - 1 ? FLAG_PARTIAL : 0)) >>> 0);
    out.set(part, o + 4);
    o += 4 + part.length;
  }
  return out;
}
