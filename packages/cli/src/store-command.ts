import { readFileSync } from "node:fs";
import { CaptureError, readTcpConnections, type TcpConnection } from "@brokerkit/capture";
import { binaryToUtf8, type Data, toJsonBinary, toText } from "@brokerkit/data-model";
import {
  broker1StoreLogs,
  currentStoreLogs,
  type LoggedCommand,
  MemoryBackend,
  type ReplayPoint,
  replayBroadcasts,
  type TimedNativeMessage,
} from "@brokerkit/store-ops";
import { decodeBroker1Connection, decodeNativeConnection } from "@brokerkit/wire";
import { detectProtocol } from "./detect.js";
import { isoNs } from "./record.js";

// `brokerkit store`: rebuild every data store whose traffic a capture holds, as
// its clones saw it (the attach snapshot, then the master's broadcasts), and
// print the contents at the end or at a given point.

export const STORE_USAGE = "brokerkit store FILE... [--format jsonl|text] [--at SEQ|TIME]";

/** One entry of a rebuilt store. `expiry` is when the master will expire it (capture time of the put + its expiry). */
export interface StoreContentEntry {
  readonly store: string;
  readonly key: Data;
  readonly value: Data;
  readonly expiry?: bigint;
}

export interface StoreContentsResult {
  /** Every store with traffic in the capture, by name (some may be empty at the point). */
  readonly stores: string[];
  readonly entries: StoreContentEntry[];
  /** Store command envelopes that did not decode (skipped). */
  readonly warnings: string[];
}

const upTo = (log: readonly LoggedCommand[], at?: ReplayPoint) => {
  const end = log.findIndex(
    (c) => (at?.seq !== undefined && c.seq > at.seq) || (at?.time !== undefined && c.time > at.time),
  );
  return end < 0 ? log : log.slice(0, end);
};

/** Expiries as a clone could know them: the relative expiry of the last put of each key, from its capture time. */
function expiriesOf(log: readonly LoggedCommand[]): MemoryBackend {
  const out = new MemoryBackend();
  for (const { time, command: c } of log) {
    if (c.kind === "put") {
      if (c.expiry === undefined) out.delete(c.key);
      else out.set({ key: c.key, value: c.value, expiry: time + c.expiry });
    } else if (c.kind === "erase" || c.kind === "expire") out.delete(c.key);
    else if (c.kind === "clear" || c.kind === "snapshot") out.clear();
  }
  return out;
}

/** The contents of every store found in the connections (all files together), sorted by store name and key. */
export function storeContents(conns: readonly TcpConnection[], at?: ReplayPoint): StoreContentsResult {
  const broker1: TcpConnection[] = [];
  const native: TimedNativeMessage[] = [];
  for (const conn of conns) {
    const protocol = detectProtocol(conn);
    if (protocol === "broker-1") broker1.push(conn);
    else if (protocol === "broker-native") native.push(...decodeNativeConnection(conn));
  }
  // Frames of several connections, in capture order (stable for equal times).
  native.sort((a, b) =>
    (a.timestampNs ?? 0n) < (b.timestampNs ?? 0n)
      ? -1
      : (a.timestampNs ?? 0n) > (b.timestampNs ?? 0n)
        ? 1
        : 0,
  );
  const current = currentStoreLogs(native);
  const warnings = current.errors.map(
    (e) => `store ${e.store}: skipped a command at ${isoNs(e.time)}: ${e.error.message}`,
  );
  const logs = [...broker1StoreLogs(broker1.map((c) => decodeBroker1Connection(c))), ...current.logs];
  const entries: StoreContentEntry[] = [];
  logs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [store, log] of logs) {
    const prefix = upTo(log, at);
    const expiries = expiriesOf(prefix);
    for (const e of replayBroadcasts(prefix).clone.backend.entries()) {
      const expiry = expiries.get(e.key)?.expiry;
      entries.push({ store, key: e.key, value: e.value, ...(expiry === undefined ? {} : { expiry }) });
    }
  }
  return { stores: logs.map(([store]) => store), entries, warnings };
}

/** Broker's JSON v1 form as a JSON value, or null where Broker's form is not valid JSON (NaN, inf). */
function jsonValue(v: Data): string {
  const json = binaryToUtf8(toJsonBinary(v));
  try {
    JSON.parse(json);
    return json;
  } catch {
    return "null";
  }
}

