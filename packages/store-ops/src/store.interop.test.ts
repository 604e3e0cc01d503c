// Differential test against a real Broker 1.4 master store (memory backend):
// random sequences of store operations, including ones that must fail, give
// the same final contents in Broker and in our StoreMaster.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Data, string, table, toTextBinary } from "@brokerkit/data-model";
import { arbitraryData } from "@brokerkit/data-model/arbitrary";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { brokerOracleForm } from "../../../test-support/broker-oracle.js";
import { utf8Only } from "../test/arbitrary.js";
import type { StoreCommand } from "./command.js";
import { StoreMaster } from "./master.js";
import * as ops from "./operations.js";

const RUNNER = fileURLToPath(new URL("../interop/broker_store.py", import.meta.url));

// Values Broker 1.4's binding can build exactly and that order alike in both generations:
// no NaN (unordered), no subnets (their order changed in 2.8.0-dev.132), and only UTF-8 strings
// (the binding's str() raises on others, and str() is how contents are compared).
const value = arbitraryData({
  maxDepth: 1,
  maxLength: 3,
  noNaN: true,
  types: [
    "count",
    "integer",
    "real",
    "string",
    "timespan",
    "timestamp",
    "address",
    "port",
    "boolean",
    "none",
    "set",
    "table",
    "vector",
  ],
}).filter(utf8Only);
const key = fc.constantFrom("k0", "k1", "k2").map(string);

type Op = { readonly wire: Record<string, unknown>; readonly command: StoreCommand };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(key, value).map(([k, v]) => ({
    wire: { op: "put", key: brokerOracleForm(k), value: brokerOracleForm(v) },
    command: ops.put(k, v),
  })),
  fc.tuple(key, value).map(([k, v]) => ({
    wire: { op: "put_unique", key: brokerOracleForm(k), value: brokerOracleForm(v) },
    command: ops.putUnique(k, v, 1n),
  })),
  key.map((k) => ({ wire: { op: "erase", key: brokerOracleForm(k) }, command: ops.erase(k) })),
  fc.constant({ wire: { op: "clear", key: { t: "none" } }, command: ops.clear() }),
  ...(["increment", "decrement", "append", "insert_into", "remove_from", "push"] as const).map((name) =>
    fc.tuple(key, value).map(([k, v]) => {
      const command =
        name === "increment"
          ? ops.increment(k, v)
          : name === "decrement"
            ? ops.decrement(k, v)
            : name === "append"
              ? ops.append(k, v)
              : name === "insert_into"
                ? ops.insertInto(k, v)
                : name === "remove_from"
                  ? ops.removeFrom(k, v)
                  : ops.push(k, v);
      return { wire: { op: name, key: brokerOracleForm(k), value: brokerOracleForm(v) }, command };
    }),
  ),
  fc.tuple(key, value, value).map(([k, i, v]) => ({
    wire: {
      op: "insert_into_table",
      key: brokerOracleForm(k),
      index: brokerOracleForm(i),
      value: brokerOracleForm(v),
    },
    command: ops.insertInto(k, i, v),
  })),
  key.map((k) => ({ wire: { op: "pop", key: brokerOracleForm(k) }, command: ops.pop(k) })),
);

describe("store semantics against real Broker 1.4", () => {
  const seed = Number(process.env.BROKERKIT_SEED ?? Date.now() % 2 ** 31);
  const sequences = fc.sample(fc.array(op, { minLength: 1, maxLength: 12 }), { numRuns: 300, seed });

  it(`${sequences.length} random operation sequences end with the same contents (seed ${seed})`, () => {
    const run = spawnSync("/usr/bin/python3", [RUNNER], {
      input: JSON.stringify({ sequences: sequences.map((s) => s.map((o) => o.wire)) }),
      encoding: "utf8",
      maxBuffer: 1 << 26,
    });
    expect(run.status, run.stderr).toBe(0);
    const { contents } = JSON.parse(run.stdout) as { contents: string[] };
    let operations = 0;
    for (const [i, seq] of sequences.entries()) {
      const master = new StoreMaster();
      for (const o of seq) master.handle(o.command, 0n);
      operations += seq.length;
      const ours = toTextBinary(table(master.backend.entries().map((e) => [e.key, e.value] as [Data, Data])));
      expect(
        Buffer.from(ours, "latin1").toString("hex"),
        `sequence #${i}: ${JSON.stringify(seq.map((o) => o.wire))}`,
      ).toBe(contents[i]);
    }
    console.log(`compared ${operations} operations in ${sequences.length} sequences with real Broker 1.4`);
  });
});
