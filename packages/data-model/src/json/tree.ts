// The parsed JSON tree fromJson works on. Numbers keep their source text (so
// 64-bit integers stay exact and "5" vs "5.0" stays distinguishable, which
// Broker's decoder cares about); strings are binary strings of their UTF-8
// bytes (so non-UTF-8 bytes in Broker's own output survive).

export type JsonNode =
  | { readonly kind: "null"; readonly offset?: number | undefined }
  | { readonly kind: "boolean"; readonly value: boolean; readonly offset?: number | undefined }
  | {
      readonly kind: "number";
      readonly text: string;
      /** "float": written with a fraction/exponent (or nan/inf); "integer": plain digits; "any": a JS number of unknown spelling. */
      readonly syntax: "float" | "integer" | "any";
      readonly offset?: number | undefined;
    }
  | { readonly kind: "string"; readonly binary: string; readonly offset?: number | undefined }
  | { readonly kind: "array"; readonly items: readonly JsonNode[]; readonly offset?: number | undefined }
  | {
      readonly kind: "object";
      readonly entries: readonly (readonly [string, JsonNode])[];
      readonly offset?: number | undefined;
    };
