import { type Data, type DataType, vector } from "@brokerkit/data-model";
import type {
  AddCommand,
  ClearCommand,
  EraseCommand,
  PutCommand,
  PutUniqueCommand,
  SubtractCommand,
} from "./command.js";

// Broker's store API (store.hh / store.cc; Zeek's Broker::* store functions
// map onto it) and the command each operation becomes. Identical in Broker
// 1.4 and the current Broker. Reads (get, exists, keys,
// get_index_from_value) are answered locally and never become commands.

interface Options {
  /** Relative expiry in nanoseconds. */
  readonly expiry?: bigint;
}

const withExpiry = (o?: Options) => (o?.expiry === undefined ? {} : { expiry: o.expiry });

export const put = (key: Data, value: Data, o?: Options): PutCommand => ({
  kind: "put",
  key,
  value,
  ...withExpiry(o),
});

export const putUnique = (key: Data, value: Data, reqId: bigint, o?: Options): PutUniqueCommand => ({
  kind: "put_unique",
  key,
  value,
  reqId,
  ...withExpiry(o),
});

export const erase = (key: Data): EraseCommand => ({ kind: "erase", key });

export const clear = (): ClearCommand => ({ kind: "clear" });

/** The init type increment() picks from the amount: a timespan amount makes a missing key a timestamp. */
export function incrementInitType(amount: Data): DataType {
  switch (amount.type) {
    case "count":
    case "integer":
    case "real":
      return amount.type;
    case "timespan":
      return "timestamp";
    default:
      return "none";
  }
}

export const increment = (key: Data, amount: Data, o?: Options): AddCommand => ({
  kind: "add",
  key,
  value: amount,
  initType: incrementInitType(amount),
  ...withExpiry(o),
});

export const decrement = (key: Data, amount: Data, o?: Options): SubtractCommand => ({
  kind: "subtract",
  key,
  value: amount,
  ...withExpiry(o),
});

export const append = (key: Data, text: Data, o?: Options): AddCommand => ({
  kind: "add",
  key,
  value: text,
  initType: "string",
  ...withExpiry(o),
});

/** insert_into(k, index) for sets, insert_into(k, index, value) for tables. */
export function insertInto(key: Data, index: Data, value?: Data, o?: Options): AddCommand {
  return value === undefined
    ? { kind: "add", key, value: index, initType: "set", ...withExpiry(o) }
    : { kind: "add", key, value: vector([index, value]), initType: "table", ...withExpiry(o) };
}

export const removeFrom = (key: Data, index: Data, o?: Options): SubtractCommand => ({
  kind: "subtract",
  key,
  value: index,
  ...withExpiry(o),
});

export const push = (key: Data, value: Data, o?: Options): AddCommand => ({
  kind: "add",
  key,
  value,
  initType: "vector",
  ...withExpiry(o),
});

/** pop sends the key itself as the (ignored) value: that is what Broker puts on the wire. */
export const pop = (key: Data, o?: Options): SubtractCommand => ({
  kind: "subtract",
  key,
  value: key,
  ...withExpiry(o),
});
