import { binaryToBytes, bytesToBinary } from "@brokerkit/data-model";
import { DecodeError, type DecodeLimits } from "@brokerkit/wire";
import {
  decodeLogCreateWriter,
  decodeLogWrite,
  encodeLogCreateWriter,
  encodeLogWrite,
  type LogCreateWriter,
  type LogLayout,
  type LogValue,
  type LogWriteEntry,
} from "./log.js";
import type { Serialization } from "./serial/model.js";

/** Message type codes (`MSG_*` in RemoteSerializer.cc). */
export const MsgType = {
  none: 0x00,
  version: 0x01,
  serial: 0x02,
  close: 0x03,
  closeAll: 0x04,
  error: 0x05,
  connectTo: 0x06,
  connected: 0x07,
  requestEvents: 0x08,
  listen: 0x09,
  listenStop: 0x0a,
  stats: 0x0b,
  captureFilter: 0x0c,
  requestSync: 0x0d,
  phaseDone: 0x0e,
  ping: 0x0f,
  pong: 0x10,
  caps: 0x11,
  compress: 0x12,
  log: 0x13,
  syncPoint: 0x14,
  terminate: 0x15,
  debugDump: 0x16,
  remotePrint: 0x17,
  logCreateWriter: 0x18,
  logWrite: 0x19,
  requestLogs: 0x20,
} as const;

const NAMES = new Map<number, string>(
  Object.entries(MsgType).map(([k, v]) => [v, `MSG_${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`]),
);

/** Bro's constant name for a message type code, e.g. `MSG_PHASE_DONE`. */
export function msgTypeName(code: number): string {
  return NAMES.get(code) ?? `MSG_0x${code.toString(16).padStart(2, "0")}`;
}

/**
 * Whether an argument chunk follows the header on the wire. Types that only
 * travel between Bro's parent and child process are listed as Bro's pipe
 * sends them; codes Bro never defined take none (a stray argument chunk then
 * shows up as a message of its own instead of swallowing the next header).
 */
export function hasArgs(code: number): boolean {
  switch (code) {
    case MsgType.version:
    case MsgType.serial:
    case MsgType.error:
    case MsgType.connectTo:
    case MsgType.connected:
    case MsgType.requestEvents:
    case MsgType.listen:
    case MsgType.stats:
    case MsgType.captureFilter:
    case MsgType.requestSync:
    case MsgType.ping:
    case MsgType.pong:
    case MsgType.caps:
    case MsgType.log:
    case MsgType.syncPoint:
    case MsgType.remotePrint:
    case MsgType.logCreateWriter:
    case MsgType.logWrite:
      return true;
    default:
      return false;
  }
}

/** Message types that travel between peers (the rest only between Bro's parent and child process). */
const PEER_TYPES = new Set<number>([
  MsgType.version,
  MsgType.serial,
  MsgType.requestEvents,
  MsgType.captureFilter,
  MsgType.requestSync,
  MsgType.phaseDone,
  MsgType.ping,
  MsgType.pong,
  MsgType.caps,
  MsgType.compress,
  MsgType.syncPoint,
  MsgType.remotePrint,
  MsgType.logCreateWriter,
  MsgType.logWrite,
  MsgType.requestLogs,
]);

export function isPeerMessage(code: number): boolean {
  return PEER_TYPES.has(code);
}

/** CAPS flag bits. */
export const Caps = {
  compression: 0x01,
  noCaching: 0x02,
  pid64: 0x04,
  newCacheStrategy: 0x08,
  broccoliPeer: 0x10,
} as const;

/** The 8-byte header chunk's bytes besides the type: Bro leaves bytes 1-3 uninitialised. */
export interface CMsgHeader {
  readonly padding: Uint8Array;
  readonly peer: number;
}

export interface PingArgs {
  readonly seq: number;
  /** Uninitialised struct padding (x86-64 layout). */
  readonly padding: Uint8Array;
  readonly time1: number;
  readonly time2: number;
  readonly time3: number;
}

