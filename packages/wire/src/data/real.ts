import type { BinaryFormat } from "./format.js";

// Reals on the wire are CAF's pack754 of the double, not its IEEE bits. For
// normal finite numbers the two agree (fast path); everything else follows
// CAF's code step by step, because that is what real peers send and accept:
//
//            v1 (current CAF)             broker-1 (CAF 0.17)
//  +0 / -0   0000… / 8000…                0000… for both (sign lost)
//  +inf      FFF0… (IEEE -inf bits)       never sent: CAF 0.17's loop hangs
//  -inf      7FF0… (IEEE +inf bits)       never sent
//  NaN       FFFF FFFF FFFF FFFF          BFF0… (decodes as -1.0)
//  subnormal mangled exponent (same rule in both: 5e-324 -> FCD0…)

const view = new DataView(new ArrayBuffer(8));
const U64 = (1n << 64n) - 1n;

function ieeeBits(x: number): bigint {
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}

function ieeeValue(bits: bigint): number {
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

/** Thrown when a value cannot be encoded in the chosen format. */
export class EncodeError extends Error {
  override readonly name = "EncodeError";
}

// CAF's normalisation for values the fast path does not cover (subnormals):
// halve/double into [1, 2), then significand = trunc(fnorm * (2^52 + 0.5)),
// exponent = shift + 1023 in unsigned 64-bit arithmetic, shifted mod 2^64.
function packByLoop(x: number): bigint {
  let fnorm = Math.abs(x);
  let shift = 0;
  while (fnorm >= 2) {
    fnorm /= 2;
    shift++;
  }
  while (fnorm < 1) {
    fnorm *= 2;
    shift--;
  }
  const significand = BigInt(Math.trunc((fnorm - 1) * (2 ** 52 + 0.5)));
  const exp = BigInt.asUintN(64, BigInt(shift + 1023));
  const sign = x < 0 ? 1n << 63n : 0n;
  return sign | ((exp << 52n) & U64) | significand;
}

/** The 64 bits CAF writes for a double. */
export function packReal(x: number, format: BinaryFormat): bigint {
  if (format === "v1") {
    if (Number.isNaN(x)) return U64;
    if (x === Number.POSITIVE_INFINITY) return 0xfff0000000000000n;
    if (x === Number.NEGATIVE_INFINITY) return 0x7ff0000000000000n;
    if (x === 0) return Object.is(x, -0) ? 1n << 63n : 0n;
  } else {
    // CAF 0.17 has no special cases; its loops hang on infinities and turn NaN into -1.0 bits.
    if (!Number.isFinite(x) && !Number.isNaN(x)) {
      throw new EncodeError(
        "Broker 1.x (CAF 0.17) cannot send an infinite real: the sender hangs, nothing is written",
      );
    }
    if (Number.isNaN(x)) return 0xbff0000000000000n;
    if (x === 0) return 0n;
  }
  return Math.abs(x) >= 2 ** -1022 ? ieeeBits(x) : packByLoop(x);
}

/** The double CAF reads from 64 bits. */
export function unpackReal(bits: bigint, format: BinaryFormat): number {
  if (format === "v1") {
    if (bits === 0n) return 0;
    if (bits === 1n << 63n) return -0;
    if (bits === 0xfff0000000000000n) return Number.POSITIVE_INFINITY;
    if (bits === 0x7ff0000000000000n) return Number.NEGATIVE_INFINITY;
    if (bits === U64) return Number.NaN;
  } else if (bits === 0n) {
    return 0;
  }
  const exponent = Number((bits >> 52n) & 0x7ffn);
  if (exponent !== 0 && exponent !== 0x7ff) return ieeeValue(bits); // normal: CAF's loop is exact here
  // Exponent 0 is read as 2^-1023 (not subnormal), 0x7ff overflows to ±inf, by repeated halving/doubling.
  let result = Number(bits & 0xfffffffffffffn) / 2 ** 52 + 1;
  for (let shift = exponent - 1023; shift > 0; shift--) result *= 2;
  for (let shift = exponent - 1023; shift < 0; shift++) result /= 2;
  return bits >> 63n ? -result : result;
}
