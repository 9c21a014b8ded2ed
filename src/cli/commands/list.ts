// `cody list`: every CodeBuild project in the region with its latest build. Needs no `.cody/`; the
// call pattern (no N+1) is documented in src/builds/list-builds.ts.
import { createCodeBuild } from "../../aws/clients";
import { resolveAws } from "../../config/naming";
import {
  collectRows,
  filterRows,
  LIST_FORMATS,
  parseFilters,
  renderRows,
  SORT_KEYS,
  sortRows,
  type ListFormat,
  type SortKey,
} from "../../builds/list-builds";
import { CodyError, isCodyError } from "../../errors";
import type { Reporter } from "../../io/reporter";

export interface ListOptions {
  format?: string;
  /** Same as --format json. */
  json?: boolean;
  sortBy?: string;
  status?: string;
  select?: string;
  region?: string;
  profile?: string;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, flag: string): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CodyError(`${flag} "${value}" is not one of ${allowed.join(", ")}.`, { hint: `Pass ${flag} ${fallback}, for example.` });
}

export async function listCommand(options: ListOptions, reporter: Reporter, deps: { now?: () => Date } = {}): Promise<void> {
  // Every input is checked before the first AWS call.
  if (options.json && options.format !== undefined && options.format !== "json") {
    throw new CodyError(`--json and --format ${options.format} ask for two formats.`, { hint: "Keep one: --json is --format json." });
  }
  const format: ListFormat = options.json ? "json" : oneOf(options.format, LIST_FORMATS, "table", "--format");
  const sortBy: SortKey = oneOf(options.sortBy, SORT_KEYS, "name", "--sort-by");
  const filters = parseFilters(options);
  // Every project in the region: the flags and the environment, not a project's settings.
  const codebuild = await createCodeBuild(resolveAws(options));
  try {
    const rows = sortRows(filterRows(await collectRows(codebuild, filters, deps.now?.() ?? new Date()), filters), sortBy);
    if (rows.length === 0 && (format === "table" || format === "markdown" || format === "tab" || format === "space")) {
      const filtered = filters.select || filters.status ? " matching the filters" : "";
      reporter.info(`No CodeBuild projects${filtered} in ${await codebuild.region()}.`);
      return;
    }
    // A table on stdout: colour follows stdout, not stderr.
    reporter.result(renderRows(rows, format, { color: reporter.outColor }));
  } catch (error) {
    throw withoutSettingsHint(error);
  }
}

/** `cody list` reads no `.cody/settings.ts`, so a missing region's fix must not point there. */
function withoutSettingsHint(error: unknown): unknown {
  if (!isCodyError(error) || !/region/i.test(error.message) || !error.hint?.includes("settings.ts")) return error;
  return new CodyError(error.message, {
    exitCode: error.exitCode,
    hint: "Pass --region, set AWS_REGION, or set region in your AWS profile (cody list works across projects, so it reads no .cody/settings.ts).",
    cause: error,
  });
}
