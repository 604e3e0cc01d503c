// Broker strings are byte strings. We hold them as "binary strings": one JS
// char per byte (0-255). They are immutable, compare byte-wise with `<`, and
// work as Map keys — none of which a Uint8Array offers.

const utf8Encoder = new TextEncoder();
// ignoreBOM: a leading EF BB BF is content in Broker strings, not a marker to strip.
const utf8Decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const strictUtf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const CHUNK = 0x2000;

/** Bytes to a binary string (one char per byte). */
export function bytesToBinary(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start <= CHUNK) {
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  let out = "";
  for (let i = start; i < end; i += CHUNK) {
    out += String.fromCharCode.apply(
      null,
      bytes.subarray(i, Math.min(i + CHUNK, end)) as unknown as number[],
    );
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** A binary string's bytes as lower-case hex, two digits a byte (how Broker prints ids). */
export function binaryToHex(binary: string): string {
  let out = "";
  for (let i = 0; i < binary.length; i++) out += HEX[binary.charCodeAt(i) & 0xff];
  return out;
}

/** The bytes of several arrays, one after another. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A binary string back to bytes. Chars above 0xFF are a programming error. */
export function binaryToBytes(binary: string): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    const c = binary.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`not a binary string: char ${c} at index ${i}`);
    out[i] = c;
  }
  return out;
}

/** True when every char of `s` is a byte (0-255). */
export function isBinaryString(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

/** UTF-8 encode text into a binary string. Lone surrogates become U+FFFD, as in TextEncoder. */
export function utf8ToBinary(text: string): string {
  // Pure ASCII is already its own UTF-8 binary form: skip the round trip.
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  return ascii ? text : bytesToBinary(utf8Encoder.encode(text));
}

/** Decode a binary string as UTF-8; invalid sequences become U+FFFD. */
export function binaryToUtf8(binary: string): string {
  return NON_ASCII.test(binary) ? utf8Decoder.decode(binaryToBytes(binary)) : binary;
}

// A native scan: faster than a charCodeAt loop on all but the shortest strings.
const NON_ASCII = /[\x80-\uffff]/;

/** Whether a binary string is well-formed UTF-8. */
export function isUtf8(binary: string): boolean {
  try {
    strictUtf8Decoder.decode(binaryToBytes(binary));
    return true;
  } catch {
    return false;
  }
}
