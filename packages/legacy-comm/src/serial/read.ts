import { DecodeError, type DecodeLimits } from "@brokerkit/wire";
import { FormatReader } from "../format.js";
import { InternalTag, SER_BRO_OBJ_BIT, SER_TYPE_MASK, SerClass, TypeTag } from "./codes.js";
import type {
  AnyType,
  Attribute,
  Attributes,
  BroFile,
  BroFunc,
  BroID,
  BroType,
  BroVal,
  EnumName,
  Expr,
  Location,
  REMatcher,
  Serialization,
  SerialObject,
  StateAccess,
  TableEntry,
  TypeDecl,
} from "./model.js";
import { typeOf } from "./model.js";

/** What one direction of a connection remembers between serializations. */
export interface SerialState {
  /** Objects the sender cached, by permanent id, least recently used first. */
  readonly cache: Map<bigint, SerialObject>;
  /**
   * How many objects to remember. The sender evicts its least recently used
   * objects beyond the size it announced (Bro: 3000 per list, two lists) and
   * never refers to them again, so keeping at least as many of the most
   * recently used ones loses nothing and bounds memory on endless connections.
   */
  capacity: number;
}

/** Comfortably above what Bro (3000 per list) or Broccoli (1000) keep. */
export const DEFAULT_CACHE_CAPACITY = 1 << 15;

export function newSerialState(capacity = DEFAULT_CACHE_CAPACITY): SerialState {
  return { cache: new Map(), capacity };
}

export interface SerialReadOptions {
  /** 64-bit permanent ids (both peers announced PID_64BIT and the sender is running) instead of 32-bit. */
  readonly pid64: boolean;
  readonly limits?: Partial<DecodeLimits>;
  /**
   * Resolves a type sent by name only (`full_type = 0`, as Broccoli does for
   * enums). Bro looks the name up among its globals; a passive decoder needs
   * the receiver's types to do the same for values whose class does not say
   * how they are stored.
   */
  readonly resolveTypeName?: (name: string) => BroType | undefined;
  /** Added to reported offsets (where the bytes sit in a larger input). */
  readonly base?: number;
  /**
   * The sender's data format version (its VERSION message): 26 for Bro 2.5
   * and 2.6 (the default), 25 for Bro 2.3 and 2.4, 21 to 23 for Bro 2.0 to 2.2.
   * Older formats differ in three places: tables carry their expiry as a
   * number (25 and before), values an optional attributes record (24 and
   * before), types two retired fields instead of a name (23 and before).
   */
  readonly dataFormat?: number;
  /** Decode without adding what the payload caches to the state (to test whether bytes decode). */
  readonly dryRun?: boolean;
}

export const DATA_FORMAT_VERSION = 26;

type Family =
  | "value"
  | "type"
  | "attributes"
  | "expr"
  | "re-matcher"
  | "location"
  | "file"
  | "func"
  | "id"
  | "state";

/** How values whose type came by name are laid out, when their class alone says so. */
const INTERNAL_OF_CLASS: ReadonlyMap<number, number> = new Map([
  [SerClass.intervalVal, InternalTag.double],
  [SerClass.portVal, InternalTag.unsigned],
  [SerClass.addrVal, InternalTag.addr],
  [SerClass.subnetVal, InternalTag.subnet],
  [SerClass.stringVal, InternalTag.string],
  [SerClass.enumVal, InternalTag.int],
  [SerClass.patternVal, InternalTag.other],
  [SerClass.listVal, InternalTag.other],
  [SerClass.tableVal, InternalTag.other],
  [SerClass.recordVal, InternalTag.other],
  [SerClass.vectorVal, InternalTag.other],
]);

const VALUE_CLASSES = new Set<number>([SerClass.val, ...INTERNAL_OF_CLASS.keys()]);

/**
 * Reads one serialization (a MSG_SERIAL payload) in the context of what the
 * sender cached earlier on this connection. The cache is updated only when
 * the whole payload decodes, so a failed attempt (say, with the other pid
 * width) leaves the state as it was.
 */
