import { concatBytes } from "@brokerkit/data-model";
import { DecodeError, type DecodeLimits, resolveLimits } from "@brokerkit/wire";
import { type Chunk, ChunkDecoder } from "./chunks.js";
import { ChunkInflater } from "./compression.js";
import type { LogLayout } from "./log.js";
import {
  Caps,
  decodeArgs,
  decodeHeader,
  hasArgs,
  isPeerMessage,
  type LegacyMessage,
  MsgType,
} from "./messages.js";
import type { BroType } from "./serial/model.js";
import { DATA_FORMAT_VERSION, newSerialState, readSerialization, type SerialState } from "./serial/read.js";
import { resolveBuiltinType } from "./values.js";

export type Direction = "orig" | "resp";

/** One message of a connection, where it sat in its direction's byte stream. */
export interface LegacyRecord {
  readonly dir: Direction;
  /** Stream offset of the header chunk's length word. */
  readonly offset: number;
  /** Stream offset just past the message. */
  readonly end: number;
  readonly message: LegacyMessage;
  /** The message's logical chunks as the sender built them (inflated when the direction is compressed). */
  readonly chunks: readonly Uint8Array[];
  /** True when the sender had switched compression on. */
  readonly compressed: boolean;
}

export interface LegacyDecodeOptions {
  readonly limits?: Partial<DecodeLimits>;
  /**
   * Remote-logging layout: Bro 2.6 added a subtype per value without changing
   * any version number. "auto" (the default) tells them apart by which decodes.
   */
  readonly logLayout?: LogLayout | "auto";
  /** Global types of the receiver, for values Broccoli sent with a type named but not included. */
  readonly resolveTypeName?: (name: string) => BroType | undefined;
}

class DirectionState {
  readonly chunks: ChunkDecoder;
  readonly serial: SerialState = newSerialState();
  inflater: ChunkInflater | undefined;
  header:
    | { code: number; chunk: Chunk; payload: Uint8Array; header: ReturnType<typeof decodeHeader>["header"] }
    | undefined;
  caps: number | undefined;
  phaseDone = 0;
  syncRequest: number | undefined;
  runtime = 0;
  /** The data format version the sender announced (0, which Bro also accepts, counts as current). */
  dataFormat = DATA_FORMAT_VERSION;
  /** The log layout this sender's log writes turned out to have. */
  logLayout: LogLayout | undefined;
  /** Columns of each log path this sender announced a writer for. */
  readonly logColumns = new Map<string, number>();
  /** Set once framing is lost: nothing after it can be found reliably. */
  broken = false;
  /** Why a resync gave up on this direction, reported with its next bytes. */
  lost: DecodeError | undefined;
  /**
   * A resynchronising direction's bytes not yet judged, the stream offset of
   * the first, and how many must be there before judging again.
   */
  scan: { parts: Uint8Array[]; length: number; offset: number; need: number } | undefined;

  constructor(maxChunkBytes: number) {
    this.chunks = new ChunkDecoder(maxChunkBytes);
  }
}

const other = (d: Direction): Direction => (d === "orig" ? "resp" : "orig");
const u32 = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/** A resynchronising decoder waits for at most this many argument bytes to judge a candidate message. */
const RESYNC_MAX_ARGS = 1 << 20;

/** A header chunk as peers send it: length 8, a peer message type, any three bytes, peer id 0. */
const HEADER_CHUNK = {
  window: 12,
  accept: (b: Uint8Array, at: number) =>
    b[at] === 0 &&
    b[at + 1] === 0 &&
    b[at + 2] === 0 &&
    b[at + 3] === 8 &&
    isPeerMessage(b[at + 4]!) &&
    b[at + 8] === 0 &&
    b[at + 9] === 0 &&
    b[at + 10] === 0 &&
    b[at + 11] === 0,
};

/**
 * Decodes both directions of one connection, fed in capture order. The
 * protocol is stateful across directions: object references need every
 * earlier message of the same direction, and the width of permanent ids
 * depends on the capabilities both sides announced and on the handshake
 * phase, which messages of both directions move along.
 */
export class LegacyConnectionDecoder {
  private readonly dirs: Record<Direction, DirectionState>;
  private readonly limits: DecodeLimits;
  private readonly resolveTypeName: (name: string) => BroType | undefined;

