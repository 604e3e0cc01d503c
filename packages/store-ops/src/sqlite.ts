import { compare } from "@brokerkit/data-model";
import {
  type BinaryFormat,
  DecodeError,
  type DecodeLimits,
  encodeData,
  Reader,
  readData,
  resolveLimits,
} from "@brokerkit/wire";
import initSqlJs from "sql.js";
import type { StoreEntry } from "./memory.js";

// Broker's SQLite backend on disk (detail/sqlite_backend.cc, the same in 1.4 and
// today): `meta(key text primary key, value text)` with one broker_version row,
// and `store(key blob primary key, value blob, expiry integer)` where key and
// value are Broker's binary encoding (CAF 0.17's in 1.x, format v1 since 2.0)
// and expiry is absolute nanoseconds since the epoch or NULL. This entry point
// is separate from the package's main one because sql.js brings a 600 KB WASM
// SQLite; the main entry stays small for browsers.

const SCHEMA = [
  "create table if not exists meta(key text primary key, value text);",
  "create table if not exists store(key blob primary key, value blob, expiry integer);",
];

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;
let engine: Promise<SqlJs> | undefined;

export interface SqliteOptions {
  /**
   * Where sql.js finds `sql-wasm.wasm` (its `locateFile`); Node finds it in
   * the sql.js package by itself, a browser bundle usually needs this. Only
   * the first call's value is used: the engine is loaded once.
   */
  readonly locateFile?: (file: string) => string;
}

function sqlJs(options?: SqliteOptions): Promise<SqlJs> {
  engine ??= initSqlJs(options?.locateFile ? { locateFile: options.locateFile } : undefined).catch((e) => {
    engine = undefined; // let a later call try again (e.g. with a locateFile that works)
    throw e;
  });
  return engine;
}

export type SqliteColumn = "key" | "value" | "expiry";

/**
 * A file that is not a Broker SQLite store, or a row Broker could not read.
 * `row` is the SQLite rowid, `offset` the byte offset in the blob.
 */
export class SqliteStoreError extends Error {
  override readonly name = "SqliteStoreError";
  constructor(
    readonly expected: string,
    detail: string,
    readonly row?: number,
    readonly column?: SqliteColumn,
    readonly offset?: number,
  ) {
    const where =
      row === undefined
        ? ""
        : ` in row ${row}${column ? ` (${column}${offset === undefined ? "" : ` byte ${offset}`})` : ""}`;
    super(`expected ${expected}${where}: ${detail}`);
  }
}

export interface ReadSqliteOptions extends SqliteOptions {
  /**
   * The binary format of keys and values. Default: from the meta table's
   * broker_version (1.x: "broker-1", later: "v1"), "v1" when it has none.
   */
  readonly format?: BinaryFormat;
  readonly limits?: Partial<DecodeLimits>;
  /** Most rows read (default 2^24). */
  readonly maxEntries?: number;
}

/** What a Broker SQLite store file holds. */
export interface SqliteStore {
  /** The meta table's broker_version (Broker rewrites it on every open). */
  readonly brokerVersion: string | undefined;
  readonly format: BinaryFormat;
  /** The entries sorted by key in Broker's order; expiry is absolute (ns since the epoch). */
  readonly entries: readonly StoreEntry[];
  /**
   * Rows whose key blob differs from an earlier row's but decodes to an equal
   * value (a non-canonical encoding). Broker's snapshot keeps the first such
   * row, and so does `entries`; these are the rowids of the others.
   */
  readonly shadowedRows: readonly number[];
}

/** The binary format a Broker version writes: CAF 0.17's for 1.x, format v1 from 2.0 on. */
export const formatOfBrokerVersion = (version: string): BinaryFormat =>
  /^1\./.test(version) ? "broker-1" : "v1";

function openDatabase(SQL: SqlJs, bytes: Uint8Array) {
  try {
    const db = new SQL.Database(bytes);
    db.exec("select count(*) from sqlite_master"); // sql.js reads the header only on first use
    return db;
  } catch (e) {
    throw new SqliteStoreError("an SQLite database", String((e as Error).message ?? e));
  }
}

/**
 * Read a store file written by Broker's SQLite backend. Blobs are decoded as
 * Broker reads them: one value from the start, trailing bytes ignored.
 */
