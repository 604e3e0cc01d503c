import { FormatWriter } from "../format.js";
import { SerClass, TypeTag, wireStype } from "./codes.js";
import type {
  AnyType,
  Attributes,
  BroFile,
  BroFunc,
  BroID,
  BroType,
  BroVal,
  Expr,
  Location,
  REMatcher,
  Serialization,
  SerialObject,
  StateAccess,
} from "./model.js";

/** What one sending direction remembers: which objects the peer already has, by identity. */
export interface SerialSendState {
  readonly sent: Map<SerialObject, bigint>;
  /** The last pid handed out; pids count up from 1 and are never reused. */
  lastPid: bigint;
}

export function newSerialSendState(): SerialSendState {
  return { sent: new Map(), lastPid: 0n };
}

export interface SerialWriteOptions {
  /** 64-bit permanent ids (running phase, both peers announced PID_64BIT). */
  readonly pid64: boolean;
  /**
   * Cache objects and send references to ones already sent, as Bro does
   * toward peers that did not ask for NO_CACHING. Objects that carry a pid
   * from a decoder keep it, so a decoded message re-encodes to its bytes.
   */
  readonly caching: boolean;
  /** Keep the 0x4000 cache-stable bit in class codes (NEW_CACHE_STRATEGY in the running phase). */
  readonly cacheStableBit: boolean;
  /** The data format version to write (see SerialReadOptions.dataFormat); 26 by default. */
  readonly dataFormat?: number;
}

const CLASS_OF_TYPE: Record<BroType["class"], number> = {
  plain: SerClass.broType,
  subnet: SerClass.subnetType,
  typelist: SerClass.typeList,
  index: SerClass.indexType,
  table: SerClass.tableType,
  set: SerClass.setType,
  func: SerClass.funcType,
  record: SerClass.recordType,
  file: SerClass.fileType,
  enum: SerClass.enumType,
  vector: SerClass.vectorType,
  opaque: SerClass.opaqueType,
};

/** The class Bro instantiates for a value of this kind and type. */
function classOfValue(v: BroVal): number {
  const tag = v.type.kind === "type" ? v.type.tag : -1;
  switch (v.kind) {
    case "string":
      return SerClass.stringVal;
    case "addr":
      return SerClass.addrVal;
    case "subnet":
      return SerClass.subnetVal;
    case "pattern":
      return SerClass.patternVal;
    case "list":
      return SerClass.listVal;
    case "record":
      return SerClass.recordVal;
    case "vector":
      return SerClass.vectorVal;
    case "table":
      return SerClass.tableVal;
    case "file":
    case "func":
      return SerClass.val;
    default:
      if (tag === TypeTag.port) return SerClass.portVal;
      if (tag === TypeTag.enum) return SerClass.enumVal;
      if (tag === TypeTag.interval) return SerClass.intervalVal;
      return SerClass.val;
  }
}

function classOf(obj: SerialObject): number {
  switch (obj.kind) {
    case "type":
      return CLASS_OF_TYPE[obj.class];
    case "attributes":
      return SerClass.attributes;
    case "expr":
      return SerClass.constExpr;
    case "re-matcher":
      return SerClass.reMatcher;
    case "location":
      return SerClass.location;
    case "bro-file":
      return SerClass.broFile;
    case "bro-func":
      return obj.funcKind === 1 ? SerClass.builtinFunc : SerClass.broFunc;
    case "id":
      return SerClass.id;
    case "state-access":
      return SerClass.stateAccess;
    default:
      return classOfValue(obj);
  }
}

/** Writes one serialization (a MSG_SERIAL payload), updating what the peer has been sent. */
export function writeSerialization(
  s: Serialization,
  state: SerialSendState,
  options: SerialWriteOptions,
): Uint8Array {
  const w = new SerialWriter(state, options);
  w.serialization(s);
  return w.w.finish();
}

class SerialWriter extends FormatWriter {
  constructor(
    private readonly state: SerialSendState,
    private readonly options: SerialWriteOptions,
  ) {
    super();
    this.format = options.dataFormat ?? 26;
  }

