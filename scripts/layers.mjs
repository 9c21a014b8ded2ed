// The folder layers of src/ and the import scan that checks them; used by the ESLint rule
// (scripts/eslint-layers.mjs) and by scripts/import-graph.mjs. Why this order: docs/architecture.md#layers.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/**
 * High to low. A file may import from its own folder and from any folder on a lower row; folders on the
 * same row do not import each other. Files directly in src/ are layers of their own: `index` (the
 * library entry) on top, `errors` at the bottom.
 */
export const LAYERS = [
  ["index", "cli"],
  ["fleet"],
  ["preflight"],
  ["builds", "deploy", "iam", "stacksets"],
  ["review"],
  ["synth"],
  ["config"],
  ["policy"],
  ["dsl", "data"],
  ["generated"],
  ["aws", "io"],
  ["util"],
  ["errors"],
];

/**
 * Imports that break the layers today, each owned by the engineer whose split removes it. The rule lets
 * exactly these file → module imports through; anything else that points up or sideways fails lint.
 */
export const ALLOWED = [
  // TODO(B): role-rules checks Sids against cody's default statements, which synth derives today; once
  // B's resolve stage settles the role statements, role-rules reads them from config and this goes.
  { from: "src/config/rules/role-rules.ts", to: "src/synth/role-resource.ts", owner: "B" },
];

const SRC = "src";

/** The layer of a file under src/: its top folder, or the file's own name for files directly in src/. */
export function layerOf(file, root) {
  const parts = relative(join(root, SRC), file).split(sep);
  if (parts[0] === ".." || parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0].replace(/\.[cm]?[jt]s$/, "") : parts[0];
}

const ROW = new Map(LAYERS.flatMap((row, i) => row.map((name) => [name, i])));

/** Why importing `to` from `from` breaks the layers, or undefined when it is allowed. */
export function layerProblem(from, to) {
  if (from === to) return undefined;
  const a = ROW.get(from);
  const b = ROW.get(to);
  if (a === undefined) return `the folder "${from}" has no layer: add it to LAYERS in scripts/layers.mjs`;
  if (b === undefined) return `the folder "${to}" has no layer: add it to LAYERS in scripts/layers.mjs`;
  if (b > a) return undefined;
  return b === a ? `"${from}" and "${to}" are on the same layer and do not import each other` : `"${to}" is on a higher layer than "${from}"`;
}

export function isAllowed(fromFile, toModule, root) {
  const from = relative(root, fromFile).split(sep).join("/");
  const to = relative(root, toModule).split(sep).join("/").replace(/\.[cm]?[jt]s$/, "");
  return ALLOWED.some((e) => e.from === from && e.to.replace(/\.ts$/, "") === to);
}

// import … from "x", export … from "x", import "x", import("x") and typeof import("x"): type-only imports
// count too (docs/architecture.md#layers says why).
const IMPORT = /\b(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']|\bimport\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

/** The relative imports of one file's text, resolved to absolute module paths (without extension). */
export function importsOf(file, text) {
  const out = [];
  for (const m of stripComments(text).matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith(".")) out.push(resolve(dirname(file), spec).replace(/\.[cm]?[jt]s$/, ""));
  }
  return out;
}

function sourceFiles(dir) {
  const files = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) files.push(...sourceFiles(p));
    else if (/\.ts$/.test(e.name) && !e.name.endsWith(".d.ts")) files.push(p);
  }
  return files.sort();
}

/** Every import between two layers: `from → to` with the file imports behind it. */
export function folderGraph(root) {
  const edges = new Map();
  for (const file of sourceFiles(join(root, SRC))) {
    const from = layerOf(file, root);
    for (const target of importsOf(file, readFileSync(file, "utf8"))) {
      const to = layerOf(`${target}.ts`, root);
      if (to === undefined || to === from) continue;
      const key = `${from} → ${to}`;
      if (!edges.has(key)) edges.set(key, { from, to, imports: [] });
      edges.get(key).imports.push({ file: relative(root, file).split(sep).join("/"), module: relative(root, target).split(sep).join("/") });
    }
  }
  return [...edges.values()].sort((x, y) => x.from.localeCompare(y.from) || x.to.localeCompare(y.to));
}

/** The folder cycles in a graph, each as a list of folders (the first repeated at the end). */
export function findCycles(edges) {
  const next = new Map();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const cycles = [];
  const seen = new Set();
  const state = new Map();
  const stack = [];
  const visit = (node) => {
    state.set(node, "open");
    stack.push(node);
    for (const to of next.get(node) ?? []) {
      if (state.get(to) === "open") {
        const cycle = [...stack.slice(stack.indexOf(to)), to];
        const key = [...cycle.slice(0, -1)].sort().join(",");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...next.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}
