import {
  count,
  type Data,
  type EnumValueData,
  type StringData,
  string,
  timestamp,
  type VectorData,
  vector,
} from "@brokerkit/data-model";

// Zeek's messages on top of Broker data (broker/zeek.hh): a vector
// [1, type, content, …] — 1 Event, 2 LogCreate, 3 LogWrite, 4 IdentifierUpdate,
// 5 Batch. The same layouts serve every Broker generation; Broker 2.6+ events
// may carry a third content element, the metadata (never in Broker 1.x).
// Elements Broker ignores (after the content, or after an event's metadata)
// are kept, so zeekMessageToData rebuilds the value exactly.

export const ZEEK_PROTOCOL_VERSION = 1n;
export const ZEEK_MESSAGE_TYPES = {
  event: 1,
  log_create: 2,
  log_write: 3,
  identifier_update: 4,
  batch: 5,
} as const;
/** Event metadata key of the network timestamp; keys from 200 on are free for users. */
export const NETWORK_TIMESTAMP = 1n;

interface Extras {
  /** Outer elements after the content (Broker ignores them). */
  readonly outerExtra?: readonly Data[];
  /** Content elements after the ones the layout defines (Broker ignores them). */
  readonly contentExtra?: readonly Data[];
}

export interface ZeekEvent extends Extras {
  readonly type: "event";
  readonly name: StringData;
  readonly args: readonly Data[];
  /** [key, value] pairs; absent in Broker 1.x and whenever Zeek sends none. */
  readonly metadata?: readonly (readonly [bigint, Data])[];
}
export interface ZeekLogCreate extends Extras {
  readonly type: "log_create";
  readonly streamId: EnumValueData;
  readonly writerId: EnumValueData;
  readonly writerInfo: Data;
  readonly fieldsData: Data;
}
export interface ZeekLogWrite extends Extras {
  readonly type: "log_write";
  readonly streamId: EnumValueData;
  readonly writerId: EnumValueData;
  readonly path: StringData;
  /** Zeek's own binary serialization of the record, opaque to Broker. */
  readonly serialData: StringData;
}
export interface ZeekIdentifierUpdate extends Extras {
  readonly type: "identifier_update";
  readonly name: StringData;
  readonly value: Data;
}
export interface ZeekBatch extends Extras {
  readonly type: "batch";
  readonly messages: readonly ZeekMessage[];
}
export type ZeekMessage = ZeekEvent | ZeekLogCreate | ZeekLogWrite | ZeekIdentifierUpdate | ZeekBatch;

const isCount = (d: Data | undefined, v?: bigint): boolean =>
  d?.type === "count" && (v === undefined || d.value === v);
const extra = (xs: readonly Data[], from: number) => (xs.length > from ? xs.slice(from) : undefined);

function withExtras<T extends object>(
  m: T,
  outer: readonly Data[],
  content: readonly Data[],
  fixed: number,
): T & Extras {
  const o = extra(outer, 3);
  const c = extra(content, fixed);
  return { ...m, ...(o ? { outerExtra: o } : {}), ...(c ? { contentExtra: c } : {}) };
}

function metadataOf(d: Data | undefined): (readonly [bigint, Data])[] | undefined | null {
  if (d === undefined) return undefined;
  if (d.type !== "vector") return null;
  const out: [bigint, Data][] = [];
  for (const e of d.elements) {
    if (e.type !== "vector" || e.elements.length !== 2 || e.elements[0]!.type !== "count") return null;
    const key = e.elements[0]!.value;
    if (key === NETWORK_TIMESTAMP && e.elements[1]!.type !== "timestamp") return null;
    out.push([key, e.elements[1]!]);
  }
  return out;
}

/**
 * The Zeek message a data value holds, checked as Broker's valid() checks it,
 * or undefined when Broker would treat it as Invalid (a Batch with one bad
 * element is Invalid as a whole).
 */
