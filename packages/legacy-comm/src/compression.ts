import { DecodeError, RawInflater } from "@brokerkit/wire";

/** Bro stores chunks shorter than this as they are, with a zero trailer. */
export const MIN_COMPRESS_SIZE = 30;

/**
 * Undoes the compression of one direction once MSG_COMPRESS has been seen.
 * Each chunk is deflate output followed by its uncompressed length, in the
 * sender's host byte order (little-endian on every Bro we know of; a
 * big-endian trailer is accepted when only it matches). The whole direction
 * is one zlib stream, so chunks must come in order to one inflater.
 */
export class ChunkInflater {
  private readonly inflater: RawInflater;
  private started = false;

  constructor(maxChunkBytes = 1 << 26) {
    this.inflater = new RawInflater(true, maxChunkBytes);
  }

  inflate(chunk: Uint8Array, offset = 0): Uint8Array {
    if (chunk.length < 4)
      throw new DecodeError("truncated", offset, "a compressed chunk with its 4-byte length trailer");
    const view = new DataView(chunk.buffer, chunk.byteOffset + chunk.length - 4, 4);
    const le = view.getUint32(0, true);
    const be = view.getUint32(0, false);
    const body = chunk.subarray(0, chunk.length - 4);
    if (le === 0) return body;
    let deflated = body;
    if (!this.started) {
      // The stream's zlib header (RFC 1950) precedes the first deflate block.
      if (body.length < 2 || (body[0]! & 0x0f) !== 8 || ((body[0]! << 8) | body[1]!) % 31 !== 0)
        throw new DecodeError("invalid", offset, "a zlib stream header");
      if (body[1]! & 0x20)
        throw new DecodeError("invalid", offset + 1, "a zlib header without a preset dictionary");
      deflated = body.subarray(2);
      this.started = true;
    }
    // Z_SYNC_FLUSH ends every chunk with an empty stored block (00 00 FF FF), the
    // same marker permessage-deflate strips and the inflater adds back.
    const n = deflated.length;
    if (
      n < 4 ||
      deflated[n - 4] !== 0 ||
      deflated[n - 3] !== 0 ||
      deflated[n - 2] !== 0xff ||
      deflated[n - 1] !== 0xff
    )
      throw new DecodeError(
        "invalid",
        offset + chunk.length - 8,
        "a chunk ending in a sync flush (00 00 FF FF)",
      );
    let out: Uint8Array;
    try {
      out = this.inflater.inflateMessage(deflated.subarray(0, n - 4));
    } catch (e) {
      if (e instanceof DecodeError) throw new DecodeError(e.kind, offset + e.offset, e.expected);
      throw e;
    }
    if (out.length !== le && out.length !== be)
      throw new DecodeError(
        "invalid",
        offset + chunk.length - 4,
        `an uncompressed length of ${out.length}`,
        `trailer says ${le}`,
      );
    return out;
  }
}

/**
 * Compresses one direction's chunks into a zlib stream Bro can inflate. It
 * emits stored (uncompressed) deflate blocks, each chunk ended by a sync
 * flush as zlib's Z_SYNC_FLUSH ends it: every inflater reads them, the
 * encoder stays small and browser-safe, and the bytes a peer acts on — the
 * inflated chunks — are what matter. Chunks under MIN_COMPRESS_SIZE are
 * stored raw with a zero trailer, as Bro does.
 */
export class ChunkDeflater {
  private started = false;

  deflate(chunk: Uint8Array): Uint8Array {
    if (chunk.length < MIN_COMPRESS_SIZE) return withTrailer(chunk, 0);
    const blocks = Math.ceil(chunk.length / 0xffff);
    const header = this.started ? 0 : 2;
    this.started = true;
    const out = new Uint8Array(header + chunk.length + blocks * 5 + 5 + 4);
    let o = 0;
    if (header) {
      out[o++] = 0x78;
      out[o++] = 0x01;
    }
    for (let b = 0; b < blocks; b++) {
      const part = chunk.subarray(b * 0xffff, (b + 1) * 0xffff);
      out[o++] = 0; // BFINAL = 0, BTYPE = stored: the stream goes on.
      out[o++] = part.length & 0xff;
      out[o++] = part.length >> 8;
      out[o++] = ~part.length & 0xff;
      out[o++] = (~part.length >> 8) & 0xff;
      out.set(part, o);
      o += part.length;
    }
    // The empty stored block Z_SYNC_FLUSH ends with (zero bytes already in place).
    out[o + 3] = 0xff;
    out[o + 4] = 0xff;
    o += 5;
    new DataView(out.buffer).setUint32(o, chunk.length, true);
    return out;
  }
}

function withTrailer(body: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, n, true);
  return out;
}