export type LegacyMessageBody =
  | {
      readonly type: "version";
      readonly protocolVersion: number;
      readonly cacheSize: number;
      readonly dataFormatVersion: number;
      readonly runtime: number;
      /** The peer's class, when the payload is longer than 16 bytes. */
      readonly className: string | undefined;
      /** Whether the class ended in a NUL (Bro and Broccoli always add one). */
      readonly classTerminated: boolean;
    }
  | { readonly type: "serial"; readonly serialization: Serialization; readonly pid64: boolean }
  | { readonly type: "request-events"; readonly events: readonly string[] }
  | { readonly type: "capture-filter"; readonly filter: string }
  | { readonly type: "request-sync"; readonly authoritative: number }
  | { readonly type: "phase-done" }
  | { readonly type: "compress" }
  | { readonly type: "request-logs" }
  | ({ readonly type: "ping" | "pong" } & PingArgs)
  | { readonly type: "caps"; readonly flags: number; readonly reserved: readonly [number, number] }
  | {
      readonly type: "remote-print";
      readonly prints: readonly { readonly file: string; readonly text: string }[];
    }
  | { readonly type: "log-create-writer"; readonly writer: LogCreateWriter }
  | {
      readonly type: "log-write";
      readonly entries: readonly LogWriteEntry[];
      /** The layout the block was written in (Bro 2.6 adds a subtype to every value). */
      readonly layout?: LogLayout;
    }
  | { readonly type: "sync-point"; readonly point: number }
  /** A type not meant for the network, one that did not decode, or an argument chunk without a header. */
  | {
      readonly type: "unknown";
      readonly code: number | undefined;
      readonly args: Uint8Array | undefined;
      readonly error?: DecodeError;
    };

export type LegacyMessage = LegacyMessageBody & { readonly header?: CMsgHeader };

export interface ArgsOptions {
  readonly limits?: Partial<DecodeLimits>;
  /**
   * The layout of log writes. "auto" (the default) reads a block in whichever
   * layout decodes it whole, and when both do, in `preferLogLayout`'s (what
   * the connection showed before), else Bro 2.5's.
   */
  readonly logLayout?: LogLayout | "auto";
  readonly preferLogLayout?: LogLayout;
  /** Columns of each log path's writer, from the connection's LOG_CREATE_WRITER messages. */
  readonly logColumns?: ReadonlyMap<string, number>;
  /** Stream offset of the argument bytes, for error positions. */
  readonly base?: number;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function expectLength(args: Uint8Array, n: number, what: string, base: number, atLeast = false): void {
  if (atLeast ? args.length < n : args.length !== n)
    throw new DecodeError(
      args.length < n ? "truncated" : "trailing",
      base + Math.min(args.length, n),
      `${what} of ${atLeast ? "at least " : ""}${n} bytes`,
      `${args.length} bytes`,
    );
}

/** NUL-terminated strings back to back; the last one must be terminated too. */
function cstrings(args: Uint8Array, base: number): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === 0) {
      out.push(bytesToBinary(args.subarray(start, i)));
      start = i + 1;
    }
  }
  if (start !== args.length) throw new DecodeError("truncated", base + args.length, "a NUL terminator");
  return out;
}

function float(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset + at, 8).getFloat64(0);
}

