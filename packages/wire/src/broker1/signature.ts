// A type-erased caf::message names its elements' types in one signature
// string ("@<>+@atom+@str"); decoding reads the elements in that order.

// Peers send the same few signatures over and over.
const signatures = new Map<string, readonly string[] | undefined>();

export function cachedSignatureTypes(signature: string): readonly string[] | undefined {
  let types = signatures.get(signature);
  if (types === undefined && !signatures.has(signature)) {
    if (signatures.size >= 256) signatures.clear(); // bounded, whatever a hostile stream sends
    types = signatureTypes(signature);
    signatures.set(signature, types === undefined ? undefined : Object.freeze(types));
  }
  return types;
}

/** "@<>+@atom+@str" -> ["@atom", "@str"]; "@<>" -> []. Type names may contain '+' only inside <>. */
export function signatureTypes(signature: string): string[] | undefined {
  if (!signature.startsWith("@<>")) return undefined;
  const rest = signature.slice(3);
  if (rest === "") return [];
  if (!rest.startsWith("+")) return undefined;
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of rest.slice(1)) {
    if (c === "+" && depth === 0) {
      out.push(cur);
      cur = "";
      continue;
    }
    if (c === "<") depth++;
    if (c === ">") depth--;
    cur += c;
  }
  out.push(cur);
  return out;
}
