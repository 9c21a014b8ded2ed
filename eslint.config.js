import js from "@eslint/js";
import tseslint from "typescript-eslint";
import layers from "./scripts/eslint-layers.mjs";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "examples/**/.cody/codybuild.d.ts", "test/fixtures/**/codybuild.d.ts",
    // Deliberately broken DSL files (syntax errors, wrong exports): the error corpus.
    "test/fixtures/errors/**",
    // Written by scripts/gen-*.mjs from the SDK and iam-data (the build fails when they are stale): data, not code.
    "src/generated/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // No rule here reads JSDoc, so the parser skips it.
    languageOptions: { parserOptions: { jsDocParsingMode: "none" }, globals: { process: "readonly", console: "readonly", __dirname: "readonly", Buffer: "readonly", URL: "readonly" } },
  },
  {
    // Terminal output belongs to the reporter (src/io/reporter.ts carries its own exemption).
    files: ["src/**/*.ts"],
    rules: { "no-console": "error" },
  },
  {
    // Imports point down the layers and folders form no cycle: scripts/layers.mjs, docs/architecture.md#layers.
    files: ["src/**/*.ts"],
    plugins: { cody: layers },
    rules: { "cody/layers": "error" },
  },
  {
    rules: { "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }] },
  },
  {
    files: ["bin/**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
