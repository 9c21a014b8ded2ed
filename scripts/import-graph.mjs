#!/usr/bin/env node
// Prints the folder import graph of src/ (each edge with how many file imports make it, marked where it
// breaks the layers of scripts/layers.mjs) and exits 1 on a folder cycle that is not a known, allowed one.
//   node scripts/import-graph.mjs [--root DIR] [--files]
// --files lists the file imports behind each edge. See docs/architecture.md#layers.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ALLOWED, findCycles, folderGraph, isAllowed, layerProblem } from "./layers.mjs";

const args = process.argv.slice(2);
const rootAt = args.indexOf("--root");
const root = resolve(rootAt >= 0 ? args[rootAt + 1] : fileURLToPath(new URL("..", import.meta.url)));
const showFiles = args.includes("--files");

const edges = folderGraph(root);
const out = [];
for (const e of edges) {
  const why = layerProblem(e.from, e.to);
  const allowed = why !== undefined && e.imports.every((i) => isAllowed(resolve(root, i.file), resolve(root, i.module), root));
  const mark = why === undefined ? "" : allowed ? `  (allowed for now: ${why})` : `  ✗ ${why}`;
  out.push(`${e.from} → ${e.to}  ${e.imports.length}${mark}`);
  if (showFiles) for (const i of e.imports) out.push(`    ${i.file} → ${i.module}`);
}

// A cycle is known when one of its edges is made only of allowed imports (their owners remove them).
const allowedEdge = (from, to) => {
  const e = edges.find((x) => x.from === from && x.to === to);
  return e !== undefined && e.imports.every((i) => isAllowed(resolve(root, i.file), resolve(root, i.module), root));
};
const ownersOf = (from, to) => ALLOWED.filter((a) => a.from.split("/")[1] === from && a.to.split("/")[1] === to).map((a) => a.owner);
const cycles = findCycles(edges).map((c) => {
  const steps = c.slice(0, -1).map((f, i) => [f, c[i + 1]]);
  const known = steps.filter(([f, t]) => allowedEdge(f, t));
  return { path: c.join(" → "), known: known.length > 0, owners: [...new Set(known.flatMap(([f, t]) => ownersOf(f, t)))].join(", ") };
});
out.push("");
if (cycles.length === 0) out.push("no folder cycles");
for (const c of cycles) out.push(c.known ? `known cycle (allowed in scripts/layers.mjs, TODO ${c.owners}): ${c.path}` : `CYCLE: ${c.path}`);
process.stdout.write(`${out.join("\n")}\n`);
process.exit(cycles.some((c) => !c.known) ? 1 : 0);
