// Builds dist/: the CLI as one CommonJS bundle (fast start-up; the AWS SDK stays external and is
// required only by the commands that call AWS), the DSL as ESM + CJS, and one .d.ts for the DSL.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { renderEnums } from "./gen-codebuild-enums.mjs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

// Fail the build when the copied CodeBuild enums no longer match the SDK.
const enumsFile = new URL("../src/generated/codebuild-enums.ts", import.meta.url);
if (readFileSync(enumsFile, "utf8") !== renderEnums()) {
  console.error("src/generated/codebuild-enums.ts is stale: run `node scripts/gen-codebuild-enums.mjs`.");
  process.exit(1);
}

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
const common = { bundle: true, platform: "node", target: "node20", logLevel: "warning", legalComments: "none" };

await Promise.all([
  build({
    ...common,
    entryPoints: ["src/cli/main.ts"],
    outfile: "dist/cli.cjs",
    format: "cjs",
    minifySyntax: true,
    minifyWhitespace: true,
    external: ["@aws-sdk/*", "@smithy/*"],
    define: { CODY_VERSION: JSON.stringify(pkg.version) },
  }),
  build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js", format: "esm" }),
  build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.cjs", format: "cjs" }),
]);

execFileSync(
  process.execPath,
  ["node_modules/dts-bundle-generator/dist/bin/dts-bundle-generator.js", "--silent", "--no-banner", "-o", "dist/index.d.ts", "src/index.ts"],
  { stdio: "inherit" },
);
// dts-bundle-generator keeps the export list at the end; nothing else to patch.
writeFileSync("dist/.built", `${new Date(0).toISOString()}\n`);
