// Preloaded into the process under test: reports its peak RSS on stderr at exit.
import { writeSync } from "node:fs";

process.on("exit", () => {
  writeSync(2, `\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