/** The JSON line `brokerkit store --format jsonl` prints for an entry. */
export function storeEntryToJsonLine(e: StoreContentEntry): string {
  const fields = [
    `"store":${JSON.stringify(e.store)}`,
    `"key":${jsonValue(e.key)}`,
    `"value":${jsonValue(e.value)}`,
    `"keyText":${JSON.stringify(toText(e.key))}`,
    `"valueText":${JSON.stringify(toText(e.value))}`,
  ];
  if (e.expiry !== undefined) fields.push(`"expiry":${JSON.stringify(isoNs(e.expiry))}`);
  return `{${fields.join(",")}}`;
}

/** Aligned text: a heading per store, then key, value and expiry columns. */
export function storeContentsText(stores: readonly string[], entries: readonly StoreContentEntry[]): string {
  const out: string[] = [];
  for (const store of stores) {
    const rows = entries
      .filter((e) => e.store === store)
      .map((e) => [toText(e.key), toText(e.value), e.expiry]);
    const keyWidth = Math.max(...rows.map((r) => (r[0] as string).length));
    const valueWidth = Math.max(...rows.map((r) => (r[1] as string).length));
    out.push(`${store} (${rows.length} ${rows.length === 1 ? "entry" : "entries"})`);
    for (const [k, v, x] of rows) {
      const line = `  ${(k as string).padEnd(keyWidth)}  ${x === undefined ? v : `${(v as string).padEnd(valueWidth)}  expires ${isoNs(x as bigint)}`}`;
      out.push(line.trimEnd());
    }
  }
  return out.length > 0 ? `${out.join("\n")}\n` : "";
}

/**
 * `--at`: a plain integer is a sequence number (the current protocol's channel
 * seq; in Broker 1.x, which has none, the command's position in its store's
 * log); anything else is a time, ISO 8601 or seconds since the epoch with a
 * fraction (e.g. 1795573700.5).
 */
export function parseReplayPoint(s: string): ReplayPoint | undefined {
  if (/^\d+$/.test(s)) return { seq: BigInt(s) };
  const seconds = /^(\d+)\.(\d{1,9})$/.exec(s);
  if (seconds)
    return {
      time: BigInt(seconds[1] as string) * 1_000_000_000n + BigInt((seconds[2] as string).padEnd(9, "0")),
    };
  const iso = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!iso) return undefined;
  const ms = Date.parse(`${iso[1]}${iso[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return { time: BigInt(ms) * 1_000_000n + BigInt((iso[2] ?? "").padEnd(9, "0")) };
}

interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

/** Runs `brokerkit store ARGS`; returns the exit status (2: usage, 1: a file could not be read). */
export function storeCommand(args: readonly string[], io: Io): number {
  let format: "jsonl" | "text" = "jsonl";
  let at: ReplayPoint | undefined;
  const files: string[] = [];
  const usage = (message: string) => {
    io.err(`brokerkit: ${message}\nusage: ${STORE_USAGE}\n`);
    return 2;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--format" || a === "--at") {
      const v = args[++i];
      if (v === undefined) return usage(`${a} needs a value`);
      if (a === "--format") {
        if (v !== "jsonl" && v !== "text") return usage(`--format must be jsonl or text, not ${v}`);
        format = v;
      } else {
        at = parseReplayPoint(v);
        if (!at)
          return usage(
            `--at takes a sequence number or a time (ISO 8601 or epoch seconds.fraction), not ${v}`,
          );
      }
    } else if (a.startsWith("--")) return usage(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length === 0) return usage("no capture file given");
  let status = 0;
  const conns: TcpConnection[] = [];
  for (const file of files) {
    try {
      conns.push(...readTcpConnections(readFileSync(file)));
    } catch (e) {
      if (!(e instanceof CaptureError) && !(e as NodeJS.ErrnoException).code) throw e;
      io.err(
        `brokerkit: ${e instanceof CaptureError ? `${file}: ${e.message}` : `cannot read ${file}: ${(e as Error).message}`}\n`,
      );
      status = 1;
    }
  }
  const { stores, entries, warnings } = storeContents(conns, at);
  if (stores.length === 0) io.err("brokerkit: no data store traffic found\n");
  for (const w of warnings) io.err(`brokerkit: ${w}\n`);
  if (format === "jsonl") for (const e of entries) io.out(`${storeEntryToJsonLine(e)}\n`);
  else io.out(storeContentsText(stores, entries));
  return status;
}
