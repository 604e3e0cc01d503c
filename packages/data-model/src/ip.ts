// IP address text forms, as Broker (through CAF's ipv6_address) reads and prints them.
// Addresses are 16-byte binary strings; IPv4 lives at ::ffff:0:0/96.

export const V4_MAPPED_PREFIX = "\0\0\0\0\0\0\0\0\0\0\xff\xff";

export function isV4MappedBinary(binary: string): boolean {
  return binary.length === 16 && binary.startsWith(V4_MAPPED_PREFIX);
}

function parseV4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** Parse dotted IPv4 or IPv6 text to 16 bytes; undefined when it is neither. */
export function parseAddressText(text: string): string | undefined {
  const v4 = parseV4(text);
  if (v4) return V4_MAPPED_PREFIX + String.fromCharCode(...v4);
  if (!text.includes(":")) return undefined;
  let groups: number[] = [];
  let tail = text;
  // A trailing dotted quad stands for the last two groups.
  const lastColon = text.lastIndexOf(":");
  const maybeV4 = text.slice(lastColon + 1);
  let v4Tail: number[] | undefined;
  if (maybeV4.includes(".")) {
    v4Tail = parseV4(maybeV4);
    if (!v4Tail) return undefined;
    tail = text.slice(0, lastColon + 1);
    // "::1.2.3.4" leaves "::"; "1::1.2.3.4" leaves "1::"; "1:2:3:4:5:6:1.2.3.4" leaves "1:...:6:"
    if (!tail.endsWith("::")) tail = tail.slice(0, -1);
  }
  const want = v4Tail ? 6 : 8;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    for (const g of s.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const dbl = tail.indexOf("::");
  if (dbl >= 0) {
    if (tail.indexOf("::", dbl + 1) >= 0) return undefined;
    const head = parseGroups(tail.slice(0, dbl));
    const rest = parseGroups(tail.slice(dbl + 2));
    if (!head || !rest || head.length + rest.length > want - 1) return undefined;
    groups = [...head, ...new Array<number>(want - head.length - rest.length).fill(0), ...rest];
  } else {
    const all = parseGroups(tail);
    if (!all || all.length !== want) return undefined;
    groups = all;
  }
  let out = "";
  for (const g of groups) out += String.fromCharCode(g >> 8, g & 0xff);
  if (v4Tail) out += String.fromCharCode(...v4Tail);
  return out;
}

/**
 * Broker's address text: dotted quad for IPv4-mapped addresses; otherwise
 * lowercase hex groups where the first longest run of two or more zero groups
 * becomes "::" (CAF's ipv6_address printer).
 */
export function formatAddressBinary(binary: string): string {
  if (isV4MappedBinary(binary)) {
    return `${binary.charCodeAt(12)}.${binary.charCodeAt(13)}.${binary.charCodeAt(14)}.${binary.charCodeAt(15)}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((binary.charCodeAt(i) << 8) | binary.charCodeAt(i + 1));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i >= 2 && j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(":");
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}
