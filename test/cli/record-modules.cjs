// Preloaded by no-aws-sdk.test.ts through NODE_OPTIONS=--require: appends the absolute path of every
// CommonJS module the process loads to the file named by CODY_RECORD_MODULES. Hooking
// Module.prototype.load sees every file however it was reached (require, createRequire, or an ESM
// `import` of a CommonJS package, which the AWS SDK v3 is), and unlike require.cache it keeps files
// that were loaded and then dropped from the cache (cody's .ts loader does that).
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a --require preload is CommonJS by definition */
"use strict";
const { appendFileSync } = require("node:fs");
const Module = require("node:module");
const { isMainThread } = require("node:worker_threads");

const out = process.env.CODY_RECORD_MODULES;
if (out && isMainThread) {
  const load = Module.prototype.load;
  Module.prototype.load = function recordLoad(filename, ...rest) {
    // Written at once, so a crash or process.exit() still leaves the list complete.
    appendFileSync(out, `${filename}\n`);
    return load.call(this, filename, ...rest);
  };
  // Node's built-ins do not pass through Module.prototype.load: listed at exit as "node:<name>"
  // (Node's internal modules too, as "node:internal/<name>": e.g. web streams, loaded by a global).
  process.once("exit", () => {
    const builtins = process.moduleLoadList.filter((m) => m.startsWith("NativeModule "));
    appendFileSync(out, builtins.map((m) => `node:${m.slice("NativeModule ".length)}\n`).join(""));
  });
}
