// The buildspec's `phases.install.runtime-versions` against the image the project builds on, from the
// table in data/codebuild-images.ts: a runtime the image does not have fails the build's INSTALL
// phase, so it is an error (with did-you-mean); a version the table does not list may still install
// (newer images install unlisted versions at build time) or may not, so it is a warning naming the
// listed ones. A deprecated or unknown curated image is a warning. Custom images (ECR, Docker Hub)
// choose their own runtimes and are not checked.
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { isMap, isScalar, type Document, type LineCounter } from "yaml";
import { CODEBUILD_IMAGES, findImage, isCuratedImage, type CodeBuildImage } from "../../data/codebuild-images";
import type { Issue } from "../../errors";
import { closest } from "../../util/did-you-mean";
import { parseYamlFile } from "./buildspec-yaml";
import { buildComputeType, buildImage, isLambdaCompute } from "../build-environment";
import type { LoadedProject } from "../load-project";

export interface RuleResult {
  errors: Issue[];
  warnings: Issue[];
}

/** A runtime-versions entry as written: its value as the buildspec's YAML reads it, and where it is. */
interface RuntimeEntry {
  name: string;
  /** The value CodeBuild gets (YAML `3.10` is the number 3.1). */
  value: string;
  /** The characters written, when they differ from `value` (only known for a YAML file). */
  written?: string;
  file: string;
  field: string;
  line?: number;
}

/** Curated images outside the table on purpose: Lambda and Windows images take no runtime-versions. */
const UNCHECKED = /-lambda-standard:|windows-base|^aws\/codebuild\/macos-/;

/** The current image of the same family, for a deprecated image's fix. */
function successor(row: CodeBuildImage): string {
  if (row.image.includes("aarch64")) return "aws/codebuild/amazonlinux-aarch64-standard:3.0";
  if (row.image.includes("amazonlinux")) return "aws/codebuild/amazonlinux-x86_64-standard:5.0";
  return "aws/codebuild/standard:7.0";
}

export function checkBuildspecRuntimes(p: LoadedProject): RuleResult {
  const result: RuleResult = { errors: [], warnings: [] };
  const image = buildImage(p.project);
  if (!isCuratedImage(image) || UNCHECKED.test(image) || isLambdaCompute(buildComputeType(p.project))) return result;
  const field = p.project.linuxImage !== undefined ? "linuxImage" : p.project.linuxEnvironment?.image !== undefined ? "linuxEnvironment.image" : undefined;
  const row = findImage(image);
  if (!row) {
    const meant = closest(image, CODEBUILD_IMAGES.map((r) => r.image));
    result.warnings.push({
      file: p.files.project,
      ...(field ? { field } : {}),
      message: `"${image}" is not a CodeBuild image cody knows, so its runtime-versions are not checked.${meant ? ` Did you mean "${meant}"?` : ""}`,
      fix: `Check the name against \`aws codebuild list-curated-environment-images\`${meant ? `, e.g. linuxImage: "${meant}"` : ""}.`,
    });
    return result;
  }
  if (row.status === "deprecated") {
    result.warnings.push({
      file: p.files.project,
      ...(field ? { field } : {}),
      message: `${image} (${row.platform}) is deprecated by AWS${row.deprecated ? ` since ${row.deprecated}` : ""}: CodeBuild no longer caches or updates it, so builds provision slower and get no security fixes.`,
      fix: `Use a current image, e.g. linuxImage: "${successor(row)}", and check the buildspec's runtime-versions against it.`,
    });
  }
  for (const entry of runtimeEntries(p)) checkEntry(entry, row, result);
  return result;
}

