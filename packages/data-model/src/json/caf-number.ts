// How Broker's JSON decoder (CAF's read_number / read_floating_point) turns a
// number literal into a double. It is not correctly rounded: the integer part
// is read as a 64-bit integer, the fraction digits are accumulated in a double
// (x = x * 10 + d), and the decimal exponent is applied with a table of powers
// of ten. A real Broker receiving `1e-300` therefore holds
// 9.9999999999999986e-301, and we reproduce that bit for bit.

const POWERS = [1e1, 1e2, 1e4, 1e8, 1e16, 1e32, 1e64, 1e128, 1e256];
const MAX_EXPONENT = 511; // CAF: "any exponent larger than 511 always overflows"
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN_MAGNITUDE = 1n << 63n;
const I32_MAX = 2 ** 31 - 1;

/** The double CAF parses from a JSON number literal, or an error message when CAF rejects it. */
export function cafParseDouble(text: string): number | string {
  const m = /^(-?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?)(\d+))?$/.exec(text);
  if (!m) return `not a number: ${text}`;
  const [, minus, intDigits, fracDigits = "", expSign, expDigits] = m;
  const magnitude = BigInt(intDigits!);
  if (minus ? magnitude > I64_MIN_MAGNITUDE : magnitude > U64_MAX) return "integer part out of range";
  let result = Number(magnitude); // static_cast<double> of the 64-bit integer part
  let decExp = 0;
  for (const c of fracDigits) {
    result = result * 10 + (c.charCodeAt(0) - 48);
    decExp--;
  }
  let exp = 0;
  if (expDigits !== undefined) {
    for (const c of expDigits) {
      exp = exp * 10 + (c.charCodeAt(0) - 48);
      if (exp > I32_MAX) return expSign === "-" ? "exponent underflow" : "exponent overflow";
    }
    if (expSign === "-") exp = -exp;
  }
  exp += decExp;
  if (exp < -MAX_EXPONENT) return "exponent underflow";
  if (exp > MAX_EXPONENT) return "exponent overflow";
  for (let n = Math.abs(exp), i = 0; n !== 0; n >>= 1, i++) {
    if (n & 1) result = exp < 0 ? result / POWERS[i]! : result * POWERS[i]!;
  }
  return minus ? -result : result;
}
