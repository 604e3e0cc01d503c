// CAF 0.17 atoms: up to ten characters of a 64-character alphabet packed six
// bits each into a 64-bit value, behind a 0xF start marker.

const ATOM_CHARS = " 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

/** An atom keeps its 64-bit value (what goes on the wire) and the text it spells. */
export interface Atom {
  readonly value: bigint;
  readonly text: string;
}

export function atomText(value: bigint): string {
  let n = 0;
  while (n < 10 && value >> BigInt(6 * (n + 1)) !== 0n) n++;
  if (value >> BigInt(6 * n) !== 0xfn) return `<atom 0x${value.toString(16)}>`;
  let out = "";
  for (let i = n - 1; i >= 0; i--) out += ATOM_CHARS[Number((value >> BigInt(6 * i)) & 0x3fn)];
  return out;
}

export function atom(text: string): Atom {
  let v = 0xfn;
  for (const c of text) {
    const i = ATOM_CHARS.indexOf(c);
    v = (v << 6n) | BigInt(Math.max(i, 0));
  }
  return { value: BigInt.asUintN(64, v), text };
}

/** The atom a 64-bit value read from the wire spells. */
export const asAtom = (value: bigint): Atom => ({ value, text: atomText(value) });
