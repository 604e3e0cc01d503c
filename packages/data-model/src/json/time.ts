// Civil-date arithmetic for JSON timestamps (UTC, proleptic Gregorian), in
// bigint so the whole int64-nanosecond range works.

/** Days since 1970-01-01 -> [year, month 1-12, day 1-31] (Howard Hinnant's civil_from_days). */
function civilFromDays(z: bigint): [bigint, number, number] {
  z += 719468n;
  const era = (z >= 0n ? z : z - 146096n) / 146097n;
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const y = yoe + era * 400n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = Number(doy - (153n * mp + 2n) / 5n + 1n);
  const m = Number(mp < 10n ? mp + 3n : mp - 9n);
  return [m <= 2 ? y + 1n : y, m, d];
}

/** [year, month, day] -> days since 1970-01-01. */
export function daysFromCivil(y: bigint, m: number, d: number): bigint {
  y -= m <= 2 ? 1n : 0n;
  const era = (y >= 0n ? y : y - 399n) / 400n;
  const yoe = y - era * 400n;
  const mm = BigInt(m > 2 ? m - 3 : m + 9);
  const doy = (153n * mm + 2n) / 5n + BigInt(d) - 1n;
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
  return era * 146097n + doe - 719468n;
}

const pad = (n: number | bigint, w = 2) => n.toString().padStart(w, "0");

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * Broker's JSON timestamp text, "YYYY-MM-DDThh:mm:ss.mmm" in UTC. Like
 * Broker (format/json.cc) the seconds are truncated toward zero and a
 * negative millisecond remainder prints as ".000", so pre-1970 instants with
 * a fractional second come out as Broker writes them, not as they are.
 */
export function formatIsoMillis(ns: bigint): string {
  const secs = ns / 1_000_000_000n; // to_time_t: truncation toward zero
  const ms = (ns / 1_000_000n) % 1000n; // C++ '%': sign of the dividend
  const days = floorDiv(secs, 86400n);
  const sod = Number(secs - days * 86400n);
  const [y, mo, d] = civilFromDays(days);
  const hh = Math.floor(sod / 3600);
  const mi = Math.floor((sod % 3600) / 60);
  const ss = sod % 60;
  return `${y < 0n ? "-" : ""}${pad(y < 0n ? -y : y, 4)}-${pad(mo)}-${pad(d)}T${pad(hh)}:${pad(mi)}:${pad(ss)}.${ms > 0n ? pad(ms, 3) : "000"}`;
}

/**
 * Parse what Broker's JSON decoder accepts for timestamps:
 * "YYYY-MM-DDThh:mm:ss", optional "." and 1-9 fraction digits, optional "Z"
 * or ±hh[:]mm. Without a zone the time is UTC. Returns ns, or undefined.
 */
export function parseIsoTimestamp(text: string): bigint | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    text,
  );
  if (!m) return undefined;
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m;
  const mo = Number(mos);
  const d = Number(ds);
  const h = Number(hs);
  const mi = Number(mis);
  const s = Number(ss);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  let offsetMin = 0;
  if (zone && zone !== "Z") {
    const digits = zone.replace(":", "");
    offsetMin = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * (digits[0] === "-" ? -1 : 1);
  }
  const days = daysFromCivil(BigInt(ys!), mo, d);
  const secs = days * 86400n + BigInt(h * 3600 + mi * 60 + s - offsetMin * 60);
  const fracNs = frac ? BigInt(frac.padEnd(9, "0")) : 0n;
  return secs * 1_000_000_000n + fracNs;
}