export function readSerialization(
  bytes: Uint8Array,
  state: SerialState,
  options: SerialReadOptions,
): Serialization {
  const reader = new SerialReader(bytes, state, options);
  const result = reader.serialization();
  if (reader.r.remaining !== 0)
    throw new DecodeError(
      "trailing",
      reader.r.offset(),
      "the end of the serialization",
      `${reader.r.remaining} bytes left`,
    );
  if (options.dryRun) return result;
  // A lookup makes an entry recent on the sender's side too: move it to the end, as registrations are.
  for (const pid of reader.usedFromCache) {
    const obj = state.cache.get(pid);
    if (obj !== undefined) {
      state.cache.delete(pid);
      state.cache.set(pid, obj);
    }
  }
  for (const [pid, obj] of reader.registered) state.cache.set(pid, obj);
  for (const pid of state.cache.keys()) {
    if (state.cache.size <= state.capacity) break;
    state.cache.delete(pid);
  }
  return result;
}

class SerialReader extends FormatReader {
  readonly registered = new Map<bigint, SerialObject>();
  /** Cached objects this serialization referred to, in order. */
  readonly usedFromCache: bigint[] = [];
  private readonly inProgress = new Set<bigint>();
  private depth = 0;
  private objects = 0;

  constructor(
    bytes: Uint8Array,
    private readonly state: SerialState,
    private readonly options: SerialReadOptions,
  ) {
    super(bytes, options.limits, options.base ?? 0);
    this.format = options.dataFormat ?? DATA_FORMAT_VERSION;
  }

  private readonly format: number;

  enter(): void {
    if (++this.depth > this.limits.maxDepth)
      throw new DecodeError("limit", this.r.offset(), `nesting of at most ${this.limits.maxDepth}`);
    if (++this.objects > this.limits.maxValues)
      throw new DecodeError("limit", this.r.offset(), `at most ${this.limits.maxValues} objects`);
  }

  serialization(): Serialization {
    const at = this.r.pos;
    const kind = this.r.u8("a serialization kind");
    switch (kind) {
      case 0x65: {
        const name = this.str("an event name");
        const time = this.f64("the event time");
        const nAt = this.r.pos;
        const n = this.count(this.i32("the argument count"), "event arguments", nAt);
        const args: BroVal[] = [];
        for (let i = 0; i < n; i++) args.push(this.value());
        return Object.freeze({ kind: "event", name, time, args: Object.freeze(args) });
      }
      case 0x69:
        return Object.freeze({ kind: "id", id: this.object("id") as BroID });
      case 0x73:
        return Object.freeze({ kind: "state", access: this.object("state") as StateAccess });
      case 0x70: {
        const tsSec = this.r.u32("ts_sec");
        const tsUsec = this.r.u32("ts_usec");
        const wireLength = this.r.u32("the wire length");
        const linkType = this.r.u32("the link type");
        const tag = this.bytes("the packet tag");
        const data = this.bytes("the packet data");
        return Object.freeze({ kind: "packet", tsSec, tsUsec, wireLength, linkType, tag, data });
      }
      default:
        return this.invalid(
          "a serialization kind 'e', 'i', 's' or 'p'",
          `kind 0x${kind.toString(16)} (connections and timers are not decoded)`,
          at,
        );
    }
  }

  value(): BroVal {
    return this.object("value") as BroVal;
  }

  /** A SerialObj: header, then (when full) its class chain. */
  object(family: Family): SerialObject {
    const at = this.r.pos;
    const full = this.bool(`the full flag of ${family === "value" ? "a value" : `a ${family}`}`);
    const pid = this.options.pid64 ? this.r.u64("a 64-bit pid") : BigInt(this.r.u32("a 32-bit pid"));
    if (!full) {
      let obj = this.registered.get(pid);
      if (obj === undefined) {
        obj = this.state.cache.get(pid);
        if (obj !== undefined) this.usedFromCache.push(pid);
      }
      if (!obj) {
        if (this.inProgress.has(pid))
          this.invalid("a reference to a finished object", `pid ${pid} refers to itself`, at);
        throw new DecodeError(
          "invalid",
          this.r.offset(at),
          `a reference to an object sent earlier on this connection`,
          `unknown pid ${pid} (the capture may start after it was sent)`,
        );
      }
      if (familyOf(obj) !== family)
        this.invalid(`a reference to a ${family}`, `pid ${pid} is a ${familyOf(obj)}`, at);
      return obj;
    }
    const stypeAt = this.r.pos;
    const stype = this.r.u16("a serialization class code");
    this.enter();
    if (pid !== 0n) this.inProgress.add(pid);
    const obj = this.body(family, stype, pid, stypeAt);
    this.depth--;
    if (pid !== 0n) {
      this.inProgress.delete(pid);
      // Bro keeps the first of two objects with one pid (release builds); so do we.
      if (!this.registered.has(pid) && !this.state.cache.has(pid)) this.registered.set(pid, obj);
    }
    return obj;
  }

