import fc from "fast-check";
import { utf8ToBinary } from "./bytes.js";
import {
  addressFromBinary,
  boolean,
  count,
  enumValueFromBinary,
  integer,
  none,
  port,
  real,
  set,
  stringFromBinary,
  subnetUnchecked,
  table,
  timespan,
  timestamp,
  trySubnet,
  vector,
} from "./constructors.js";
import { V4_MAPPED_PREFIX } from "./ip.js";
import type { Data, DataType } from "./value.js";
import { DATA_TYPES, PORT_PROTOCOLS } from "./value.js";

// fast-check arbitraries for every Broker type, for property tests and for
// fuzzing other Broker implementations. Every value is built with the
// data-model constructors, so sets and tables are canonical.

export interface ArbitraryOptions {
  /** Deepest container nesting (0: scalars only). Default 3. */
  readonly maxDepth?: number;
  /** Most elements per container. Default 5. */
  readonly maxLength?: number;
  /** Types to draw (containers included or not). Default: all. */
  readonly types?: readonly DataType[];
  /** Draw edge values (0, extremes, NaN, -0.0, empty containers, …) about half of the time. */
  readonly edgeBias?: boolean;
  readonly noNaN?: boolean;
  readonly noInfinity?: boolean;
  readonly noNegativeZero?: boolean;
  readonly noSubnormal?: boolean;
  /** Also draw subnets as a wire decoder may see them: host bits set, any raw length. */
  readonly uncheckedSubnets?: boolean;
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

function biased<T>(edge: boolean | undefined, edges: readonly T[], any: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return edge && edges.length > 0 ? fc.oneof(fc.constantFrom(...edges), any) : any;
}

const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((b) => String.fromCharCode(...b));

export const arbitraryNone = (): fc.Arbitrary<Data> => fc.constant(none());
export const arbitraryBoolean = (): fc.Arbitrary<Data> => fc.boolean().map(boolean);

export const arbitraryCount = (o: ArbitraryOptions = {}): fc.Arbitrary<Data> =>
  biased(o.edgeBias, [0n, 1n, 127n, 128n, U64_MAX], fc.bigInt({ min: 0n, max: U64_MAX })).map(count);

export const arbitraryInteger = (o: ArbitraryOptions = {}): fc.Arbitrary<Data> =>
  biased(o.edgeBias, [0n, -1n, I64_MIN, I64_MAX], fc.bigInt({ min: I64_MIN, max: I64_MAX })).map(integer);

export function arbitraryReal(o: ArbitraryOptions = {}): fc.Arbitrary<Data> {
  const edges = [0, 1, -1, 0.5, 1e300, -1e-300, Number.MAX_VALUE, 2 ** -1022];
  if (!o.noNegativeZero) edges.push(-0);
  if (!o.noNaN) edges.push(Number.NaN);
  if (!o.noInfinity) edges.push(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
  if (!o.noSubnormal) edges.push(5e-324, -1e-310);
  const any = fc
    .double({ noNaN: !!o.noNaN, noDefaultInfinity: !!o.noInfinity })
    .filter(
      (x) =>
        !(o.noNegativeZero && Object.is(x, -0)) && !(o.noSubnormal && x !== 0 && Math.abs(x) < 2 ** -1022),
    );
  return biased(o.edgeBias, edges, any).map(real);
}

const STRING_EDGES = ["", "\0", "a\0b", "\xff\xfe", "\xc3\xa9", "\xc3", "\xef\xbb\xbfbom", "tab\there"];

export const arbitraryString = (o: ArbitraryOptions = {}): fc.Arbitrary<Data> =>
  biased(o.edgeBias, STRING_EDGES, fc.oneof(bytes(24), fc.string({ maxLength: 12 }).map(utf8ToBinary))).map(
    stringFromBinary,
  );

export const arbitraryEnumValue = (o: ArbitraryOptions = {}): fc.Arbitrary<Data> =>
  biased(
    o.edgeBias,
    ["", "Conn::LOG", "\xff"],
    fc.oneof(bytes(12), fc.constantFrom("A::B", "Log::WRITER_ASCII", "tcp")),
  ).map(enumValueFromBinary);

const v4 = fc
  .uint8Array({ minLength: 4, maxLength: 4 })
  .map((b) => V4_MAPPED_PREFIX + String.fromCharCode(...b));
const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => String.fromCharCode(...b));
const ADDRESS_EDGES = [
  "\0".repeat(16),
  `${"\0".repeat(15)}\x01`,
  `${V4_MAPPED_PREFIX}\0\0\0\0`,
  `${V4_MAPPED_PREFIX}\xff\xff\xff\xff`,
  `${"\0".repeat(12)}\x01\x02\x03\x04`, // IPv4-compatible: an IPv6 address
  "\xff".repeat(16),
];

export const arbitraryAddress = (o: ArbitraryOptions = {}): fc.Arbitrary<Data> =>
  biased(o.edgeBias, ADDRESS_EDGES, fc.oneof(v4, v6)).map(addressFromBinary);

// Prefix lengths as users write them (IPv4: 0–32); the edges are the whole space and a single host.
const v4Length = (edge: boolean | undefined) => biased(edge, [0, 32], fc.integer({ min: 0, max: 32 }));
const v6Length = (edge: boolean | undefined) =>
  biased(edge, [0, 32, 64, 128], fc.integer({ min: 0, max: 128 }));

export function arbitrarySubnet(o: ArbitraryOptions = {}): fc.Arbitrary<Data> {
  const checked = biased(o.edgeBias, ADDRESS_EDGES, fc.oneof(v4, v6))
    .chain((bin) =>
      (bin.startsWith(V4_MAPPED_PREFIX) ? v4Length(o.edgeBias) : v6Length(o.edgeBias)).map(
        (len) => [bin, len] as const,
      ),
    )
    .map(([bin, len]) => trySubnet(addressFromBinary(bin), len)!);
  if (!o.uncheckedSubnets) return checked;
  const raw = fc
    .tuple(fc.oneof(v4, v6), fc.integer({ min: 0, max: 255 }))
    .map(([bin, len]) => subnetUnchecked(addressFromBinary(bin), len));
  return fc.oneof(checked, raw);
}

export const arbitraryPort = (o: ArbitraryOptions = {}): fc.Arbitrary<Data> =>
  fc
    .tuple(
      biased(o.edgeBias, [0, 1, 65535], fc.integer({ min: 0, max: 65535 })),
      fc.constantFrom(...PORT_PROTOCOLS),
    )
    .map(([n, p]) => port(n, p));

const TIME_EDGES = [0n, 1n, -1n, I64_MIN, I64_MAX, 1_000_000_000n, -1_500_000_000n];

export const arbitraryTimestamp = (o: ArbitraryOptions = {}): fc.Arbitrary<Data> =>
  biased(o.edgeBias, TIME_EDGES, fc.bigInt({ min: I64_MIN, max: I64_MAX })).map(timestamp);

export const arbitraryTimespan = (o: ArbitraryOptions = {}): fc.Arbitrary<Data> =>
  biased(o.edgeBias, TIME_EDGES, fc.bigInt({ min: I64_MIN, max: I64_MAX })).map(timespan);

const SCALARS: Partial<Record<DataType, (o: ArbitraryOptions) => fc.Arbitrary<Data>>> = {
  none: arbitraryNone,
  boolean: arbitraryBoolean,
  count: arbitraryCount,
  integer: arbitraryInteger,
  real: arbitraryReal,
  string: arbitraryString,
  address: arbitraryAddress,
  subnet: arbitrarySubnet,
  port: arbitraryPort,
  timestamp: arbitraryTimestamp,
  timespan: arbitraryTimespan,
  enum_value: arbitraryEnumValue,
};

/** Any Broker value, nested containers included, within the options' bounds. */
export function arbitraryData(o: ArbitraryOptions = {}): fc.Arbitrary<Data> {
  const types = o.types ?? DATA_TYPES;
  const scalars = types.flatMap((t) => (SCALARS[t] ? [SCALARS[t]!(o)] : []));
  // Empty containers are edge values, and the terminal case when no scalar type is allowed.
  const empties = [
    ...(types.includes("vector") ? [vector([])] : []),
    ...(types.includes("set") ? [set([])] : []),
    ...(types.includes("table") ? [table([])] : []),
  ];
  if (empties.length > 0 && (o.edgeBias || scalars.length === 0))
    scalars.unshift(fc.constantFrom(...empties));
  const maxLength = o.maxLength ?? 5;
  const { data } = fc.letrec<{ data: Data }>((tie) => {
    const containers: fc.Arbitrary<Data>[] = [];
    const elements = fc.array(tie("data"), { maxLength });
    if (types.includes("vector")) containers.push(elements.map(vector));
    if (types.includes("set")) containers.push(elements.map((xs) => set(xs)));
    if (types.includes("table"))
      containers.push(fc.array(fc.tuple(tie("data"), tie("data")), { maxLength }).map((xs) => table(xs)));
    if (scalars.length === 0 && containers.length === 0)
      throw new RangeError("arbitraryData: no types to draw");
    if (containers.length === 0 || (o.maxDepth ?? 3) === 0)
      return { data: fc.oneof(...(scalars.length ? scalars : [fc.constant(none())])) };
    return {
      data: fc.oneof({ depthSize: "small", maxDepth: o.maxDepth ?? 3 }, ...scalars, ...containers),
    };
  });
  return data;
}

/**
 * Pairs of values that are often equal or nearly so, so that properties about
 * equality, order, hashing and encoding are not only tried on unrelated values:
 * unrelated pairs; a value and an equal copy built another way (sets and
 * tables from reversed input, -0.0 for 0.0, a NaN with another payload); a
 * value and the same value with one node (a scalar or a whole container) replaced.
 */
export function arbitraryDataPair(o: ArbitraryOptions = {}): fc.Arbitrary<readonly [Data, Data]> {
  const data = arbitraryData(o);
  const scalar = arbitraryData({ ...o, maxDepth: 0 });
  return fc.oneof(
    fc.tuple(data, data),
    data.map((a) => [a, rebuilt(a, o)] as const),
    fc.tuple(data, fc.nat(), scalar).map(([a, i, x]) => [a, withNode(a, i % nodeCount(a), x)] as const),
  );
}

const OTHER_NAN = new DataView(new Uint8Array([0xff, 0xf8, 0, 0, 0, 0, 0, 1]).buffer).getFloat64(0);

function rebuilt(v: Data, o: ArbitraryOptions): Data {
  switch (v.type) {
    case "real":
      if (Number.isNaN(v.value)) return real(OTHER_NAN);
      return v.value === 0 && !o.noNegativeZero ? real(Object.is(v.value, 0) ? -0 : 0) : v;
    case "vector":
      return vector(v.elements.map((e) => rebuilt(e, o)));
    case "set":
      return set(v.elements.map((e) => rebuilt(e, o)).reverse());
    case "table":
      return table(v.entries.map(([k, x]) => [rebuilt(k, o), rebuilt(x, o)] as const).reverse());
    default:
      return v;
  }
}

function nodeCount(v: Data): number {
  if (v.type === "vector" || v.type === "set") return v.elements.reduce((n, e) => n + nodeCount(e), 1);
  if (v.type === "table") return v.entries.reduce((n, [k, x]) => n + nodeCount(k) + nodeCount(x), 1);
  return 1;
}

// Replaces the i-th node of v in pre-order (0 is v itself) by x; the containers
// above it are rebuilt by their constructors, so the result stays canonical.
function withNode(v: Data, i: number, x: Data): Data {
  if (i === 0) return x;
  let rest = i - 1;
  const visit = (d: Data): Data => {
    const n = nodeCount(d);
    if (rest >= n) {
      rest -= n;
      return d;
    }
    const r = withNode(d, rest, x);
    rest = Number.POSITIVE_INFINITY;
    return r;
  };
  if (v.type === "vector") return vector(v.elements.map(visit));
  if (v.type === "set") return set(v.elements.map(visit));
  if (v.type === "table") return table(v.entries.map(([k, y]) => [visit(k), visit(y)] as const));
  return v;
}
