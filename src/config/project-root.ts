// Where the project is: the folder that holds `.cody/`. Every command asks this one function, so
// `cd src/lib && cody synth` works as `git` does: CODY_ROOT when set, else the current folder, else its
// parents up to the repository root (a folder with `.git`) or the filesystem root.
import { statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { configError, type ConfigError } from "../errors";

export const CODY_DIR = ".cody";

export interface RootSearch {
  /** The folder holding `.cody/`, when one was found. */
  root?: string;
  /** The folders looked in, nearest first. */
  searched: string[];
  /** Why the search stopped where it did without finding one. */
  stop: "found" | "repository root" | "filesystem root";
}

export interface RootOptions {
  /** Environment variables to read (CODY_ROOT); defaults to process.env. */
  environment?: Record<string, string | undefined>;
  /** The user's home folder, whose `.cody/` is Ruby cody's user folder, not a project. */
  home?: string;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the project root from `cwd`. A CODY_ROOT without `.cody/` is an error (it was set on purpose);
 * a search that finds nothing is not: commands that work by project name outside a project need none.
 */
export function findProjectRoot(cwd: string, options: RootOptions = {}): RootSearch {
  const environment = options.environment ?? process.env;
  const codyRoot = environment.CODY_ROOT;
  if (codyRoot) {
    const root = resolve(cwd, codyRoot);
    if (!isDir(join(root, CODY_DIR))) {
      throw configError({
        file: join(root, CODY_DIR),
        field: "CODY_ROOT",
        message: `CODY_ROOT is ${codyRoot}, but ${root} has no ${CODY_DIR}/ folder.`,
        fix: `Set CODY_ROOT to the folder that holds ${CODY_DIR}/ (the repository root, not ${CODY_DIR}/ itself), or unset it to search from the current folder.`,
      });
    }
    return { root, searched: [root], stop: "found" };
  }
  const home = options.home ?? homedir();
  const searched: string[] = [];
  let dir = resolve(cwd);
  for (;;) {
    searched.push(dir);
    // ~/.cody is Ruby cody's settings and templates folder: a project there only counts from home itself.
    if (isDir(join(dir, CODY_DIR)) && (dir !== home || dir === resolve(cwd))) return { root: dir, searched, stop: "found" };
    // `.git` is a folder in a clone and a file in a worktree or submodule: either ends the repository.
    if (exists(join(dir, ".git"))) return { searched, stop: "repository root" };
    const parent = dirname(dir);
    if (parent === dir) return { searched, stop: "filesystem root" };
    dir = parent;
  }
}

/** The project root, or `cwd` itself when there is none (names then come from the folder). */
export function projectRootOr(cwd: string, options: RootOptions = {}): { root: string; found: boolean } {
  const { root } = findProjectRoot(cwd, options);
  return { root: root ?? cwd, found: root !== undefined };
}

/** The folders searched, shortened when the walk went far. */
function describeSearch(search: RootSearch): string {
  const dirs = search.searched;
  const shown = dirs.length <= 5 ? dirs.join(", ") : `${dirs.slice(0, 3).join(", ")}, … ${dirs[dirs.length - 1]}`;
  const end = search.stop === "repository root" ? " (the repository root: it has .git)" : search.stop === "filesystem root" ? " (the filesystem root)" : "";
  return `${shown}${end}`;
}

/** The error of a command that needs a project and found none, saying where cody looked. */
export function noProjectError(cwd: string, search: RootSearch): ConfigError {
  return configError({
    file: join(cwd, CODY_DIR),
    message: `no ${CODY_DIR}/ folder found. cody looked in ${describeSearch(search)}.`,
    fix: `Run cody in the repository that has ${CODY_DIR}/ (or any folder below it), set CODY_ROOT to the folder that holds it, or create one here with \`cody init\`.`,
  });
}
