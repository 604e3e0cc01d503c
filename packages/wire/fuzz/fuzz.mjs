// Long-running fuzzing (not a test): random and mutated inputs through every
// decoder; anything but a value or a DecodeError is a bug and stops the run.
// Usage: npm run fuzz [-- ITERATIONS [SEED]]

import { fuzzSetup } from "../../../test-support/fuzz.mjs";
import { DecodeError, decodeData, encodeData } from "../dist/index.js";
import { unpackData } from "../dist/msgpack.js";

const { iterations, rnd } = fuzzSetup(2_000_000);

const corpus = [];
const counts = { value: 0, decodeError: 0 };
function check(label, fn, input) {
  try {
    const v = fn(input);
    counts.value++;
    if (corpus.length < 1000 && label === "bin") corpus.push(encodeData(v));
  } catch (e) {
    if (!(e instanceof DecodeError)) {
      console.error(`BUG (${label}): ${e?.stack ?? e}\ninput: ${Buffer.from(input).toString("hex")}`);
      process.exit(1);
    }
    counts.decodeError++;
  }
}

for (let i = 0; i < iterations; i++) {
  let input;
  if (corpus.length > 0 && rnd(2) === 0) {
    input = corpus[rnd(corpus.length)].slice();
    for (let k = 1 + rnd(4); k > 0; k--) input[rnd(input.length)] = rnd(256);
  } else {
    input = new Uint8Array(rnd(48));
    for (let k = 0; k < input.length; k++) input[k] = rnd(4) === 0 ? rnd(16) : rnd(256);
  }
  check("bin", (b) => decodeData(b), input);
  check("bin-1x", (b) => decodeData(b, { format: "broker-1" }), input);
  check("msgpack", unpackData, input);
  if (i % 500_000 === 0 && i > 0)
    console.log(`${i} inputs, ${counts.value} values, ${counts.decodeError} errors`);
}
console.log(`done: ${counts.value} values, ${counts.decodeError} DecodeErrors, no other exceptions`);
