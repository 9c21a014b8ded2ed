// Loads a user's `.cody/*.ts` file. Node 20 cannot run TypeScript, so a require hook strips the
// types with sucrase (pure JS, ~30 ms bundled; see bench/ and docs/architecture.md#start-up) and runs the file as
// CommonJS. `import ... from "codybuild"` always resolves to this copy of cody, so a globally
// installed `cody` works in a repository without node_modules, and the DSL matches the CLI's version.
import { existsSync, readFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { transform } from "sucrase";
import { configError, isConfigError, type ConfigError } from "../errors";
import { closest } from "../util/did-you-mean";
import { readUtf8 } from "./utf8";
import { readSource } from "./validate";
import { isPlainObject } from "../util/merge";

type ModuleInternals = {
  _extensions: Record<string, (module: { _compile(code: string, file: string): void }, file: string) => void>;
  _resolveFilename: (request: string, parent: unknown, ...rest: unknown[]) => string;
  _load: (request: string, parent: unknown, ...rest: unknown[]) => unknown;
};
const internals = Module as unknown as ModuleInternals;

let hookInstalled = false;
/** Files compiled since the last load, so they can be dropped from require's cache afterwards. */
const compiled = new Set<string>();
/** The user's files that are running right now, outermost first: an import of one of them is a cycle. */
const running: string[] = [];
/** The repository root of the load in progress ("" between loads). */
let loadRoot = "";
/** cody's own folder (set on first use), whose sources are not the user's when cody runs from a checkout. */
let ownDir = "";
/** Where `import "codybuild"` points (set with the hook): kept in require's cache between loads. */
let dslEntry = "";

/** Where `import "codybuild"` points: the built CJS entry, or the source when running from a checkout. */
export function codybuildEntry(): string {
  // __dirname: dist/ in the bundled CLI, src/config/ under vitest.
  const here = __dirname;
  let dir = here;
  for (let i = 0; i < 5; i++) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "codybuild") {
      const built = join(dir, "dist", "index.cjs");
      return existsSync(built) ? built : join(dir, "src", "index.ts");
    }
    dir = dirname(dir);
  }
  throw new Error(`cannot find the codybuild package above ${here}`);
}

function installHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  const entry = (dslEntry = codybuildEntry());
  const resolve = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, ...rest) {
    if (request === "codybuild") return entry;
    return resolve.call(this, request, parent, ...rest);
  };
  const load = internals._load;
  internals._load = function (request, parent, ...rest) {
    if (running.length > 0) checkCycle(request, parent, (r, p) => internals._resolveFilename(r, p, ...rest));
    return load.call(this, request, parent, ...rest);
  };
  internals._extensions[".ts"] = (module, file) => {
    compiled.add(file);
    // Checked before anything runs: Node would turn bytes that are not UTF-8 into U+FFFD silently.
    const source = readUtf8(file);
    whileRunning(file, () => module._compile(compileTs(source, file), file));
  };
  // Plain .js helpers of the repository take part in cycles too.
  const js = internals._extensions[".js"]!;
  internals._extensions[".js"] = function (module, file) {
    whileRunning(file, () => js.call(this, module, file));
  };
}

function whileRunning(file: string, run: () => void): void {
  const tracked = isUserFile(file, loadRoot);
  if (tracked) running.push(file);
  try {
    run();
  } finally {
    if (tracked) running.pop();
  }
}

/** A file of the user's repository (not a package, not cody's own source when cody runs from a checkout). */
function isUserFile(file: string, root: string): boolean {
  if (!root || !file.startsWith(root + sep) || file.includes(`${sep}node_modules${sep}`)) return false;
  ownDir ||= dirname(dirname(codybuildEntry()));
  return !file.startsWith(ownDir + sep) || file.includes(`${sep}.cody${sep}`);
}

/**
 * CommonJS hands a file that is still running to whoever imports it, half-defined: in a cycle
 * (project.ts → shared.ts → project.ts) shared.ts sees undefined for every export of project.ts and
 * the project is built from the wrong values without a word. So every cycle between the user's
 * files is an error. Type-only imports are erased by the compiler and never get here.
 */
function checkCycle(request: string, parent: unknown, resolveFile: (request: string, parent: unknown) => string): void {
  let target: string;
  try {
    target = resolveFile(request, parent);
  } catch {
    return; // not found: Node's own error follows, and missingModule() explains it
  }
  const start = running.indexOf(target);
  if (start < 0) return;
  const importer = (parent as { filename?: string } | null)?.filename ?? running[running.length - 1]!;
  const chain = [...running.slice(start), target].map((f) => relative(loadRoot, f));
  throw configError({
    file: importer,
    line: importLine(importer, request),
    message:
      `import cycle: ${chain.join(" → ")}. ${chain[0]} is still running when ${relative(loadRoot, importer)} imports it, ` +
      "so its exports are not set yet there (undefined) and the project would be built from missing values.",
    fix:
      `Move what both files need into a file of its own that imports neither (e.g. .cody/shared/constants.ts) and import that from each, ` +
      `or remove the import of ${chain[0]} from ${relative(loadRoot, importer)}.`,
  });
}