/** Decodes the argument chunk of every type but SERIAL, whose payload needs the connection's object cache. */
export function decodeArgs(code: number, args: Uint8Array, options: ArgsOptions = {}): LegacyMessageBody {
  const base = options.base ?? 0;
  switch (code) {
    case MsgType.version: {
      expectLength(args, 16, "a version payload", base, true);
      const rest = args.subarray(16);
      const classTerminated = rest.length > 0 && rest[rest.length - 1] === 0;
      return {
        type: "version",
        protocolVersion: u32(args, 0),
        cacheSize: u32(args, 4),
        dataFormatVersion: u32(args, 8),
        runtime: u32(args, 12),
        className: rest.length ? bytesToBinary(classTerminated ? rest.subarray(0, -1) : rest) : undefined,
        classTerminated,
      };
    }
    case MsgType.requestEvents:
      return { type: "request-events", events: cstrings(args, base) };
    case MsgType.captureFilter: {
      const [filter, ...more] = cstrings(args, base);
      if (filter === undefined || more.length)
        throw new DecodeError("invalid", base, "one NUL-terminated filter");
      return { type: "capture-filter", filter };
    }
    case MsgType.requestSync:
      expectLength(args, 4, "a sync request", base);
      return { type: "request-sync", authoritative: u32(args, 0) };
    case MsgType.ping:
    case MsgType.pong:
      expectLength(args, 32, "ping arguments", base);
      return {
        type: code === MsgType.ping ? "ping" : "pong",
        seq: u32(args, 0),
        padding: args.slice(4, 8),
        time1: float(args, 8),
        time2: float(args, 16),
        time3: float(args, 24),
      };
    case MsgType.caps:
      expectLength(args, 12, "capabilities", base);
      return { type: "caps", flags: u32(args, 0), reserved: [u32(args, 4), u32(args, 8)] };
    case MsgType.remotePrint: {
      const parts = cstrings(args, base);
      if (parts.length % 2) throw new DecodeError("invalid", base + args.length, "file name and text pairs");
      const prints: { file: string; text: string }[] = [];
      for (let i = 0; i < parts.length; i += 2) prints.push({ file: parts[i]!, text: parts[i + 1]! });
      return { type: "remote-print", prints };
    }
    case MsgType.logCreateWriter:
      return { type: "log-create-writer", writer: decodeLogCreateWriter(args, logOptions(options, base)) };
    case MsgType.logWrite:
      return logWrite(args, options, base);
    case MsgType.syncPoint:
      expectLength(args, 4, "a sync point", base);
      return { type: "sync-point", point: u32(args, 0) };
    default:
      return { type: "unknown", code, args: args.slice() };
  }
}

function logOptions(options: ArgsOptions, base: number) {
  return { base, ...(options.limits ? { limits: options.limits } : {}) };
}

/**
 * Bro 2.5 and 2.6 write log values differently under the same version
 * numbers. Unless told which, both are tried; a block that decodes in both
 * (rare, and only for degenerate records) goes to the layout whose entries
 * look like log records (printable paths, small stream and writer ids, known
 * value types, and as many values as the writer of that path has columns,
 * where the connection showed its LOG_CREATE_WRITER), then to the layout the
 * connection used before, then to Bro 2.5's.
 */
function logWrite(args: Uint8Array, options: ArgsOptions, base: number): LegacyMessageBody {
  const wanted = options.logLayout ?? "auto";
  const layouts: LogLayout[] = wanted !== "auto" ? [wanted] : ["bro-2.5", "bro-2.6"];
  const decoded: { layout: LogLayout; entries: LogWriteEntry[] }[] = [];
  let first: unknown;
  for (const layout of layouts) {
    try {
      decoded.push({ layout, entries: decodeLogWrite(args, { ...logOptions(options, base), layout }) });
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      first ??= e;
    }
  }
  if (decoded.length === 0) throw first;
  const score = (d: (typeof decoded)[number]) =>
    (d.entries.every(looksLikeLogRecord) ? 4 : 0) +
    (options.logColumns && d.entries.every((e) => options.logColumns!.get(e.path) === e.values.length)
      ? 2
      : 0) +
    (d.layout === options.preferLogLayout ? 1 : 0);
  const best = decoded.reduce((a, b) => (score(b) > score(a) ? b : a));
  return { type: "log-write", entries: best.entries, layout: best.layout };
}

const LOG_VALUE_TYPES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 14, 16, 20, 21, 22]);

function looksLikeLogRecord(e: LogWriteEntry): boolean {
  const typesKnown = (vs: readonly LogValue[]): boolean =>
    vs.every(
      (v) =>
        LOG_VALUE_TYPES.has(v.type) &&
        (!v.present || v.value.kind !== "list" || typesKnown(v.value.elements)),
    );
  return (
    e.streamId >= 0 &&
    e.streamId < 1 << 16 &&
    e.writerId >= 0 &&
    e.writerId < 1 << 16 &&
    /^[\x21-\x7e]+$/.test(e.path) &&
    typesKnown(e.values)
  );
}