  constructor(private readonly options: LegacyDecodeOptions = {}) {
    this.limits = resolveLimits(options.limits);
    const own = options.resolveTypeName;
    this.resolveTypeName = own ? (name) => own(name) ?? resolveBuiltinType(name) : resolveBuiltinType;
    this.dirs = {
      orig: new DirectionState(this.limits.maxMessageBytes),
      resp: new DirectionState(this.limits.maxMessageBytes),
    };
  }

  /**
   * Framing of a direction is lost (bytes went missing, or the capture joined
   * it midway): skip to the next header chunk of a peer message type (eight
   * bytes, the type, Bro's three unset bytes, a zero peer id). Objects sent
   * in what was lost stay unknown, so later references to them are reported
   * as such. A compressed direction cannot be resumed: its zlib stream needs
   * every byte before.
   */
  resync(dir: Direction): void {
    const s = this.dirs[dir];
    s.header = undefined;
    if (s.inflater) {
      s.broken = true;
      s.lost = new DecodeError(
        "invalid",
        s.chunks.offset,
        "every byte of a compressed direction",
        "bytes went missing; the zlib stream cannot be resumed",
      );
      return;
    }
    s.scan = { parts: [], length: 0, offset: s.chunks.offset + s.chunks.pending, need: 0 };
  }

  /**
   * Looks for the first place in a resynchronising direction where a whole
   * message decodes: a header chunk of a peer message type whose arguments
   * decode with nothing left over (against a copy of the object cache), or an
   * argument-less header followed by another header. Returns where it starts,
   * how many bytes a candidate needs before it can be judged, or undefined.
   */
  private trustedStart(dir: Direction, b: Uint8Array, final: boolean): number | { more: number } | undefined {
    const s = this.dirs[dir];
    // A candidate still missing bytes may be the real message that later candidates sit inside of.
    let waitUntil = -1;
    for (let at = 0; at + HEADER_CHUNK.window <= b.length; at++) {
      if (!HEADER_CHUNK.accept(b, at)) continue;
      const code = b[at + 4]!;
      let end: number;
      if (!hasArgs(code)) {
        end = at + 24;
        if (b.length >= end && !HEADER_CHUNK.accept(b, at + 12)) continue;
      } else {
        if (b.length < at + 16) {
          waitUntil = Math.max(waitUntil, at + 16);
          continue;
        }
        const len = u32(b, at + 12);
        if (len === 0 || len > Math.min(this.limits.maxMessageBytes, RESYNC_MAX_ARGS)) continue;
        end = at + 16 + len;
      }
      if (b.length < end) {
        waitUntil = Math.max(waitUntil, end);
        continue;
      }
      if (at < waitUntil && !final) return { more: waitUntil };
      if (!hasArgs(code)) return at;
      const args = b.subarray(at + 16, end);
      try {
        if (code === MsgType.serial) this.serialWith(dir, s.serial, args, 0, true);
        else decodeArgs(code, args, this.argsOptions(0));
        return at;
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
      }
    }
    return waitUntil >= 0 && !final ? { more: waitUntil } : undefined;
  }

  /** Feeds a resynchronising direction; returns the bytes to decode once a trusted start is found. */
  private scanFor(dir: Direction, bytes: Uint8Array, final = false): Uint8Array | undefined {
    const s = this.dirs[dir];
    const scan = s.scan!;
    // Judge again only once the candidate that asked for more can be complete:
    // feeding a byte at a time must not rescan the buffer every time.
    scan.parts.push(bytes);
    scan.length += bytes.length;
    if (!final && scan.length < scan.need) return undefined;
    let b = concatBytes(scan.parts);
    let offset = scan.offset;
    const found = this.trustedStart(dir, b, final);
    if (typeof found === "number") {
      s.scan = undefined;
      s.chunks.restart(offset + found);
      return b.subarray(found);
    }
    // Keep what could still start a message; bounded, so a silent garbage stream cannot grow it.
    const keep = found ? Math.min(b.length, 2 * RESYNC_MAX_ARGS) : HEADER_CHUNK.window - 1;
    let need = found ? found.more : 0;
    if (b.length > keep) {
      offset += b.length - keep;
      need = Math.max(0, need - (b.length - keep));
      b = b.slice(b.length - keep);
    }
    s.scan = { parts: [b], length: b.length, offset, need };
    return undefined;
  }

