// C's printf("%f") for doubles, which Broker uses for reals in text and JSON.
// JS toFixed is not a substitute: it rounds exact ties upward (C rounds to
// even: 0.0078125 -> "0.007812") and switches to exponent form at 1e21.

const view = new DataView(new ArrayBuffer(8));

/** The exact binary value of a finite double as mantissa × 2^exponent. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return biased === 0
    ? { mantissa: frac, exponent: -1074 }
    : { mantissa: frac | (1n << 52n), exponent: biased - 1075 };
}

/** printf("%f", x) as glibc prints it: 6 decimals, round-half-even on the exact value, "nan"/"inf". */
export function formatRealFixed(x: number): string {
  if (Number.isNaN(x)) {
    // glibc prints the NaN's sign bit, and so does Broker.
    view.setFloat64(0, x);
    return view.getUint8(0) & 0x80 ? "-nan" : "nan";
  }
  const negative = x < 0 || Object.is(x, -0);
  const sign = negative ? "-" : "";
  if (!Number.isFinite(x)) return `${sign}inf`;
  const { mantissa, exponent } = decompose(Math.abs(x));
  const SCALE = 1_000_000n;
  let micros: bigint;
  if (exponent >= 0) {
    micros = (mantissa << BigInt(exponent)) * SCALE;
  } else {
    const num = mantissa * SCALE;
    const den = 1n << BigInt(-exponent);
    micros = num / den;
    const twice = (num % den) * 2n;
    if (twice > den || (twice === den && (micros & 1n) === 1n)) micros += 1n;
  }
  const digits = micros.toString().padStart(7, "0");
  return `${sign}${digits.slice(0, -6)}.${digits.slice(-6)}`;
}
