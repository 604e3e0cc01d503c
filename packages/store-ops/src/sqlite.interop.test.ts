// Broker 1.4's SQLite backend against ours, both ways: files a real Broker master
// wrote read back with readSqliteStore, and files writeSqliteStore wrote opened by
// a real Broker master (which must find every key by its blob and expire what
// has expired).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Data, equals, table, toText, toTextBinary } from "@brokerkit/data-model";
import { arbitraryData } from "@brokerkit/data-model/arbitrary";
import { decodeData, encodeData } from "@brokerkit/wire";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { brokerOracleForm } from "../../../test-support/broker-oracle.js";
import { utf8Only } from "../test/arbitrary.js";
import type { StoreEntry } from "./memory.js";
import { readSqliteStore, writeSqliteStore } from "./sqlite.js";

const RUNNER = fileURLToPath(new URL("../interop/broker_sqlite.py", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "brokerkit-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Values Broker 1.4 holds exactly and orders as we do (see store.interop.test.ts): no NaN,
// no infinities (CAF 0.17 cannot carry them), no subnets, only UTF-8 strings. Zeros are in: CAF
// 0.17 turns 0.0 and -0.0 into huge negative numbers on the way through its serializer, in Broker
// as in our decoder, so expectations go through the same trip (`caf017`).
const types = [
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
  "enum_value",
  "set",
  "table",
  "vector",
] as const;
const value = arbitraryData({
  maxDepth: 2,
  maxLength: 3,
  noNaN: true,
  noInfinity: true,
  noNegativeZero: true,
  types,
}).filter(utf8Only);
const distinct = <T extends { key: Data }>(a: fc.Arbitrary<T>) =>
  fc.uniqueArray(a, { selector: (e) => e.key, comparator: (x: Data, y: Data) => equals(x, y), maxLength: 8 });

const caf017 = (v: Data) => decodeData(encodeData(v, { format: "broker-1" }), { format: "broker-1" });

const textOf = (entries: readonly StoreEntry[]) =>
  Buffer.from(toTextBinary(table(entries.map((e) => [e.key, e.value] as [Data, Data]))), "latin1").toString(
    "hex",
  );

const seed = Number(process.env.BROKERKIT_SEED ?? Date.now() % 2 ** 31);
const runs = Number(process.env.BROKERKIT_INTEROP_RUNS ?? 100);

describe(`Broker 1.4's SQLite store files (seed ${seed})`, () => {
  it(`${runs} files written by Broker read back with its contents and expiries`, async () => {
    const puts = fc.sample(
      distinct(
        fc.record(
          { key: value, value, expiry: fc.integer({ min: 1, max: 100_000 }) },
          { requiredKeys: ["key", "value"] },
        ),
      ),
      { numRuns: runs, seed },
    );
    const paths = puts.map((_, i) => join(dir, `broker-${i}.sqlite`));
    const out = spawnBroker(
      puts.map((ps, i) => ({
        path: paths[i] as string,
        puts: ps.map((p) => ({
          key: brokerOracleForm(p.key),
          value: brokerOracleForm(p.value),
          ...(p.expiry === undefined ? {} : { expiry: p.expiry }),
        })),
      })),
      0,
    );
    let entries = 0;
    for (const [i, ps] of puts.entries()) {
      const ours = await readSqliteStore(readFileSync(paths[i] as string));
      const run = out[i] as RawRun;
      expect(ours.brokerVersion).toBe("1.4.0");
      expect(ours.shadowedRows).toEqual([]);
      expect(textOf(ours.entries), JSON.stringify(ps.map((p) => brokerOracleForm(p.key)))).toBe(run.contents);
      // Broker stores now + expiry, with "now" taken while it handled the put.
      for (const e of ours.entries) {
        const p = ps.find((x) => equals(caf017(x.key), e.key));
        if (p?.expiry === undefined) {
          expect(
            e.expiry,
            `${toText(e.key)} in ${ps.map((x) => `${toText(x.key)}@${x.expiry}`).join(" ")}`,
          ).toBeUndefined();
          continue;
        }
        const ns = BigInt(p.expiry) * 1_000_000_000n;
        expect(e.expiry).toBeGreaterThanOrEqual(BigInt(run.before) + ns);
        expect(e.expiry).toBeLessThanOrEqual(BigInt(run.after) + ns);
      }
      entries += ours.entries.length;
    }
    console.log(`read ${entries} entries from ${puts.length} files written by Broker 1.4`);
  });

  it(`${runs} files we write open in Broker with the same contents; what has expired, Broker expires`, async () => {
    const far = 1n << 62n; // year 2116
    const stores = fc.sample(
      distinct(
        fc.record(
          { key: value, value, expiry: fc.constantFrom(1n, far) },
          { requiredKeys: ["key", "value"] },
        ),
      ),
      { numRuns: runs, seed: seed + 1 },
    ) as StoreEntry[][];
    const paths = stores.map((_, i) => join(dir, `ours-${i}.sqlite`));
    for (const [i, es] of stores.entries()) {
      writeFileSync(paths[i] as string, await writeSqliteStore(es, { format: "broker-1" }));
    }
    // Broker expires stored expiries right after opening; half a second covers its first tick.
    const out = spawnBroker(
      paths.map((path) => ({ path })),
      0.5,
    );
    let entries = 0;
    for (const [i, es] of stores.entries()) {
      const alive = es
        .filter((e) => e.expiry !== 1n)
        .map((e) => ({ key: caf017(e.key), value: caf017(e.value) }));
      expect((out[i] as RawRun).contents, `store ${i}`).toBe(textOf(alive));
      entries += es.length;
    }
    console.log(`Broker 1.4 opened ${stores.length} files we wrote (${entries} entries)`);
  });
});

interface RawRun {
  readonly contents: string;
  readonly before: string;
  readonly after: string;
}
function spawnBroker(stores: { path: string; puts?: unknown[] }[], wait: number): RawRun[] {
  const run = spawnSync("/usr/bin/python3", [RUNNER], {
    input: JSON.stringify({ stores, wait }),
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  expect(run.status, run.stderr).toBe(0);
  // Nanosecond clocks exceed 2^53: read them as strings to keep them exact.
  return (JSON.parse(run.stdout.replace(/"(before|after)": (\d+)/g, '"$1": "$2"')) as { stores: RawRun[] })
    .stores;
}
