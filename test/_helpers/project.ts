// Temporary `.cody/` projects for unit tests of the pure core: write files into a fresh temp dir,
// load (and resolve) them with loadProject and synthesize the template, with no CLI and no machine environment.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadProject, type LoadOptions } from "../../src/config/load-project";
import type { ResolvedProject } from "../../src/config/resolve";
import { isConfigError, type ConfigError } from "../../src/errors";
import { synthesize, type SynthResult, type Template } from "../../src/synth/template";

/** Relative path → file text, e.g. `{ ".cody/project.ts": "...", ".cody/buildspec.yml": "..." }`. */
export type ProjectFiles = Record<string, string>;

/** Loader options without `cwd`; `environment` defaults to `{}` so no test reads the machine's env. */
export type TestLoadOptions = Partial<Omit<LoadOptions, "cwd">>;

/** The folder name every test project lives in, so the inferred project name is known: "demo". */
export const DEFAULT_FOLDER = "demo";

/** A buildspec file that passes cody's checks. */
export const BUILDSPEC_YML = "version: 0.2\nphases:\n  build:\n    commands:\n      - npm test\n";

const created: string[] = [];

/**
 * Writes `files` under `<fresh temp dir>/<folder>` and returns that path (the repository root).
 * The folder name becomes the inferred project name.
 */
export function writeProject(files: ProjectFiles, options: { folder?: string } = {}): string {
  const base = mkdtempSync(join(tmpdir(), "cody-test-"));
  created.push(base);
  // A repository boundary above the project: cody's search for .cody/ stops here, never reaching /tmp.
  mkdirSync(join(base, ".git"));
  const root = join(base, options.folder ?? DEFAULT_FOLDER);
  mkdirSync(root, { recursive: true });
  for (const [path, text] of Object.entries(files)) writeFile(root, path, text);
  return root;
}

/** Writes (or overwrites) one file of a project, creating its folders. */
export function writeFile(root: string, path: string, text: string): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Deletes every project written so far; call it from `afterAll`. */
export function removeProjects(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * `.cody/project.ts` text exporting `defineProject(<expression>)`. The expression is TypeScript
 * source (an object literal or a function), so fixtures can call `ssm()` and `secret()`.
 */
export function projectTs(expression: string): string {
  return `import { defineProject, ssm, secret } from "codybuild";\n\nexport default defineProject(${expression});\n`;
}

/** A GitHub project with a buildspec file: the smallest valid project, plus `extra` keys (TypeScript source). */
export function minimalProject(extra = "", files: ProjectFiles = {}): ProjectFiles {
  return {
    ".cody/project.ts": projectTs(`{\n  githubUrl: "https://github.com/acme/api",\n  ${extra}\n}`),
    ".cody/buildspec.yml": BUILDSPEC_YML,
    ...files,
  };
}

/** The files of a typed project `.cody/<type>/` (a GitHub project with its buildspec), for repositories with several. */
export function typedProject(type: string): ProjectFiles {
  return {
    [`.cody/${type}/project.ts`]: projectTs(`{ githubUrl: "https://github.com/acme/${type}" }`),
    [`.cody/${type}/buildspec.yml`]: BUILDSPEC_YML,
  };
}

/** Loads a project from a directory with a clean environment (overridable through `options`). */
export function loadAt(root: string, options: TestLoadOptions = {}): Promise<ResolvedProject> {
  return loadProject({ environment: {}, ...options, cwd: root });
}

export interface SynthOutcome extends SynthResult {
  root: string;
  loaded: ResolvedProject;
}

/** Writes the project, loads and synthesizes it; everything a test may want to look at. */
export async function synthResultFor(files: ProjectFiles, options: TestLoadOptions = {}): Promise<SynthOutcome> {
  const root = writeProject(files);
  const loaded = await loadAt(root, options);
  return { ...synthesize(loaded), root, loaded };
}

/** Writes the project, loads and synthesizes it, and returns the template object. */
export async function synthFor(files: ProjectFiles, options: TestLoadOptions = {}): Promise<Template> {
  return (await synthResultFor(files, options)).template;
}

/** A resource's `Properties`, typed loosely for assertions. */
export function propertiesOf(template: Template, logicalId: string): Record<string, unknown> {
  const resource = template.Resources[logicalId];
  if (!resource) throw new Error(`no ${logicalId} in the template; resources: ${Object.keys(template.Resources).join(", ")}`);
  return resource.Properties as Record<string, unknown>;
}

/** The statements of the generated role's inline policy (empty when it has none). */
export function roleStatements(template: Template, logicalId = "IamRole"): Array<Record<string, unknown>> {
  const policies = propertiesOf(template, logicalId).Policies as
    | Array<{ PolicyDocument: { Statement: Array<Record<string, unknown>> } }>
    | undefined;
  return policies?.flatMap((p) => p.PolicyDocument.Statement) ?? [];
}

/** Awaits `promise` and returns the error it rejects with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error("expected a rejection, but the promise resolved");
}

/** Calls `fn` and returns the ConfigError it throws; fails when it returns or throws anything else. */
export function configErrorFrom(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error("expected a ConfigError, but nothing was thrown");
}

/** Awaits `promise` and returns the ConfigError it rejects with; fails on success or on any other error. */
export async function configErrorOf(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await rejectionOf(promise);
  if (!isConfigError(error)) throw new Error(`expected a ConfigError, got ${error.name}: ${error.message}`);
  return error;
}
