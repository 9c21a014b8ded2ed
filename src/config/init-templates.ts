// `cody init --template DIR`: the user's own scaffold. DIR is laid out like `.cody/` (project.ts,
// buildspec.yml, variables/base.ts, ...), and `{{name}}` in a file is replaced by the variable of that
// name. An unknown variable is an error naming the file and line, found before anything is written.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { configError } from "../errors";
import { didYouMean } from "../util/did-you-mean";

/** What a template may use, documented in docs/init-and-synth.md. */
export interface TemplateValues {
  /** The project name: --name, else from the folder name. */
  projectName: string;
  /** The https URL of the git remote "origin", else a placeholder cody synth refuses. */
  githubUrl: string;
  /** The --type, or "". */
  type: string;
  /** `<type>/` with --type, else "": for paths such as `.cody/{{typePath}}buildspec.yml`. */
  typePath: string;
}

export const TEMPLATE_VARIABLES: ReadonlyArray<keyof TemplateValues> = ["projectName", "githubUrl", "type", "typePath"];

export interface TemplateFile {
  /** Path inside the template folder, with `/`: where it goes under `.cody/`. */
  path: string;
  /** The file on disk, for messages. */
  file: string;
  text: string;
}

const VARIABLE = /\{\{\s*(\w+)\s*\}\}/g;
/** Not part of a scaffold even when the folder is a clone of one. */
const SKIPPED = new Set([".git", "node_modules", ".DS_Store"]);

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function walk(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, found);
    else if (entry.isFile()) found.push(path);
  }
  return found.sort();
}

/** Reads every file of the template folder and checks its variables. */
export function readTemplateDir(dir: string): TemplateFile[] {
  if (!isDir(dir)) {
    throw configError({
      file: dir,
      field: "--template",
      message: `${dir} is not a folder.`,
      fix: "Pass a folder laid out like .cody/ (e.g. project.ts, buildspec.yml), such as --template ~/cody-templates/node.",
    });
  }
  const files = walk(dir).map((file) => ({ file, path: relative(dir, file).split(sep).join("/"), text: readFileSync(file, "utf8") }));
  if (files.length === 0) {
    throw configError({ file: dir, field: "--template", message: `the template folder ${dir} has no files.`, fix: "Put the files to scaffold in it, e.g. project.ts and buildspec.yml." });
  }
  for (const template of files) checkVariables(template);
  return files;
}

function checkVariables(template: TemplateFile): void {
  const lines = template.text.split("\n");
  for (const [index, line] of lines.entries()) {
    for (const match of line.matchAll(VARIABLE)) {
      const name = match[1]!;
      if ((TEMPLATE_VARIABLES as readonly string[]).includes(name)) continue;
      throw configError({
        file: template.file,
        line: index + 1,
        field: `{{${name}}}`,
        message: `unknown template variable "${name}".${didYouMean(name, TEMPLATE_VARIABLES)}`,
        fix: `Use one of ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(", ")}.`,
      });
    }
  }
}

/** The file's text with its variables replaced. */
export function renderTemplate(template: Pick<TemplateFile, "text">, values: TemplateValues): string {
  return template.text.replace(VARIABLE, (_, name: keyof TemplateValues) => values[name]);
}
