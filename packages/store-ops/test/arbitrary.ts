// fast-check arbitraries for store commands, shared by the codec tests.
import { count, DATA_TYPES, type Data, isUtf8, string } from "@brokerkit/data-model";
import { arbitraryData } from "@brokerkit/data-model/arbitrary";
import fc from "fast-check";
import type { StoreCommand } from "../src/command.js";

const value = arbitraryData({ maxDepth: 1, maxLength: 3, noSubnormal: true });
const key = fc.constantFrom(string("a"), string("b"), count(1));
const expiry = fc.option(fc.bigInt({ min: 0n, max: 10n ** 12n }), { nil: undefined });
const publisher = fc.option(fc.record({ endpoint: fc.uuid(), object: fc.bigInt({ min: 0n, max: 1000n }) }), {
  nil: undefined,
});
const opt = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export const command: fc.Arbitrary<StoreCommand> = fc.oneof(
  fc
    .record({ k: key, v: value, e: expiry, p: publisher })
    .map(({ k, v, e, p }) => opt({ kind: "put" as const, key: k, value: v, expiry: e, publisher: p })),
  fc
    .record({ k: key, v: value, e: expiry, p: publisher })
    .map(({ k, v, e, p }) => opt({ kind: "subtract" as const, key: k, value: v, expiry: e, publisher: p })),
  fc
    .record({ k: key, v: value, t: fc.constantFrom(...DATA_TYPES), e: expiry, p: publisher })
    .map(({ k, v, t, e, p }) =>
      opt({ kind: "add" as const, key: k, value: v, initType: t, expiry: e, publisher: p }),
    ),
  fc
    .record({ k: key, v: value, e: expiry, r: fc.bigInt({ min: 0n, max: 99n }), p: publisher })
    .map(({ k, v, e, r, p }) =>
      opt({ kind: "put_unique" as const, key: k, value: v, expiry: e, reqId: r, publisher: p }),
    ),
  fc
    .record({ i: fc.boolean(), r: fc.bigInt({ min: 0n, max: 99n }), p: publisher })
    .map(({ i, r, p }) => opt({ kind: "put_unique_result" as const, inserted: i, reqId: r, publisher: p })),
  fc
    .record({ k: key, p: publisher, kind: fc.constantFrom("erase" as const, "expire" as const) })
    .map(({ k, p, kind }) => opt({ kind, key: k, publisher: p })),
  publisher.map((p) => opt({ kind: "clear" as const, publisher: p })),
  fc.array(fc.tuple(key, value), { maxLength: 3 }).map((entries) => ({ kind: "snapshot" as const, entries })),
);

/** Whether every string in a value is UTF-8 (the Python binding of Broker 1.4 cannot hand over others). */
export const utf8Only = (v: Data): boolean =>
  v.type === "string"
    ? isUtf8(v.binary)
    : v.type === "vector" || v.type === "set"
      ? v.elements.every(utf8Only)
      : v.type === "table"
        ? v.entries.every(([k, x]) => utf8Only(k) && utf8Only(x))
        : true;
