// Benchmark (not a test): our binary codec against msgpackr (the named
// baseline) on the same logical Zeek-like messages, in one run.
import {
  address,
  count,
  enumValue,
  integer,
  port,
  real,
  set,
  string,
  table,
  timespan,
  timestamp,
  vector,
} from "@brokerkit/data-model";
import { pack, unpack } from "msgpackr";
import { decodeData, encodeData } from "../dist/index.js";

let seed = 7;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};

// Zeek-like traffic: events with mixed arguments, log writes, nested tables.
function message(i) {
  const kind = i % 3;
  if (kind === 0) {
    const args = [
      string(`host-${rnd(1000)}`),
      count(rnd(1e6)),
      address(`10.0.${rnd(255)}.${rnd(255)}`),
      port(rnd(65535), "tcp"),
      real(rnd(1e6) / 7),
      timestamp(1700000000000000000n + BigInt(rnd(1e9))),
    ];
    return vector([count(1), count(1), vector([string("conn_event"), vector(args)])]);
  }
  if (kind === 1) {
    const record = vector([
      timestamp(1700000000000000000n + BigInt(i)),
      string("CHhAvVGS1DHFjwGM9"),
      address("192.168.1.1"),
      port(443, "tcp"),
      address("8.8.8.8"),
      port(53, "udp"),
      enumValue("udp"),
      timespan(rnd(1e9)),
      count(rnd(5000)),
      count(rnd(5000)),
      string("SF"),
      set([string("a"), string("b")]),
    ]);
    return vector([
      count(1),
      count(3),
      vector([
        enumValue("Conn::LOG"),
        enumValue("Log::WRITER_ASCII"),
        string("conn"),
        vector([record, record, record]),
      ]),
    ]);
  }
  return table(
    Array.from({ length: 20 }, (_, j) => [
      string(`k${j}-${rnd(100)}`),
      table([[integer(j), vector([real(j / 3), string("v")])]]),
    ]),
  );
}

// The same logical values as plain JS for msgpackr: bigint counts, strings, arrays, Map for tables.
function plain(v) {
  switch (v.type) {
    case "vector":
    case "set":
      return v.elements.map(plain);
    case "table":
      return new Map(
        v.entries.map(([k, x]) => [
          JSON.stringify(plain(k), (_, y) => (typeof y === "bigint" ? String(y) : y)),
          plain(x),
        ]),
      );
    case "string":
    case "enum_value":
      return v.type === "string" ? v.binary : v.name;
    case "address":
      return v.binary;
    case "subnet":
      return [v.network.binary, v.rawLength];
    case "port":
      return [v.number, v.protocol];
    case "none":
      return null;
    default:
      return v.value;
  }
}

const N = 20_000;
const values = Array.from({ length: N }, (_, i) => message(i));
const plains = values.map(plain);

function time(fn, reps = 5) {
  let best = Number.POSITIVE_INFINITY;
  let out;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    out = fn();
    best = Math.min(best, performance.now() - t0);
  }
  return [best, out];
}

const [encMs, encoded] = time(() => values.map((v) => encodeData(v)));
const [baseEncMs, baseEncoded] = time(() => plains.map((p) => pack(p)));
const [decMs] = time(() => encoded.map((b) => decodeData(b)));
const [baseDecMs] = time(() => baseEncoded.map((b) => unpack(b)));
const bytes = encoded.reduce((n, b) => n + b.length, 0);
const baseBytes = baseEncoded.reduce((n, b) => n + b.length, 0);

const line = (name, ms, total) =>
  `${name.padEnd(28)} ${ms.toFixed(1).padStart(8)} ms  ${((total / 1e6 / ms) * 1000).toFixed(1).padStart(7)} MB/s  ${((N / ms) * 1000).toFixed(0).padStart(8)} msgs/s`;
console.log(
  `${N} Zeek-like messages (${(bytes / 1e6).toFixed(2)} MB Broker binary, ${(baseBytes / 1e6).toFixed(2)} MB msgpack)`,
);
console.log(line("brokerkit encodeData", encMs, bytes));
console.log(line("baseline msgpackr pack", baseEncMs, baseBytes));
console.log(line("brokerkit decodeData", decMs, bytes));
console.log(line("baseline msgpackr unpack", baseDecMs, baseBytes));
console.log(`ratio encode (msgs/s ours / msgpackr): ${(baseEncMs / encMs).toFixed(2)}x`);
console.log(`ratio decode (msgs/s ours / msgpackr): ${(baseDecMs / decMs).toFixed(2)}x`);
