import { binaryToHex } from "@brokerkit/data-model";

/** caf::node_id: none, or the "default" implementation with a process id and a 20-byte host id. */
export type NodeId =
  | { readonly kind: "none" }
  | {
      readonly kind: "default";
      readonly processId: number;
      readonly hostId: string /* 20-byte binary string */;
    };

// The atoms naming caf::node_id's implementations: the empty atom (no node) and "default".
export const NODE_ID_NONE = 0xfn;
export const NODE_ID_DEFAULT = 0x00003e9aab9bac79n;

/** Broker's text form of a node id: HOSTID (40 upper-case hex digits) + "#" + pid. */
export function nodeIdText(n: NodeId): string {
  if (n.kind === "none") return "none";
  return `${binaryToHex(n.hostId).toUpperCase()}#${n.processId}`;
}
