// What scripts/build.mjs needs to bundle third-party code, the AWS SDK above all: the chunks that hold
// SDK code get a name that says so, and dist/THIRD_PARTY_LICENSES carries the licence and notice texts
// of every bundled package (the SDK is Apache-2.0, whose section 4 asks for both).
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

const SDK_INPUT = /(^|[\\/])node_modules[\\/]@(aws-sdk|smithy|aws-crypto|aws)[\\/]/;
/** Licences that let cody ship the code inside its own package (with the texts below). */
const PERMISSIVE = new Set(["MIT", "ISC", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "0BSD"]);

/**
 * Renames dist/chunks/<name>-<hash>.cjs (a shared chunk, or one of a lazy `import()`) to
 * aws-sdk-<hash>.cjs when it holds any input of the AWS SDK. `text` rewrites the references in every
 * output file, `path` the file's own path.
 */
export function sdkChunkNames(metafile) {
  const renames = new Map();
  for (const [out, { inputs }] of Object.entries(metafile.outputs)) {
    const name = basename(out);
    if (!/[\\/]chunks[\\/]/.test(out)) continue;
    if (Object.keys(inputs).some((input) => SDK_INPUT.test(input))) renames.set(name, `aws-sdk-${name.slice(name.lastIndexOf("-") + 1)}`);
  }
  if (renames.size === 0) throw new Error("no chunk holds AWS SDK code: is the SDK external again? (scripts/build-sdk.mjs)");
  const pattern = new RegExp([...renames.keys()].map((n) => n.replace(/[.$-]/g, "\\$&")).join("|"), "g");
  return {
    text: (code) => code.replace(pattern, (name) => renames.get(name)),
    path: (file) => join(file, "..", renames.get(basename(file)) ?? basename(file)),
  };
}

/** The root folder of the package an input path of esbuild's metafile belongs to, or undefined. */
function packageRoot(input) {
  const parts = input.split(/[\\/]/);
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) return undefined;
  return parts.slice(0, at + (parts[at + 1]?.startsWith("@") ? 3 : 2)).join("/");
}

/** dist/THIRD_PARTY_LICENSES: each distinct licence text once, with the packages it covers, then each NOTICE. */
export function thirdPartyLicenses(metafiles, cwd) {
  const packages = new Map();
  for (const metafile of metafiles) {
    for (const input of Object.keys(metafile.inputs)) {
      const root = packageRoot(input);
      if (!root || packages.has(root)) continue;
      const pkg = JSON.parse(readFileSync(join(cwd, root, "package.json"), "utf8"));
      const files = readdirSync(join(cwd, root));
      const text = (pattern) => {
        const file = files.find((f) => pattern.test(f));
        return file ? readFileSync(join(cwd, root, file), "utf8").trim() : undefined;
      };
      packages.set(root, { name: pkg.name, version: pkg.version, license: pkg.license, licenseText: text(/^licen[cs]e(\.(md|txt))?$/i), notice: text(/^notice(\.(md|txt))?$/i) });
    }
  }
  const refused = [...packages.values()].filter((p) => !PERMISSIVE.has(p.license));
  if (refused.length > 0) {
    throw new Error(`bundled packages without a permissive licence: ${refused.map((p) => `${p.name} (${p.license})`).join(", ")}`);
  }
  const byText = new Map();
  for (const p of [...packages.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const key = p.licenseText ?? `${p.license} (the package ships no licence file; the licence is named in its package.json)`;
    byText.set(key, [...(byText.get(key) ?? []), p]);
  }
  const rule = "-".repeat(78);
  const out = [
    "Third-party software bundled in dist/ of codybuild, with its licence texts and notices.",
    `${packages.size} packages; cody's own code is MIT (LICENSE of the package, if present, and package.json).`,
  ];
  for (const [text, list] of byText) {
    out.push("", rule, `${list[0].license}: ${list.map((p) => `${p.name}@${p.version}`).join(", ")}`, rule, "", text);
  }
  const notices = [...packages.values()].filter((p) => p.notice);
  if (notices.length > 0) {
    out.push("", rule, "NOTICE files", rule);
    for (const p of notices) out.push("", `${p.name}@${p.version}:`, p.notice);
  }
  return `${out.join("\n")}\n`;
}
