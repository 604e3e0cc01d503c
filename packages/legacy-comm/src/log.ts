import { DecodeError, type DecodeLimits } from "@brokerkit/wire";
import { FormatReader, FormatWriter } from "./format.js";
import { TypeTag } from "./serial/codes.js";

/**
 * Remote logging payloads (MSG_LOG_CREATE_WRITER, MSG_LOG_WRITE): plain
 * binary-format sequences, no object headers and no cache. The layout is
 * that of Bro 2.1 to 2.5; Bro 2.6 adds a subtype to every value while
 * keeping the same version numbers, so the caller says which it expects.
 */
export type LogLayout = "bro-2.5" | "bro-2.6";

export interface LogField {
  readonly secondaryName: string | undefined;
  readonly name: string;
  /** TypeTag of the column. */
  readonly type: number;
  /** Element TypeTag of set and vector columns, else 0. */
  readonly subtype: number;
  readonly optional: boolean;
}

export interface LogWriterInfo {
  readonly path: string;
  readonly rotationBase: number;
  readonly rotationInterval: number;
  readonly networkTime: number;
  readonly config: readonly (readonly [string, string])[];
}

export interface LogCreateWriter {
  /** Log::ID and Log::Writer enum numbers, in the sender's numbering. */
  readonly streamId: number;
  readonly writerId: number;
  readonly info: LogWriterInfo;
  readonly fields: readonly LogField[];
}

export type LogValue =
  | { readonly type: number; readonly subtype?: number; readonly present: false }
  | {
      readonly type: number;
      readonly subtype?: number;
      readonly present: true;
      readonly value: LogPayload;
    };

export type LogPayload =
  | { readonly kind: "int"; readonly value: bigint }
  | { readonly kind: "unsigned"; readonly value: bigint }
  | { readonly kind: "port"; readonly port: bigint; readonly proto: number }
  | { readonly kind: "addr"; readonly addr: Uint8Array }
  | { readonly kind: "subnet"; readonly addr: Uint8Array; readonly length: number }
  | { readonly kind: "double"; readonly value: number }
  | { readonly kind: "string"; readonly bytes: Uint8Array }
  | { readonly kind: "list"; readonly elements: readonly LogValue[] };

export interface LogWriteEntry {
  readonly streamId: number;
  readonly writerId: number;
  readonly path: string;
  readonly values: readonly LogValue[];
}

class LogReader extends FormatReader {
  private depth = 0;

  constructor(
    bytes: Uint8Array,
    private readonly layout: LogLayout,
    limits: Partial<DecodeLimits> | undefined,
    base: number,
  ) {
    super(bytes, limits, base);
  }

  field(): LogField {
    const secondaryName = this.bool("has_secondary_name") ? this.str("a secondary name") : undefined;
    const name = this.str("a column name");
    const type = this.i32("a column type");
    const subtype = this.i32("a column subtype");
    return { secondaryName, name, type, subtype, optional: this.bool("the optional flag") };
  }

  value(): LogValue {
    if (++this.depth > this.limits.maxDepth)
      throw new DecodeError("limit", this.r.offset(), `nesting of at most ${this.limits.maxDepth}`);
    const typeAt = this.r.pos;
    const type = this.i32("a value type");
    const sub = this.layout === "bro-2.6" ? { subtype: this.i32("a value subtype") } : {};
    const present = this.bool("the present flag");
    let out: LogValue;
    if (!present) out = { type, ...sub, present };
    else out = { type, ...sub, present, value: this.payload(type, typeAt) };
    this.depth--;
    return out;
  }

  private payload(type: number, at: number): LogPayload {
    switch (type) {
      case TypeTag.bool:
      case TypeTag.int:
        return { kind: "int", value: this.r.i64("an integer") };
      case TypeTag.count:
      case TypeTag.counter:
        return { kind: "unsigned", value: this.r.u64("a count") };
      case TypeTag.port:
        return { kind: "port", port: this.r.u64("a port number"), proto: this.i32("a transport protocol") };
      case TypeTag.addr:
        return { kind: "addr", addr: this.family() };
      case TypeTag.subnet: {
        const length = this.r.u8("a prefix length");
        return { kind: "subnet", length, addr: this.family() };
      }
      case TypeTag.double:
      case TypeTag.time:
      case TypeTag.interval:
        return { kind: "double", value: this.f64("a double") };
      case TypeTag.enum:
      case TypeTag.string:
      case TypeTag.file:
      case TypeTag.func:
        return { kind: "string", bytes: this.bytes("a string") };
      case TypeTag.table:
      case TypeTag.vector: {
        const nAt = this.r.pos;
        const n = this.count(this.r.i64("an element count"), "element count", nAt);
        const elements: LogValue[] = [];
        for (let i = 0; i < n; i++) elements.push(this.value());
        return { kind: "list", elements };
      }
      default:
        throw new DecodeError("invalid", this.r.offset(at), "a log value type", `type tag ${type}`);
    }
  }

