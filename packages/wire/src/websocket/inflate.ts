import { DecodeError } from "../errors.js";

// Raw DEFLATE (RFC 1951) decoding for permessage-deflate (RFC 7692), in the
// style of zlib's "puff": small and synchronous, so it runs in browsers and
// in the stream decoder alike. The 32 KiB window is kept between messages,
// which is what "context takeover" means.

const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
  227, 258,
];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
  6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
const CLEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const WINDOW = 32768;

interface Huffman {
  readonly count: Uint16Array; // codes per length
  readonly symbol: Uint16Array; // symbols in canonical order
}

function huffman(lengths: ArrayLike<number>, n: number, at: number): Huffman {
  const count = new Uint16Array(16);
  for (let i = 0; i < n; i++) count[lengths[i]!]!++;
  let left = 1;
  for (let len = 1; len < 16; len++) {
    left = left * 2 - count[len]!;
    if (left < 0)
      throw new DecodeError("invalid", at, "a valid Huffman code", "over-subscribed code lengths");
  }
  const offs = new Uint16Array(16);
  for (let len = 1; len < 15; len++) offs[len + 1] = offs[len]! + count[len]!;
  const symbol = new Uint16Array(n);
  for (let i = 0; i < n; i++) if (lengths[i] !== 0) symbol[offs[lengths[i]!]!++] = i;
  count[0] = 0;
  return { count, symbol };
}

const FIXED = (() => {
  const l = new Uint8Array(288);
  l.fill(8, 0, 144);
  l.fill(9, 144, 256);
  l.fill(7, 256, 280);
  l.fill(8, 280, 288);
  return { lit: huffman(l, 288, 0), dist: huffman(new Uint8Array(30).fill(5), 30, 0) };
})();

class Bits {
  pos = 0;
  buf = 0;
  cnt = 0;
  constructor(readonly input: Uint8Array) {}

  bits(n: number): number {
    let v = this.buf;
    while (this.cnt < n) {
      if (this.pos >= this.input.length) throw new DecodeError("truncated", this.pos, "more compressed data");
      v |= this.input[this.pos++]! << this.cnt;
      this.cnt += 8;
    }
    this.buf = v >>> n;
    this.cnt -= n;
    return v & ((1 << n) - 1);
  }

  decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= this.bits(1);
      const count = h.count[len]!;
      if (code - count < first) return h.symbol[index + (code - first)]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new DecodeError("invalid", this.pos, "a Huffman code", "no symbol matches");
  }
}

/** Inflates the messages of one direction, keeping the window between them when asked to. */
export class RawInflater {
  private history = new Uint8Array(0);

  constructor(
    private readonly contextTakeover = true,
    private readonly maxOutput = 1 << 26,
  ) {}

  /** Inflate one permessage-deflate payload (the trailing 00 00 FF FF is added here, per RFC 7692). */
  inflateMessage(payload: Uint8Array): Uint8Array {
    const input = new Uint8Array(payload.length + 4);
    input.set(payload);
    input.set([0, 0, 0xff, 0xff], payload.length);
    const s = new Bits(input);
    let out = new Uint8Array(Math.max(1024, this.history.length + payload.length * 4));
    out.set(this.history);
    let n = this.history.length;
    const start = n;
    const ensure = (k: number) => {
      if (n + k - start > this.maxOutput)
        throw new DecodeError("limit", s.pos, `an inflated message of at most ${this.maxOutput} bytes`);
      if (n + k <= out.length) return;
      const next = new Uint8Array(Math.max(out.length * 2, n + k));
      next.set(out.subarray(0, n));
      out = next;
    };
    let last = 0;
    while (!last && s.pos < input.length) {
      last = s.bits(1);
      const type = s.bits(2);
      if (type === 0) {
        s.buf = 0;
        s.cnt = 0;
        if (s.pos + 4 > input.length) throw new DecodeError("truncated", s.pos, "a stored block header");
        const len = input[s.pos]! | (input[s.pos + 1]! << 8);
        const nlen = input[s.pos + 2]! | (input[s.pos + 3]! << 8);
        if (len !== (~nlen & 0xffff))
          throw new DecodeError("invalid", s.pos, "a stored block length and its complement");
        s.pos += 4;
        if (s.pos + len > input.length) throw new DecodeError("truncated", s.pos, `${len} stored bytes`);
        ensure(len);
        out.set(input.subarray(s.pos, s.pos + len), n);
        n += len;
        s.pos += len;
        continue;
      }
      if (type === 3) throw new DecodeError("invalid", s.pos, "a DEFLATE block type 0-2");
      let lit = FIXED.lit;
      let dist = FIXED.dist;
      if (type === 2) {
        const nlen = s.bits(5) + 257;
        const ndist = s.bits(5) + 1;
        const ncode = s.bits(4) + 4;
        if (nlen > 286 || ndist > 30)
          throw new DecodeError("invalid", s.pos, "at most 286 length and 30 distance codes");
        const clens = new Uint8Array(19);
        for (let i = 0; i < ncode; i++) clens[CLEN_ORDER[i]!] = s.bits(3);
        const clh = huffman(clens, 19, s.pos);
        const lengths = new Uint8Array(nlen + ndist);
        for (let i = 0; i < nlen + ndist; ) {
          const sym = s.decode(clh);
          if (sym < 16) {
            lengths[i++] = sym;
            continue;
          }
          let len = 0;
          let rep: number;
          if (sym === 16) {
            if (i === 0) throw new DecodeError("invalid", s.pos, "a previous length to repeat");
            len = lengths[i - 1]!;
            rep = 3 + s.bits(2);
          } else rep = sym === 17 ? 3 + s.bits(3) : 11 + s.bits(7);
          if (i + rep > nlen + ndist)
            throw new DecodeError("invalid", s.pos, "code lengths within the table");
          lengths.fill(len, i, i + rep);
          i += rep;
        }
        lit = huffman(lengths.subarray(0, nlen), nlen, s.pos);
        dist = huffman(lengths.subarray(nlen), ndist, s.pos);
      }
      for (;;) {
        const sym = s.decode(lit);
        if (sym < 256) {
          ensure(1);
          out[n++] = sym;
        } else if (sym === 256) {
          break;
        } else {
          const li = sym - 257;
          if (li >= 29) throw new DecodeError("invalid", s.pos, "a length code 257-285");
          const len = LENGTH_BASE[li]! + s.bits(LENGTH_EXTRA[li]!);
          const di = s.decode(dist);
          if (di >= 30) throw new DecodeError("invalid", s.pos, "a distance code 0-29");
          const d = DIST_BASE[di]! + s.bits(DIST_EXTRA[di]!);
          if (d > n)
            throw new DecodeError(
              "invalid",
              s.pos,
              "a distance within the window",
              `distance ${d}, ${n} bytes known`,
            );
          ensure(len);
          for (let k = 0; k < len; k++, n++) out[n] = out[n - d]!;
        }
      }
    }
    const message = out.slice(start, n);
    this.history = this.contextTakeover ? out.slice(Math.max(0, n - WINDOW), n) : new Uint8Array(0);
    return message;
  }
}
