import type { Data } from "@brokerkit/data-model";
import type { Atom } from "./atom.js";
import type { NodeId } from "./node-id.js";

// The values CAF 0.17 serializes between Broker 1.4 nodes (broker-1x spec
// §2–§5, §9.2), as decoded. Strings (topics, type names, app ids) are kept as
// binary strings: one char per byte, exactly as sent.

/** An actor handle: actor id + node (a null handle has id 0 and no node). */
export interface ActorHandle {
  readonly id: bigint;
  readonly node: NodeId;
}

export interface CafError {
  readonly code: number;
  readonly category: Atom;
  readonly context: CafMessage;
}

/** A type-erased caf::message: its signature ("@<>+@atom+@str") and the decoded elements. */
export interface CafMessage {
  readonly typeNumber: number;
  readonly signature: string;
  readonly elements: readonly CafValue[];
}

/** One element of a CafMessage, tagged with its CAF type name. */
export type CafValue =
  | { readonly type: "@atom"; readonly value: Atom }
  | { readonly type: "@str"; readonly value: string }
  | { readonly type: "@u8" | "@u16" | "@u32" | "@i8" | "@i16" | "@i32" | "bool"; readonly value: number }
  | { readonly type: "@u64" | "@i64" | "@timespan" | "@timestamp"; readonly value: bigint }
  | {
      readonly type: "@actor" | "@addr" | "@strong_actor_ptr" | "@weak_actor_ptr";
      readonly value: ActorHandle;
    }
  | { readonly type: "@node"; readonly value: NodeId }
  | { readonly type: "@error"; readonly value: CafError }
  | { readonly type: "@unit" | `caf::stream<${string}>` }
  | { readonly type: "@strvec" | "broker::filter_type"; readonly value: readonly string[] }
  | { readonly type: "broker::data"; readonly value: Data }
  | { readonly type: "broker::data_message"; readonly value: DataMessage }
  | { readonly type: "broker::set_command"; readonly value: readonly (readonly [Data, Data])[] }
  | { readonly type: "std::vector<broker::node_message>"; readonly value: readonly NodeMessage[] }
  | { readonly type: "@open_stream_msg"; readonly value: OpenStreamMsg }
  | { readonly type: "@upstream_msg"; readonly value: UpstreamMsg }
  | { readonly type: "@downstream_msg"; readonly value: DownstreamMsg };

export interface DataMessage {
  readonly topic: string;
  readonly data: Data;
}

export interface OpenStreamMsg {
  readonly slot: number;
  readonly msg: CafMessage;
  readonly prevStage: ActorHandle;
  readonly originalStage: ActorHandle;
  readonly priority: number;
}

export interface StreamSlots {
  readonly sender: number;
  readonly receiver: number;
}

export type UpstreamMsg = { readonly slots: StreamSlots; readonly sender: ActorHandle } & (
  | {
      readonly kind: "ack_open";
      readonly rebindFrom: ActorHandle;
      readonly rebindTo: ActorHandle;
      readonly initialDemand: number;
      readonly desiredBatchSize: number;
    }
  | {
      readonly kind: "ack_batch";
      readonly newCapacity: number;
      readonly desiredBatchSize: number;
      readonly acknowledgedId: bigint;
    }
  | { readonly kind: "drop" }
  | { readonly kind: "forced_drop"; readonly reason: CafError }
);

export type DownstreamMsg = { readonly slots: StreamSlots; readonly sender: ActorHandle } & (
  | { readonly kind: "batch"; readonly size: number; readonly xs: CafMessage; readonly id: bigint }
  | { readonly kind: "close" }
  | { readonly kind: "forced_close"; readonly reason: CafError }
);

/** broker::publisher_id: the endpoint's node and the object (actor) that acted. */
export interface PublisherId {
  readonly node: NodeId;
  readonly object: bigint;
}

/** Broker 1.4's internal_command, by variant index (spec §9.2). Expiry is relative ns. */
export type InternalCommand =
  | { readonly kind: "none" }
  | {
      readonly kind: "put";
      readonly key: Data;
      readonly value: Data;
      readonly expiry?: bigint;
      readonly publisher: PublisherId;
    }
  | {
      readonly kind: "put_unique";
      readonly key: Data;
      readonly value: Data;
      readonly expiry?: bigint;
      readonly who: ActorHandle;
      readonly reqId: bigint;
      readonly publisher: PublisherId;
    }
  | { readonly kind: "erase" | "expire"; readonly key: Data; readonly publisher: PublisherId }
  | {
      readonly kind: "add";
      readonly key: Data;
      readonly value: Data;
      /** Broker 1.4's alphabetical data::type code (address 0, boolean 1, count 2, enum_value 3, …). */
      readonly initType: number;
      readonly expiry?: bigint;
      readonly publisher: PublisherId;
    }
  | {
      readonly kind: "subtract";
      readonly key: Data;
      readonly value: Data;
      readonly expiry?: bigint;
      readonly publisher: PublisherId;
    }
  | { readonly kind: "snapshot"; readonly remoteCore: ActorHandle; readonly remoteClone: ActorHandle }
  | { readonly kind: "snapshot_sync"; readonly remoteClone: ActorHandle }
  | { readonly kind: "set"; readonly state: readonly (readonly [Data, Data])[] }
  | { readonly kind: "clear" };

/** broker::node_message: a data or command message with its TTL and (always empty in 1.4) receivers. */
export interface NodeMessage {
  readonly content:
    | { readonly kind: "data"; readonly topic: string; readonly data: Data }
    | { readonly kind: "command"; readonly topic: string; readonly command: InternalCommand };
  readonly ttl: number;
  readonly receivers: readonly NodeId[];
}

/** Broker 1.4's alphabetical data::type numbering, used only by add's init_type. */
export const BROKER1_INIT_TYPES = [
  "address",
  "boolean",
  "count",
  "enum_value",
  "integer",
  "none",
  "port",
  "real",
  "set",
  "string",
  "subnet",
  "table",
  "timespan",
  "timestamp",
  "vector",
] as const;