  private location(stype: number): { location?: Location } {
    if (!(stype & SER_BRO_OBJ_BIT)) return {};
    const loc = this.optional("a location", () => this.object("location") as Location);
    return loc ? { location: loc } : {};
  }

  private body(family: Family, stype: number, pid: bigint, at: number): SerialObject {
    const cls = stype & SER_TYPE_MASK;
    const expectFamily = (f: Family) => {
      if (f !== family) this.invalid(`a ${family} class code`, `0x${stype.toString(16)} is a ${f}`, at);
    };
    const head = { pid, stype };
    if (VALUE_CLASSES.has(cls)) {
      expectFamily("value");
      return this.valueBody(cls, head);
    }
    if ((cls & 0x1f00) === 0x0a00 && cls <= SerClass.opaqueType) {
      expectFamily("type");
      return this.typeBody(cls, head, at);
    }
    switch (cls) {
      case SerClass.attributes: {
        expectFamily("attributes");
        const loc = this.location(stype);
        const type = this.type();
        const nAt = this.r.pos;
        const n = this.count(this.i32("the attribute count"), "attributes", nAt);
        const attrs: Attribute[] = [];
        for (let i = 0; i < n; i++) {
          const expr = this.optional("an attribute expression", () => this.object("expr") as Expr);
          attrs.push(Object.freeze({ tag: this.r.u8("an attribute tag"), expr }));
        }
        return Object.freeze({
          kind: "attributes",
          ...head,
          ...loc,
          type,
          attrs: Object.freeze(attrs),
        }) as Attributes;
      }
      case SerClass.constExpr: {
        expectFamily("expr");
        const loc = this.location(stype);
        const tag = this.r.u8("an expression tag");
        const paren = this.i32("the paren flag");
        const type = this.optional("the expression type", () => this.type());
        const value = this.value();
        return Object.freeze({ kind: "expr", ...head, ...loc, tag, paren, type, value }) as Expr;
      }
      case SerClass.reMatcher: {
        expectFamily("re-matcher");
        const anywhere = this.str("the anywhere pattern");
        const exact = this.str("the exact pattern");
        return Object.freeze({ kind: "re-matcher", ...head, anywhere, exact }) as REMatcher;
      }
      case SerClass.location: {
        expectFamily("location");
        const filename = this.str("a file name");
        const [firstLine, lastLine, firstColumn, lastColumn] = [0, 0, 0, 0].map(() =>
          this.i32("a line or column"),
        );
        return Object.freeze({
          kind: "location",
          ...head,
          filename,
          firstLine: firstLine!,
          lastLine: lastLine!,
          firstColumn: firstColumn!,
          lastColumn: lastColumn!,
        });
      }
      case SerClass.broFile: {
        expectFamily("file");
        const loc = this.location(stype);
        const name = this.str("a file name");
        const buffered = this.bool("the buffered flag");
        const access = this.optional("the access mode", () => this.str("the access mode"));
        const type = this.type();
        const attrs = this.optional("file attributes", () => this.object("attributes") as Attributes);
        return Object.freeze({
          kind: "bro-file",
          ...head,
          ...loc,
          name,
          buffered,
          access,
          type,
          attrs,
        }) as BroFile;
      }
      case SerClass.func:
      case SerClass.broFunc:
      case SerClass.debugFunc:
      case SerClass.builtinFunc: {
        expectFamily("func");
        const loc = this.location(stype);
        const nAt = this.r.pos;
        const bodies = this.i32("the body count");
        if (bodies !== 0)
          this.invalid("a function without bodies", `${bodies} bodies: statement trees are not decoded`, nAt);
        const funcKind = this.r.u8("the function kind");
        const type = this.type();
        const name = this.str("the function name");
        const frame = cls === SerClass.builtinFunc ? {} : { frameSize: this.i32("the frame size") };
        return Object.freeze({
          kind: "bro-func",
          ...head,
          ...loc,
          funcKind,
          type,
          name,
          ...frame,
        }) as BroFunc;
      }
      case SerClass.id: {
        expectFamily("id");
        const loc = this.location(stype);
        const name = this.str("an identifier name");
        const scope = this.r.u8("the scope");
        const isExport = this.bool("the export flag");
        const isConst = this.i32("is_const");
        const isEnumConst = this.i32("is_enum_const");
        const isType = this.i32("is_type");
        const offset = this.i32("the offset");
        const inferReturnType = this.bool("infer_return_type");
        const weakRef = this.bool("weak_ref");
        const type = this.type();
        const attrs = this.optional("the attributes", () => this.object("attributes") as Attributes);
        const value = this.optional("the value", () => this.value());
        return Object.freeze({
          kind: "id",
          ...head,
          ...loc,
          name,
          scope,
          isExport,
          isConst,
          isEnumConst,
          isType,
          offset,
          inferReturnType,
          weakRef,
          type,
          attrs,
          value,
        }) as BroID;
      }
      case SerClass.stateAccess: {
        expectFamily("state");
        const opcode = this.r.u8("an opcode");
        const target = this.str("the target name");
        const op1 = this.value();
        const op2 = this.optional("operand 2", () => this.value());
        const op3 = this.optional("operand 3", () => this.value());
        return Object.freeze({ kind: "state-access", ...head, opcode, target, op1, op2, op3 }) as StateAccess;
      }
      default:
        return this.invalid(
          `a ${family} class code`,
          `0x${stype.toString(16)} is not decoded (expressions other than constants, functions, statements, opaque values)`,
          at,
        );
    }
  }

