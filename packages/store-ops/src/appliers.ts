import {
  address,
  boolean,
  count,
  type Data,
  type DataType,
  enumValue,
  equals as equalsData,
  integer,
  none,
  port,
  real,
  set,
  string,
  stringFromBinary,
  subnet,
  table,
  timespan,
  timestamp,
  vector,
} from "@brokerkit/data-model";
import { StoreError } from "./command.js";

// add / subtract on stored values (Broker's detail/appliers.hh). 64-bit
// arithmetic wraps: C++ unsigned arithmetic does for counts, and signed
// overflow (undefined in C++) wraps in practice on every platform Broker runs on.

/** The value a missing key starts from under add (Broker's data::from_type). */
export function defaultOf(type: DataType): Data {
  switch (type) {
    case "none":
      return none();
    case "boolean":
      return boolean(false);
    case "count":
      return count(0);
    case "integer":
      return integer(0);
    case "real":
      return real(0);
    case "string":
      return string("");
    case "address":
      return address("::");
    case "subnet":
      return subnet("::/0");
    case "port":
      return port(0, "unknown");
    case "timestamp":
      return timestamp(0);
    case "timespan":
      return timespan(0);
    case "enum_value":
      return enumValue("");
    case "set":
      return set([]);
    case "table":
      return table([]);
    case "vector":
      return vector([]);
  }
}

const clash = (op: string, old: Data, value: Data): never => {
  throw new StoreError("type_clash", `cannot ${op} ${value.type} to/from ${old.type}`);
};

function arith(old: Data, value: Data, sign: 1n | -1n, op: string): Data {
  switch (old.type) {
    case "count":
      if (value.type !== "count") return clash(op, old, value);
      return count(BigInt.asUintN(64, old.value + sign * value.value));
    case "integer":
      if (value.type !== "integer") return clash(op, old, value);
      return integer(BigInt.asIntN(64, old.value + sign * value.value));
    case "timespan":
      if (value.type !== "timespan") return clash(op, old, value);
      return timespan(BigInt.asIntN(64, old.value + sign * value.value));
    case "timestamp":
      if (value.type !== "timespan") return clash(op, old, value);
      return timestamp(BigInt.asIntN(64, old.value + sign * value.value));
    case "real":
      if (value.type !== "real") return clash(op, old, value);
      return real(sign === 1n ? old.value + value.value : old.value - value.value);
    default:
      return clash(op, old, value);
  }
}

/** Broker's add: numeric +=, string append, vector push, set insert, table insert of a [key, value] pair. */
export function addTo(old: Data, value: Data): Data {
  switch (old.type) {
    case "string":
      if (value.type !== "string") return clash("add", old, value);
      return stringFromBinary(old.binary + value.binary);
    case "vector":
      return vector([...old.elements, value]);
    case "set":
      return set([...old.elements, value]);
    case "table": {
      if (value.type !== "vector") return clash("add", old, value);
      if (value.elements.length !== 2) {
        throw new StoreError(
          "invalid_data",
          `table insert needs [key, value], got ${value.elements.length} elements`,
        );
      }
      const [k, v] = value.elements as [Data, Data];
      // Assignment semantics: the new value replaces an existing one under an equal key.
      return table([[k, v], ...old.entries]);
    }
    default:
      return arith(old, value, 1n, "add");
  }
}

/** Broker's subtract: numeric -=, vector pop (value ignored), set remove, table remove by key. */
export function subtractFrom(old: Data, value: Data): Data {
  switch (old.type) {
    case "vector":
      return old.elements.length === 0 ? old : vector(old.elements.slice(0, -1));
    case "set":
      return set(old.elements.filter((e) => !equalsData(e, value)));
    case "table":
      return table(old.entries.filter(([k]) => !equalsData(k, value)));
    case "string":
      return clash("subtract", old, value);
    default:
      return arith(old, value, -1n, "subtract");
  }
}
