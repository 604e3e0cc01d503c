import type {
  AddressData,
  CountData,
  EnumValueData,
  IntegerData,
  PortData,
  StringData,
} from "@brokerkit/data-model";
import { PORT_PROTOCOLS } from "@brokerkit/data-model";
import { readBinary } from "./binary.js";

// Shared leaves for the decoder. Decoded values are frozen and these hold only
// primitives, so two equal ones can be the same object: nobody can tell, except
// that decoding allocates (and later collects) far less. Zeek traffic repeats a
// lot — small counts, enum names, column values, hosts, well-known ports — so
// small direct-mapped caches (each slot simply overwritten on a miss, hence
// bounded memory and no pathological inputs) catch most of it.

const SMALL = 1024;
const smallCounts: (CountData | undefined)[] = new Array(SMALL).fill(undefined);
const smallIntegers: (IntegerData | undefined)[] = new Array(SMALL).fill(undefined);

/** The count in the 8 bytes at p. */
export function countAt(view: DataView, p: number): CountData {
  if (view.getUint32(p) === 0) {
    const lo = view.getUint32(p + 4);
    if (lo < SMALL) {
      const hit = smallCounts[lo];
      if (hit !== undefined) return hit;
      const fresh: CountData = Object.freeze({ type: "count", value: BigInt(lo) });
      smallCounts[lo] = fresh;
      return fresh;
    }
  }
  return Object.freeze({ type: "count", value: view.getBigUint64(p) });
}

/** The integer in the 8 bytes at p. */
export function integerAt(view: DataView, p: number): IntegerData {
  if (view.getUint32(p) === 0) {
    const lo = view.getUint32(p + 4);
    if (lo < SMALL) {
      const hit = smallIntegers[lo];
      if (hit !== undefined) return hit;
      const fresh: IntegerData = Object.freeze({ type: "integer", value: BigInt(lo) });
      smallIntegers[lo] = fresh;
      return fresh;
    }
  }
  return Object.freeze({ type: "integer", value: view.getBigInt64(p) });
}

// Strings up to this many bytes are looked up; longer ones are rarely repeated
// exactly and cost more to compare than to build.
const CACHED_STRING_BYTES = 32;
const STRING_SLOTS = 4096;
const strings: (StringData | undefined)[] = new Array(STRING_SLOTS).fill(undefined);
const enums: (EnumValueData | undefined)[] = new Array(STRING_SLOTS).fill(undefined);

function hashBytes(b: Uint8Array, p: number, n: number): number {
  let h = n;
  for (let i = p; i < p + n; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return (h ^ (h >>> 15)) & (STRING_SLOTS - 1);
}

function sameBytes(s: string, b: Uint8Array, p: number, n: number): boolean {
  if (s.length !== n) return false;
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) !== b[p + i]) return false;
  return true;
}

/** The string of the n bytes at p. */
export function stringAt(b: Uint8Array, p: number, n: number): StringData {
  if (n > CACHED_STRING_BYTES) return Object.freeze({ type: "string", binary: readBinary(b, p, n) });
  const slot = hashBytes(b, p, n);
  const hit = strings[slot];
  if (hit !== undefined && sameBytes(hit.binary, b, p, n)) return hit;
  const fresh: StringData = Object.freeze({ type: "string", binary: readBinary(b, p, n) });
  strings[slot] = fresh;
  return fresh;
}

// Protocol strings (topics, CAF type signatures, names) repeat even more, and
// run longer than data strings.
const CACHED_NAME_BYTES = 96;
const names: (string | undefined)[] = new Array(STRING_SLOTS).fill(undefined);

/** The n bytes at p as a binary string, shared with earlier equal ones when short. */
export function nameAt(b: Uint8Array, p: number, n: number): string {
  if (n > CACHED_NAME_BYTES) return readBinary(b, p, n);
  const slot = hashBytes(b, p, n);
  const hit = names[slot];
  if (hit !== undefined && sameBytes(hit, b, p, n)) return hit;
  const fresh = readBinary(b, p, n);
  names[slot] = fresh;
  return fresh;
}

/** The enum value named by the n bytes at p. */
export function enumAt(b: Uint8Array, p: number, n: number): EnumValueData {
  if (n > CACHED_STRING_BYTES) return Object.freeze({ type: "enum_value", name: readBinary(b, p, n) });
  const slot = hashBytes(b, p, n);
  const hit = enums[slot];
  if (hit !== undefined && sameBytes(hit.name, b, p, n)) return hit;
  const fresh: EnumValueData = Object.freeze({ type: "enum_value", name: readBinary(b, p, n) });
  enums[slot] = fresh;
  return fresh;
}

const ADDRESS_SLOTS = 1024;
const addresses: (AddressData | undefined)[] = new Array(ADDRESS_SLOTS).fill(undefined);
const fcc = String.fromCharCode;

/** The address in the 16 bytes at p. */
export function addressAt(b: Uint8Array, p: number): AddressData {
  const slot = (((b[p + 14]! << 8) | b[p + 15]!) ^ (b[p + 13]! << 2) ^ b[p + 3]!) & (ADDRESS_SLOTS - 1);
  const hit = addresses[slot];
  if (hit !== undefined && sameBytes(hit.binary, b, p, 16)) return hit;
  // A flat 16-char string (not a cons of a shared prefix): addresses get compared and hashed.
  const binary = fcc(
    b[p]!,
    b[p + 1]!,
    b[p + 2]!,
    b[p + 3]!,
    b[p + 4]!,
    b[p + 5]!,
    b[p + 6]!,
    b[p + 7]!,
    b[p + 8]!,
    b[p + 9]!,
    b[p + 10]!,
    b[p + 11]!,
    b[p + 12]!,
    b[p + 13]!,
    b[p + 14]!,
    b[p + 15]!,
  );
  const fresh: AddressData = Object.freeze({ type: "address", binary });
  addresses[slot] = fresh;
  return fresh;
}

const PORT_SLOTS = 4096;
const ports: (PortData | undefined)[] = new Array(PORT_SLOTS).fill(undefined);

/** The port with this number and (valid, 0-3) protocol code. */
export function portOf(number: number, code: number): PortData {
  const slot = (number ^ (code << 10)) & (PORT_SLOTS - 1);
  const protocol = PORT_PROTOCOLS[code]!;
  const hit = ports[slot];
  if (hit !== undefined && hit.number === number && hit.protocol === protocol) return hit;
  const fresh: PortData = Object.freeze({ type: "port", number, protocol });
  ports[slot] = fresh;
  return fresh;
}
