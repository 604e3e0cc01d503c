// Benchmarks (not tests): each line prints our time and a ratio against a
// named baseline measured in the same run on the same machine.
import {
  address,
  compare,
  count,
  hash,
  integer,
  port,
  real,
  set,
  string,
  table,
  vector,
} from "../dist/index.js";

const N = 100_000;
let seed = 42;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

function mixedValue(i) {
  switch (i % 8) {
    case 0:
      return count(BigInt(Math.floor(rnd() * 1e9)));
    case 1:
      return integer(BigInt(Math.floor(rnd() * 2e9) - 1e9));
    case 2:
      return real(rnd() * 1e6);
    case 3:
      return string(`host-${Math.floor(rnd() * 1e6)}`);
    case 4:
      return address(`10.${i & 255}.${(i >> 8) & 255}.${Math.floor(rnd() * 255)}`);
    case 5:
      return port(Math.floor(rnd() * 65535), "tcp");
    case 6:
      return vector([count(i), string("x"), real(rnd())]);
    default:
      return set([integer(i % 7), integer(i % 5), string(String(i % 3))]);
  }
}

function time(fn, reps = 5) {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const values = Array.from({ length: N }, (_, i) => mixedValue(i));
const numbers = Array.from({ length: N }, () => rnd());

const tSort = time(() => values.slice().sort(compare));
const tBase = time(() => numbers.slice().sort((a, b) => a - b));
console.log(`sort ${N} mixed values with compare: ${tSort.toFixed(1)} ms`);
console.log(`baseline: sort ${N} numbers with (a, b) => a - b: ${tBase.toFixed(1)} ms`);
console.log(`ratio compare/baseline: ${(tSort / tBase).toFixed(2)}x\n`);

const tHash = time(() => {
  let h = 0;
  for (const v of values) h ^= hash(v);
  return h;
}, 1); // once: container hashes are memoised, so a repeat would measure the cache
const strings = values.map((v) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x)));
const tHashBase = time(() => {
  const m = new Map();
  for (const s of strings) m.set(s, 1);
});
console.log(`hash ${N} values: ${tHash.toFixed(1)} ms (${((N / tHash) * 1000).toFixed(0)} values/s)`);
console.log(`baseline: Map.set of ${N} precomputed JSON strings: ${tHashBase.toFixed(1)} ms`);
console.log(`ratio hash/baseline: ${(tHash / tHashBase).toFixed(2)}x\n`);

const tSet = time(() => set(values));
const tSetBase = time(() => new Set(numbers));
console.log(`set() of ${N} mixed values (sort + dedupe): ${tSet.toFixed(1)} ms`);
console.log(`baseline: new Set of ${N} numbers: ${tSetBase.toFixed(1)} ms`);
console.log(`ratio set/baseline: ${(tSet / tSetBase).toFixed(2)}x\n`);

const entries = values.map((v, i) => [v, count(i)]);
const tTable = time(() => table(entries));
console.log(
  `table() of ${N} entries: ${tTable.toFixed(1)} ms (ratio to new Set baseline: ${(tTable / tSetBase).toFixed(2)}x)`,
);
