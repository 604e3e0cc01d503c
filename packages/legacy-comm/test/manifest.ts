// The fixture manifests' value encoding (see fixtures/legacy-comm/README.md),
// and a canonical form that both a manifest value and a decoded value reduce
// to, so that unordered sets and tables compare regardless of hash order.
import type { AnyType, BroType, BroVal, LogField, LogValue, TypeDecl } from "../src/index.js";
import {
  baseType,
  enumType,
  formatAddr,
  portParts,
  recordType,
  TRANSPORT_PROTO,
  TypeTag,
  typeOf,
} from "../src/index.js";

type Obj = Record<string, unknown>;

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const doubleHex = (d: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(d);
  return b.toString("hex");
};

/** A decoded value in the manifest's encoding (sets and tables in wire order). */
export function manifestForm(v: BroVal): unknown {
  const type = typeOf(v.type);
  const tag = type?.tag ?? -1;
  switch (v.kind) {
    case "int":
      if (tag === TypeTag.bool) return v.value !== 0n;
      if (tag === TypeTag.enum) {
        return type?.class === "enum" ? type.names.find((n) => n.value === v.value)?.name : `#${v.value}`;
      }
      return v.value.toString();
    case "unsigned":
      if (tag === TypeTag.port) return portParts(v.value);
      return v.value.toString();
    case "double":
      return { ieee754_be_hex: doubleHex(v.value) };
    case "string":
      return { hex: hex(v.bytes) };
    case "addr":
      return formatAddr(v.addr);
    case "subnet":
      return `${formatAddr(v.addr)}/${v.length}`;
    case "pattern":
      return v.matcher.exact.replace(/^\^\?\(/, "").replace(/\)\$\?$/, "");
    case "list":
      return v.elements.map(manifestForm);
    case "record": {
      const names = type?.class === "record" ? type.fields?.map((f) => f.name) : undefined;
      return Object.fromEntries(v.fields.map((f, i) => [names?.[i] ?? `$${i}`, f ? manifestForm(f) : null]));
    }
    case "vector":
      return v.elements.map((e) => (e ? manifestForm(e) : null));
    case "table":
      return v.entries.map((e) => {
        const key = e.index.kind === "list" ? e.index.elements.map(manifestForm) : [manifestForm(e.index)];
        return e.value ? { key, value: manifestForm(e.value) } : key;
      });
    case "file":
      return v.file.name;
    case "func":
      return v.func.name;
  }
}

function resolvedType(t: AnyType, types: TypeResolver): BroType | undefined {
  return typeOf(t) ?? types(t.name);
}

/** Reduces a manifest-encoded value to a canonical form, guided by the value's Bro type. */
export function canon(t: AnyType, m: unknown, types: TypeResolver): unknown {
  if (m === null || m === undefined) return null;
  const type = resolvedType(t, types);
  if (!type) return m;
  switch (type.class) {
    case "record": {
      const o = m as Obj;
      return Object.fromEntries(
        (type.fields ?? []).map((f: TypeDecl) => [f.name, canon(f.type, o[f.name], types)]),
      );
    }
    case "vector":
      return (m as unknown[]).map((e) => canon(type.yield, e, types));
    case "table":
    case "set": {
      const idx = resolvedType(type.indices, types);
      const comps = idx && idx.class === "typelist" ? idx.types : [];
      const key = (k: unknown[]) => k.map((c, i) => (comps[i] ? canon(comps[i]!, c, types) : c));
      const rows = (m as unknown[]).map((e) =>
        type.class === "set"
          ? key(e as unknown[])
          : { key: key((e as Obj).key as unknown[]), value: canon(type.yield!, (e as Obj).value, types) },
      );
      return rows.map((r) => JSON.stringify(r)).sort();
    }
    default:
      break;
  }
  switch (type.tag) {
    case TypeTag.double:
    case TypeTag.time:
    case TypeTag.interval:
      if (typeof m === "string") return doubleHex(Number(m));
      return (m as Obj).ieee754_be_hex;
    case TypeTag.string:
      return (m as Obj).hex;
    case TypeTag.addr:
      return typeof m === "object" ? (m as Obj).addr : m;
    case TypeTag.count:
    case TypeTag.int:
    case TypeTag.counter:
      return String(m);
    default:
      return m;
  }
}

export type TypeResolver = (name: string) => BroType | undefined;

const BASIC: Record<string, number> = {
  bool: TypeTag.bool,
  int: TypeTag.int,
  count: TypeTag.count,
  double: TypeTag.double,
  time: TypeTag.time,
  interval: TypeTag.interval,
  string: TypeTag.string,
  addr: TypeTag.addr,
  subnet: TypeTag.subnet,
  port: TypeTag.port,
  pattern: TypeTag.pattern,
};

/** The receiver's global types, rebuilt from a manifest's `types` (records and enums), plus transport_proto. */
export function resolverFromManifest(types: Obj | undefined): TypeResolver {
  const cache = new Map<string, BroType>();
  const byName = (name: string): BroType | undefined => {
    if (name in BASIC) return baseType(BASIC[name]!);
    if (name === "transport_proto") return TRANSPORT_PROTO;
    const hit = cache.get(name);
    if (hit) return hit;
    const spec = types?.[name] as Obj | undefined;
    if (!spec) return undefined;
    let t: BroType;
    if (spec.kind === "enum")
      t = enumType(
        name,
        (spec.values as Obj[]).map((v) => [v.name as string, BigInt(v.value as number)] as const),
      );
    else
      t = recordType(
        name,
        (spec.fields as Obj[]).map((f) => ({
          name: f.name as string,
          type: byName(f.type as string) ?? { kind: "type-name" as const, name: f.type as string },
        })),
      );
    cache.set(name, t);
    return t;
  };
  return byName;
}

/** A log value in the manifest's encoding, given its column. */
export function logManifestForm(field: LogField, v: LogValue): unknown {
  if (!v.present) return null;
  const p = v.value;
  switch (p.kind) {
    case "int":
      return v.type === TypeTag.bool ? p.value !== 0n : p.value.toString();
    case "unsigned":
      return p.value.toString();
    case "port":
      return { port: Number(p.port), proto: ["unknown", "tcp", "udp", "icmp"][p.proto] };
    case "addr":
      return formatAddr(p.addr);
    case "subnet":
      return `${formatAddr(p.addr)}/${p.length}`;
    case "double":
      return doubleHex(p.value);
    case "string":
      return { hex: hex(p.bytes) };
    case "list": {
      const items = p.elements.map((e) => logManifestForm({ ...field, type: field.subtype }, e));
      return v.type === TypeTag.table ? items.map((i) => JSON.stringify([i])).sort() : items;
    }
  }
}

/** The manifest's log record value, canonical like logManifestForm. */
export function canonLog(field: LogField, m: unknown): unknown {
  if (m === null) return null;
  switch (field.type) {
    case TypeTag.double:
    case TypeTag.time:
    case TypeTag.interval:
      return doubleHex(Number(m));
    case TypeTag.table:
      return (m as unknown[][])
        .map((k) => JSON.stringify(k.map((c) => canonLog({ ...field, type: field.subtype }, c))))
        .sort();
    case TypeTag.vector:
      return (m as unknown[]).map((c) => canonLog({ ...field, type: field.subtype }, c));
    case TypeTag.string:
    case TypeTag.enum:
      return { hex: (m as Obj).hex };
    default:
      return m;
  }
}