  private readonly format: number;

  pid(p: bigint): void {
    if (this.options.pid64) this.w.u64(p);
    else this.w.u32(Number(p));
  }
  serialization(s: Serialization): void {
    switch (s.kind) {
      case "event":
        this.w.u8(0x65);
        this.str(s.name);
        this.w.f64(s.time);
        this.i32(s.args.length);
        for (const a of s.args) this.object(a);
        return;
      case "id":
        this.w.u8(0x69);
        this.object(s.id);
        return;
      case "state":
        this.w.u8(0x73);
        this.object(s.access);
        return;
      case "packet":
        this.w.u8(0x70);
        this.w.u32(s.tsSec);
        this.w.u32(s.tsUsec);
        this.w.u32(s.wireLength);
        this.w.u32(s.linkType);
        this.bytes(s.tag);
        this.bytes(s.data);
        return;
    }
  }

  object(obj: SerialObject): void {
    const known = this.state.sent.get(obj);
    if (known !== undefined && this.options.caching) {
      this.bool(false);
      this.pid(known);
      return;
    }
    let pid = obj.pid;
    if (pid === undefined) pid = this.options.caching ? this.state.lastPid + 1n : 0n;
    if (pid !== 0n) {
      this.state.sent.set(obj, pid);
      if (pid > this.state.lastPid) this.state.lastPid = pid;
    }
    const stype = obj.stype ?? wireStype(classOf(obj), this.options.cacheStableBit);
    this.bool(true);
    this.pid(pid);
    this.w.u16(stype);
    if (stype & 0x8000) this.optional(obj.location, (l) => this.object(l));
    this.body(obj);
  }

  type(t: AnyType): void {
    if (t.kind === "type-name") {
      this.bool(false);
      this.str(t.name);
      return;
    }
    this.bool(true);
    this.object(t);
  }

  private body(obj: SerialObject): void {
    switch (obj.kind) {
      case "type":
        this.typeBody(obj);
        return;
      case "attributes":
        this.attributes(obj);
        return;
      case "expr":
        this.expr(obj);
        return;
      case "re-matcher":
        this.reMatcher(obj);
        return;
      case "location":
        this.location(obj);
        return;
      case "bro-func":
        this.broFunc(obj);
        return;
      case "bro-file":
        this.broFile(obj);
        return;
      case "id":
        this.id(obj);
        return;
      case "state-access":
        this.stateAccess(obj);
        return;
      default:
        this.value(obj);
    }
  }

  private attributes(a: Attributes): void {
    this.type(a.type);
    this.i32(a.attrs.length);
    for (const attr of a.attrs) {
      this.optional(attr.expr, (e) => this.object(e));
      this.w.u8(attr.tag);
    }
  }

  private expr(e: Expr): void {
    this.w.u8(e.tag);
    this.i32(e.paren);
    this.optional(e.type, (t) => this.type(t));
    this.object(e.value);
  }

  private reMatcher(m: REMatcher): void {
    this.str(m.anywhere);
    this.str(m.exact);
  }

  private location(l: Location): void {
    this.str(l.filename);
    for (const n of [l.firstLine, l.lastLine, l.firstColumn, l.lastColumn]) this.i32(n);
  }

  /** Only functions without bodies: statement trees are neither decoded nor encoded. */
  private broFunc(f: BroFunc): void {
    this.i32(0);
    this.w.u8(f.funcKind);
    this.type(f.type);
    this.str(f.name);
    if (f.frameSize !== undefined) this.i32(f.frameSize);
  }

  private broFile(f: BroFile): void {
    this.str(f.name);
    this.bool(f.buffered);
    this.optional(f.access, (a) => this.str(a));
    this.type(f.type);
    this.optional(f.attrs, (a) => this.object(a));
  }

  private id(id: BroID): void {
    this.str(id.name);
    this.w.u8(id.scope);
    this.bool(id.isExport);
    for (const n of [id.isConst, id.isEnumConst, id.isType, id.offset]) this.i32(n);
    this.bool(id.inferReturnType);
    this.bool(id.weakRef);
    this.type(id.type);
    this.optional(id.attrs, (a) => this.object(a));
    this.optional(id.value, (v) => this.object(v));
  }

