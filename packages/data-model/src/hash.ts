import type { Data } from "./value.js";
import { portProtocolCode, typeTag } from "./value.js";

// A 32-bit hash consistent with `equals`: equal values hash alike. So -0.0
// hashes as 0.0 and every NaN alike, and sets/tables hash their canonical
// (sorted) contents. Container hashes are memoised: values are immutable.

const memo = new WeakMap<object, number>();
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function mix(h: number, k: number): number {
  // MurmurHash3's 32-bit mixing step.
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixBigInt(h: number, v: bigint): number {
  const u = BigInt.asUintN(64, v);
  return mix(mix(h, Number(u & 0xffffffffn) | 0), Number(u >> 32n) | 0);
}

function mixBinary(h: number, s: string): number {
  h = mix(h, s.length);
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return h;
}

function mixReal(h: number, x: number): number {
  if (Number.isNaN(x)) return mix(h, 0x7ff80000);
  f64[0] = x === 0 ? 0 : x;
  return mix(mix(h, u32[0]!), u32[1]!);
}

function hashInto(h: number, v: Data): number {
  h = mix(h, typeTag(v));
  switch (v.type) {
    case "none":
      return h;
    case "boolean":
      return mix(h, v.value ? 1 : 0);
    case "count":
    case "integer":
    case "timestamp":
    case "timespan":
      return mixBigInt(h, v.value);
    case "real":
      return mixReal(h, v.value);
    case "string":
    case "address":
      return mixBinary(h, v.binary);
    case "enum_value":
      return mixBinary(h, v.name);
    case "subnet":
      return mix(mixBinary(h, v.network.binary), v.rawLength);
    case "port":
      return mix(mix(h, v.number), portProtocolCode(v.protocol));
    case "set":
    case "vector":
    case "table":
      return mix(h, containerHash(v));
  }
}

function containerHash(v: Extract<Data, { type: "set" | "vector" | "table" }>): number {
  const cached = memo.get(v);
  if (cached !== undefined) return cached;
  let h = 0x9747b28c;
  if (v.type === "table") {
    h = mix(h, v.entries.length);
    for (const [k, val] of v.entries) h = hashInto(hashInto(h, k), val);
  } else {
    h = mix(h, v.elements.length);
    for (const e of v.elements) h = hashInto(h, e);
  }
  const result = finish(h);
  memo.set(v, result);
  return result;
}

/** A 32-bit hash (unsigned) consistent with `equals`. */
export function hash(value: Data): number {
  return finish(hashInto(0, value));
}
