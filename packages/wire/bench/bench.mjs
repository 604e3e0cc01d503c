// Benchmark (not a test): our binary codec against msgpackr (the named
// baseline, its default `pack`/`unpack`) on the same logical Zeek-like
// messages, in one run. Usage: npm run bench [-- ROUNDS]
//
// Fairness: msgpackr gets the same information as plain JS values (bigints for
// 64-bit numbers, text strings, 16-byte Uint8Arrays for addresses, Maps for
// tables, with string keys); both sides keep every result of a pass alive (so both pay for the
// garbage they make); passes alternate between the two codecs and the figure
// reported is the median pass, with min–max across passes beside it.
import {
  address,
  count,
  enumValue,
  integer,
  port,
  real,
  set,
  string,
  subnet,
  table,
  textOf,
  timespan,
  timestamp,
  vector,
} from "@brokerkit/data-model";
import { isNativeAccelerationEnabled, pack, unpack } from "msgpackr";
import { decodeData, encodeData } from "../dist/index.js";

const ROUNDS = Number(process.argv[2] ?? 15);

let seed = 7;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const pick = (xs) => xs[rnd(xs.length)];
const ts = () => timestamp(1700000000000000000n + BigInt(rnd(1e9)) * 1000n);
const v4 = () => address(`10.${rnd(255)}.${rnd(255)}.${rnd(255)}`);

// An event with mixed arguments, as Zeek publishes them: [format, type, [name, args]].
function event() {
  const args = [
    string(`host-${rnd(1000)}`),
    count(rnd(1e6)),
    v4(),
    port(rnd(65535), "tcp"),
    real(rnd(1e6) / 7),
    ts(),
    integer(rnd(2000) - 1000),
    subnet(`10.${rnd(255)}.0.0/16`),
    set([count(rnd(10)), count(10 + rnd(10)), count(20 + rnd(10))]),
  ];
  return vector([count(1), count(1), vector([string("conn_event"), vector(args)])]);
}

// A log write batch: [format, type, [stream, writer, path, [records…]]].
function logWrite() {
  const records = Array.from({ length: 3 }, () =>
    vector([
      ts(),
      string(`C${rnd(1e9).toString(36)}${rnd(1e9).toString(36)}`),
      v4(),
      port(rnd(65535), "tcp"),
      address("8.8.8.8"),
      port(53, "udp"),
      enumValue("udp"),
      timespan(rnd(1e9)),
      count(rnd(5000)),
      count(rnd(5000)),
      string("SF"),
      set([string("a"), string("b")]),
    ]),
  );
  return vector([
    count(1),
    count(3),
    vector([enumValue("Conn::LOG"), enumValue("Log::WRITER_ASCII"), string("conn"), vector(records)]),
  ]);
}

const AGENTS = [
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
  "curl/8.5.0",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
  "Wget/1.21.4 (linux-gnu) — façade tést ünïcödé",
];
// String-heavy: an http.log record (URIs, user agents, MIME types; some non-ASCII text).
function httpLog() {
  const uri = `/api/v${rnd(3)}/${pick(["users", "items", "search", "päth/ünïcode"])}/${rnd(1e6)}?q=${"x".repeat(rnd(120))}&page=${rnd(50)}`;
  const record = vector([
    ts(),
    string(`C${rnd(1e9).toString(36)}`),
    v4(),
    port(rnd(65535), "tcp"),
    v4(),
    port(80, "tcp"),
    count(rnd(10)),
    string(pick(["GET", "POST", "PUT"])),
    string(`www.example-${rnd(100)}.com`),
    string(uri),
    string(`https://referrer-${rnd(50)}.example.org/${"r".repeat(rnd(60))}`),
    string("1.1"),
    string(pick(AGENTS)),
    count(rnd(1e5)),
    count(rnd(1e7)),
    count(pick([200, 301, 404, 500])),
    string(pick(["OK", "Moved Permanently", "Not Found", "Internal Server Error"])),
    set([string("text/html"), string(`application/x-${rnd(20)}`)]),
  ]);
  return vector([
    count(1),
    count(3),
    vector([enumValue("HTTP::LOG"), enumValue("Log::WRITER_ASCII"), string("http"), vector([record])]),
  ]);
}

// Table-heavy: a store snapshot-like table of tables.
function nestedTables() {
  return table(
    Array.from({ length: 20 }, (_, j) => [
      string(`k${j}-${rnd(100)}`),
      table([
        [integer(j), vector([real(j / 3), string("v")])],
        [integer(j + 100), vector([real(j / 7), string("w")])],
      ]),
    ]),
  );
}

