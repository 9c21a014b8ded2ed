// A buildspec file read once per run: project-rules.ts checks its shape and buildspec-runtimes.ts its
// runtime versions, and parsing the YAML twice was ~2 ms of every `cody synth` (bench/README.md).
// The last parse is kept with the text it came from, so an edited file is always parsed afresh.
// Neither reader changes the Document.
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument, type Document } from "yaml";

export interface ParsedYaml {
  doc: Document;
  lineCounter: LineCounter;
}

let last: { file: string; text: string; parsed: ParsedYaml } | undefined;

export function parseYamlFile(file: string): ParsedYaml {
  const text = readFileSync(file, "utf8");
  if (last?.file === file && last.text === text) return last.parsed;
  const lineCounter = new LineCounter();
  const parsed = { doc: parseDocument(text, { lineCounter }), lineCounter };
  last = { file, text, parsed };
  return parsed;
}
