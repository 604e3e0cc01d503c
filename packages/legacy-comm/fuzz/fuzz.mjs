// Long-running fuzzing (not a test): random and mutated serializations and
// connection streams through the decoders. Anything but a value or a
// DecodeError (from readSerialization) or an `unknown` record (from the
// connection decoder) is a bug and stops the run.
// Usage: npm run fuzz [-- ITERATIONS [SEED]]
import { DecodeError } from "@brokerkit/wire";
import { fuzzSetup } from "../../../test-support/fuzz.mjs";
import {
  baseType,
  countVal,
  enumVal,
  LegacyConnectionDecoder,
  LegacySender,
  newSerialSendState,
  newSerialState,
  patternVal,
  portVal,
  readSerialization,
  recordType,
  recordVal,
  setType,
  stringVal,
  TRANSPORT_PROTO,
  TypeTag,
  tableVal,
  writeSerialization,
} from "../dist/index.js";

const { iterations, rnd } = fuzzSetup(1_000_000);

const rec = recordType("F::R", [
  { name: "a", type: baseType(TypeTag.count) },
  { name: "b", type: baseType(TypeTag.string), optional: true },
]);
const args = [
  countVal(7n),
  stringVal("abc"),
  portVal(80, "tcp"),
  enumVal(TRANSPORT_PROTO, "udp"),
  patternVal("a+b"),
  recordVal(rec, [countVal(1n), null]),
  tableVal(setType([baseType(TypeTag.count)]), [{ index: [countVal(1n)] }]),
];
const seeds = [];
for (const pid64 of [false, true])
  for (const caching of [false, true]) {
    const bytes = writeSerialization({ kind: "event", name: "F::ev", time: 1, args }, newSerialSendState(), {
      pid64,
      caching,
      cacheStableBit: caching,
    });
    seeds.push({ bytes, pid64 });
  }
const stream = new LegacySender({ caching: true }).encode({
  type: "serial",
  pid64: false,
  serialization: { kind: "event", name: "F::ev", time: 1, args },
});

const counts = { value: 0, decodeError: 0, records: 0 };
for (let i = 0; i < iterations; i++) {
  const base = seeds[rnd(seeds.length)];
  const input = rnd(4) === 0 ? new Uint8Array(rnd(64)).map(() => rnd(256)) : base.bytes.slice();
  for (let k = rnd(5); k > 0; k--) input[rnd(input.length)] = rnd(256);
  const cut = rnd(8) === 0 ? input.subarray(0, rnd(input.length + 1)) : input;
  try {
    readSerialization(cut, newSerialState(), { pid64: base.pid64 });
    counts.value++;
  } catch (e) {
    if (!(e instanceof DecodeError)) {
      console.error(`BUG (serialization): ${e?.stack ?? e}\ninput: ${Buffer.from(cut).toString("hex")}`);
      process.exit(1);
    }
    counts.decodeError++;
  }
  if (i % 8 === 0) {
    const s = stream.slice();
    for (let k = 1 + rnd(4); k > 0; k--) s[rnd(s.length)] = rnd(256);
    try {
      const d = new LegacyConnectionDecoder();
      let at = 0;
      while (at < s.length) {
        const n = 1 + rnd(40);
        counts.records += d.push(rnd(2) ? "orig" : "resp", s.subarray(at, at + n)).length;
        at += n;
      }
    } catch (e) {
      console.error(`BUG (connection): ${e?.stack ?? e}\ninput: ${Buffer.from(s).toString("hex")}`);
      process.exit(1);
    }
  }
}
console.log(
  `ok: ${counts.value} values, ${counts.decodeError} DecodeErrors, ${counts.records} connection records, no other outcome`,
);
