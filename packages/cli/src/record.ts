import type { Data } from "@brokerkit/data-model";
import { binaryToUtf8, toJsonBinary } from "@brokerkit/data-model";
import type { Protocol } from "./detect.js";

/** One decoded message of a capture, in the shape `brokerkit decode` prints. */
export interface DecodedRecord {
  readonly ts: string;
  readonly timestampNs: bigint;
  readonly conn: string;
  readonly dir: "orig" | "resp";
  readonly protocol: Protocol;
  /** handshake, data, event, log, identifier, batch, command, control, status, error, unknown, gap */
  readonly kind: string;
  readonly topic?: string;
  /** gap: the number of bytes the capture is missing. */
  readonly size?: number;
  /** Broker's JSON v1 form of the payload. */
  readonly data?: Data;
  /** Broker's text form of the payload, or a short description. */
  readonly text: string;
}

let lastSecond: bigint | undefined;
let lastBase = "";

/** ISO 8601 with nanoseconds, UTC. */
export function isoNs(ns: bigint): string {
  const nanos = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const second = (ns - nanos) / 1_000_000_000n;
  // Packets come many to a second: the date part is made once per second.
  if (second !== lastSecond) {
    lastSecond = second;
    lastBase = new Date(Number(second) * 1000).toISOString().slice(0, 19);
  }
  return `${lastBase}.${nanos.toString().padStart(9, "0")}Z`;
}

// Anything that needs a closer look: non-ASCII bytes or what MAYBE_INVALID finds.
// biome-ignore lint/suspicious/noControlCharactersInRegex: see MAYBE_INVALID.
const SUSPECT = /[\x00-\x1f\x80-\xff]|\\v|[:,[]-?(?:nan|inf)/;
const NON_ASCII = /[\x80-\xff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: Broker's JSON can hold raw control bytes; this finds them.
const MAYBE_INVALID = /[\x00-\x1f]|\\v|[:,[]-?(?:nan|inf)/;

/** The JSON line `brokerkit decode --format jsonl` prints for a record. */
export function recordToJsonLine(r: DecodedRecord): string {
  // ts, conn, dir, protocol and kind are plain ASCII without quotes or backslashes.
  let line = `{"ts":"${r.ts}","conn":"${r.conn}","dir":"${r.dir}","protocol":"${r.protocol}","kind":"${r.kind}"`;
  if (r.topic !== undefined) line += `,"topic":${JSON.stringify(r.topic)}`;
  if (r.size !== undefined) line += `,"size":${r.size}`;
  if (r.data !== undefined) {
    // Broker's JSON is embedded as is when it is valid JSON (it is not for NaN, inf, the \v escape or
    // raw control bytes; non-UTF-8 bytes become U+FFFD); only output that might be invalid is parsed.
    const binary = toJsonBinary(r.data);
    if (!SUSPECT.test(binary)) return `${line},"data":${binary},"text":${JSON.stringify(r.text)}}`;
    const json = NON_ASCII.test(binary) ? binaryToUtf8(binary) : binary;
    let valid = true;
    if (MAYBE_INVALID.test(binary)) {
      try {
        JSON.parse(json);
      } catch {
        valid = false;
      }
    }
    line += valid ? `,"data":${json}` : `,"data":null,"dataNote":"not valid JSON in Broker's form; see text"`;
  }
  return `${line},"text":${JSON.stringify(r.text)}}`;
}
