// `cody list`'s engine: every project with its latest build, without cody's N+1 calls (it made two
// calls per project). The calls, for P projects of which B have builds:
//   ceil(P/100) ListProjects
// + ListBuilds pages (100 ids each, newest first, account-wide) until every project has been seen or
//   the list ends, at most MAX_LIST_BUILDS_PAGES
// + ceil(B/100) BatchGetBuilds
// + one ListBuildsForProject only for a project whose latest build is older than the newest
//   MAX_LIST_BUILDS_PAGES * 100 builds of the account (none in most accounts).
// 250 projects, each built recently: 3 + 3 + 3 calls, where cody made 500.
import type { Build } from "@aws-sdk/client-codebuild";
import type { CodeBuildApi } from "../aws/clients";
import { CodyError } from "../errors";
import { colors, type Reporter } from "../io/reporter";
import { buildFinished } from "./build";
import { formatDuration, formatTime, paintStatus, secondsBetween } from "./format";

export const LIST_FORMATS = ["table", "json", "csv", "markdown", "tab", "space"] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];
export const SORT_KEYS = ["name", "status", "time"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const BUILD_STATUSES = ["IN_PROGRESS", "FAILED", "FAULT", "TIMED_OUT", "STOPPED", "SUCCEEDED"] as const;
/** `--status none`: projects that have never been built. */
export const NO_BUILDS = "none";

export const MAX_LIST_BUILDS_PAGES = 20;
const BATCH = 100;
/** BatchGetBuilds calls in flight at once: a small pool, well inside CodeBuild's request rate. */
export const BATCH_CONCURRENCY = 4;
/** Concurrent ListBuildsForProject calls for the rare projects ListBuilds did not reach. */
const FALLBACK_CONCURRENCY = 4;

export interface ProjectRow {
  name: string;
  /** The latest build's status; null when the project has no builds. */
  status: string | null;
  buildId: string | null;
  started?: Date;
  ended?: Date;
  durationSeconds?: number;
}

export interface ListFilters {
  /** Regular expression on project names (unanchored). */
  select?: RegExp;
  /** A build status, or NO_BUILDS. */
  status?: string;
}

/** `--select` and `--status`, checked before any AWS call. */
export function parseFilters(options: { select?: string; status?: string }): ListFilters {
  const filters: ListFilters = {};
  if (options.select !== undefined) {
    try {
      filters.select = new RegExp(options.select);
    } catch (error) {
      throw new CodyError(`--select "${options.select}" is not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, "")}.`, {
        hint: "Use a JavaScript regular expression, e.g. --select '^api-' or --select 'deploy$'; quote it for the shell.",
      });
    }
  }
  if (options.status !== undefined) {
    const status = options.status.trim().toUpperCase().replace(/[- ]/g, "_");
    if (status === "NONE" || status === "NO_BUILDS") filters.status = NO_BUILDS;
    else if ((BUILD_STATUSES as readonly string[]).includes(status)) filters.status = status;
    else {
      throw new CodyError(`--status "${options.status}" is not a build status.`, {
        hint: `Use one of ${BUILD_STATUSES.join(", ")}, or "none" for projects without builds.`,
      });
    }
  }
  return filters;
}

/** Every project (matching `select`) with its latest build. */
export async function collectRows(codebuild: CodeBuildApi, filters: ListFilters, now: Date, maxPages = MAX_LIST_BUILDS_PAGES): Promise<ProjectRow[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await codebuild.listProjects({ sortBy: "NAME", sortOrder: "ASCENDING", ...(token ? { nextToken: token } : {}) });
    names.push(...(page.projects ?? []));
    token = page.nextToken;
  } while (token);
  const wanted = names.filter((n) => !filters.select || filters.select.test(n));
  if (wanted.length === 0) return [];

  // Latest build per project from the account-wide list, newest first. Ids are `<project>:<uuid>`
  // and project names cannot contain ":".
  const latest = new Map<string, string>();
  const pending = new Set(wanted);
  let pages = 0;
  let exhausted = false;
  token = undefined;
  while (pending.size > 0 && pages < maxPages) {
    const page = await codebuild.listBuilds({ sortOrder: "DESCENDING", ...(token ? { nextToken: token } : {}) });
    pages++;
    for (const id of page.ids ?? []) {
      const project = id.slice(0, id.indexOf(":"));
      if (pending.delete(project)) latest.set(project, id);
    }
    token = page.nextToken;
    if (!token) {
      exhausted = true;
      break;
    }
  }
  // Builds older than what was paged through: ask those projects alone (bounded, usually none).
  if (!exhausted && pending.size > 0) {
    const rest = [...pending];
    for (let i = 0; i < rest.length; i += FALLBACK_CONCURRENCY) {
      await Promise.all(
        rest.slice(i, i + FALLBACK_CONCURRENCY).map(async (project) => {
          const out = await codebuild.listBuildsForProject({ projectName: project, sortOrder: "DESCENDING" });
          if (out.ids?.[0]) latest.set(project, out.ids[0]);
        }),
      );
    }
  }

  // The batches are independent reads: a few at a time (they were a chain, most of a long list's time).
  const ids = [...latest.values()];
  const batches = Array.from({ length: Math.ceil(ids.length / BATCH) }, (_, i) => ids.slice(i * BATCH, (i + 1) * BATCH));
  const answers = await inPool(batches, BATCH_CONCURRENCY, (batch) => codebuild.batchGetBuilds({ ids: batch }));
  const builds = new Map<string, Build>();
  for (const out of answers) for (const build of out.builds ?? []) if (build.id) builds.set(build.id, build);

  return wanted.map((name) => {
    const id = latest.get(name);
    const build = id ? builds.get(id) : undefined;
    if (!id || !build) return { name, status: null, buildId: null };
    const running = !buildFinished(build) && !build.endTime;
    return {
      name,
      status: build.buildStatus ?? "UNKNOWN",
      buildId: id,
      ...(build.startTime ? { started: build.startTime } : {}),
      ...(build.endTime ? { ended: build.endTime } : {}),
      ...(build.startTime ? { durationSeconds: secondsBetween(build.startTime, running ? undefined : build.endTime, now) } : {}),
    };
  });
}