function checkEntry(entry: RuntimeEntry, row: CodeBuildImage, result: RuleResult): void {
  const names = Object.keys(row.runtimes).sort();
  const versions = row.runtimes[entry.name];
  const at = { file: entry.file, field: entry.field, ...(entry.line !== undefined ? { line: entry.line } : {}) };
  if (!versions) {
    // A runtime another image has (rust on standard:8.0) is not a typo of one this image has.
    const elsewhere = CODEBUILD_IMAGES.find((r) => r.status === "current" && entry.name in r.runtimes);
    const meant = elsewhere ? undefined : closest(entry.name, names);
    result.errors.push({
      ...at,
      message: `"${entry.name}" is not a runtime of ${row.image}.${meant ? ` Did you mean "${meant}"?` : ""} Its runtimes: ${names.join(", ")}.`,
      fix: elsewhere
        ? `Use an image that has it (e.g. ${elsewhere.image}), or install it with commands in the install phase.`
        : meant
          ? `Rename it to ${meant}.`
          : "Remove it and install the tool with commands in the install phase (runtime-versions only selects runtimes the image has).",
    });
    return;
  }
  // `$NODE_VERSION`: an environment variable, known only at build time.
  if (entry.value.includes("$") || versionListed(entry.value, versions)) return;
  const quoted = entry.written && entry.written !== entry.value ? ` YAML reads ${entry.written} as ${entry.value}: quote it ("${entry.written}").` : "";
  const numeric = !entry.written && /^\d+\.\d$/.test(entry.value) && versions.some((v) => v.startsWith(`${entry.value}0`))
    ? ` A number like ${entry.value}0 loses its trailing zero in TypeScript and YAML: write it as a string ("${entry.value}0").`
    : "";
  result.warnings.push({
    ...at,
    message: `${entry.name} ${entry.value} is not a version ${row.image} lists (it has ${versions.join(", ")}).${quoted}${numeric}`,
    fix: `Use one of ${versions.join(", ")} (or latest); an unlisted version is installed at build time where the image can, and fails the INSTALL phase where it cannot.`,
  });
}

/** `latest`, a listed version, `<listed major>.x`, or a more precise version of a listed one. */
function versionListed(value: string, versions: readonly string[]): boolean {
  if (value === "latest") return true;
  return versions.some((v) => {
    if (value === v) return true;
    const major = v.split(".")[0]!;
    if (value === `${major}.x` || value === `${v}.x`) return true;
    return value.startsWith(`${v}.`);
  });
}

/** The runtime-versions entries of the project's buildspec: inline, a file named by `buildspec`, or the default file. */
function runtimeEntries(p: LoadedProject): RuntimeEntry[] {
  const spec = p.project.buildspec;
  if (spec !== undefined && typeof spec !== "string") {
    const install = (spec as { phases?: { install?: { "runtime-versions"?: unknown } } }).phases?.install?.["runtime-versions"];
    if (!install || typeof install !== "object" || Array.isArray(install)) return [];
    return Object.entries(install as Record<string, unknown>).map(([name, value]) => ({
      name,
      value: String(value),
      file: p.files.project,
      field: `buildspec.phases.install.runtime-versions.${name}`,
    }));
  }
  const path = typeof spec === "string" ? spec : p.type ? `.cody/${p.type}/buildspec.yml` : ".cody/buildspec.yml";
  const file = isAbsolute(path) ? path : join(p.root, path);
  if (!existsSync(file)) return []; // project-rules reports a missing buildspec
  const { doc, lineCounter: lines } = parseYamlFile(file);
  if (doc.errors.length > 0) return []; // and invalid YAML
  return yamlEntries(doc, lines, file);
}

function yamlEntries(doc: Document, lines: LineCounter, file: string): RuntimeEntry[] {
  const node = doc.getIn(["phases", "install", "runtime-versions"], true);
  if (!isMap(node)) return [];
  const entries: RuntimeEntry[] = [];
  for (const pair of node.items) {
    if (!isScalar(pair.key)) continue;
    const name = String(pair.key.value);
    const value = isScalar(pair.value) ? pair.value : undefined;
    const parsed = value ? String(value.value) : "";
    // `source` is the text as written; the parsed value is what CodeBuild gets.
    const written = value?.source;
    const offset = pair.key.range?.[0];
    entries.push({
      name,
      value: parsed,
      ...(typeof written === "string" && written !== parsed ? { written } : {}),
      file,
      field: `phases.install.runtime-versions.${name}`,
      ...(offset !== undefined ? { line: lines.linePos(offset).line } : {}),
    });
  }
  return entries;
}
