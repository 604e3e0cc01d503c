// A fast-check arbitrary of Broker values for this package's tests.
import {
  addressFromBinary,
  boolean,
  count,
  type Data,
  enumValueFromBinary,
  integer,
  none,
  PORT_PROTOCOLS,
  port,
  real,
  set,
  stringFromBinary,
  subnetUnchecked,
  table,
  timespan,
  timestamp,
  vector,
} from "@brokerkit/data-model";
import fc from "fast-check";

const binary = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => String.fromCharCode(...b));

export function arbitraryValue(options?: {
  reals?: fc.Arbitrary<number>;
  maxDepth?: number;
}): fc.Arbitrary<Data> {
  const reals = options?.reals ?? fc.double();
  const address = fc
    .uint8Array({ minLength: 16, maxLength: 16 })
    .map((b) => addressFromBinary(String.fromCharCode(...b)));
  const scalar: fc.Arbitrary<Data> = fc.oneof(
    fc.constant(none()),
    fc.boolean().map(boolean),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(count),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(integer),
    reals.map(real),
    binary(40).map(stringFromBinary),
    address,
    fc.tuple(address, fc.integer({ min: 0, max: 255 })).map(([a, l]) => subnetUnchecked(a, l)),
    fc
      .tuple(fc.integer({ min: 0, max: 65535 }), fc.constantFrom(...PORT_PROTOCOLS))
      .map(([n, p]) => port(n, p)),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(timestamp),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(timespan),
    binary(20).map(enumValueFromBinary),
  );
  const { data } = fc.letrec<{ data: Data }>((tie) => ({
    data: fc.oneof(
      { depthSize: "small", maxDepth: options?.maxDepth ?? 4 },
      scalar,
      fc.array(tie("data"), { maxLength: 5 }).map(vector),
      fc.array(tie("data"), { maxLength: 5 }).map((xs) => set(xs)),
      fc.array(fc.tuple(tie("data"), tie("data")), { maxLength: 4 }).map((xs) => table(xs)),
    ),
  }));
  return data;
}
