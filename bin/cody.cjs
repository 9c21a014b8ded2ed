#!/usr/bin/env node
"use strict";
// Runs the bundled CLI; the exit code is set once, by run().
const { join } = require("node:path");

const dist = join(__dirname, "..", "dist");
const bundle = join(dist, "cli.cjs");
// Every bundle of dist/ compiles from a V8 code cache when there is one (compile-cache.cjs).
const compileCache = tryRequire("./compile-cache.cjs");
if (compileCache) compileCache.install(dist);
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
cli.run(process.argv).then((code) => {
  process.exitCode = code;
});

function tryRequire(file) {
  try {
    return require(file);
  } catch {
    return undefined; // a partial copy of bin/ (the cache only makes start-up faster)
  }
}