  /** A type slot: the full_type flag, then a type object or a global type's name. */
  type(): AnyType {
    if (this.bool("the full_type flag")) return this.object("type") as BroType;
    const name = this.str("a type name");
    const resolved = this.options.resolveTypeName?.(name);
    return Object.freeze(resolved ? { kind: "type-name", name, resolved } : { kind: "type-name", name });
  }

  private typeBody(cls: number, head: { pid: bigint; stype: number }, at: number): BroType {
    const loc = this.location(head.stype);
    const tag = this.r.u8("a type tag");
    const internal = this.r.u8("an internal type tag");
    const networkOrder = this.bool("is_network_order");
    const baseType = this.bool("base_type");
    let name = "";
    let legacy: { attributesType?: AnyType } = {};
    if (this.format >= 24) name = this.str("a type name");
    else {
      this.bool("the retired is_global_attributes_type flag");
      const attributesType = this.optional("the retired attributes type", () => this.type());
      if (attributesType) legacy = { attributesType };
    }
    const base = {
      kind: "type" as const,
      ...head,
      ...loc,
      tag,
      internal,
      networkOrder,
      baseType,
      name,
      ...legacy,
    };
    switch (cls) {
      case SerClass.broType:
        return Object.freeze({ ...base, class: "plain" });
      case SerClass.subnetType:
        return Object.freeze({ ...base, class: "subnet" });
      case SerClass.typeList: {
        const pure = this.optional("the pure type", () => this.type());
        const nAt = this.r.pos;
        const n = this.count(this.i32("the type count"), "types in a list", nAt);
        const types: AnyType[] = [];
        for (let i = 0; i < n; i++) types.push(this.type());
        return Object.freeze({ ...base, class: "typelist", pure, types: Object.freeze(types) });
      }
      case SerClass.indexType:
      case SerClass.tableType:
      case SerClass.setType: {
        const yieldType = this.optional("the yield type", () => this.type());
        const indices = this.type();
        const klass = cls === SerClass.setType ? "set" : cls === SerClass.tableType ? "table" : "index";
        if (klass !== "set") return Object.freeze({ ...base, class: klass, yield: yieldType, indices });
        const elements = this.optional("the set's elements", () => this.object("expr") as Expr);
        return Object.freeze({ ...base, class: klass, yield: yieldType, indices, elements });
      }
      case SerClass.funcType: {
        const yieldType = this.optional("the return type", () => this.type());
        const args = this.type();
        const argTypes = this.type();
        const flavor = this.i32("the function flavor");
        return Object.freeze({ ...base, class: "func", yield: yieldType, args, argTypes, flavor });
      }
      case SerClass.recordType: {
        const numFields = this.i32("the field count");
        const has = this.bool("has_fields");
        let fields: TypeDecl[] | undefined;
        if (has) {
          const nAt = this.r.pos;
          const n = this.count(this.i32("the field list length"), "record fields", nAt);
          fields = [];
          for (let i = 0; i < n; i++) {
            const attrs = this.optional("field attributes", () => this.object("attributes") as Attributes);
            const type = this.type();
            fields.push(Object.freeze({ attrs, type, name: this.str("a field name") }));
          }
        }
        return Object.freeze({
          ...base,
          class: "record",
          numFields,
          fields: fields && Object.freeze(fields),
        });
      }
      case SerClass.fileType:
        return Object.freeze({ ...base, class: "file", yield: this.type() });
      case SerClass.enumType: {
        const counter = this.r.i64("the enum counter");
        const nAt = this.r.pos;
        const n = this.count(this.r.u32("the enum name count"), "enum names", nAt);
        this.bool("the enum dummy flag");
        const names: EnumName[] = [];
        for (let i = 0; i < n; i++) {
          const nm = this.str("an enum name");
          names.push(Object.freeze({ name: nm, value: this.r.i64("an enum value") }));
        }
        return Object.freeze({ ...base, class: "enum", counter, names: Object.freeze(names) });
      }
      case SerClass.vectorType:
        return Object.freeze({ ...base, class: "vector", yield: this.type() });
      case SerClass.opaqueType:
        return Object.freeze({ ...base, class: "opaque", opaqueName: this.str("an opaque type name") });
      default:
        return this.invalid("a type class code", `0x${head.stype.toString(16)}`, at);
    }
  }