export function asZeekMessage(value: Data): ZeekMessage | undefined {
  if (value.type !== "vector" || value.elements.length < 3) return undefined;
  const [version, kind, content] = value.elements as [Data, Data, Data];
  if (!isCount(version, ZEEK_PROTOCOL_VERSION) || kind.type !== "count" || content.type !== "vector")
    return undefined;
  const c = content.elements;
  switch (kind.value) {
    case 1n: {
      const [name, args] = c;
      if (name?.type !== "string" || args?.type !== "vector") return undefined;
      const metadata = metadataOf(c[2]);
      if (metadata === null) return undefined;
      return withExtras(
        { type: "event" as const, name, args: args.elements, ...(metadata ? { metadata } : {}) },
        value.elements,
        c,
        3,
      );
    }
    case 2n: {
      const [streamId, writerId, writerInfo, fieldsData] = c;
      if (streamId?.type !== "enum_value" || writerId?.type !== "enum_value" || !writerInfo || !fieldsData)
        return undefined;
      return withExtras(
        { type: "log_create" as const, streamId, writerId, writerInfo, fieldsData },
        value.elements,
        c,
        4,
      );
    }
    case 3n: {
      const [streamId, writerId, path, serialData] = c;
      if (
        streamId?.type !== "enum_value" ||
        writerId?.type !== "enum_value" ||
        path?.type !== "string" ||
        serialData?.type !== "string"
      ) {
        return undefined;
      }
      return withExtras(
        { type: "log_write" as const, streamId, writerId, path, serialData },
        value.elements,
        c,
        4,
      );
    }
    case 4n: {
      const [name, v] = c;
      if (name?.type !== "string" || v === undefined) return undefined;
      return withExtras({ type: "identifier_update" as const, name, value: v }, value.elements, c, 2);
    }
    case 5n: {
      const messages: ZeekMessage[] = [];
      for (const e of c) {
        const m = asZeekMessage(e);
        if (!m) return undefined;
        messages.push(m);
      }
      return withExtras({ type: "batch" as const, messages }, value.elements, c, c.length);
    }
    default:
      return undefined;
  }
}

/** The Broker value of a Zeek message (the inverse of asZeekMessage). */
export function zeekMessageToData(m: ZeekMessage): VectorData {
  let content: Data[];
  switch (m.type) {
    case "event":
      content = [m.name, vector(m.args)];
      if (m.metadata) content.push(vector(m.metadata.map(([k, v]) => vector([count(k), v]))));
      break;
    case "log_create":
      content = [m.streamId, m.writerId, m.writerInfo, m.fieldsData];
      break;
    case "log_write":
      content = [m.streamId, m.writerId, m.path, m.serialData];
      break;
    case "identifier_update":
      content = [m.name, m.value];
      break;
    case "batch":
      content = m.messages.map(zeekMessageToData);
      break;
  }
  return vector([
    count(ZEEK_PROTOCOL_VERSION),
    count(ZEEK_MESSAGE_TYPES[m.type]),
    vector([...content, ...(m.contentExtra ?? [])]),
    ...(m.outerExtra ?? []),
  ]);
}

/**
 * A Zeek event. Without options it has Broker 1.x's layout [name, args]; with
 * a network timestamp (ns) or metadata it gets the current layout's third element.
 */
export function zeekEvent(
  name: string,
  args: readonly Data[],
  options?: { networkTimestamp?: bigint; metadata?: readonly (readonly [bigint, Data])[] },
): ZeekEvent {
  const metadata = [
    ...(options?.networkTimestamp === undefined
      ? []
      : [[NETWORK_TIMESTAMP, timestamp(options.networkTimestamp)] as const]),
    ...(options?.metadata ?? []),
  ];
  return {
    type: "event",
    name: string(name),
    args,
    ...(options?.networkTimestamp !== undefined || options?.metadata ? { metadata } : {}),
  };
}

/** The event's network timestamp (ns), from the first metadata entry with key 1. */
export function networkTimestamp(e: ZeekEvent): bigint | undefined {
  const v = e.metadata?.find(([k]) => k === NETWORK_TIMESTAMP)?.[1];
  return v?.type === "timestamp" ? v.value : undefined;
}