  private family(): Uint8Array {
    const at = this.r.pos;
    const family = this.r.u8("an address family");
    if (family !== 4 && family !== 6)
      throw new DecodeError("invalid", this.r.offset(at), "address family 4 or 6");
    return this.r.take(family === 4 ? 4 : 16, "address bytes").slice();
  }
}

export interface LogReadOptions {
  readonly layout?: LogLayout;
  readonly limits?: Partial<DecodeLimits>;
  readonly base?: number;
}

export function decodeLogCreateWriter(bytes: Uint8Array, options: LogReadOptions = {}): LogCreateWriter {
  const l = new LogReader(bytes, options.layout ?? "bro-2.5", options.limits, options.base ?? 0);
  const streamId = l.i32("the stream id");
  const writerId = l.i32("the writer id");
  const nAt = l.r.pos;
  const numFields = l.count(l.i32("the field count"), "log fields", nAt);
  const path = l.str("the path");
  const rotationBase = l.f64("the rotation base");
  const rotationInterval = l.f64("the rotation interval");
  const networkTime = l.f64("the network time");
  const cAt = l.r.pos;
  const nConfig = l.count(l.i32("the config size"), "config size", cAt);
  const config: [string, string][] = [];
  for (let i = 0; i < nConfig; i++) config.push([l.str("a config key"), l.str("a config value")]);
  const fields: LogField[] = [];
  for (let i = 0; i < numFields; i++) fields.push(l.field());
  if (l.r.remaining) throw new DecodeError("trailing", l.r.offset(), "the end of the writer description");
  return { streamId, writerId, info: { path, rotationBase, rotationInterval, networkTime, config }, fields };
}

/** A LOG_WRITE block holds one or more entries back to back. */
export function decodeLogWrite(bytes: Uint8Array, options: LogReadOptions = {}): LogWriteEntry[] {
  const l = new LogReader(bytes, options.layout ?? "bro-2.5", options.limits, options.base ?? 0);
  const out: LogWriteEntry[] = [];
  while (l.r.remaining > 0) {
    const streamId = l.i32("the stream id");
    const writerId = l.i32("the writer id");
    const path = l.str("the path");
    const nAt = l.r.pos;
    const n = l.count(l.i32("the value count"), "value count", nAt);
    const values: LogValue[] = [];
    for (let i = 0; i < n; i++) values.push(l.value());
    out.push({ streamId, writerId, path, values });
  }
  return out;
}

class LogWriter extends FormatWriter {
  constructor(private readonly layout: LogLayout) {
    super();
  }
  value(v: LogValue): void {
    this.i32(v.type);
    if (this.layout === "bro-2.6") this.i32(v.subtype ?? 0);
    this.bool(v.present);
    if (!v.present) return;
    const p = v.value;
    switch (p.kind) {
      case "int":
        this.w.i64(p.value);
        return;
      case "unsigned":
        this.w.u64(p.value);
        return;
      case "port":
        this.w.u64(p.port);
        this.i32(p.proto);
        return;
      case "addr":
        this.w.u8(p.addr.length === 4 ? 4 : 6);
        this.w.bytes(p.addr);
        return;
      case "subnet":
        this.w.u8(p.length);
        this.w.u8(p.addr.length === 4 ? 4 : 6);
        this.w.bytes(p.addr);
        return;
      case "double":
        this.w.f64(p.value);
        return;
      case "string":
        this.bytes(p.bytes);
        return;
      case "list":
        this.w.i64(BigInt(p.elements.length));
        for (const e of p.elements) this.value(e);
        return;
    }
  }
}

export function encodeLogCreateWriter(m: LogCreateWriter, layout: LogLayout = "bro-2.5"): Uint8Array {
  const l = new LogWriter(layout);
  l.i32(m.streamId);
  l.i32(m.writerId);
  l.i32(m.fields.length);
  l.str(m.info.path);
  l.w.f64(m.info.rotationBase);
  l.w.f64(m.info.rotationInterval);
  l.w.f64(m.info.networkTime);
  l.i32(m.info.config.length);
  for (const [k, v] of m.info.config) {
    l.str(k);
    l.str(v);
  }
  for (const f of m.fields) {
    l.bool(f.secondaryName !== undefined);
    if (f.secondaryName !== undefined) l.str(f.secondaryName);
    l.str(f.name);
    l.i32(f.type);
    l.i32(f.subtype);
    l.bool(f.optional);
  }
  return l.w.finish();
}

export function encodeLogWrite(entries: readonly LogWriteEntry[], layout: LogLayout = "bro-2.5"): Uint8Array {
  const l = new LogWriter(layout);
  for (const e of entries) {
    l.i32(e.streamId);
    l.i32(e.writerId);
    l.str(e.path);
    l.i32(e.values.length);
    for (const v of e.values) l.value(v);
  }
  return l.w.finish();
}
