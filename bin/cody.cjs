#!/usr/bin/env node
"use strict";
// Runs the bundled CLI; the exit code is set once, by run().
const { join } = require("node:path");

const dist = join(__dirname, "..", "dist");
const bundle = join(dist, "cli.cjs");
// Every bundle of dist/ compiles from a V8 code cache when there is one (compile-cache.cjs).
const compileCache = tryRequire("./compile-cache.cjs");
// `cody --help` alone prints what the same build printed before at this width, when it was kept.
const args = process.argv.slice(2);
const help = compileCache && args.length === 1 && (args[0] === "--help" || args[0] === "-h") ? compileCache.helpCache(bundle, process.stdout) : undefined;
const keptHelp = help && help.read();
if (keptHelp !== undefined) {
  // As the reporter does (src/io/reporter.ts): a reader that went away ends the run quietly.
  process.stdout.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  process.stdout.write(keptHelp);
} else {
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
  const written = help ? captureStdout() : undefined;
  cli.run(process.argv).then((code) => {
    process.exitCode = code;
    if (written && code === 0 && written.length > 0) help.write(written.join(""));
  });
}

/** What the run writes to stdout, as strings, from now on (passed through unchanged). */
function captureStdout() {
  const chunks = [];
  const write = process.stdout.write;
  process.stdout.write = function (chunk, ...rest) {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return write.call(this, chunk, ...rest);
  };
  return chunks;
}

function tryRequire(file) {
  try {
    return require(file);
  } catch {
    return undefined; // a partial copy of bin/ (the cache only makes start-up faster)
  }
}
