// Live interop with real Broker 1.4 (Debian's python3-broker): our order and
// text rendering must agree with broker.Data's `<` and str() value by value.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { brokerOracleForm } from "../../../test-support/broker-oracle.js";
import { arbitraryData } from "./arbitrary.js";
import { isUtf8 } from "./bytes.js";
import { real, set, subnet, vector } from "./constructors.js";
import { compare, compareLegacy } from "./order.js";
import { toTextBinary } from "./text.js";
import type { Data } from "./value.js";

const PYTHON = "/usr/bin/python3";
const ORACLE = fileURLToPath(new URL("../interop/broker_oracle.py", import.meta.url));
const hex = (binary: string) => Buffer.from(binary, "latin1").toString("hex");

function ask(values: Data[], pairs: [number, number][]): { texts: string[]; less: [boolean, boolean][] } {
  const run = spawnSync(PYTHON, [ORACLE], {
    input: JSON.stringify({ values: values.map(brokerOracleForm), pairs }),
    maxBuffer: 1 << 28,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`Broker oracle failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

// What we leave out, and why:
// - NaN: Broker's `<` is not an order on NaN (it is neither less nor greater than any real).
// - sets/tables holding two subnets with the same network: Broker 1.4 keeps only one of them
//   (see compareLegacy); a dedicated test below checks exactly that.
// - subnets with host bits or a length past 128 (uncheckedSubnets): broker::subnet's
//   constructor masks the host bits and turns a bad length into ::/0, so the binding cannot
//   build them.
// Strings and enum names with any bytes (non-UTF-8, NUL) are in: the binding takes Python
// bytes for them, and the oracle recovers str()'s raw bytes from the UnicodeDecodeError.
const values = arbitraryData({ edgeBias: true, noNaN: true, maxDepth: 2, maxLength: 4 }).filter(function ok(
  v: Data,
): boolean {
  if (v.type === "set" && !distinctForLegacy(v.elements)) return false;
  if (v.type === "table" && !distinctForLegacy(v.entries.map(([k]) => k))) return false;
  if (v.type === "vector" || v.type === "set") return v.elements.every(ok);
  if (v.type === "table") return v.entries.every(([k, x]) => ok(k) && ok(x));
  return true;
});

function distinctForLegacy(xs: readonly Data[]): boolean {
  return xs.every((x, i) => xs.every((y, j) => j <= i || compareLegacy(x, y) !== 0));
}

describe("interop with real Broker 1.4", () => {
  it("has the Broker 1.4 Python bindings (apt-get install python3-broker)", () => {
    expect(existsSync(PYTHON)).toBe(true);
    const probe = spawnSync(PYTHON, [
      "-c",
      "import collections, collections.abc; collections.Iterable = collections.abc.Iterable; import broker",
    ]);
    expect(probe.status, String(probe.stderr)).toBe(0);
  });

  it("keeps one of two same-network subnets in a set, as compareLegacy predicts", () => {
    const v = set([subnet("::/50"), subnet("::/103")]);
    expect(v.elements).toHaveLength(2);
    const { texts } = ask([v], []);
    expect(Buffer.from(texts[0]!, "hex").toString()).toBe("{::/50}");
  });

  it("renders NaNs as Broker does, sign bit included", () => {
    // The random sample leaves NaN out (see above); its text is checked here. Broker prints
    // glibc's "%f" of the double, and glibc prints a NaN with the sign bit set as "-nan".
    const nan = (bits: string) => real(Buffer.from(bits, "hex").readDoubleBE(0));
    const nans = [
      nan("7ff8000000000000"),
      nan("fff8000000000000"),
      nan("7ff0000000000001"),
      nan("fff0000000000001"),
    ];
    const vs = [...nans, vector(nans)];
    const { texts } = ask(vs, []);
    for (const [i, v] of vs.entries())
      expect(toTextBinary(v), JSON.stringify(brokerOracleForm(v))).toBe(
        Buffer.from(texts[i]!, "hex").toString("latin1"),
      );
  });

  const seed = Number(process.env.BROKERKIT_SEED ?? Date.now() % 2 ** 31);
  // BROKERKIT_INTEROP_RUNS widens the search (e.g. 50000) when hunting for disagreements.
  const sample = fc.sample(values, { numRuns: Number(process.env.BROKERKIT_INTEROP_RUNS ?? 2500), seed });

  it(`renders ${sample.length} random values exactly as str(broker.Data) does (seed ${seed})`, () => {
    const { texts } = ask(sample, []);
    expect(texts).toHaveLength(sample.length);
    for (const [i, v] of sample.entries())
      expect(hex(toTextBinary(v)), `value #${i}: ${JSON.stringify(brokerOracleForm(v))}`).toBe(texts[i]);
    // The sample must really reach the bytes the binding cannot decode.
    expect(texts.filter((t) => !isUtf8(Buffer.from(t, "hex").toString("latin1"))).length).toBeGreaterThan(0);
  });

  it(`orders random values as broker.Data's < does (seed ${seed})`, () => {
    // Sort by our order, then ask Broker about every neighbour pair and some random pairs.
    const sorted = [...sample].sort(compare);
    const pairs: [number, number][] = sorted.slice(1).map((_, i) => [i, i + 1]);
    const rnd = fc.sample(fc.tuple(fc.nat(sorted.length - 1), fc.nat(sorted.length - 1)), {
      numRuns: 2000,
      seed,
    });
    pairs.push(...rnd);
    const { less } = ask(sorted, pairs);
    // Broker 1.4 predates the subnet-order fix of 2.8.0-dev.132, so its `<` is compareLegacy.
    for (const [k, [i, j]] of pairs.entries()) {
      const ours = compareLegacy(sorted[i]!, sorted[j]!);
      const [lt, gt] = less[k]!;
      const theirs = lt ? -1 : gt ? 1 : 0;
      expect(
        ours > 0 ? 1 : ours < 0 ? -1 : 0,
        `${JSON.stringify(brokerOracleForm(sorted[i]!))} vs ${JSON.stringify(brokerOracleForm(sorted[j]!))}`,
      ).toBe(theirs);
    }
  });
});
