import { SER_TYPE_MASK, SerClass, TypeTag } from "./serial/codes.js";
import { type AnyType, type BroVal, type RecordType, typeOf } from "./serial/model.js";

/**
 * Bro 2.5's rendering of values, as its `print` statement writes them
 * (ODesc in readable, standard style): T/F for bools, doubles through
 * modp_dtoa2 with 6 digits, intervals in units when they were IntervalVals,
 * strings with non-printable bytes as \xNN, records as [a=1, b=<uninitialized>],
 * sets and tables one entry per line in the order they came.
 */
export function describe(v: BroVal): string {
  switch (v.kind) {
    case "int":
      if (tagOf(v.type) === TypeTag.bool) return v.value ? "T" : "F";
      if (tagOf(v.type) === TypeTag.enum) return enumName(v.type, v.value);
      return v.value.toString();
    case "unsigned":
      if (tagOf(v.type) === TypeTag.port) return describePort(v.value);
      return v.value.toString();
    case "double":
      if (((v.stype ?? 0) & SER_TYPE_MASK) === SerClass.intervalVal) return describeInterval(v.value);
      return formatDouble(v.value);
    case "string":
      return escapeBytes(v.bytes);
    case "addr":
      return formatAddr(v.addr);
    case "subnet":
      return `${formatAddr(v.addr)}/${v.length}`;
    case "pattern":
      return `/${v.matcher.exact}/`;
    case "list":
      return v.elements.map(describe).join(", ");
    case "record": {
      const fields = recordFields(v.type);
      return `[${v.fields.map((f, i) => `${fields?.[i] ?? `$${i}`}=${f ? describe(f) : "<uninitialized>"}`).join(", ")}]`;
    }
    case "vector":
      return `[${v.elements.map((e) => (e ? describe(e) : "")).join(", ")}]`;
    case "table": {
      const entries = v.entries.map((e) => {
        const dim = e.index.kind === "list" ? e.index.elements.length : 1;
        const index = describe(e.index);
        if (!e.value) return dim === 1 ? index : `[${index}] `;
        return `[${index}] = ${describe(e.value)}`;
      });
      return `{\n${entries.join(",\n")}\n}`;
    }
    case "file":
      return v.file.name;
    case "func":
      return v.func.name;
  }
}

/** An event as `name(arg, arg, ...)`, each argument as `print` renders it. */
export function describeEvent(name: string, args: readonly BroVal[]): string {
  return `${name}(${args.map(describe).join(", ")})`;
}

function tagOf(t: AnyType): number {
  return typeOf(t)?.tag ?? -1;
}

function enumName(t: AnyType, value: bigint): string {
  const type = typeOf(t);
  if (type?.class === "enum") {
    const hit = type.names.find((n) => n.value === value);
    if (hit) return hit.name;
  }
  return "<undefined>";
}

function recordFields(t: AnyType): string[] | undefined {
  const type = typeOf(t);
  return type?.class === "record" ? (type as RecordType).fields?.map((f) => f.name) : undefined;
}

/** A port value's number and protocol: Bro ORs the protocol into the bits above the port number. */
export function portParts(raw: bigint): { port: number; proto: "tcp" | "udp" | "icmp" | "unknown" } {
  const n = Number(raw & 0xffffffffn);
  const proto = (n >>> 16) & 0xffff;
  return {
    port: n & 0xffff,
    proto: proto === 1 ? "tcp" : proto === 2 ? "udp" : proto === 3 ? "icmp" : "unknown",
  };
}

function describePort(raw: bigint): string {
  const { port, proto } = portParts(raw);
  return `${port}/${proto}`;
}

/** Bytes as Bro's EXPANDED_STRING rendering: printable ASCII as is, everything else as \xNN. */
export function escapeBytes(b: Uint8Array): string {
  let s = "";
  for (const c of b)
    s += c < 0x20 || c > 126 ? `\\x${c.toString(16).padStart(2, "0")}` : String.fromCharCode(c);
  return s;
}

/** inet_ntop's text, as Bro's IPAddr::AsString gives it (glibc's rules for embedded IPv4 included). */
export function formatAddr(a: Uint8Array): string {
  if (a.length === 4) return a.join(".");
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((a[i]! << 8) | a[i + 1]!);
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) best = -1;
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (best >= 0 && i >= best && i < best + bestLen) {
      if (i === best) out += ":";
      continue;
    }
    if (i) out += ":";
    if (
      i === 6 &&
      best === 0 &&
      (bestLen === 6 || (bestLen === 7 && words[7] !== 1) || (bestLen === 5 && words[5] === 0xffff))
    ) {
      out += `${a[12]}.${a[13]}.${a[14]}.${a[15]}`;
      break;
    }
    out += words[i]!.toString(16);
  }
  if (best >= 0 && best + bestLen === 8) out += ":";
  return out;
}

const THRES_MAX = 0x7fffffff;

/**
 * ODesc::Add(double) in readable mode: modp_dtoa2 with precision 6 (fixed
 * notation, trailing zeros dropped, C's %e above 2^31-1), then ".0" for
 * integral values so they read as doubles.
 */
export function formatDouble(d: number): string {
  const s = modpDtoa2(d, 6);
  return Number.isFinite(d) && Math.round(d) === d && !s.includes("e") ? `${s}.0` : s;
}

function modpDtoa2(input: number, prec: number): string {
  if (Number.isNaN(input)) return "nan";
  const neg = input < 0;
  const value = neg ? -input : input;
  if (value > THRES_MAX) return formatE(neg ? -value : value);
  const pow10 = 10 ** prec;
  let whole = Math.trunc(value);
  const tmp = (value - whole) * pow10;
  let frac = Math.trunc(tmp);
  const diff = tmp - frac;
  if (diff > 0.5) {
    frac++;
    if (frac >= pow10) {
      frac = 0;
      whole++;
    }
  } else if (diff === 0.5 && (frac === 0 || frac & 1)) {
    frac++;
  }
  let out = String(whole);
  if (frac) {
    let count = prec;
    while (frac % 10 === 0) {
      count--;
      frac /= 10;
    }
    out += `.${String(frac).padStart(count, "0")}`;
  }
  return neg ? `-${out}` : out;
}

/** C's %e: six digits after the point, an exponent of at least two digits. */
function formatE(v: number): string {
  if (!Number.isFinite(v)) return v < 0 ? "-inf" : "inf";
  const [m, e] = v.toExponential(6).split("e") as [string, string];
  const sign = e[0] === "-" ? "-" : "+";
  return `${m}e${sign}${e.replace(/^[+-]/, "").padStart(2, "0")}`;
}

/** IntervalVal::ValDescribe: days, hrs, mins, secs, msecs, usecs, each a whole number of its unit. */
export function describeInterval(seconds: number): string {
  if (seconds === 0) return "0 secs";
  let v = seconds;
  const parts: string[] = [];
  for (const [unit, name] of [
    [86400, "day"],
    [3600, "hr"],
    [60, "min"],
    [1, "sec"],
    [1e-3, "msec"],
    [1e-6, "usec"],
  ] as const) {
    if (v >= unit || v <= -unit) {
      // C's int() conversion: truncation, through a 32-bit int.
      const num = Math.trunc(v / unit) | 0;
      if (num !== 0) {
        parts.push(`${formatDouble(num)} ${name}${num !== 1 && num !== -1 ? "s" : ""}`);
        v -= num * unit;
      }
    }
  }
  return parts.join(" ");
}
