/**
 * Bro's serialized objects as plain, frozen values.
 *
 * Every object that went through Bro's SerialObj layer may carry what its
 * header said: `pid` (the permanent id it was cached under, 0 when not
 * cached) and `stype` (its class code exactly as sent, flag bits included).
 * Both are optional: an encoder fills them in for values built by hand, and
 * keeps them for decoded values so that re-encoding reproduces the bytes.
 * References (`full = 0`) decode to the very object they name, so a decoded
 * tree shares objects exactly where the sender's cache did.
 */
export interface SerialHeader {
  readonly pid?: bigint;
  readonly stype?: number;
  /** Bro never sends locations to peers; kept when a sender does. */
  readonly location?: Location;
}

export interface Location extends SerialHeader {
  readonly kind: "location";
  readonly filename: string;
  readonly firstLine: number;
  readonly lastLine: number;
  readonly firstColumn: number;
  readonly lastColumn: number;
}

/** A type written by name (`full_type = 0`): "use your global type of this name". */
export interface TypeByName {
  readonly kind: "type-name";
  readonly name: string;
  /** The global type the name stands for, when the decoder knew it (never written on encoding). */
  readonly resolved?: BroType;
}

/** The type itself, or what a type name was resolved to. */
export function typeOf(t: AnyType): BroType | undefined {
  return t.kind === "type" ? t : t.resolved;
}

interface TypeBase extends SerialHeader {
  readonly kind: "type";
  /** Script-level type tag (TypeTag). */
  readonly tag: number;
  /** Internal storage tag (InternalTag): selects the value layout. */
  readonly internal: number;
  readonly networkOrder: boolean;
  /** Bro's own singleton for an atomic type; the receiver substitutes its copy. */
  readonly baseType: boolean;
  /** Global type name (`conn_id`, `LC::Rec`) or "" for anonymous and base types (and before data format 24). */
  readonly name: string;
  /** Data format 23 and before (Bro 2.0-2.2): the retired attributes record type, when one was sent. */
  readonly attributesType?: AnyType;
}

export interface PlainType extends TypeBase {
  readonly class: "plain" | "subnet";
}
export interface TypeListType extends TypeBase {
  readonly class: "typelist";
  readonly pure: AnyType | undefined;
  readonly types: readonly AnyType[];
}
export interface TableType extends TypeBase {
  readonly class: "table" | "set" | "index";
  readonly yield: AnyType | undefined;
  readonly indices: AnyType;
  /** SetType only: its `elements` expression (normally absent). */
  readonly elements?: Expr | undefined;
}
export interface FuncType extends TypeBase {
  readonly class: "func";
  readonly yield: AnyType | undefined;
  readonly args: AnyType;
  readonly argTypes: AnyType;
  /** 0 function, 1 event, 2 hook. */
  readonly flavor: number;
}
export interface TypeDecl {
  readonly attrs: Attributes | undefined;
  readonly type: AnyType;
  readonly name: string;
}
export interface RecordType extends TypeBase {
  readonly class: "record";
  readonly numFields: number;
  /** Absent when the sender wrote `has_fields = 0`. */
  readonly fields: readonly TypeDecl[] | undefined;
}
export interface FileType extends TypeBase {
  readonly class: "file";
  readonly yield: AnyType;
}
export interface EnumName {
  readonly name: string;
  readonly value: bigint;
}
export interface EnumType extends TypeBase {
  readonly class: "enum";
  /** The next automatic value. */
  readonly counter: bigint;
  readonly names: readonly EnumName[];
}
export interface VectorType extends TypeBase {
  readonly class: "vector";
  readonly yield: AnyType;
}
export interface OpaqueType extends TypeBase {
  readonly class: "opaque";
  readonly opaqueName: string;
}

export type BroType =
  | PlainType
  | TypeListType
  | TableType
  | FuncType
  | RecordType
  | FileType
  | EnumType
  | VectorType
  | OpaqueType;
export type AnyType = BroType | TypeByName;

export interface Attribute {
  readonly tag: number;
  readonly expr: Expr | undefined;
}
export interface Attributes extends SerialHeader {
  readonly kind: "attributes";
  readonly type: AnyType;
  readonly attrs: readonly Attribute[];
}

/** Only constant expressions are decoded; they are what tables' expiry and `&default` carry. */
export interface Expr extends SerialHeader {
  readonly kind: "expr";
  /** BroExprTag: 1 = CONST. */
  readonly tag: number;
  readonly paren: number;
  readonly type: AnyType | undefined;
  readonly value: BroVal;
}

export interface REMatcher extends SerialHeader {
  readonly kind: "re-matcher";
  readonly anywhere: string;
  readonly exact: string;
}