/** Decodes a header chunk: the type code and the bytes Bro does not define. */
export function decodeHeader(chunk: Uint8Array, base = 0): { code: number; header: CMsgHeader } {
  expectLength(chunk, 8, "a message header", base);
  return { code: chunk[0]!, header: { padding: chunk.slice(1, 4), peer: u32(chunk, 4) } };
}

function be32(...words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const v = new DataView(out.buffer);
  for (const [i, w] of words.entries()) v.setUint32(i * 4, w >>> 0);
  return out;
}

function joinCStrings(strings: readonly string[]): Uint8Array {
  return binaryToBytes(strings.map((s) => `${s}\0`).join(""));
}

/** The type code of a message body. */
export function codeOf(m: LegacyMessageBody): number | undefined {
  switch (m.type) {
    case "version":
      return MsgType.version;
    case "serial":
      return MsgType.serial;
    case "request-events":
      return MsgType.requestEvents;
    case "capture-filter":
      return MsgType.captureFilter;
    case "request-sync":
      return MsgType.requestSync;
    case "phase-done":
      return MsgType.phaseDone;
    case "compress":
      return MsgType.compress;
    case "request-logs":
      return MsgType.requestLogs;
    case "ping":
      return MsgType.ping;
    case "pong":
      return MsgType.pong;
    case "caps":
      return MsgType.caps;
    case "remote-print":
      return MsgType.remotePrint;
    case "log-create-writer":
      return MsgType.logCreateWriter;
    case "log-write":
      return MsgType.logWrite;
    case "sync-point":
      return MsgType.syncPoint;
    case "unknown":
      return m.code;
  }
}

export function encodeHeader(code: number, header?: CMsgHeader): Uint8Array {
  const out = new Uint8Array(8);
  out[0] = code;
  if (header) {
    out.set(header.padding.subarray(0, 3), 1);
    new DataView(out.buffer).setUint32(4, header.peer);
  }
  return out;
}

/**
 * The argument chunk of a message, for every type but SERIAL (see the
 * connection encoder); undefined for types that have none.
 */
export function encodeArgs(m: LegacyMessageBody, logLayout: LogLayout = "bro-2.5"): Uint8Array | undefined {
  switch (m.type) {
    case "version": {
      const head = be32(m.protocolVersion, m.cacheSize, m.dataFormatVersion, m.runtime);
      if (m.className === undefined) return head;
      const cls = binaryToBytes(m.classTerminated ? `${m.className}\0` : m.className);
      const out = new Uint8Array(16 + cls.length);
      out.set(head);
      out.set(cls, 16);
      return out;
    }
    case "request-events":
      return joinCStrings(m.events);
    case "capture-filter":
      return joinCStrings([m.filter]);
    case "request-sync":
      return be32(m.authoritative);
    case "ping":
    case "pong": {
      const out = new Uint8Array(32);
      const v = new DataView(out.buffer);
      v.setUint32(0, m.seq);
      out.set(m.padding.subarray(0, 4), 4);
      v.setFloat64(8, m.time1);
      v.setFloat64(16, m.time2);
      v.setFloat64(24, m.time3);
      return out;
    }
    case "caps":
      return be32(m.flags, m.reserved[0], m.reserved[1]);
    case "remote-print":
      return joinCStrings(m.prints.flatMap((p) => [p.file, p.text]));
    case "log-create-writer":
      return encodeLogCreateWriter(m.writer, logLayout);
    case "log-write":
      return encodeLogWrite(m.entries, m.layout ?? logLayout);
    case "sync-point":
      return be32(m.point);
    case "unknown":
      return m.args;
    case "serial":
      throw new TypeError("SERIAL payloads are encoded with the connection's serialization state");
    default:
      return undefined;
  }
}