const KINDS = [
  ["event", event],
  ["log write", logWrite],
  ["string-heavy", httpLog],
  ["table-heavy", nestedTables],
];

// The same logical values as plain JS for msgpackr.
function plain(v) {
  switch (v.type) {
    case "vector":
    case "set":
      return v.elements.map(plain);
    case "table":
      // msgpackr's default unpack turns map keys into object property names, and
      // non-string keys take a slow path there: give it string keys, as a user would.
      return new Map(v.entries.map(([k, x]) => [plainKey(k), plain(x)]));
    case "string":
    case "enum_value":
      return textOf(v);
    case "address":
      return Uint8Array.from(v.binary, (c) => c.charCodeAt(0));
    case "subnet":
      return [plain(v.network), v.rawLength];
    case "port":
      return [v.number, v.protocol];
    case "none":
      return null;
    default:
      return v.value;
  }
}

function plainKey(k) {
  const p = plain(k);
  return typeof p === "string" ? p : JSON.stringify(p, (_, y) => (typeof y === "bigint" ? String(y) : y));
}

const N = 20_000;
const corpus = KINDS.map(([name, make]) => {
  const values = Array.from({ length: N / KINDS.length }, make);
  return { name, values, plains: values.map(plain) };
});
const all = {
  name: "all",
  values: corpus.flatMap((c) => c.values),
  plains: corpus.flatMap((c) => c.plains),
};
for (const c of [...corpus, all]) {
  c.encoded = c.values.map((v) => encodeData(v));
  c.packed = c.plains.map((p) => pack(p));
  c.bytes = c.encoded.reduce((n, b) => n + b.length, 0);
  c.packedBytes = c.packed.reduce((n, b) => n + b.length, 0);
}

// Each op is timed over one whole pass; rounds alternate ours/baseline.
const OPS = [
  ["encode", (c) => c.values.map((v) => encodeData(v)), (c) => c.plains.map((p) => pack(p))],
  ["decode", (c) => c.encoded.map((b) => decodeData(b)), (c) => c.packed.map((b) => unpack(b))],
];
function measure(c, fn) {
  const t0 = performance.now();
  const out = fn(c);
  const ms = performance.now() - t0;
  if (out.length !== c.values.length) throw new Error("lost messages");
  return ms;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const fmt = (ms, bytes, n) =>
  `${ms.toFixed(1).padStart(7)} ms ${((bytes / 1e3 / ms) | 0).toString().padStart(5)} MB/s ${((n / ms) * 1000).toFixed(0).padStart(8)} msgs/s`;

console.log(
  `${ROUNDS} rounds, median pass (min–max); node ${process.version}; msgpackr native string extraction ${
    isNativeAccelerationEnabled ? "on" : "off (MSGPACKR_NATIVE_ACCELERATION_DISABLED)"
  }`,
);
const overall = {};
for (const c of [all, ...corpus]) {
  const n = c.values.length;
  console.log(
    `\n${c.name}: ${n} messages, ${(c.bytes / 1e6).toFixed(2)} MB Broker binary, ${(c.packedBytes / 1e6).toFixed(2)} MB msgpack`,
  );
  for (const [op, ours, base] of OPS) {
    const t = { ours: [], base: [], ratio: [] };
    for (let r = 0; r < ROUNDS + 2; r++) {
      const a = measure(c, ours);
      const b = measure(c, base);
      if (r < 2) continue; // warm-up
      t.ours.push(a);
      t.base.push(b);
      t.ratio.push(b / a);
    }
    const range = (xs) => `(${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
    console.log(`  ${op} brokerkit ${fmt(median(t.ours), c.bytes, n)} ${range(t.ours)}`);
    console.log(`  ${op} msgpackr  ${fmt(median(t.base), c.packedBytes, n)} ${range(t.base)}`);
    console.log(
      `  ${op} ratio (msgs/s brokerkit / msgpackr): ${median(t.ratio).toFixed(2)}x ${range(t.ratio).replace(/\)$/, "x)")}`,
    );
    if (c === all) overall[op] = median(t.ratio);
  }
}
const met = overall.encode >= 1 && overall.decode >= 1;
console.log(
  `\ntarget (all messages, at least msgpackr's speed both ways): encode ${overall.encode.toFixed(2)}x, decode ${overall.decode.toFixed(2)}x: ${met ? "met" : "not met"}`,
);
