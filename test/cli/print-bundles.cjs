// Preloaded by compile-cache.test.ts: at exit, prints the path of every file the process required on
// stderr, one a line, so a test can tell whether a bundle (e.g. dist/chunks/sucrase.cjs) was loaded.
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a --require preload is CommonJS by definition */
"use strict";
const Module = require("node:module");

const load = Module.prototype.load;
const loaded = [];
Module.prototype.load = function recordLoad(filename, ...rest) {
  loaded.push(filename);
  return load.call(this, filename, ...rest);
};
process.once("exit", () => process.stderr.write(loaded.map((f) => `${f}\n`).join("")));
