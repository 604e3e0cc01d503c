#!/usr/bin/env node
// Runs every package's corpus tests against a folder laid out like
// ../shared/fixtures (real captures with manifests). The folder is the first
// argument, else $BROKERKIT_CORPUS, else ../shared/fixtures beside the checkout.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dir = resolve(
  process.argv[2] ?? process.env.BROKERKIT_CORPUS ?? join(root, "..", "shared", "fixtures"),
);

if (!existsSync(dir) || !statSync(dir).isDirectory()) {
  console.error(`\nCORPUS MISSING: ${dir} does not exist.`);
  console.error("The corpus tests need the real-capture fixtures (../shared/fixtures beside the checkout),");
  console.error("or a folder of the same layout: npm run test:corpus -- DIR  (or BROKERKIT_CORPUS=DIR).\n");
  process.exit(2);
}

// Each package checks the subfolders it knows and passes over absent ones, so a folder with none of
// them would pass having checked nothing: that is an error too.
const KNOWN = ["broker-1.4", "broker-current", "legacy-comm", "zeek-websocket"];
if (!KNOWN.some((sub) => existsSync(join(dir, sub)))) {
  console.error(`\nCORPUS EMPTY: ${dir} has none of the subfolders ${KNOWN.join(", ")}: nothing to check.\n`);
  process.exit(2);
}

const packages = readdirSync(join(root, "packages"))
  .map((name) => join(root, "packages", name))
  .filter((p) => existsSync(join(p, "package.json")))
  .filter((p) => JSON.parse(readFileSync(join(p, "package.json"), "utf8")).scripts?.["test:corpus"]);

console.log(`corpus: ${dir}`);
const build = spawnSync("npx", ["nx", "run-many", "-t", "build"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

let failed = 0;
for (const pkg of packages) {
  console.log(`\n== corpus tests: ${pkg.slice(root.length + 1)}`);
  const run = spawnSync("npm", ["run", "test:corpus"], {
    cwd: pkg,
    stdio: "inherit",
    env: { ...process.env, BROKERKIT_CORPUS: dir },
  });
  if (run.status !== 0) failed++;
}
console.log(`\ncorpus: ${packages.length - failed} packages passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
