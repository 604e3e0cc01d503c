import { binaryToBytes, utf8ToBinary } from "@brokerkit/data-model";
import { InternalTag, TypeTag } from "./serial/codes.js";
import type {
  AnyType,
  Attributes,
  BroVal,
  EnumType,
  FileType,
  FuncType,
  ListVal,
  PlainType,
  RecordType,
  TableEntry,
  TableType,
  TypeDecl,
  TypeListType,
  VectorType,
} from "./serial/model.js";

// Constructors for building Bro values to encode. They produce what Bro's
// own singletons and value classes would: base types flagged as such, ports in
// network order, enums with their full EnumType (so receivers rebind by name).

const INTERNAL: Partial<Record<number, number>> = {
  [TypeTag.bool]: InternalTag.int,
  [TypeTag.int]: InternalTag.int,
  [TypeTag.count]: InternalTag.unsigned,
  [TypeTag.counter]: InternalTag.unsigned,
  [TypeTag.double]: InternalTag.double,
  [TypeTag.time]: InternalTag.double,
  [TypeTag.interval]: InternalTag.double,
  [TypeTag.string]: InternalTag.string,
  [TypeTag.enum]: InternalTag.int,
  [TypeTag.port]: InternalTag.unsigned,
  [TypeTag.addr]: InternalTag.addr,
  [TypeTag.subnet]: InternalTag.subnet,
};

const freeze = Object.freeze;
const baseTypes = new Map<number, PlainType>();

/** Bro's singleton for an atomic type (bool, int, count, ..., pattern, any). */
export function baseType(tag: number): PlainType {
  let t = baseTypes.get(tag);
  if (!t) {
    t = freeze({
      kind: "type",
      class: "plain",
      tag,
      internal: INTERNAL[tag] ?? InternalTag.other,
      networkOrder: tag === TypeTag.port,
      baseType: true,
      name: "",
    });
    baseTypes.set(tag, t);
  }
  return t;
}

export function typeList(types: readonly AnyType[], pure?: AnyType): TypeListType {
  return freeze({
    kind: "type",
    class: "typelist",
    tag: TypeTag.list,
    internal: InternalTag.other,
    networkOrder: false,
    baseType: false,
    name: "",
    pure,
    types: freeze([...types]),
  });
}

export function setType(indices: readonly AnyType[]): TableType {
  return freeze({
    kind: "type",
    class: "set",
    tag: TypeTag.table,
    internal: InternalTag.other,
    networkOrder: false,
    baseType: false,
    name: "",
    yield: undefined,
    indices: typeList(indices),
  });
}

export function tableType(indices: readonly AnyType[], yieldType: AnyType): TableType {
  return freeze({
    kind: "type",
    class: "table",
    tag: TypeTag.table,
    internal: InternalTag.other,
    networkOrder: false,
    baseType: false,
    name: "",
    yield: yieldType,
    indices: typeList(indices),
  });
}

export function vectorType(yieldType: AnyType): VectorType {
  return freeze({
    kind: "type",
    class: "vector",
    tag: TypeTag.vector,
    internal: InternalTag.other,
    networkOrder: false,
    baseType: false,
    name: "",
    yield: yieldType,
  });
}

export interface FieldSpec {
  readonly name: string;
  readonly type: AnyType;
  readonly optional?: boolean;
}

/** A record type; `optional` fields get an `&optional` attribute, as Bro declares them. */
export function recordType(name: string, fields: readonly FieldSpec[]): RecordType {
  const decls: TypeDecl[] = fields.map((f) => {
    const attrs: Attributes | undefined = f.optional
      ? freeze({ kind: "attributes", type: f.type, attrs: freeze([freeze({ tag: 0, expr: undefined })]) })
      : undefined;
    return freeze({ attrs, type: f.type, name: f.name });
  });
  return freeze({
    kind: "type",
    class: "record",
    tag: TypeTag.record,
    internal: InternalTag.other,
    networkOrder: false,
    baseType: false,
    name,
    numFields: decls.length,
    fields: freeze(decls),
  });
}

