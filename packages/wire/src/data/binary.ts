import { bytesToBinary } from "@brokerkit/data-model";

// Broker strings are held as binary strings (one char per byte). Building them
// is most of the cost of decoding Zeek traffic, so the method depends on size:
// String.fromCharCode with the bytes as arguments for short ones (no array, no
// call through apply), TextDecoder for long ASCII (its result is the same
// string, and it is native), and bytesToBinary for long non-ASCII.

const fcc = String.fromCharCode;
const ascii = new TextDecoder("utf-8", { ignoreBOM: true });

const LONG = 24;

/** The n bytes at `start` as a binary string. */
export function readBinary(b: Uint8Array, start: number, n: number): string {
  if (n <= 8) return short(b, start, n);
  const end = start + n;
  if (n < LONG) {
    let out = short(b, start, 8);
    for (let p = start + 8; p < end; p += 8) out += short(b, p, Math.min(8, end - p));
    return out;
  }
  for (let i = start; i < end; i++) if (b[i]! > 0x7f) return bytesToBinary(b, start, end);
  return ascii.decode(b.subarray(start, end));
}

function short(b: Uint8Array, p: number, n: number): string {
  switch (n) {
    case 0:
      return "";
    case 1:
      return fcc(b[p]!);
    case 2:
      return fcc(b[p]!, b[p + 1]!);
    case 3:
      return fcc(b[p]!, b[p + 1]!, b[p + 2]!);
    case 4:
      return fcc(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
    case 5:
      return fcc(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!);
    case 6:
      return fcc(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!);
    case 7:
      return fcc(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!);
    default:
      return fcc(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!);
  }
}
