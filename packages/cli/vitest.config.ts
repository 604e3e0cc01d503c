import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["src/**/*.test.ts"], exclude: ["**/*.interop.test.ts", "**/*.corpus.test.ts"] },
});
