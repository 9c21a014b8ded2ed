// A local ESLint rule: imports in src/ point down the layers of scripts/layers.mjs. The layers are a
// strict order, so a folder cycle needs an import that points up or sideways: reporting those (except
// the few in ALLOWED) keeps the folders free of cycles. Type-only imports count (docs/architecture.md#layers).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ALLOWED, findCycles, folderGraph, isAllowed, layerOf, layerProblem } from "./layers.mjs";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
let cycleEdges;

/** The folder edges that take part in a cycle, found once per lint run from the files on disk. */
function cyclic() {
  if (!cycleEdges) {
    cycleEdges = new Map();
    for (const cycle of findCycles(folderGraph(root))) {
      for (let i = 0; i + 1 < cycle.length; i++) cycleEdges.set(`${cycle[i]} → ${cycle[i + 1]}`, cycle.join(" → "));
    }
  }
  return cycleEdges;
}

const layers = {
  meta: {
    type: "problem",
    docs: { description: "imports in src/ point down the layers (scripts/layers.mjs) and folders form no cycle" },
    schema: [],
    messages: {
      upward: "{{file}} imports {{module}}: {{why}}{{cycle}}. fix: move what it needs to a lower layer (docs/architecture.md#layers).",
    },
  },
  create(context) {
    const file = context.filename;
    const from = layerOf(file, root);
    if (from === undefined) return {};
    const check = (node, spec) => {
      if (typeof spec !== "string" || !spec.startsWith(".")) return;
      const target = resolve(file, "..", spec);
      const to = layerOf(`${target}.ts`, root);
      if (to === undefined || to === from) return;
      const shown = { file: file.slice(root.length + 1), module: spec };
      const why = layerProblem(from, to);
      if (!why || isAllowed(file, target, root)) return;
      const cycle = cyclic().get(`${from} → ${to}`);
      context.report({ node, messageId: "upward", data: { ...shown, why, cycle: cycle ? ` (and closes the folder cycle ${cycle})` : "" } });
    };
    const source = (node) => check(node, node.source?.value);
    return {
      ImportDeclaration: source,
      ExportNamedDeclaration: source,
      ExportAllDeclaration: source,
      ImportExpression: source,
      // typescript-eslint 8.x names the specifier `source` (older versions: `argument.literal`).
      TSImportType: (node) => check(node, "source" in node ? node.source?.value : node.argument?.literal?.value),
    };
  },
};

// `npm run lint` caches results per file (--cache); ESLint keys that cache on each plugin's name@version,
// so the version follows this rule's sources and an edit to the layers or ALLOWED re-lints every file.
const version = createHash("sha256")
  .update(readFileSync(new URL("./layers.mjs", import.meta.url)))
  .update(readFileSync(new URL(import.meta.url)))
  .digest("hex")
  .slice(0, 12);

export default { meta: { name: "cody-layers", version }, rules: { layers }, allowed: ALLOWED };
