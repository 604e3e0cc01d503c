/** Bro's script-level type tags (`TypeTag` in Bro 2.5's Type.h). */
export const TypeTag = {
  void: 0,
  bool: 1,
  int: 2,
  count: 3,
  counter: 4,
  double: 5,
  time: 6,
  interval: 7,
  string: 8,
  pattern: 9,
  enum: 10,
  timer: 11,
  port: 12,
  addr: 13,
  subnet: 14,
  any: 15,
  table: 16,
  union: 17,
  record: 18,
  list: 19,
  func: 20,
  file: 21,
  vector: 22,
  opaque: 23,
  type: 24,
  error: 25,
} as const;

export const TYPE_TAG_NAMES: readonly string[] = Object.keys(TypeTag);

/** How a value's primitive part is stored (`InternalTypeTag`); it, not the stype, picks the layout. */
export const InternalTag = {
  void: 0,
  int: 1,
  unsigned: 2,
  double: 3,
  string: 4,
  addr: 5,
  subnet: 6,
  other: 7,
  error: 8,
} as const;

/**
 * Serialization class codes (`SER_*`), without the flag bits. On the wire a
 * code is `family | number`, plus 0x8000 for BroObj-derived classes (a
 * location flag follows) and, only under NEW_CACHE_STRATEGY in the running
 * phase, 0x4000 for "cache-stable" families.
 */
export const SerClass = {
  val: 0x0801,
  intervalVal: 0x0802,
  portVal: 0x0803,
  addrVal: 0x0804,
  subnetVal: 0x0805,
  stringVal: 0x0806,
  patternVal: 0x0807,
  listVal: 0x0808,
  tableVal: 0x0809,
  recordVal: 0x080a,
  enumVal: 0x080b,
  vectorVal: 0x080c,
  expr: 0x0901,
  constExpr: 0x0903,
  broType: 0x0a01,
  typeList: 0x0a02,
  indexType: 0x0a03,
  tableType: 0x0a04,
  setType: 0x0a05,
  funcType: 0x0a06,
  recordType: 0x0a07,
  subnetType: 0x0a08,
  fileType: 0x0a09,
  enumType: 0x0a0a,
  vectorType: 0x0a0b,
  opaqueType: 0x0a0c,
  attributes: 0x0c01,
  broFile: 0x0e01,
  func: 0x0f01,
  broFunc: 0x0f02,
  debugFunc: 0x0f03,
  builtinFunc: 0x0f04,
  id: 0x1001,
  stateAccess: 0x1101,
  location: 0x1301,
  reMatcher: 0x1401,
} as const;

export const SER_BRO_OBJ_BIT = 0x8000;
export const SER_CACHE_STABLE_BIT = 0x4000;
export const SER_TYPE_MASK = 0x1fff;
export const SER_FAMILY_MASK = 0x1f00;

/** Families Bro marks cache-stable: types, attributes, expressions, statements, handlers, files, functions. */
const STABLE_FAMILIES = new Set([0x0900, 0x0a00, 0x0b00, 0x0c00, 0x0d00, 0x0e00, 0x0f00]);
/** Classes that are not derived from BroObj and so carry no location flag. */
const NON_BRO_OBJ = new Set([0x1100, 0x1300, 0x1400]);

/** The stype Bro writes for a class code, given whether the cache-stable bit survives on this connection. */
export function wireStype(code: number, keepStableBit: boolean): number {
  const family = code & SER_FAMILY_MASK;
  let stype = code;
  if (!NON_BRO_OBJ.has(family)) stype |= SER_BRO_OBJ_BIT;
  if (keepStableBit && STABLE_FAMILIES.has(family)) stype |= SER_CACHE_STABLE_BIT;
  return stype;
}

/** Attribute tags (`attr_tag` in Bro 2.5's Attr.h). */
export const ATTR_NAMES: readonly string[] = [
  "&optional",
  "&default",
  "&redef",
  "&rotate_interval",
  "&rotate_size",
  "&add_func",
  "&delete_func",
  "&expire_func",
  "&read_expire",
  "&write_expire",
  "&create_expire",
  "&persistent",
  "&synchronized",
  "&encrypt",
  "&raw_output",
  "&mergeable",
  "&priority",
  "&group",
  "&log",
  "&error_handler",
  "&type_column",
  "&tracked",
  "&deprecated",
];

/** StateAccess opcodes (`Opcode` in StateAccess.h). */
export const StateOp = {
  none: 0,
  assign: 1,
  assignIdx: 2,
  add: 3,
  incr: 4,
  incrIdx: 5,
  del: 6,
  print: 7,
  expire: 8,
  readIdx: 9,
} as const;

export const STATE_OP_NAMES: readonly string[] = Object.keys(StateOp);
