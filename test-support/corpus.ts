// Locating a corpus of real captures for *.corpus.test.ts files. The folder
// comes from $BROKERKIT_CORPUS (scripts/corpus.mjs sets it); a missing folder
// is an error, never a silent skip.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export function corpusDir(): string {
  const dir = process.env.BROKERKIT_CORPUS;
  if (!dir)
    throw new Error("BROKERKIT_CORPUS is not set: run the corpus tests with `npm run test:corpus -- DIR`");
  if (!existsSync(dir)) throw new Error(`corpus folder ${dir} does not exist`);
  return dir;
}

/** Whether the corpus has this subfolder (a project's own fixtures hold only some of them). */
export function hasSubfolder(subfolder: string): boolean {
  return existsSync(join(corpusDir(), subfolder));
}

/** Every `<name>.json` manifest in one subfolder of the corpus (empty when the subfolder is absent). */
export function manifests(
  subfolder: string,
): { name: string; path: string; manifest: Record<string, unknown> }[] {
  const dir = join(corpusDir(), subfolder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({ name: f, path: join(dir, f), manifest: JSON.parse(readFileSync(join(dir, f), "utf8")) }));
}

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/^0x/, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}