  /**
   * No more bytes will come: a resynchronising direction settles for the
   * first message that decodes, even inside a candidate that never completed.
   */
  finish(dir: Direction): LegacyRecord[] {
    const s = this.dirs[dir];
    if (!s.scan || s.broken) return [];
    const rest = this.scanFor(dir, new Uint8Array(0), true);
    return rest ? this.push(dir, rest) : [];
  }

  /** Bytes buffered in a direction, waiting for the rest of a message. */
  pending(dir: Direction): number {
    const s = this.dirs[dir];
    return (
      s.chunks.pending + (s.header ? s.header.chunk.end - s.header.chunk.offset : 0) + (s.scan?.length ?? 0)
    );
  }

  /**
   * Feeds the next bytes of one direction. Framing errors (a zero or
   * oversized length, a corrupt compressed stream) end decoding of that
   * direction with an `unknown` record carrying the error; an undecodable
   * message is reported the same way and decoding goes on.
   */
  push(dir: Direction, bytes: Uint8Array): LegacyRecord[] {
    const s = this.dirs[dir];
    if (s.lost) {
      const lost = s.lost;
      s.lost = undefined;
      return [this.failure(dir, lost.offset, lost.offset, lost)];
    }
    if (s.broken) return [];
    if (s.scan) {
      const from = this.scanFor(dir, bytes);
      if (!from) return [];
      bytes = from;
    }
    const out: LegacyRecord[] = [];
    let chunks: Chunk[];
    try {
      chunks = s.chunks.push(bytes);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      s.broken = true;
      return [this.failure(dir, s.chunks.offset, s.chunks.offset, e)];
    }
    for (const chunk of chunks) {
      let payload = chunk.payload;
      const compressed = s.inflater !== undefined;
      if (s.inflater) {
        try {
          payload = s.inflater.inflate(payload, chunk.offset + 4);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          s.broken = true;
          out.push(this.failure(dir, chunk.offset, chunk.end, e));
          return out;
        }
      }
      const record = this.chunk(dir, s, chunk, payload, compressed);
      if (record) out.push(record);
    }
    return out;
  }

  private failure(dir: Direction, offset: number, end: number, error: DecodeError): LegacyRecord {
    return {
      dir,
      offset,
      end,
      message: { type: "unknown", code: undefined, args: undefined, error },
      chunks: [],
      compressed: false,
    };
  }

  private chunk(dir: Direction, s: DirectionState, chunk: Chunk, payload: Uint8Array, compressed: boolean) {
    if (!s.header) {
      if (payload.length !== 8) {
        // An argument chunk without a header: report it, keep looking for headers (as Broccoli does).
        return {
          dir,
          offset: chunk.offset,
          end: chunk.end,
          message: {
            type: "unknown",
            code: undefined,
            args: payload,
            error: new DecodeError(
              "invalid",
              chunk.offset,
              "an 8-byte message header chunk",
              `${payload.length} bytes`,
            ),
          },
          chunks: [payload],
          compressed,
        } satisfies LegacyRecord;
      }
      const { code, header } = decodeHeader(payload, chunk.offset + 4);
      if (hasArgs(code)) {
        s.header = { code, chunk, payload, header };
        return undefined;
      }
      if (code === MsgType.phaseDone) s.phaseDone++;
      const message: LegacyMessage =
        code === MsgType.phaseDone
          ? { type: "phase-done", header }
          : code === MsgType.compress
            ? { type: "compress", header }
            : code === MsgType.requestLogs
              ? { type: "request-logs", header }
              : { type: "unknown", code, args: undefined, header };
      // Everything after a COMPRESS header is compressed, starting with the next chunk.
      if (code === MsgType.compress) s.inflater = new ChunkInflater(this.limits.maxMessageBytes);
      return {
        dir,
        offset: chunk.offset,
        end: chunk.end,
        message,
        chunks: [payload],
        compressed,
      } satisfies LegacyRecord;
    }
    const head = s.header;
    s.header = undefined;
    const base = chunk.offset + 4;
    let body: LegacyMessage;
    try {
      body =
        head.code === MsgType.serial
          ? this.serial(dir, payload, base)
          : decodeArgs(head.code, payload, {
              ...this.argsOptions(base),
              logColumns: s.logColumns,
              ...(s.logLayout ? { preferLogLayout: s.logLayout } : {}),
            });
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      body = { type: "unknown", code: head.code, args: payload, error: e };
    }
    this.track(s, body);
    return {
      dir,
      offset: head.chunk.offset,
      end: chunk.end,
      message: { ...body, header: head.header },
      chunks: [head.payload, payload],
      compressed,
    } satisfies LegacyRecord;
  }

