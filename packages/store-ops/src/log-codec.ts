import {
  boolean,
  concatBytes,
  count,
  DATA_TYPES,
  type Data,
  type DataType,
  none,
  string,
  textOf,
  timespan,
  timestamp,
  vector,
} from "@brokerkit/data-model";
import { DecodeError, decodeData, encodeData } from "@brokerkit/wire";
import type { EntityId, StoreCommand } from "./command.js";
import { frameRecord, type RecordLogStop, readRecordLog, recordLogHeader } from "./record-log.js";
import type { LoggedCommand } from "./replay.js";

// A logged command as one Broker value, written with Broker's binary format:
// [seq, time, kind, …fields]. Expiry and publisher are nil when absent; a
// publisher is [endpoint, object].

const opt = (x: Data | undefined) => x ?? none();
const expiryOf = (e: bigint | undefined) => (e === undefined ? none() : timespan(e));
const publisherOf = (p: EntityId | undefined) => (p ? vector([string(p.endpoint), count(p.object)]) : none());

function fields(c: StoreCommand): Data[] {
  switch (c.kind) {
    case "put":
    case "subtract":
      return [c.key, c.value, expiryOf(c.expiry), publisherOf(c.publisher)];
    case "put_unique":
      return [c.key, c.value, expiryOf(c.expiry), count(c.reqId), publisherOf(c.publisher)];
    case "put_unique_result":
      return [boolean(c.inserted), count(c.reqId), publisherOf(c.publisher)];
    case "erase":
    case "expire":
      return [c.key, publisherOf(c.publisher)];
    case "add":
      return [c.key, c.value, string(c.initType), expiryOf(c.expiry), publisherOf(c.publisher)];
    case "clear":
      return [publisherOf(c.publisher)];
    case "snapshot":
      return [vector(c.entries.map(([k, v]) => vector([k, v])))];
  }
}

/** One logged command as bytes (Broker's binary format of a vector). */
export function encodeLoggedCommand(c: LoggedCommand): Uint8Array {
  return encodeData(
    vector([count(c.seq), timestamp(c.time), string(c.command.kind), ...fields(c.command)].map(opt)),
  );
}

function bad(what: string): never {
  throw new DecodeError("invalid", 0, what);
}

function expect<T extends Data["type"]>(d: Data | undefined, type: T): Extract<Data, { type: T }> {
  if (d?.type !== type) bad(`a ${type} in a logged command`);
  return d as Extract<Data, { type: T }>;
}

const expiryFrom = (d: Data | undefined) =>
  d?.type === "timespan" ? { expiry: d.value } : d?.type === "none" ? {} : bad("an expiry");
function publisherFrom(d: Data | undefined): { publisher?: EntityId } {
  if (d?.type === "none") return {};
  const v = expect(d, "vector").elements;
  return { publisher: { endpoint: textOf(expect(v[0], "string")), object: expect(v[1], "count").value } };
}

/** The inverse of encodeLoggedCommand; DecodeError for anything else. */
export function decodeLoggedCommand(bytes: Uint8Array): LoggedCommand {
  const v = expect(decodeData(bytes), "vector").elements;
  const seq = expect(v[0], "count").value;
  const time = expect(v[1], "timestamp").value;
  const kind = textOf(expect(v[2], "string"));
  const f = v.slice(3);
  const key = () => f[0] ?? bad("a key");
  const value = () => f[1] ?? bad("a value");
  let command: StoreCommand;
  switch (kind) {
    case "put":
    case "subtract":
      command = { kind, key: key(), value: value(), ...expiryFrom(f[2]), ...publisherFrom(f[3]) };
      break;
    case "put_unique":
      command = {
        kind,
        key: key(),
        value: value(),
        ...expiryFrom(f[2]),
        reqId: expect(f[3], "count").value,
        ...publisherFrom(f[4]),
      };
      break;
    case "put_unique_result":
      command = {
        kind,
        inserted: expect(f[0], "boolean").value,
        reqId: expect(f[1], "count").value,
        ...publisherFrom(f[2]),
      };
      break;
    case "erase":
    case "expire":
      command = { kind, key: key(), ...publisherFrom(f[1]) };
      break;
    case "add": {
      const initType = textOf(expect(f[2], "string"));
      if (!(DATA_TYPES as readonly string[]).includes(initType)) bad("a Broker type name as init type");
      command = {
        kind,
        key: key(),
        value: value(),
        initType: initType as DataType,
        ...expiryFrom(f[3]),
        ...publisherFrom(f[4]),
      };
      break;
    }
    case "clear":
      command = { kind, ...publisherFrom(f[0]) };
      break;
    case "snapshot":
      command = {
        kind,
        entries: expect(f[0], "vector").elements.map((e) => {
          const [k, x] = expect(e, "vector").elements;
          return [k ?? bad("a snapshot key"), x ?? bad("a snapshot value")] as const;
        }),
      };
      break;
    default:
      return bad(`a store command kind, not ${JSON.stringify(kind)}`);
  }
  return { seq, time, command };
}

/** A whole log file's bytes: the header and one framed record per command. */
export function writeCommandLog(commands: Iterable<LoggedCommand>): Uint8Array {
  const parts = [recordLogHeader(), ...[...commands].map((c) => frameRecord(encodeLoggedCommand(c)))];
  return concatBytes(parts);
}

/** Every intact command of a log file, and where and why reading stopped if it did. */
export function readCommandLog(bytes: Uint8Array): { commands: LoggedCommand[]; stoppedAt?: RecordLogStop } {
  const read = readRecordLog(bytes);
  const commands: LoggedCommand[] = [];
  let offset = recordLogHeader().length;
  for (const r of read.records) {
    try {
      commands.push(decodeLoggedCommand(r));
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      // An intact frame whose content is not a command: stop there, as for damage.
      return {
        commands,
        stoppedAt: { offset, reason: "corrupt", detail: `not a store command: ${e.message}` },
      };
    }
    offset += 8 + r.length;
  }
  return { commands, ...(read.stoppedAt ? { stoppedAt: read.stoppedAt } : {}) };
}
