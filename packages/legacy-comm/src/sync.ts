import { bytesToBinary, equals } from "@brokerkit/data-model";
import { toBrokerData } from "./broker.js";
import { StateOp } from "./serial/codes.js";
import { type BroVal, type RecordType, type StateAccess, type TableEntry, typeOf } from "./serial/model.js";

/** Where a container bound to a hidden unique name sits: a global, then steps into it. */
type Step = { readonly entry: number } | { readonly field: number } | { readonly element: number };
interface Place {
  readonly global: string;
  readonly path: readonly Step[];
}

/** Thrown when an operation cannot apply (unknown target, wrong kind of value); the state is unchanged. */
export class StateAccessError extends Error {
  override readonly name = "StateAccessError";
}

const sameIndex = (a: BroVal, b: BroVal) => equals(toBrokerData(a), toBrokerData(b));

function numeric(v: BroVal): number | bigint {
  if (v.kind === "int" || v.kind === "unsigned" || v.kind === "double") return v.value;
  throw new StateAccessError(`cannot increment a ${v.kind} value`);
}

/** v + (to - from), in v's own representation (Bro sends increments as new and old value). */
function addDelta(v: BroVal, to: BroVal, from: BroVal): BroVal {
  const [a, b, c] = [numeric(v), numeric(to), numeric(from)];
  if (v.kind === "double") return Object.freeze({ ...v, value: Number(a) + Number(b) - Number(c) });
  const next = BigInt(a) + BigInt(b) - BigInt(c);
  if (v.kind === "int") return Object.freeze({ ...v, value: BigInt.asIntN(64, next) });
  if (v.kind === "unsigned") return Object.freeze({ ...v, value: BigInt.asUintN(64, next) });
  throw new StateAccessError("unreachable");
}

/**
 * The `&synchronized` globals one side holds, rebuilt from the state
 * operations (SERIAL 's') it receives: assignments of whole values, of table
 * entries, record fields and vector elements, set additions, increments
 * (applied as deltas), deletions and expiries. Operations on a container
 * name it by its hidden unique id (`#host#pid#n`) rather than by the
 * global's name, wherever it sits; both are accepted.
 */
export class SynchronizedState {
  private readonly globals = new Map<string, BroVal>();
  private places = new Map<string, Place>();

  /** The current value of a global. */
  get(name: string): BroVal | undefined {
    return this.globals.get(name);
  }

  /** Every global and its value, in the order they were first assigned. */
  entries(): [string, BroVal][] {
    return [...this.globals];
  }

  /** Installs a global's value, as a received ID (SERIAL 'i') does. */
  set(name: string, value: BroVal): void {
    this.globals.set(name, value);
    this.reindex();
  }

  apply(access: StateAccess): void {
    const update = this.updateFor(access);
    if (update) this.replace(access.target, update);
  }

  private updateFor(access: StateAccess): ((old: BroVal | undefined) => BroVal) | undefined {
    const { opcode, op1, op2, op3, target } = access;
    switch (opcode) {
      case StateOp.assign:
        return () => op1;
      case StateOp.incr:
        if (!op2) throw new StateAccessError("an increment without its old value");
        return (v) => addDelta(this.need(v, target), op1, op2);
      case StateOp.assignIdx:
        if (!op2) throw new StateAccessError("an indexed assignment without a value");
        return (v) => assignAt(this.need(v, target), op1, () => op2);
      case StateOp.incrIdx:
        if (!op2 || !op3) throw new StateAccessError("an indexed increment without new and old value");
        return (v) =>
          assignAt(this.need(v, target), op1, (old) =>
            addDelta(need(old, "the incremented entry"), op2, op3),
          );
      case StateOp.add:
        return (v) => assignAt(this.need(v, target), op1, undefined);
      case StateOp.del:
      case StateOp.expire:
        return (v) => removeAt(this.need(v, target), op1);
      default:
        // OP_PRINT and OP_READ_IDX change no value.
        return undefined;
    }
  }

  private need(v: BroVal | undefined, target: string): BroVal {
    return need(v, `a value for ${target}`);
  }

  /** Replaces the value a target names (a global, or a container by unique id) and re-binds unique ids. */
  private replace(target: string, update: (old: BroVal | undefined) => BroVal): void {
    const place = this.places.get(target);
    if (!place) {
      this.globals.set(target, update(this.globals.get(target)));
    } else {
      const root = this.globals.get(place.global)!;
      this.globals.set(
        place.global,
        updateAt(root, place.path, (v) => update(v)),
      );
    }
    this.reindex();
  }

