import type { Data, DataType } from "@brokerkit/data-model";

// The store commands of both Broker generations, in one semantic model. The
// wire layers (Broker 1.x internal_command, current command envelopes) decode
// into their own layouts; these are the mutations those layouts carry, which
// is what a store's behaviour depends on.

/**
 * Who made a change: an endpoint (current Broker: the endpoint UUID in text
 * form; Broker 1.x: the CAF node id, "HOSTID#pid") and an object id (the
 * store frontend's actor id). Broker 1.x carries no publisher for clear.
 */
export interface EntityId {
  readonly endpoint: string;
  readonly object: bigint;
}

interface Publisher {
  readonly publisher?: EntityId | undefined;
}

/** Relative expiry in nanoseconds, as commands carry it; absent means "no expiry". */
type Expiry = { readonly expiry?: bigint | undefined };

export interface PutCommand extends Publisher, Expiry {
  readonly kind: "put";
  readonly key: Data;
  readonly value: Data;
}
export interface PutUniqueCommand extends Publisher, Expiry {
  readonly kind: "put_unique";
  readonly key: Data;
  readonly value: Data;
  readonly reqId: bigint;
}
export interface PutUniqueResultCommand extends Publisher {
  readonly kind: "put_unique_result";
  readonly inserted: boolean;
  readonly reqId: bigint;
}
export interface EraseCommand extends Publisher {
  readonly kind: "erase";
  readonly key: Data;
}
export interface ExpireCommand extends Publisher {
  readonly kind: "expire";
  readonly key: Data;
}
export interface AddCommand extends Publisher, Expiry {
  readonly kind: "add";
  readonly key: Data;
  readonly value: Data;
  /** The type a missing key starts as (its default value), by Broker type name. */
  readonly initType: DataType;
}
export interface SubtractCommand extends Publisher, Expiry {
  readonly kind: "subtract";
  readonly key: Data;
  readonly value: Data;
}
export interface ClearCommand extends Publisher {
  readonly kind: "clear";
}
/** A full state transfer: Broker 1.x set_command, current ack_clone's snapshot. */
export interface SnapshotCommand {
  readonly kind: "snapshot";
  readonly entries: readonly (readonly [Data, Data])[];
}

export type StoreCommand =
  | PutCommand
  | PutUniqueCommand
  | PutUniqueResultCommand
  | EraseCommand
  | ExpireCommand
  | AddCommand
  | SubtractCommand
  | ClearCommand
  | SnapshotCommand;

/** Broker's error codes for failed store mutations (the master only logs them). */
export type StoreErrorCode = "type_clash" | "no_such_key" | "invalid_data";

export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    readonly code: StoreErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