  private stateAccess(s: StateAccess): void {
    this.w.u8(s.opcode);
    this.str(s.target);
    this.object(s.op1);
    this.optional(s.op2, (v) => this.object(v));
    this.optional(s.op3, (v) => this.object(v));
  }

  private typeBody(t: BroType): void {
    this.w.u8(t.tag);
    this.w.u8(t.internal);
    this.bool(t.networkOrder);
    this.bool(t.baseType);
    if (this.format >= 24) this.str(t.name);
    else {
      this.bool(false);
      this.optional(t.attributesType, (a) => this.type(a));
    }
    switch (t.class) {
      case "plain":
      case "subnet":
        return;
      case "typelist":
        this.optional(t.pure, (p) => this.type(p));
        this.i32(t.types.length);
        for (const x of t.types) this.type(x);
        return;
      case "index":
      case "table":
      case "set":
        this.optional(t.yield, (y) => this.type(y));
        this.type(t.indices);
        if (t.class === "set") this.optional(t.elements, (e) => this.object(e));
        return;
      case "func":
        this.optional(t.yield, (y) => this.type(y));
        this.type(t.args);
        this.type(t.argTypes);
        this.i32(t.flavor);
        return;
      case "record":
        this.i32(t.numFields);
        this.bool(t.fields !== undefined);
        if (t.fields) {
          this.i32(t.fields.length);
          for (const f of t.fields) {
            this.optional(f.attrs, (a) => this.object(a));
            this.type(f.type);
            this.str(f.name);
          }
        }
        return;
      case "file":
      case "vector":
        this.type(t.yield);
        return;
      case "enum":
        this.w.i64(t.counter);
        this.w.u32(t.names.length);
        this.bool(false);
        for (const n of t.names) {
          this.str(n.name);
          this.w.i64(n.value);
        }
        return;
      case "opaque":
        this.str(t.opaqueName);
        return;
    }
  }

  private value(v: BroVal): void {
    this.type(v.type);
    if (this.format <= 24) this.optional(v.attribs, (a) => this.object(a));
    switch (v.kind) {
      case "int":
        this.w.i64(v.value);
        return;
      case "unsigned":
        this.w.u64(v.value);
        return;
      case "double":
        this.w.f64(v.value);
        return;
      case "string":
        this.bytes(v.bytes);
        return;
      case "addr":
        this.addr(v.addr);
        return;
      case "subnet":
        this.addr(v.addr);
        this.i32(v.length);
        return;
      case "pattern":
        this.object(v.matcher);
        return;
      case "list":
        this.w.u8(v.elemTag);
        this.i32(v.elements.length);
        for (const e of v.elements) this.object(e);
        return;
      case "record":
      case "vector": {
        this.w.u8(v.props);
        this.str(v.uniqueId);
        const items = v.kind === "record" ? v.fields : v.elements;
        this.i32(items.length);
        for (const item of items) this.optional(item ?? undefined, (x) => this.object(x));
        return;
      }
      case "table":
        this.w.u8(v.props);
        this.str(v.uniqueId);
        if (this.format <= 25) this.w.f64(v.expireInterval ?? 0);
        this.optional(v.attrs, (a) => this.object(a));
        if (this.format >= 26) this.optional(v.expireTime, (e) => this.object(e));
        this.optional(v.expireFunc, (e) => this.object(e));
        for (const e of v.entries) {
          this.bool(true);
          this.object(e.index);
          if (e.value) this.object(e.value);
          this.w.f64(e.lastAccessTime);
          this.w.f64(e.expireAccessTime);
        }
        this.bool(false);
        return;
      case "file":
        this.object(v.file);
        return;
      case "func":
        this.object(v.func);
        return;
    }
  }

  private addr(a: Uint8Array): void {
    this.i32(a.length / 4);
    this.w.bytes(a);
  }
}