  private reindex(): void {
    const places = new Map<string, Place>();
    const walk = (v: BroVal | null | undefined, global: string, path: Step[]) => {
      if (!v) return;
      if ((v.kind === "table" || v.kind === "record" || v.kind === "vector") && v.uniqueId)
        places.set(v.uniqueId, { global, path: [...path] });
      if (v.kind === "table")
        for (const [i, e] of v.entries.entries()) walk(e.value, global, [...path, { entry: i }]);
      if (v.kind === "record")
        for (const [i, f] of v.fields.entries()) walk(f, global, [...path, { field: i }]);
      if (v.kind === "vector")
        for (const [i, e] of v.elements.entries()) walk(e, global, [...path, { element: i }]);
    };
    for (const [name, v] of this.globals) walk(v, name, []);
    this.places = places;
  }
}

function need(v: BroVal | null | undefined, what: string): BroVal {
  if (!v) throw new StateAccessError(`no ${what}`);
  return v;
}

function updateAt(v: BroVal, path: readonly Step[], update: (v: BroVal) => BroVal): BroVal {
  if (path.length === 0) return update(v);
  const [step, ...rest] = path as [Step, ...Step[]];
  if ("entry" in step && v.kind === "table") {
    const entries = v.entries.map((e, i) =>
      i === step.entry
        ? Object.freeze({ ...e, value: updateAt(need(e.value, "a table value"), rest, update) })
        : e,
    );
    return Object.freeze({ ...v, entries: Object.freeze(entries) });
  }
  if ("field" in step && v.kind === "record") {
    const fields = v.fields.map((f, i) =>
      i === step.field ? updateAt(need(f, "a record field"), rest, update) : f,
    );
    return Object.freeze({ ...v, fields: Object.freeze(fields) });
  }
  if ("element" in step && v.kind === "vector") {
    const elements = v.elements.map((e, i) =>
      i === step.element ? updateAt(need(e, "an element"), rest, update) : e,
    );
    return Object.freeze({ ...v, elements: Object.freeze(elements) });
  }
  throw new StateAccessError(`a ${v.kind} value has no such element`);
}

/** Sets (or, for `undefined` update, adds to a set) the element an index names. */
function assignAt(
  v: BroVal,
  index: BroVal,
  update: ((old: BroVal | undefined) => BroVal) | undefined,
): BroVal {
  if (v.kind === "table") {
    const at = v.entries.findIndex((e) => sameIndex(e.index, index));
    const entries = [...v.entries];
    if (at >= 0) {
      if (update) entries[at] = Object.freeze({ ...entries[at]!, value: update(entries[at]!.value) });
    } else {
      const entry: TableEntry = { index, value: update?.(undefined), lastAccessTime: 0, expireAccessTime: 0 };
      entries.push(Object.freeze(entry));
    }
    return Object.freeze({ ...v, entries: Object.freeze(entries) });
  }
  if (!update) throw new StateAccessError(`cannot add to a ${v.kind} value`);
  if (v.kind === "record") {
    if (index.kind !== "string") throw new StateAccessError("a record field is named by a string");
    const type = typeOf(v.type);
    const name = bytesToBinary(index.bytes);
    const at =
      type?.class === "record" ? ((type as RecordType).fields?.findIndex((f) => f.name === name) ?? -1) : -1;
    if (at < 0) throw new StateAccessError(`the record has no field ${name}`);
    const fields = [...v.fields];
    fields[at] = update(fields[at] ?? undefined);
    return Object.freeze({ ...v, fields: Object.freeze(fields) });
  }
  if (v.kind === "vector") {
    if (index.kind !== "unsigned") throw new StateAccessError("a vector element is named by a count");
    const i = Number(index.value);
    const elements = [...v.elements];
    while (elements.length <= i) elements.push(null);
    elements[i] = update(elements[i] ?? undefined);
    return Object.freeze({ ...v, elements: Object.freeze(elements) });
  }
  throw new StateAccessError(`cannot index a ${v.kind} value`);
}

function removeAt(v: BroVal, index: BroVal): BroVal {
  if (v.kind !== "table") throw new StateAccessError(`cannot delete from a ${v.kind} value`);
  return Object.freeze({ ...v, entries: Object.freeze(v.entries.filter((e) => !sameIndex(e.index, index))) });
}
