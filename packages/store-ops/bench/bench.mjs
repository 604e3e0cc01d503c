// Benchmark (not a test): replay 1,000,000 mixed store commands through
// StoreMaster next to the same number of plain Map.set / Map.delete calls on
// the same keys (the named baseline), in one run.
import { count, integer, string } from "@brokerkit/data-model";
import { ops, StoreMaster } from "../dist/index.js";

const N = 1_000_000;
const keys = Array.from({ length: 1000 }, (_, i) => string(`key-${i}`));
const plainKeys = keys.map((k) => k.binary);
let seed = 1;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};

const commands = [];
const plain = [];
for (let i = 0; i < N; i++) {
  const k = rnd(keys.length);
  switch (rnd(4)) {
    case 0:
      commands.push(ops.put(keys[k], integer(i)));
      plain.push([0, plainKeys[k], i]);
      break;
    case 1:
      commands.push(ops.increment(keys[k], count(1)));
      plain.push([0, plainKeys[k], i]);
      break;
    case 2:
      commands.push(ops.push(keys[k], count(i)));
      plain.push([0, plainKeys[k], i]);
      break;
    default:
      commands.push(ops.erase(keys[k]));
      plain.push([1, plainKeys[k], 0]);
  }
}

let t = performance.now();
const master = new StoreMaster();
for (const c of commands) master.handle(c, 0n);
const ours = performance.now() - t;

t = performance.now();
const map = new Map();
for (const [op, k, v] of plain) {
  if (op === 0) map.set(k, v);
  else map.delete(k);
}
const base = performance.now() - t;

console.log(
  `StoreMaster.handle: ${N} mixed commands in ${ours.toFixed(0)} ms (${((N / ours) * 1000).toFixed(0)} commands/s)`,
);
console.log(
  `baseline Map.set/Map.delete: ${N} calls in ${base.toFixed(0)} ms (${((N / base) * 1000).toFixed(0)} calls/s)`,
);
console.log(`ratio (time ours / baseline): ${(ours / base).toFixed(1)}x`);
