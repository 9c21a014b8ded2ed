#!/usr/bin/env node
"use strict";
// Runs the bundled CLI; the exit code is set once, by run().
const { join } = require("node:path");

const bundle = join(__dirname, "..", "dist", "cli.cjs");
let cli;
try {
  cli = require(bundle);
} catch (error) {
  // A checkout that was never built: say so in one line instead of a stack trace.
  if (error && error.code === "MODULE_NOT_FOUND" && String(error.message).includes(bundle)) {
    console.error(`cody is not built: ${bundle} is missing. Run \`npm run build\` in ${join(__dirname, "..")} first.`);
    process.exit(1);
  }
  throw error;
}
// The command bundles, which cli.cjs requires on demand, compile from a V8 code cache (compile-cache.cjs).
require("./compile-cache.cjs").install(join(__dirname, "..", "dist", "commands"));
cli.run(process.argv).then((code) => {
  process.exitCode = code;
});