/** An enum type; Bro sends its names sorted byte-wise (std::map order). */
export function enumType(name: string, names: readonly (readonly [string, bigint])[]): EnumType {
  const sorted = [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const counter = names.reduce((m, [, v]) => (v >= m ? v + 1n : m), 0n);
  return freeze({
    kind: "type",
    class: "enum",
    tag: TypeTag.enum,
    internal: InternalTag.int,
    networkOrder: false,
    baseType: false,
    name,
    counter,
    names: freeze(sorted.map(([n, value]) => freeze({ name: n, value }))),
  });
}

/** Bro's built-in `transport_proto`. */
export const TRANSPORT_PROTO = enumType("transport_proto", [
  ["unknown_transport", 0n],
  ["tcp", 1n],
  ["udp", 2n],
  ["icmp", 3n],
]);

/** Global types every Bro has, for values whose type was sent by name. */
export function resolveBuiltinType(name: string): EnumType | undefined {
  return name === "transport_proto" ? TRANSPORT_PROTO : undefined;
}

export const boolVal = (b: boolean): BroVal =>
  freeze({ kind: "int", type: baseType(TypeTag.bool), value: b ? 1n : 0n });
export const intVal = (n: bigint): BroVal =>
  freeze({ kind: "int", type: baseType(TypeTag.int), value: BigInt.asIntN(64, n) });
export const countVal = (n: bigint): BroVal =>
  freeze({ kind: "unsigned", type: baseType(TypeTag.count), value: BigInt.asUintN(64, n) });
export const doubleVal = (d: number): BroVal =>
  freeze({ kind: "double", type: baseType(TypeTag.double), value: d });
export const timeVal = (seconds: number): BroVal =>
  freeze({ kind: "double", type: baseType(TypeTag.time), value: seconds });
/** An IntervalVal (prints in units); Bro's arithmetic results are plain Vals of the same type. */
export const intervalVal = (seconds: number): BroVal =>
  freeze({ kind: "double", type: baseType(TypeTag.interval), value: seconds, stype: 0x8802 });
/** A string value: text is stored as UTF-8, bytes as they are. */
export const stringVal = (s: string | Uint8Array): BroVal =>
  freeze({
    kind: "string",
    type: baseType(TypeTag.string),
    bytes: typeof s === "string" ? binaryToBytes(utf8ToBinary(s)) : s,
  });

const PROTO_MASK = { unknown: 0n, tcp: 0x10000n, udp: 0x20000n, icmp: 0x30000n } as const;
export const portVal = (port: number, proto: keyof typeof PROTO_MASK): BroVal =>
  freeze({
    kind: "unsigned",
    type: baseType(TypeTag.port),
    value: BigInt(port & 0xffff) | PROTO_MASK[proto],
  });

/** An address of 4 (IPv4) or 16 bytes. */
export const addrVal = (addr: Uint8Array): BroVal =>
  freeze({ kind: "addr", type: baseType(TypeTag.addr), addr });
export const subnetVal = (addr: Uint8Array, length: number): BroVal =>
  freeze({ kind: "subnet", type: baseType(TypeTag.subnet), addr, length });

export function enumVal(type: EnumType, name: string): BroVal {
  const hit = type.names.find((n) => n.name === name);
  if (!hit) throw new RangeError(`${name} is not a name of enum ${type.name}`);
  return freeze({ kind: "int", type, value: hit.value });
}

/** A pattern as Bro holds it: the exact and the anywhere form of `/text/`. */
export function patternVal(text: string): BroVal {
  return freeze({
    kind: "pattern",
    type: baseType(TypeTag.pattern),
    matcher: freeze({ kind: "re-matcher", anywhere: `^?(.|\n)*(${text})`, exact: `^?(${text})$?` }),
  });
}

export function recordVal(type: RecordType, fields: readonly (BroVal | null)[]): BroVal {
  return freeze({ kind: "record", type, props: 0, uniqueId: "", fields: freeze([...fields]) });
}

export function vectorVal(type: VectorType, elements: readonly (BroVal | null)[]): BroVal {
  return freeze({ kind: "vector", type, props: 0, uniqueId: "", elements: freeze([...elements]) });
}

/** A table index as Bro recovers it from its hash: a list of `any`, typed by its components. */
export function indexVal(components: readonly BroVal[]): ListVal {
  return freeze({
    kind: "list",
    type: typeList(components.map((c) => c.type)),
    elemTag: TypeTag.any,
    elements: freeze([...components]),
  });
}

/** A set or table; entries carry their index components and, for tables, the value. */
export function tableVal(
  type: TableType,
  entries: readonly { index: readonly BroVal[]; value?: BroVal }[],
): BroVal {
  const rows: TableEntry[] = entries.map((e) =>
    freeze({ index: indexVal(e.index), value: e.value, lastAccessTime: 0, expireAccessTime: 0 }),
  );
  return freeze({
    kind: "table",
    type,
    props: 0,
    uniqueId: "",
    attrs: undefined,
    expireTime: undefined,
    expireFunc: undefined,
    entries: freeze(rows),
  });
}

/** A function type; `args` become its parameter record, as Bro declares them. */
export function funcType(args: readonly FieldSpec[], yieldType?: AnyType, flavor = 0): FuncType {
  const params = recordType("", args);
  return freeze({
    kind: "type",
    class: "func",
    tag: TypeTag.func,
    internal: InternalTag.other,
    networkOrder: false,
    baseType: false,
    name: "",
    yield: yieldType,
    args: params,
    argTypes: typeList(args.map((a) => a.type)),
    flavor,
  });
}

/** A built-in function as a value: the receiver resolves it by name. */
export function builtinFuncVal(name: string, type: FuncType): BroVal {
  return freeze({ kind: "func", type, func: freeze({ kind: "bro-func", funcKind: 1, type, name }) });
}

/** A file as a value: its name (the receiver opens or appends to it locally) and content type. */
export function fileVal(name: string, buffered = true): BroVal {
  const content = baseType(TypeTag.string);
  const type: FileType = freeze({
    kind: "type",
    class: "file",
    tag: TypeTag.file,
    internal: InternalTag.other,
    networkOrder: false,
    baseType: false,
    name: "",
    yield: content,
  });
  return freeze({
    kind: "file",
    type,
    file: freeze({ kind: "bro-file", name, buffered, access: undefined, type: content, attrs: undefined }),
  });
}