export async function readSqliteStore(bytes: Uint8Array, options?: ReadSqliteOptions): Promise<SqliteStore> {
  const db = openDatabase(await sqlJs(options), bytes);
  try {
    const tables = new Set(
      (db.exec("select name from sqlite_master where type = 'table'")[0]?.values ?? []).map((r) => r[0]),
    );
    if (!tables.has("store")) throw new SqliteStoreError("a table named store", "the database has none");
    let brokerVersion: string | undefined;
    if (tables.has("meta")) {
      const v = db.exec("select value from meta where key = 'broker_version'")[0]?.values[0]?.[0];
      if (typeof v === "string") brokerVersion = v;
    }
    const format = options?.format ?? (brokerVersion ? formatOfBrokerVersion(brokerVersion) : "v1");
    const limits = resolveLimits(options?.limits);
    const maxEntries = options?.maxEntries ?? 1 << 24;
    const rows: { rowid: number; entry: StoreEntry }[] = [];
    const stmt = db.prepare(
      "select rowid, key, value, typeof(expiry), cast(expiry as text) from store order by rowid",
    );
    try {
      while (stmt.step()) {
        if (rows.length >= maxEntries)
          throw new SqliteStoreError(`at most ${maxEntries} rows`, "the store table has more (maxEntries)");
        const [rowid, key, value, expiryType, expiryText] = stmt.get() as [
          number,
          unknown,
          unknown,
          string,
          string | null,
        ];
        const decode = (blob: unknown, column: SqliteColumn) => {
          if (!(blob instanceof Uint8Array))
            throw new SqliteStoreError(
              "a blob",
              `found ${blob === null ? "NULL" : typeof blob}`,
              rowid,
              column,
            );
          try {
            return readData(new Reader(blob), format, limits);
          } catch (e) {
            if (e instanceof DecodeError)
              throw new SqliteStoreError(e.expected, e.message, rowid, column, e.offset);
            throw e;
          }
        };
        const entry: StoreEntry = { key: decode(key, "key"), value: decode(value, "value") };
        if (expiryType === "integer" && expiryText !== null)
          rows.push({ rowid, entry: { ...entry, expiry: BigInt(expiryText) } });
        else if (expiryType === "null") rows.push({ rowid, entry });
        else throw new SqliteStoreError("an integer or NULL", `found ${expiryType}`, rowid, "expiry");
      }
    } finally {
      stmt.free();
    }
    // A stable sort keeps equal keys in row order, so the first row of each key comes first.
    rows.sort((a, b) => compare(a.entry.key, b.entry.key));
    const entries: StoreEntry[] = [];
    const shadowedRows: number[] = [];
    for (const { rowid, entry } of rows) {
      const last = entries[entries.length - 1];
      if (last && compare(last.key, entry.key) === 0) shadowedRows.push(rowid);
      else entries.push(entry);
    }
    return { brokerVersion, format, entries, shadowedRows: shadowedRows.sort((a, b) => a - b) };
  } finally {
    db.close();
  }
}

export interface WriteSqliteOptions extends SqliteOptions {
  /** The binary format of keys and values: "broker-1" for Broker 1.x, "v1" (default) for 2.0 and later. */
  readonly format?: BinaryFormat;
  /** The meta table's broker_version (default "1.4.0" for broker-1, "2.8.0" for v1); Broker overwrites it on open. */
  readonly brokerVersion?: string;
}

/**
 * A Broker SQLite store file holding `entries` (keys distinct by Broker's
 * equality; expiry absolute, ns since the epoch), as the file's bytes. Keys
 * and values are encoded canonically (sets and tables sorted), which is how
 * Broker looks keys up: by blob equality.
 */
export async function writeSqliteStore(
  entries: Iterable<StoreEntry>,
  options?: WriteSqliteOptions,
): Promise<Uint8Array> {
  const SQL = await sqlJs(options);
  const format = options?.format ?? "v1";
  const db = new SQL.Database();
  try {
    for (const sql of SCHEMA) db.run(sql);
    db.run("replace into meta(key, value) values('broker_version', ?)", [
      options?.brokerVersion ?? (format === "broker-1" ? "1.4.0" : "2.8.0"),
    ]);
    // sql.js binds numbers as doubles; the expiry goes in as text and the cast makes it an exact int64.
    const stmt = db.prepare("replace into store(key, value, expiry) values(?, ?, cast(? as integer))");
    try {
      db.run("begin");
      for (const e of entries) {
        stmt.run([
          encodeData(e.key, { format }),
          encodeData(e.value, { format }),
          e.expiry === undefined ? null : e.expiry.toString(),
        ]);
      }
      db.run("commit");
    } finally {
      stmt.free();
    }
    return db.export();
  } finally {
    db.close();
  }
}