  private internalOf(type: AnyType, cls: number): number {
    const resolved = typeOf(type);
    if (resolved) return resolved.internal;
    const byClass = INTERNAL_OF_CLASS.get(cls);
    if (byClass !== undefined) return byClass;
    return this.invalid(
      "a value whose layout its type or class determines",
      `type "${type.name}" was sent by name; pass resolveTypeName to decode it`,
    );
  }

  private valueBody(cls: number, head: { pid: bigint; stype: number }): BroVal {
    const loc = this.location(head.stype);
    const type = this.type();
    const attribs =
      this.format <= 24 ? this.optional("the value's attributes", () => this.value()) : undefined;
    const base = { ...head, ...loc, type, ...(attribs ? { attribs } : {}) };
    const internalAt = this.r.pos;
    const internal = this.internalOf(type, cls);
    switch (internal) {
      case InternalTag.int:
        return Object.freeze({ kind: "int", ...base, value: this.r.i64("an integer") });
      case InternalTag.unsigned:
        return Object.freeze({ kind: "unsigned", ...base, value: this.r.u64("an unsigned integer") });
      case InternalTag.double:
        return Object.freeze({ kind: "double", ...base, value: this.f64("a double") });
      case InternalTag.string:
        return Object.freeze({ kind: "string", ...base, bytes: this.bytes("a string") });
      case InternalTag.addr:
        return Object.freeze({ kind: "addr", ...base, addr: this.addr() });
      case InternalTag.subnet: {
        const addr = this.addr();
        const lenAt = this.r.pos;
        const length = this.i32("a prefix length");
        if (length < 0 || length > addr.length * 8)
          this.invalid("a prefix length within the address", `${length}`, lenAt);
        return Object.freeze({ kind: "subnet", ...base, addr, length });
      }
      case InternalTag.other:
        return this.otherValue(cls, base);
      default:
        return this.invalid("a serializable internal type", `internal tag ${internal}`, internalAt);
    }
  }

  /** Whether table entries carry no yield value: a set's type has none. */
  private isSetType(type: AnyType): boolean {
    const resolved = typeOf(type);
    if (!resolved)
      return this.invalid(
        "a table whose type says whether it is a set",
        `type "${type.name}" was sent by name`,
      );
    return "yield" in resolved && resolved.yield === undefined;
  }