  private track(s: DirectionState, m: LegacyMessage): void {
    if (m.type === "caps") s.caps = m.flags;
    else if (m.type === "request-sync") s.syncRequest = m.authoritative;
    else if (m.type === "log-write" && m.layout) s.logLayout = m.layout;
    else if (m.type === "log-create-writer") s.logColumns.set(m.writer.info.path, m.writer.fields.length);
    else if (m.type === "version") {
      s.runtime = m.runtime;
      // The sender keeps at most this many objects per cache list (two lists under the new strategy).
      if (m.cacheSize > 0) s.serial.capacity = Math.max(4 * m.cacheSize, 4096);
      if (m.dataFormatVersion !== 0) s.dataFormat = m.dataFormatVersion;
    }
  }

  /** Which side sends its state in the SYNC phase (RemoteSerializer::HandshakeDone's rule). */
  private syncSender(): Direction | undefined {
    const o = this.dirs.orig.syncRequest;
    const r = this.dirs.resp.syncRequest;
    if (o === undefined && r === undefined) return undefined;
    if (o === undefined) return "orig";
    if (r === undefined) return "resp";
    if (o && !r) return "orig";
    if (r && !o) return "resp";
    if (this.dirs.resp.runtime > this.dirs.orig.runtime) return "resp";
    return "orig";
  }

  /** Whether the sender of `dir` writes 64-bit pids now: both announced PID_64BIT and it is running. */
  pid64(dir: Direction): boolean {
    const s = this.dirs[dir];
    const p = this.dirs[other(dir)];
    if (!((s.caps ?? 0) & Caps.pid64) || !((p.caps ?? 0) & Caps.pid64)) return false;
    if (s.phaseDone < 1 || p.phaseDone < 1) return false;
    const sender = this.syncSender();
    if (sender === undefined) return true;
    return sender === dir ? s.phaseDone >= 2 : p.phaseDone >= 2;
  }

  private serial(dir: Direction, payload: Uint8Array, base: number): LegacyMessage {
    return this.serialWith(dir, this.dirs[dir].serial, payload, base);
  }

  private serialWith(
    dir: Direction,
    state: SerialState,
    payload: Uint8Array,
    base: number,
    dryRun = false,
  ): LegacyMessage {
    const predicted = this.pid64(dir);
    const attempt = (pid64: boolean): LegacyMessage => ({
      type: "serial",
      pid64,
      serialization: readSerialization(payload, state, {
        pid64,
        base,
        dataFormat: this.dirs[dir].dataFormat,
        dryRun,
        ...(this.options.limits ? { limits: this.options.limits } : {}),
        resolveTypeName: this.resolveTypeName,
      }),
    });
    try {
      return attempt(predicted);
    } catch (first) {
      // Phase tracking can be wrong when a capture reorders the two directions;
      // the other width is tried before giving up. A failed attempt leaves the cache untouched.
      try {
        return attempt(!predicted);
      } catch {
        throw first;
      }
    }
  }

  private argsOptions(base: number) {
    return {
      base,
      ...(this.options.limits ? { limits: this.options.limits } : {}),
      ...(this.options.logLayout ? { logLayout: this.options.logLayout } : {}),
    };
  }
}

/** Decodes a whole captured connection: its in-order payload pieces, both directions interleaved as captured. */
export function decodeLegacyConnection(
  pieces: Iterable<{ readonly dir: Direction; readonly data: Uint8Array }>,
  options?: LegacyDecodeOptions,
): LegacyRecord[] {
  const decoder = new LegacyConnectionDecoder(options);
  const out: LegacyRecord[] = [];
  const add = (records: LegacyRecord[]) => {
    for (const r of records) out.push(r);
  };
  for (const p of pieces) add(decoder.push(p.dir, p.data));
  add(decoder.finish("orig"));
  add(decoder.finish("resp"));
  return out;
}
