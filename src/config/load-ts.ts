// Loads a user's `.cody/*.ts` file. Node 20 cannot run TypeScript, so a require hook strips the
// types with sucrase (pure JS, ~30 ms bundled; see bench/ and reference/perf.md) and runs the file as
// CommonJS. `import ... from "codybuild"` always resolves to this copy of cody, so a globally
// installed `cody` works in a repository without node_modules, and the DSL matches the CLI's version.
import { existsSync, readFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { transform } from "sucrase";
import { configError } from "../errors";

type ModuleInternals = {
  _extensions: Record<string, (module: { _compile(code: string, file: string): void }, file: string) => void>;
  _resolveFilename: (request: string, parent: unknown, ...rest: unknown[]) => string;
};
const internals = Module as unknown as ModuleInternals;

let hookInstalled = false;
/** Files compiled since the last load, so they can be dropped from require's cache afterwards. */
const compiled = new Set<string>();

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
  const entry = codybuildEntry();
  const resolve = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, ...rest) {
    if (request === "codybuild") return entry;
    return resolve.call(this, request, parent, ...rest);
  };
  internals._extensions[".ts"] = (module, file) => {
    compiled.add(file);
    const source = readFileSync(file, "utf8");
    module._compile(compileTs(source, file), file);
  };
}

/** Strips TypeScript to CommonJS; a syntax error becomes a ConfigError naming file, line and column. */
export function compileTs(source: string, file: string): string {
  try {
    return transform(source, { transforms: ["typescript", "imports"], filePath: file, production: true }).code;
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
  /** The default export (or the module itself when it has none). */
  value: unknown;
  /** Every local TypeScript file the load compiled. */
  dependencies: string[];
}

/** Requires a TypeScript file and returns its default export. Throws ConfigError on syntax or runtime errors. */
export function loadTsFile(file: string, root: string): LoadedModule {
  installHook();
  const req = createRequire(file);
  compiled.clear();
  let exported: unknown;
  try {
    exported = req(file);
  } catch (error) {
    if (error && typeof error === "object" && "issues" in error) throw error; // already a ConfigError
    throw runtimeError(error, file, root);
  } finally {
    // Forget compiled files so edits (and other projects in the same process) are read afresh.
    for (const f of compiled) delete req.cache[f];
  }
  const value =
    exported && typeof exported === "object" && "default" in exported
      ? (exported as { default: unknown }).default
      : exported;
  return { value, dependencies: [...compiled] };
}

/** An exception thrown while a DSL file ran: point at the user's line, not at cody's internals. */
function runtimeError(error: unknown, file: string, root: string) {
  const err = error instanceof Error ? error : new Error(String(error));
  const code = (err as { code?: string }).code;
  if (code === "MODULE_NOT_FOUND") {
    const missing = /Cannot find module '([^']+)'/.exec(err.message)?.[1] ?? "a module";
    return configError(
      { file, message: `cannot import ${missing}`, fix: "Check the import path; relative imports need ./ and files must exist." },
      err,
    );
  }
  const frame = (err.stack ?? "").split("\n").find((l) => l.includes(file));
  const line = frame ? Number(/:(\d+):\d+\)?$/.exec(frame)?.[1]) || undefined : undefined;
  return configError(
    {
      file,
      line,
      message: `error while running ${relative(root, file) || file}: ${err.message}`,
      fix: "Fix the code at that line; DSL files run as TypeScript with your variables in scope.",
    },
    err,
  );
}