  private addr(): Uint8Array {
    const at = this.r.pos;
    const words = this.i32("an address word count");
    if (words !== 1 && words !== 4) this.invalid("an address of 1 or 4 words", `${words} words`, at);
    return this.r.take(words * 4, "address words").slice();
  }

  private otherValue(cls: number, base: { pid: bigint; stype: number; type: AnyType }): BroVal {
    const tag = typeOf(base.type)?.tag ?? -1;
    switch (cls) {
      case SerClass.patternVal:
        return Object.freeze({ kind: "pattern", ...base, matcher: this.object("re-matcher") as REMatcher });
      case SerClass.listVal: {
        const elemTag = this.r.u8("a list element tag");
        const nAt = this.r.pos;
        const n = this.count(this.i32("the list length"), "list elements", nAt);
        const elements: BroVal[] = [];
        for (let i = 0; i < n; i++) elements.push(this.value());
        return Object.freeze({ kind: "list", ...base, elemTag, elements: Object.freeze(elements) });
      }
      case SerClass.recordVal:
      case SerClass.vectorVal: {
        const props = this.r.u8("the value's properties");
        const uniqueId = this.str("the unique id");
        const nAt = this.r.pos;
        const n = this.count(
          this.i32("the length"),
          cls === SerClass.recordVal ? "record fields" : "vector elements",
          nAt,
        );
        const items: (BroVal | null)[] = [];
        for (let i = 0; i < n; i++) items.push(this.optional("an element", () => this.value()) ?? null);
        Object.freeze(items);
        return cls === SerClass.recordVal
          ? Object.freeze({ kind: "record", ...base, props, uniqueId, fields: items })
          : Object.freeze({ kind: "vector", ...base, props, uniqueId, elements: items });
      }
      case SerClass.tableVal: {
        const props = this.r.u8("the value's properties");
        const uniqueId = this.str("the unique id");
        const expireInterval = this.format <= 25 ? this.f64("the expiry interval") : undefined;
        const attrs = this.optional("table attributes", () => this.object("attributes") as Attributes);
        const expireTime =
          this.format <= 25
            ? undefined
            : this.optional("the expire_time expression", () => this.object("expr") as Expr);
        const expireFunc = this.optional("the expire_func expression", () => this.object("expr") as Expr);
        const isSet = this.isSetType(base.type);
        const entries: TableEntry[] = [];
        while (this.bool("the more-entries flag")) {
          if (entries.length >= this.limits.maxContainerLength)
            throw new DecodeError(
              "limit",
              this.r.offset(),
              `a table of at most ${this.limits.maxContainerLength} entries`,
            );
          const index = this.value();
          const value = isSet ? undefined : this.value();
          const lastAccessTime = this.f64("the last access time");
          const expireAccessTime = this.f64("the expire access time");
          entries.push(Object.freeze({ index, value, lastAccessTime, expireAccessTime }));
        }
        return Object.freeze({
          kind: "table",
          ...base,
          props,
          uniqueId,
          attrs,
          expireTime,
          expireFunc,
          ...(expireInterval === undefined ? {} : { expireInterval }),
          entries: Object.freeze(entries),
        });
      }
      case SerClass.val:
        if (tag === TypeTag.file)
          return Object.freeze({ kind: "file", ...base, file: this.object("file") as BroFile });
        if (tag === TypeTag.func)
          return Object.freeze({ kind: "func", ...base, func: this.object("func") as BroFunc });
        return this.invalid("a serializable value", `type tag ${tag}`);
      default:
        return this.invalid(
          "a value class matching its type",
          `class 0x${cls.toString(16)} with type tag ${tag}`,
        );
    }
  }
}

export function familyOf(obj: SerialObject): Family {
  switch (obj.kind) {
    case "type":
      return "type";
    case "attributes":
      return "attributes";
    case "expr":
      return "expr";
    case "re-matcher":
      return "re-matcher";
    case "location":
      return "location";
    case "bro-file":
      return "file";
    case "bro-func":
      return "func";
    case "id":
      return "id";
    case "state-access":
      return "state";
    default:
      return "value";
  }
}
