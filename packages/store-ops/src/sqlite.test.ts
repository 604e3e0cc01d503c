import { compare, type Data, equals, integer, set, string, toText } from "@brokerkit/data-model";
import { arbitraryData } from "@brokerkit/data-model/arbitrary";
import fc from "fast-check";
import initSqlJs from "sql.js";
import { describe, expect, it } from "vitest";
import type { StoreEntry } from "./memory.js";
import { readSqliteStore, SqliteStoreError, writeSqliteStore } from "./sqlite.js";

const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const rendered = (es: readonly StoreEntry[]) =>
  es.map((e) => `${toText(e.key)} -> ${toText(e.value)} @${e.expiry ?? "-"}`);

/** A database built by hand with Broker's schema (the DDL Broker runs) and the given rows. */
async function brokerFile(version: string | undefined, rows: [Uint8Array | string, unknown, unknown][]) {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run("create table meta(key text primary key, value text)");
  db.run("create table store(key blob primary key, value blob, expiry integer)");
  if (version) db.run("insert into meta values('broker_version', ?)", [version]);
  for (const r of rows) db.run("insert into store values(?, ?, ?)", r as never);
  const out = db.export();
  db.close();
  return out;
}

const entries = (format: "v1" | "broker-1") =>
  fc
    .uniqueArray(
      fc.record(
        {
          // CAF 0.17 cannot carry infinities and folds NaN and -0.0; subnormals are inexact in v1.
          key: arbitraryData({
            maxDepth: 2,
            noSubnormal: true,
            noInfinity: format === "broker-1",
            noNaN: format === "broker-1",
            noNegativeZero: format === "broker-1",
          }),
          value: arbitraryData({
            noSubnormal: true,
            noInfinity: format === "broker-1",
            noNaN: format === "broker-1",
            noNegativeZero: format === "broker-1",
          }),
          expiry: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
        },
        { requiredKeys: ["key", "value"] },
      ),
      { selector: (e) => e.key, comparator: (a: Data, b: Data) => equals(a, b), maxLength: 12 },
    )
    .map((es) => es as StoreEntry[]);

describe("Broker SQLite store files", () => {
  for (const format of ["v1", "broker-1"] as const) {
    it(`read(write(entries)) gives the entries back (${format})`, async () => {
      await fc.assert(
        fc.asyncProperty(entries(format), async (es) => {
          const file = await writeSqliteStore(es, { format });
          const back = await readSqliteStore(file);
          expect(back.format).toBe(format);
          expect(back.shadowedRows).toEqual([]);
          expect(rendered(back.entries)).toEqual(rendered([...es].sort((a, b) => compare(a.key, b.key))));
          for (const e of back.entries) {
            const original = es.find((o) => equals(o.key, e.key));
            expect(original && equals(original.value, e.value)).toBe(true);
            expect(e.expiry).toBe(original?.expiry);
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it("reads Broker 1.4's rows: CAF 0.17 blobs, the expiry as absolute ns", async () => {
    const file = await brokerFile("1.4.0", [
      [hex("050161"), hex("030000000000000001"), null],
      [hex("050162"), hex("0C020300000000000000010300000000000000FF"), "1700000000123456789"],
    ]);
    const s = await readSqliteStore(file);
    expect(s.brokerVersion).toBe("1.4.0");
    expect(s.format).toBe("broker-1");
    expect(rendered(s.entries)).toEqual(["a -> 1 @-", "b -> {1, 255} @1700000000123456789"]);
    expect(equals(s.entries[1]?.value as Data, set([integer(1n), integer(255n)]))).toBe(true);
  });

  it("writes Broker's schema, version row and canonical blobs", async () => {
    const file = await writeSqliteStore(
      [{ key: string("a"), value: set([integer(255n), integer(1n)]), expiry: 1700000000123456789n }],
      { format: "broker-1" },
    );
    const SQL = await initSqlJs();
    const db = new SQL.Database(file);
    expect(db.exec("select sql from sqlite_master where type = 'table' order by name")[0]?.values).toEqual([
      ["CREATE TABLE meta(key text primary key, value text)"],
      ["CREATE TABLE store(key blob primary key, value blob, expiry integer)"],
    ]);
    expect(db.exec("select * from meta")[0]?.values).toEqual([["broker_version", "1.4.0"]]);
    const [k, v, t, x] =
      db.exec("select hex(key), hex(value), typeof(expiry), cast(expiry as text) from store")[0]?.values[0] ??
      [];
    expect([k, v, t, x]).toEqual([
      "050161",
      "0C020300000000000000010300000000000000FF",
      "integer",
      "1700000000123456789",
    ]);
    db.close();
  });

  it("ignores trailing bytes in a blob, as Broker's decoder does", async () => {
    const s = await readSqliteStore(await brokerFile("2.8.0", [[hex("050161FFFF"), hex("00"), null]]));
    expect(rendered(s.entries)).toEqual(["a -> nil @-"]);
  });

  it("keeps the first row of keys that decode equal and names the others", async () => {
    // Two encodings of {1, 2}: sorted and not; Broker's snapshot keeps the first row too.
    const s = await readSqliteStore(
      await brokerFile("2.8.0", [
        [hex("0C02030000000000000001030000000000000002"), hex("0501 78".replace(" ", "")), null],
        [hex("0C02030000000000000002030000000000000001"), hex("050179"), null],
      ]),
    );
    expect(rendered(s.entries)).toEqual(["{1, 2} -> x @-"]);
    expect(s.shadowedRows).toEqual([2]);
  });

  it("reports bad rows with the row, the column and the byte offset", async () => {
    const err = async (file: Uint8Array) => {
      try {
        await readSqliteStore(file);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const truncated = await err(
      await brokerFile("2.8.0", [[hex("050161"), hex("0503 6162".replace(" ", "")), null]]),
    );
    expect(truncated).toBeInstanceOf(SqliteStoreError);
    expect(truncated).toMatchObject({ row: 1, column: "value", offset: 4 });
    const badTag = await err(
      await brokerFile("2.8.0", [
        [hex("050161"), hex("050161"), null],
        [hex("63"), hex("00"), null],
      ]),
    );
    expect(badTag).toMatchObject({ row: 2, column: "key", offset: 0 });
    const textKey = await err(await brokerFile("2.8.0", [["a", hex("00"), null]]));
    expect(textKey).toMatchObject({ row: 1, column: "key", expected: "a blob" });
    const realExpiry = await err(await brokerFile("2.8.0", [[hex("050161"), hex("00"), 1.5]]));
    expect(realExpiry).toMatchObject({ row: 1, column: "expiry" });
    expect(
      await err(new TextEncoder().encode("not a database, just text that is long enough to be read")),
    ).toBeInstanceOf(SqliteStoreError);
    const SQL = await initSqlJs();
    const empty = new SQL.Database();
    empty.run("create table other(x)");
    expect(await err(empty.export())).toMatchObject({ expected: "a table named store" });
  });

  it("stops at maxEntries", async () => {
    const file = await writeSqliteStore(
      [0, 1, 2].map((i) => ({ key: integer(BigInt(i)), value: integer(0n) })),
    );
    await expect(readSqliteStore(file, { maxEntries: 2 })).rejects.toBeInstanceOf(SqliteStoreError);
    expect((await readSqliteStore(file, { maxEntries: 3 })).entries).toHaveLength(3);
  });
});
