#!/usr/bin/env node
"use strict";
// Runs the bundled CLI; the exit code is set once, by run().
require("../dist/cli.cjs")
  .run(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
