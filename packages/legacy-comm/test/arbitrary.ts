// fast-check arbitraries for Bro values of every type that crosses the wire.
import fc from "fast-check";
import {
  type AnyType,
  addrVal,
  type BroVal,
  baseType,
  boolVal,
  builtinFuncVal,
  countVal,
  doubleVal,
  enumType,
  enumVal,
  fileVal,
  funcType,
  intervalVal,
  intVal,
  patternVal,
  portVal,
  recordType,
  recordVal,
  setType,
  stringVal,
  subnetVal,
  TypeTag,
  tableType,
  tableVal,
  timeVal,
  vectorType,
  vectorVal,
} from "../src/index.js";

const COLOR = enumType("T::Color", [
  ["T::RED", 0n],
  ["T::GREEN", 1n],
  ["T::BLUE", 5n],
]);

const FUNC = funcType([{ name: "s", type: baseType(TypeTag.string) }], baseType(TypeTag.count));

const bytes = fc.uint8Array({ maxLength: 24 });
const v4 = fc.uint8Array({ minLength: 4, maxLength: 4 });
const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 });

export const atomicVal: fc.Arbitrary<BroVal> = fc.oneof(
  fc.boolean().map(boolVal),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(intVal),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(countVal),
  fc.double().map(doubleVal),
  fc.double({ noNaN: true }).map(timeVal),
  fc.double({ noNaN: true }).map(intervalVal),
  bytes.map(stringVal),
  fc
    .tuple(fc.integer({ min: 0, max: 65535 }), fc.constantFrom("tcp", "udp", "icmp", "unknown" as const))
    .map(([p, t]) => portVal(p, t)),
  fc.oneof(v4, v6).map(addrVal),
  fc.oneof(
    v4.chain((a) => fc.integer({ min: 0, max: 32 }).map((n) => subnetVal(a, n))),
    v6.chain((a) => fc.integer({ min: 0, max: 128 }).map((n) => subnetVal(a, n))),
  ),
  fc.constantFrom("T::RED", "T::GREEN", "T::BLUE").map((n) => enumVal(COLOR, n)),
  fc.stringMatching(/^[a-z0-9.*+]{1,8}$/).map(patternVal),
  fc.stringMatching(/^[a-z_]{1,12}$/).map((n) => builtinFuncVal(n, FUNC)),
  fc.stringMatching(/^[a-z_./]{1,12}$/).map((n) => fileVal(n)),
);

const INNER = recordType("T::Inner", [
  { name: "x", type: baseType(TypeTag.count) },
  { name: "y", type: baseType(TypeTag.string), optional: true },
]);

/** Containers over atomic values: records (with unset fields), vectors (with holes), sets and tables. */
export const broVal: fc.Arbitrary<BroVal> = fc.letrec<{ val: BroVal }>((tie) => ({
  val: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    atomicVal,
    fc
      .tuple(fc.bigInt({ min: 0n, max: 1000n }), fc.option(bytes, { nil: null }))
      .map(([x, y]) => recordVal(INNER, [countVal(x), y === null ? null : stringVal(y)])),
    fc.array(fc.option(tie("val"), { nil: null, freq: 5 }), { maxLength: 4 }).map((els) => {
      const first = els.find((e) => e !== null);
      return vectorVal(vectorType(first ? first.type : baseType(TypeTag.void)), els);
    }),
    fc.uniqueArray(fc.bigInt({ min: 0n, max: 50n }), { maxLength: 4 }).map((ks) =>
      tableVal(
        setType([baseType(TypeTag.count)]),
        ks.map((k) => ({ index: [countVal(k)] })),
      ),
    ),
    fc
      .uniqueArray(fc.tuple(fc.string({ maxLength: 4 }), tie("val")), { maxLength: 3, selector: ([k]) => k })
      .map((rows) => {
        const yieldType: AnyType = rows[0]?.[1].type ?? baseType(TypeTag.count);
        return tableVal(
          tableType([baseType(TypeTag.string), baseType(TypeTag.port)], yieldType),
          rows.map(([k, v]) => ({ index: [stringVal(k), portVal(80, "tcp")], value: v })),
        );
      }),
  ),
})).val;
