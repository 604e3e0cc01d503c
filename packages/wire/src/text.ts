import { binaryToUtf8, type Data, toText } from "@brokerkit/data-model";

// The pieces both generations' message texts (broker1/text.ts, native/text.ts) are made of.

/** A binary string (topic, CAF string, description) as a double-quoted JSON string. */
export const quotedText = (binary: string): string => JSON.stringify(binaryToUtf8(binary));

/** A list of topics (a filter) as `["/a", "/b"]`. */
export const topicsText = (topics: readonly string[]): string => `[${topics.map(quotedText).join(", ")}]`;

/** A store command of either generation: its kind, then key and value where it has them. */
export function keyValueCommandText(c: {
  readonly kind: string;
  readonly key?: Data;
  readonly value?: Data;
}): string {
  let out = c.kind;
  if (c.key !== undefined) out += ` ${toText(c.key)}`;
  if (c.value !== undefined) out += ` ${toText(c.value)}`;
  return out;
}