/** The line of `importer` that imports `request` (its first quoted mention), if it can be read. */
function importLine(importer: string, request: string): number | undefined {
  try {
    const quoted = new RegExp(`["'\`]${request.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["'\`]`);
    const index = readFileSync(importer, "utf8").split("\n").findIndex((l) => quoted.test(l));
    return index >= 0 ? index + 1 : undefined;
  } catch {
    return undefined; // not readable: no line
  }
}

/** What the built CLI keeps of earlier runs' compiles (bin/compile-cache.cjs); absent under vitest. */
interface TsCache {
  get(file: string, source: string): string | undefined;
  set(file: string, source: string, code: string): void;
}

/** Strips TypeScript to CommonJS; a syntax error becomes a ConfigError naming file, line and column. */
export function compileTs(source: string, file: string): string {
  const cache = (globalThis as Record<symbol, TsCache | undefined>)[Symbol.for("codybuild.tsCache")];
  const cached = cache?.get(file, source);
  if (cached !== undefined) return cached;
  try {
    const code = transform(source, { transforms: ["typescript", "imports"], filePath: file, production: true }).code;
    cache?.set(file, source, code);
    return code;
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    const message = String((error as Error).message).replace(/^Error transforming [^:]+: /, "");
    throw configError(
      {
        file,
        line: loc?.line,
        message: `TypeScript syntax error: ${message.replace(/ \(\d+:\d+\)$/, "")}${loc ? ` at line ${loc.line}, column ${loc.column + 1}` : ""}`,
        fix: "Correct the syntax at that position; an editor with TypeScript support shows the problem as you type.",
      },
      error,
    );
  }
}

export interface LoadedModule {
  /** The default export (or `module.exports` for a CommonJS file); undefined when the file exports nothing. */
  value: unknown;
  /** False when the file has no `export default` (nor `module.exports = ...`). */
  hasDefault: boolean;
  /** Every local TypeScript file the load compiled. */
  dependencies: string[];
}

/** Requires a TypeScript file and returns its default export. Throws ConfigError on syntax or runtime errors. */
export function loadTsFile(file: string, root: string): LoadedModule {
  installHook();
  const req = createRequire(file);
  compiled.clear();
  running.length = 0;
  loadRoot = root;
  const cachedBefore = new Set(Object.keys(req.cache));
  let exported: unknown;
  try {
    exported = req(file);
  } catch (error) {
    if (isConfigError(error)) throw error;
    throw runtimeError(error, file, root);
  } finally {
    // Forget the user's files (compiled .ts and plain .js helpers alike, not packages) so edits,
    // and other projects in the same process, are read afresh. The DSL itself (codybuild) holds no
    // state and is the same for every file: loaded once per process, not once per .cody file.
    for (const f of compiled) delete req.cache[f];
    for (const f of Object.keys(req.cache)) {
      if (!cachedBefore.has(f) && !f.includes(`${sep}node_modules${sep}`) && f !== dslEntry) delete req.cache[f];
    }
  }
  const dependencies = [...compiled];
  if (exported && typeof exported === "object" && "default" in exported) {
    return { value: (exported as { default: unknown }).default, hasDefault: true, dependencies };
  }
  // An ES module without a default export, or a script that assigned nothing to module.exports.
  const esModule = Boolean(exported && typeof exported === "object" && (exported as { __esModule?: unknown }).__esModule);
  const untouched = isPlainObject(exported) && Object.keys(exported).length === 0;
  if (esModule || untouched) return { value: undefined, hasDefault: false, dependencies };
  return { value: exported, hasDefault: true, dependencies };
}

interface Frame {
  file: string;
  line: number;
}