/**
 * `work` on every item, at most `limit` at a time, the results in the items' order. After a failure no
 * new item is started, and the first error is thrown.
 */
export async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function filterRows(rows: ProjectRow[], filters: ListFilters): ProjectRow[] {
  if (!filters.status) return rows;
  return rows.filter((r) => (filters.status === NO_BUILDS ? r.status === null : r.status === filters.status));
}

const byName = (a: ProjectRow, b: ProjectRow) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
/** Most urgent first: running, then failures, stopped, succeeded; unknown statuses after; no builds last. */
const STATUS_RANK: Record<string, number> = { IN_PROGRESS: 0, FAILED: 1, FAULT: 2, TIMED_OUT: 3, STOPPED: 4, SUCCEEDED: 5 };
const rank = (r: ProjectRow) => (r.status === null ? 99 : (STATUS_RANK[r.status] ?? 50));
/** Latest activity: a running build (no end time yet) is as recent as it gets. */
const activity = (r: ProjectRow) => (r.ended ? r.ended.getTime() : r.status === "IN_PROGRESS" || (r.started && r.status !== null) ? Infinity : -Infinity);

/** Sorts without mixing types (cody crashed on nil end times); ties go by name, so output is stable. */
export function sortRows(rows: ProjectRow[], sortBy: SortKey): ProjectRow[] {
  const sorted = [...rows];
  if (sortBy === "name") return sorted.sort(byName);
  if (sortBy === "status") return sorted.sort((a, b) => rank(a) - rank(b) || byName(a, b));
  return sorted.sort((a, b) => {
    if ((a.status === null) !== (b.status === null)) return a.status === null ? 1 : -1;
    const x = activity(a);
    const y = activity(b);
    if (x !== y) return x > y ? -1 : 1; // Infinity - Infinity is NaN: compare, don't subtract
    return byName(a, b);
  });
}

/** The columns of the json, csv, tab and space formats, in order: docs/json.md's names. */
const RECORD_KEYS = ["project", "status", "buildId", "startTime", "endTime", "durationSeconds"] as const;

/** The `--format json` and csv record; keys and their order are stable. */
export function rowRecord(row: ProjectRow): {
  project: string;
  status: string | null;
  buildId: string | null;
  startTime: string | null;
  endTime: string | null;
  durationSeconds: number | null;
} {
  return {
    project: row.name,
    status: row.status,
    buildId: row.buildId,
    startTime: row.started?.toISOString() ?? null,
    endTime: row.ended?.toISOString() ?? null,
    durationSeconds: row.durationSeconds ?? null,
  };
}

const HEADERS = ["Name", "Status", "Started", "Duration"];

function displayCells(row: ProjectRow): string[] {
  return [row.name, row.status ?? "no builds", formatTime(row.started), formatDuration(row.durationSeconds)];
}

/** RFC 4180: quote a field holding a comma, quote or line break, doubling quotes. */
export function csvField(value: string | number | null): string {
  const text = value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function markdownCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** The output for stdout; an empty table or markdown list is left to the caller to explain. */
export function renderRows(rows: ProjectRow[], format: ListFormat, reporter: Pick<Reporter, "color">): string {
  if (format === "json") return JSON.stringify(rows.map(rowRecord), null, 2);
  if (format === "csv") {
    const records = rows.map(rowRecord);
    const keys = RECORD_KEYS;
    return [keys.join(","), ...records.map((r) => keys.map((k) => csvField(r[k])).join(","))].join("\n");
  }
  if (format === "tab" || format === "space") {
    // Ruby cody's formats for `cut` and `awk`: the csv record, one line each, after a header line.
    // A space-separated field cannot be empty, so a missing value is "-"; no value holds a space or tab.
    const keys = RECORD_KEYS;
    const sep = format === "tab" ? "\t" : " ";
    const field = (v: string | number | null) => (v === null ? (format === "space" ? "-" : "") : String(v));
    return [keys.join(sep), ...rows.map(rowRecord).map((r) => keys.map((k) => field(r[k])).join(sep))].join("\n");
  }
  const cells = rows.map(displayCells);
  if (format === "markdown") {
    return [
      `| ${HEADERS.join(" | ")} |`,
      `| ${HEADERS.map(() => "---").join(" | ")} |`,
      ...cells.map((c) => `| ${c.map(markdownCell).join(" | ")} |`),
    ].join("\n");
  }
  const c = colors(reporter);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[], paint: (text: string, i: number) => string) =>
    values.map((v, i) => paint(i === values.length - 1 ? v : v.padEnd(widths[i]!), i)).join("  ").trimEnd();
  return [
    line(HEADERS, (t) => c.bold(t)),
    ...cells.map((values, r) =>
      // Pad first, then colour: escape codes must not count towards the width.
      line(values, (t, i) => (i === 1 && rows[r]!.status !== null ? paintStatus(reporter, rows[r]!.status!, t) : i === 1 ? c.dim(t) : t)),
    ),
  ].join("\n");
}
