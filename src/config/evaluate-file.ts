// Reading one DSL file: compile it, take its default export, call it when it is a function, and
// insist on an object. Shared by the project loader and the naming lookup of the build commands.
import { configError } from "../errors";
import { isPlainObject, type PlainObject } from "../util/merge";
import { loadTsFile, runtimeError, type LoadedModule } from "./load-ts";
import { describe } from "./schema";

/** Loads `file` and returns the object it defines, plus the files it read. */
export async function evaluateFile(
  file: string,
  root: string,
  helper: string,
  args: unknown[] = [],
): Promise<{ value: PlainObject; dependencies: string[] }> {
  const loaded = loadTsFile(file, root);
  return { value: await exportedObject(loaded, file, root, helper, args), dependencies: loaded.dependencies };
}

/** The object a DSL module defines: its default export, called with `args` when it is a function. */
export async function exportedObject(loaded: LoadedModule, file: string, root: string, helper: string, args: unknown[]): Promise<PlainObject> {
  const example = helper ? `export default ${helper}({ ... })` : "export default { name: value }";
  if (!loaded.hasDefault) {
    throw configError({
      file,
      message: `has no default export, so cody finds nothing in it.`,
      fix: `Export the ${helper ? "definition" : "variables"}: \`${example}\`.`,
    });
  }
  let value = loaded.value;
  const called = typeof value === "function";
  try {
    if (called) value = await (value as (...a: unknown[]) => unknown)(...args);
    else if (value instanceof Promise) value = await value; // `export default (async () => ({ ... }))()`
  } catch (error) {
    throw runtimeError(error, file, root);
  }
  if (isPlainObject(value)) return value;
  const found = value === undefined ? "nothing" : describe(value);
  if (called) {
    throw configError({
      file,
      message: `the exported function returned ${found}; it must return ${helper ? "the definition object" : "an object of variables"}.`,
      fix:
        value === undefined
          ? "Return the object: wrap it in parentheses, `() => ({ ... })`, or write `return { ... }` in the function body."
          : "Return one object: `() => ({ ... })`.",
    });
  }
  throw configError({
    file,
    message: `the default export must be an object, or a function returning one; found ${found}.`,
    fix: Array.isArray(value)
      ? `Export one object: \`${example}\`${helper === "defineProject" ? "; for several projects, use one .cody/<type>/ folder each and --type" : ""}.`
      : `Write \`${example}\`.`,
  });
}