/** The stack frames of an error that point into `root` (the user's files), outermost last. */
function userFrames(error: Error, root: string): Frame[] {
  // cody's own files, for when cody runs from a checkout that is also the user's repository.
  const own = dirname(dirname(codybuildEntry()));
  const frames: Frame[] = [];
  for (const text of (error.stack ?? "").split("\n")) {
    const match = /^\s+at (?:.*? \()?(.+?):(\d+):\d+\)?$/.exec(text);
    if (!match) continue;
    const path = match[1]!.replace(/^file:\/\//, "");
    if (!path.startsWith(root + sep) || path.includes(`${sep}node_modules${sep}`)) continue;
    if (path.startsWith(own + sep) && !path.includes(`${sep}.cody${sep}`)) continue;
    frames.push({ file: path, line: Number(match[2]) });
  }
  return frames;
}

/**
 * An exception thrown while a DSL file (or a function it exports) ran: point at the user's line, not
 * at cody's internals. `file` is the DSL file cody was loading; the line may be in a file it imports.
 */
export function runtimeError(error: unknown, file: string, root: string): ConfigError {
  if (isConfigError(error)) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  const code = (err as { code?: string }).code;
  if (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") return missingModule(err, file, root);
  const syntax = jsonSyntaxError(err) ?? compileSyntaxError(err, file, root);
  if (syntax) return syntax;
  const frame = userFrames(err, root)[0];
  const where = frame?.file ?? file;
  const via = where !== file ? ` (imported by ${relative(root, file)})` : "";
  // A TypeError or ReferenceError is a slip in the code; a plain Error is usually a deliberate check.
  const slip = err.name !== "Error";
  return configError(
    {
      file: where,
      line: frame?.line,
      message: `running ${relative(root, where) || where}${via} failed: ${err.message}`,
      fix: slip
        ? "Fix the code at that line; DSL files run as TypeScript, and `vars` holds only what the variables files define."
        : "Fix the condition that throws at that line, or the input it checks (env, vars, --type).",
    },
    err,
  );
}

/** An imported JSON file (`import policy from "./policy.json"`) that does not parse: point at its line. */
function jsonSyntaxError(err: Error): ConfigError | undefined {
  const match = err.name === "SyntaxError" ? /^(.+\.json): (.+?)(?: at position (\d+))?(?: \(line \d+ column \d+\))?$/.exec(err.message) : null;
  if (!match || !existsSync(match[1]!)) return undefined;
  const position = match[3] === undefined ? undefined : Number(match[3]);
  const line = position === undefined ? undefined : readSource(match[1]!).slice(0, position).split("\n").length;
  return configError(
    {
      file: match[1]!,
      line,
      message: `invalid JSON: ${match[2]}.`,
      fix: "Fix the JSON at that line: keys and strings in double quotes, no trailing commas, no comments.",
    },
    err,
  );
}

/**
 * A syntax error V8 finds in code sucrase let through (sucrase strips types; it does not check regular
 * expressions, duplicate declarations, ...). V8 heads the stack with `file:line`, then the line and a
 * caret, instead of a frame. Sucrase keeps line numbers, so the line is the user's.
 */
function compileSyntaxError(err: Error, file: string, root: string): ConfigError | undefined {
  if (err.name !== "SyntaxError") return undefined;
  const head = /^(.+):(\d+)\n/.exec(err.stack ?? "");
  if (!head || !existsSync(head[1]!)) return undefined; // e.g. JSON.parse failing at run time: a frame has the line
  const where = head[1]!;
  const line = Number(head[2]);
  const via = where !== file ? ` (in a file imported by ${relative(root, file)})` : "";
  const source = readSource(where).split("\n")[line - 1] ?? "";
  // `ssm(/demo/token)`: an unquoted path reads as a regular expression.
  const unquoted = /Invalid regular expression|Unterminated regular expression/.test(err.message) ? /(\w+\()(\/[^\s,)'"`]*)\)/.exec(source) : null;
  return configError(
    {
      file: where,
      line,
      message: `syntax error: ${err.message}${via}.`,
      fix: unquoted
        ? `Quote the path: ${unquoted[1]}"${unquoted[2]}") (a /.../ outside quotes is a regular expression).`
        : /regular expression/.test(err.message)
          ? "Quote the value at that line: a /.../ outside quotes is a regular expression."
          : "Correct the syntax at that line; an editor with TypeScript support shows the problem as you type.",
    },
    err,
  );
}

/** `import "./x"` or `import "pkg"` that does not resolve: name the importing file and line. */
function missingModule(err: Error, file: string, root: string): ConfigError {
  const missing = /Cannot find module '([^']+)'/.exec(err.message)?.[1] ?? "a module";
  const stack = (err as { requireStack?: string[] }).requireStack;
  const importer = stack?.[0] && stack[0].startsWith(root + sep) ? stack[0] : file;
  const line = importLine(importer, missing);
  const local = missing.startsWith(".") || missing.startsWith("/");
  const target = local ? relative(root, resolve(dirname(importer), missing)) : missing;
  // "codybiuld", "codybuild/dsl": a slip in cody's own name, not a package to install.
  const meantCody = !local && (missing.startsWith("codybuild/") || closest(missing, ["codybuild"]) !== undefined);
  if (meantCody) {
    return configError(
      {
        file: importer,
        line,
        message: `cannot import "${missing}".${missing.startsWith("codybuild/") ? ' The DSL is the package "codybuild" itself, without a subpath.' : ' Did you mean "codybuild"?'}`,
        fix: 'Import the DSL from "codybuild", e.g. import { defineProject } from "codybuild"; cody provides it, nothing to install.',
      },
      err,
    );
  }
  return configError(
    {
      file: importer,
      line,
      message: local
        ? `cannot import "${missing}": there is no ${target}.ts (or .js, or ${target}/index.ts).`
        : `cannot import "${missing}": the package is not installed here.`,
      fix: local
        ? "Fix the path (relative to the importing file) or create the file."
        : `Install it in the repository (npm install ${missing}), or import from "codybuild" for the DSL helpers.`,
    },
    err,
  );
}