interface ValBase extends SerialHeader {
  readonly type: AnyType;
  /** Data format 24 and before (Bro 2.0-2.2): the value's attributes record, when one was sent. */
  readonly attribs?: BroVal;
}
export interface IntVal extends ValBase {
  readonly kind: "int";
  readonly value: bigint;
}
export interface UnsignedVal extends ValBase {
  readonly kind: "unsigned";
  readonly value: bigint;
}
export interface DoubleVal extends ValBase {
  readonly kind: "double";
  readonly value: number;
}
export interface StringVal extends ValBase {
  readonly kind: "string";
  readonly bytes: Uint8Array;
}
export interface AddrVal extends ValBase {
  readonly kind: "addr";
  /** 4 bytes for IPv4, 16 for IPv6. */
  readonly addr: Uint8Array;
}
export interface SubnetVal extends ValBase {
  readonly kind: "subnet";
  readonly addr: Uint8Array;
  /** Family-relative prefix length. */
  readonly length: number;
}
export interface PatternVal extends ValBase {
  readonly kind: "pattern";
  readonly matcher: REMatcher;
}
export interface ListVal extends ValBase {
  readonly kind: "list";
  readonly elemTag: number;
  readonly elements: readonly BroVal[];
}
interface MutableBase extends ValBase {
  /** 0x01 persistent, 0x02 synchronized, 0x04 tracked. */
  readonly props: number;
  /** The hidden global name `#host#pid#n` of a bound value, or "". */
  readonly uniqueId: string;
}
export interface RecordVal extends MutableBase {
  readonly kind: "record";
  /** Positional; null marks an unset field. */
  readonly fields: readonly (BroVal | null)[];
}
export interface VectorVal extends MutableBase {
  readonly kind: "vector";
  /** null marks a hole. */
  readonly elements: readonly (BroVal | null)[];
}
export interface TableEntry {
  readonly index: BroVal;
  /** Absent for sets. */
  readonly value: BroVal | undefined;
  readonly lastAccessTime: number;
  readonly expireAccessTime: number;
}
export interface TableVal extends MutableBase {
  readonly kind: "table";
  readonly attrs: Attributes | undefined;
  /** The expiry interval expression (data format 26, Bro 2.5 and later). */
  readonly expireTime: Expr | undefined;
  /** The `&expire_func` expression. */
  readonly expireFunc: Expr | undefined;
  /** Data format 25 and before (Bro 2.0-2.4): the expiry interval as a number of seconds. */
  readonly expireInterval?: number;
  readonly entries: readonly TableEntry[];
}
export interface FileVal extends ValBase {
  readonly kind: "file";
  readonly file: BroFile;
}
export interface BroFile extends SerialHeader {
  readonly kind: "bro-file";
  readonly name: string;
  readonly buffered: boolean;
  readonly access: string | undefined;
  readonly type: AnyType;
  readonly attrs: Attributes | undefined;
}

/**
 * A function value's Func object. Only functions without bodies (built-ins,
 * whose receiver looks them up by name) decode: bodies are statement trees.
 */
export interface BroFunc extends SerialHeader {
  readonly kind: "bro-func";
  /** 0 a script function, 1 a built-in. */
  readonly funcKind: number;
  readonly type: AnyType;
  readonly name: string;
  /** Script functions (BroFunc) only. */
  readonly frameSize?: number;
}
export interface FuncVal extends ValBase {
  readonly kind: "func";
  readonly func: BroFunc;
}

export type BroVal =
  | IntVal
  | UnsignedVal
  | DoubleVal
  | StringVal
  | AddrVal
  | SubnetVal
  | PatternVal
  | ListVal
  | RecordVal
  | VectorVal
  | TableVal
  | FileVal
  | FuncVal;

export interface BroID extends SerialHeader {
  readonly kind: "id";
  readonly name: string;
  /** 0 function, 1 module, 2 global. */
  readonly scope: number;
  readonly isExport: boolean;
  readonly isConst: number;
  readonly isEnumConst: number;
  readonly isType: number;
  readonly offset: number;
  readonly inferReturnType: boolean;
  readonly weakRef: boolean;
  readonly type: AnyType;
  readonly attrs: Attributes | undefined;
  readonly value: BroVal | undefined;
}

export interface StateAccess extends SerialHeader {
  readonly kind: "state-access";
  /** StateOp code. */
  readonly opcode: number;
  /** The global's name or the hidden unique name of a container. */
  readonly target: string;
  readonly op1: BroVal;
  readonly op2: BroVal | undefined;
  readonly op3: BroVal | undefined;
}

/** One MSG_SERIAL payload. */
export type Serialization =
  | { readonly kind: "event"; readonly name: string; readonly time: number; readonly args: readonly BroVal[] }
  | { readonly kind: "id"; readonly id: BroID }
  | { readonly kind: "state"; readonly access: StateAccess }
  | {
      readonly kind: "packet";
      readonly tsSec: number;
      readonly tsUsec: number;
      readonly wireLength: number;
      readonly linkType: number;
      readonly tag: Uint8Array;
      readonly data: Uint8Array;
    };

/** Anything the object cache can hold. */
export type SerialObject =
  | BroType
  | BroVal
  | Attributes
  | Expr
  | REMatcher
  | Location
  | BroFile
  | BroFunc
  | BroID
  | StateAccess;
