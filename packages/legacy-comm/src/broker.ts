import {
  address,
  boolean,
  count,
  type Data,
  enumValueFromBinary,
  integer,
  none,
  port,
  real,
  set,
  stringFromBinary,
  stringFromBytes,
  subnet,
  table,
  timespan,
  timestamp,
  vector,
} from "@brokerkit/data-model";
import { portParts } from "./print.js";
import { TypeTag } from "./serial/codes.js";
import { type AnyType, type BroVal, type RecordType, typeOf } from "./serial/model.js";

/** Zeek's fractional seconds to Broker nanoseconds: duration_cast truncates the product. */
function nanoseconds(seconds: number): bigint {
  const ns = Math.trunc(seconds * 1e9);
  return Number.isFinite(ns) ? BigInt(ns) : 0n;
}

function tagOf(t: AnyType): number | undefined {
  return typeOf(t)?.tag;
}

/**
 * A Bro value as Broker data, following Zeek's own mapping (val_to_data in
 * Zeek 2.6, the release that spoke both protocols): records become vectors
 * with nil for unset fields (a constant `&default` fills in, as
 * LookupWithDefault does), vector holes are left out, sets and tables key on
 * the index itself when it has one component and on a vector of components
 * otherwise, patterns become [exact, anywhere], time and interval become
 * timestamp and timespan. Zeek has no mapping for list values (table
 * indices); they become vectors here. Values whose type came by name only
 * are mapped by how they were stored.
 */
export function toBrokerData(v: BroVal): Data {
  const tag = tagOf(v.type);
  switch (v.kind) {
    case "int":
      if (tag === TypeTag.bool) return boolean(v.value !== 0n);
      if (tag === TypeTag.enum) return enumOf(v.type, v.value);
      return integer(v.value);
    case "unsigned":
      if (tag === TypeTag.port) {
        const p = portParts(v.value);
        return port(p.port, p.proto);
      }
      return count(v.value);
    case "double":
      if (tag === TypeTag.time) return timestamp(nanoseconds(v.value));
      if (tag === TypeTag.interval) return timespan(nanoseconds(v.value));
      return real(v.value);
    case "string":
      return stringFromBytes(v.bytes);
    case "addr":
      return address(v.addr);
    case "subnet":
      return subnet(address(v.addr), v.length);
    case "pattern":
      return vector([stringFromBinary(v.matcher.exact), stringFromBinary(v.matcher.anywhere)]);
    case "list":
      return vector(v.elements.map(toBrokerData));
    case "vector":
      return vector(v.elements.filter((e): e is BroVal => e !== null).map(toBrokerData));
    case "record": {
      const decls = recordDecls(v.type);
      return vector(
        v.fields.map((f, i) => {
          if (f) return toBrokerData(f);
          const fallback = decls?.[i]?.attrs?.attrs.find((a) => a.tag === 1)?.expr?.value;
          return fallback ? toBrokerData(fallback) : none();
        }),
      );
    }
    case "table": {
      const key = (index: BroVal) =>
        index.kind === "list" && index.elements.length === 1
          ? toBrokerData(index.elements[0]!)
          : toBrokerData(index);
      if (v.entries.every((e) => e.value === undefined) && isSet(v.type))
        return set(v.entries.map((e) => key(e.index)));
      return table(v.entries.map((e) => [key(e.index), e.value ? toBrokerData(e.value) : none()] as const));
    }
    case "file":
      return stringFromBinary(v.file.name);
    case "func":
      return stringFromBinary(v.func.name);
  }
}

function isSet(t: AnyType): boolean {
  const type = typeOf(t);
  return !type || !("yield" in type) || type.yield === undefined;
}

function enumOf(t: AnyType, value: bigint): Data {
  const type = typeOf(t);
  if (type?.class === "enum") {
    const hit = type.names.find((n) => n.value === value);
    if (hit) return enumValueFromBinary(hit.name);
  }
  return enumValueFromBinary("<unknown enum>");
}

function recordDecls(t: AnyType) {
  const type = typeOf(t);
  return type?.class === "record" ? (type as RecordType).fields : undefined;
}
