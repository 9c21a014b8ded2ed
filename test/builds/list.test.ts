// `cody list`: the rows (latest build per project without N+1 calls), their sorting with running and
// never-built projects, the filters, and each format's exact output. CodeBuild is a scripted fake
// account behind the real client (aws-sdk-client-mock), so call counts are the real ones.
import {
  BatchGetBuildsCommand,
  CodeBuildClient,
  ListBuildsCommand,
  ListBuildsForProjectCommand,
  ListProjectsCommand,
  type Build,
} from "@aws-sdk/client-codebuild";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createCodeBuild } from "../../src/aws/clients";
import { collectRows, csvField, inPool, parseFilters, renderRows, sortRows, type ProjectRow } from "../../src/builds/list-builds";
import { listCommand, type ListOptions } from "../../src/cli/commands/list";
import { isCodyError } from "../../src/errors";
import { recordingReporter } from "../_helpers/test-io";

const cb = mockClient(CodeBuildClient);
const NOW = new Date("2024-05-01T11:02:00Z");
const t = (hhmmss: string) => new Date(`2024-05-01T${hhmmss}Z`);

interface FakeBuild {
  project: string;
  uuid: string;
  status: Build["buildStatus"];
  start: Date;
  end?: Date;
}

/**
 * A CodeBuild account: ListProjects (100 a page), ListBuilds (account-wide, newest first, 100 a page),
 * ListBuildsForProject, BatchGetBuilds (at most 100 ids, as AWS enforces).
 */
function account(projects: string[], builds: FakeBuild[]): void {
  const newestFirst = [...builds].sort((a, b) => b.start.getTime() - a.start.getTime());
  const id = (b: FakeBuild) => `${b.project}:${b.uuid}`;
  const page = <T>(items: T[], token: string | undefined) => {
    const from = token ? Number(token) : 0;
    const next = from + 100 < items.length ? String(from + 100) : undefined;
    return { items: items.slice(from, from + 100), next };
  };
  cb.on(ListProjectsCommand).callsFake((input: { nextToken?: string }) => {
    const p = page([...projects].sort(), input.nextToken);
    return { projects: p.items, nextToken: p.next };
  });
  cb.on(ListBuildsCommand).callsFake((input: { nextToken?: string; sortOrder?: string }) => {
    expect(input.sortOrder).toBe("DESCENDING");
    const p = page(newestFirst.map(id), input.nextToken);
    return { ids: p.items, nextToken: p.next };
  });
  cb.on(ListBuildsForProjectCommand).callsFake((input: { projectName: string }) => ({
    ids: newestFirst.filter((b) => b.project === input.projectName).map(id),
  }));
  cb.on(BatchGetBuildsCommand).callsFake((input: { ids: string[] }) => {
    if (input.ids.length > 100) throw new Error("BatchGetBuilds takes at most 100 ids");
    const found = newestFirst.filter((b) => input.ids.includes(id(b)));
    return {
      builds: found.map((b) => ({
        id: id(b),
        projectName: b.project,
        buildStatus: b.status,
        buildComplete: b.status !== "IN_PROGRESS",
        startTime: b.start,
        ...(b.end ? { endTime: b.end } : {}),
      })),
      buildsNotFound: input.ids.filter((i) => !found.some((b) => id(b) === i)),
    };
  });
}

/** Four projects: a success, a failure, one never built, one running since before the others ended. */
function smallAccount(): void {
  account(
    ["web", "api", "docs", "batch"],
    [
      { project: "api", uuid: "a1", status: "FAILED", start: t("07:00:00"), end: t("07:00:10") },
      { project: "api", uuid: "a2", status: "SUCCEEDED", start: t("10:00:00"), end: t("10:01:05") },
      { project: "batch", uuid: "b1", status: "FAILED", start: t("09:00:00"), end: t("09:00:30") },
      { project: "web", uuid: "w1", status: "IN_PROGRESS", start: t("08:00:00") },
    ],
  );
}

const callCounts = () => ({
  ListProjects: cb.commandCalls(ListProjectsCommand).length,
  ListBuilds: cb.commandCalls(ListBuildsCommand).length,
  ListBuildsForProject: cb.commandCalls(ListBuildsForProjectCommand).length,
  BatchGetBuilds: cb.commandCalls(BatchGetBuildsCommand).length,
});

async function list(options: Omit<ListOptions, "region">) {
  const rec = recordingReporter();
  await listCommand({ region: "us-east-1", ...options }, rec.reporter, { now: () => NOW });
  return rec;
}

beforeEach(() => {
  cb.reset();
});

describe("collectRows", () => {
  it("250 projects: 3 ListProjects + 3 ListBuilds + 3 BatchGetBuilds calls, no call per project", async () => {
    const names = Array.from({ length: 250 }, (_, i) => `p${String(i).padStart(3, "0")}`);
    const builds: FakeBuild[] = names.flatMap((project, i) => [
      // Each project's newest build is newer than every project's older builds.
      { project, uuid: "new", status: "SUCCEEDED" as const, start: new Date(NOW.getTime() - (i + 1) * 1000), end: NOW },
      { project, uuid: "old", status: "FAILED" as const, start: new Date(NOW.getTime() - 86_400_000 - i * 1000), end: NOW },
    ]);
    account(names, builds);
    const codebuild = await createCodeBuild({ region: "us-east-1" });
    const rows = await collectRows(codebuild, {}, NOW);
    expect(rows).toHaveLength(250);
    expect(rows.every((r) => r.buildId === `${r.name}:new` && r.status === "SUCCEEDED")).toBe(true);
    expect(callCounts()).toEqual({ ListProjects: 3, ListBuilds: 3, ListBuildsForProject: 0, BatchGetBuilds: 3 });
    // Stops paging ListBuilds once every project was seen: 500 builds exist, 300 ids were read.
    expect(cb.commandCalls(BatchGetBuildsCommand).map((c) => c.args[0].input.ids?.length)).toEqual([100, 100, 50]);
  });

  it("pages ListBuilds to its end when some projects were never built, then calls those 'no builds'", async () => {
    const names = Array.from({ length: 150 }, (_, i) => `p${String(i).padStart(3, "0")}`);
    const built = names.slice(0, 120);
    account(
      names,
      built.map((project, i) => ({ project, uuid: "1", status: "SUCCEEDED" as const, start: new Date(NOW.getTime() - i * 1000), end: NOW })),
    );
    const rows = await collectRows(await createCodeBuild({ region: "us-east-1" }), {}, NOW);
    expect(rows.filter((r) => r.status === null).map((r) => r.name)).toEqual(names.slice(120));
    expect(callCounts()).toEqual({ ListProjects: 2, ListBuilds: 2, ListBuildsForProject: 0, BatchGetBuilds: 2 });
  });

  it("bounds ListBuilds paging; only projects not seen by then get their own ListBuildsForProject", async () => {
    // "quiet" last built long ago, behind 350 newer builds of "busy".
    const busy: FakeBuild[] = Array.from({ length: 350 }, (_, i) => ({ project: "busy", uuid: String(i), status: "SUCCEEDED", start: new Date(NOW.getTime() - i * 1000), end: NOW }));
    account(["busy", "quiet"], [...busy, { project: "quiet", uuid: "q", status: "FAILED", start: t("00:00:00"), end: t("00:01:00") }]);
    const rows = await collectRows(await createCodeBuild({ region: "us-east-1" }), {}, NOW, 2);
    expect(rows.map((r) => [r.name, r.status, r.buildId])).toEqual([
      ["busy", "SUCCEEDED", "busy:0"],
      ["quiet", "FAILED", "quiet:q"],
    ]);
    expect(callCounts()).toEqual({ ListProjects: 1, ListBuilds: 2, ListBuildsForProject: 1, BatchGetBuilds: 1 });
    expect(cb.commandCalls(ListBuildsForProjectCommand)[0]!.args[0].input.projectName).toBe("quiet");
  });

  it("--select filters names before any build is fetched", async () => {
    smallAccount();
    const rows = await collectRows(await createCodeBuild({ region: "us-east-1" }), parseFilters({ select: "^(api|web)$" }), NOW);
    expect(rows.map((r) => r.name)).toEqual(["api", "web"]);
    expect(cb.commandCalls(BatchGetBuildsCommand)[0]!.args[0].input.ids).toEqual(["api:a2", "web:w1"]);
  });

  it("900 projects: the 9 BatchGetBuilds batches overlap, at most 4 at a time, and the rows keep their order", async () => {
    // GIVEN 900 built projects, and a BatchGetBuilds that answers after a delay that differs per batch
    const names = Array.from({ length: 900 }, (_, i) => `p${String(i).padStart(3, "0")}`);
    account(
      names,
      names.map((project, i) => ({ project, uuid: "1", status: i % 3 ? ("SUCCEEDED" as const) : ("FAILED" as const), start: new Date(NOW.getTime() - (i + 1) * 1000), end: NOW })),
    );
    const codebuild = await createCodeBuild({ region: "us-east-1" });
    const send = codebuild.batchGetBuilds.bind(codebuild);
    let inFlight = 0;
    let most = 0;
    let batches = 0;
    const finished: number[] = [];
    codebuild.batchGetBuilds = async (input) => {
      // The batch's index as it starts (the mock's call count is still 0 for the first four, which start
      // together before any reaches it: equal delays then, and on a loaded machine an in-order finish).
      const n = batches++;
      inFlight++;
      most = Math.max(most, inFlight);
      // later batches answer sooner: the answers arrive out of order
      await new Promise((resolve) => setTimeout(resolve, 40 - (n % 4) * 10));
      const out = await send(input);
      inFlight--;
      finished.push(n);
      return out;
    };
    // WHEN the rows are collected
    const rows = await collectRows(codebuild, {}, NOW);
    // THEN the batches ran in parallel, never more than the pool at once, and answered out of order
    expect(cb.commandCalls(BatchGetBuildsCommand)).toHaveLength(9);
    expect(most).toBe(4);
    expect(finished).not.toEqual([...finished].sort((a, b) => a - b));
    // AND every row is there, in ListProjects' order, each with its own build
    expect(rows.map((r) => r.name)).toEqual(names);
    expect(rows.every((r, i) => r.buildId === `${r.name}:1` && r.status === (i % 3 ? "SUCCEEDED" : "FAILED"))).toBe(true);
  });

  it("inPool: results in the items' order, at most `limit` running, and no new item after a failure", async () => {
    const started: number[] = [];
    const out = await inPool([30, 10, 20, 0, 5], 2, async (ms) => {
      started.push(ms);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return ms * 2;
    });
    expect(out).toEqual([60, 20, 40, 0, 10]);
    expect(started).toEqual([30, 10, 20, 0, 5]);
    const tried: number[] = [];
    await expect(
      inPool([1, 2, 3, 4, 5, 6], 2, async (n) => {
        tried.push(n);
        if (n === 2) throw new Error("boom");
        await new Promise((resolve) => setTimeout(resolve, 5));
        return n;
      }),
    ).rejects.toThrow("boom");
    expect(tried).toEqual([1, 2]);
  });

  it("no project at all: one ListProjects call and nothing else", async () => {
    account([], []);
    await expect(collectRows(await createCodeBuild({ region: "us-east-1" }), {}, NOW)).resolves.toEqual([]);
    expect(callCounts()).toEqual({ ListProjects: 1, ListBuilds: 0, ListBuildsForProject: 0, BatchGetBuilds: 0 });
  });
});

describe("sortRows", () => {
  const rows: ProjectRow[] = [
    { name: "docs", status: null, buildId: null },
    { name: "api", status: "SUCCEEDED", buildId: "api:2", started: t("10:00:00"), ended: t("10:01:05"), durationSeconds: 65 },
    { name: "web", status: "IN_PROGRESS", buildId: "web:1", started: t("08:00:00"), durationSeconds: 10_920 },
    { name: "batch", status: "FAILED", buildId: "batch:1", started: t("09:00:00"), ended: t("09:00:30"), durationSeconds: 30 },
    { name: "auth", status: null, buildId: null },
  ];
  const names = (sorted: ProjectRow[]) => sorted.map((r) => r.name);

  it("name: alphabetical", () => {
    expect(names(sortRows(rows, "name"))).toEqual(["api", "auth", "batch", "docs", "web"]);
  });

  it("time: a running build (no end time) counts as newest; never-built projects last, by name", () => {
    expect(names(sortRows(rows, "time"))).toEqual(["web", "api", "batch", "auth", "docs"]);
  });

  it("status: running, failures, successes, then no builds", () => {
    expect(names(sortRows(rows, "status"))).toEqual(["web", "batch", "api", "auth", "docs"]);
  });

  it("does not change its input", () => {
    sortRows(rows, "time");
    expect(rows[0]!.name).toBe("docs");
  });
});

describe("cody list output", () => {
  it("table (default): columns Name, Status, Started, Duration; 'no builds' for a project never built", async () => {
    smallAccount();
    const { out } = await list({});
    expect(out.join("\n")).toBe(
      [
        "Name   Status       Started                  Duration",
        "api    SUCCEEDED    2024-05-01 10:00:00 UTC  1m 5s",
        "batch  FAILED       2024-05-01 09:00:00 UTC  30s",
        "docs   no builds",
        "web    IN_PROGRESS  2024-05-01 08:00:00 UTC  3h 2m 0s",
      ].join("\n"),
    );
  });

  it("json: stable keys, ISO times, null for a project without builds", async () => {
    smallAccount();
    const { out } = await list({ format: "json", sortBy: "time" });
    expect(out.join("\n")).toBe(
      JSON.stringify(
        [
          { project: "web", status: "IN_PROGRESS", buildId: "web:w1", startTime: "2024-05-01T08:00:00.000Z", endTime: null, durationSeconds: 10920 },
          { project: "api", status: "SUCCEEDED", buildId: "api:a2", startTime: "2024-05-01T10:00:00.000Z", endTime: "2024-05-01T10:01:05.000Z", durationSeconds: 65 },
          { project: "batch", status: "FAILED", buildId: "batch:b1", startTime: "2024-05-01T09:00:00.000Z", endTime: "2024-05-01T09:00:30.000Z", durationSeconds: 30 },
          { project: "docs", status: null, buildId: null, startTime: null, endTime: null, durationSeconds: null },
        ],
        null,
        2,
      ),
    );
  });

  it("csv: a header and one line per project, empty cells for missing values", async () => {
    smallAccount();
    const { out } = await list({ format: "csv", sortBy: "status" });
    expect(out.join("\n")).toBe(
      [
        "project,status,buildId,startTime,endTime,durationSeconds",
        "web,IN_PROGRESS,web:w1,2024-05-01T08:00:00.000Z,,10920",
        "batch,FAILED,batch:b1,2024-05-01T09:00:00.000Z,2024-05-01T09:00:30.000Z,30",
        "api,SUCCEEDED,api:a2,2024-05-01T10:00:00.000Z,2024-05-01T10:01:05.000Z,65",
        "docs,,,,,",
      ].join("\n"),
    );
  });

  it("tab and space (Ruby cody's formats): a header and one line per project; space writes - for a missing value", async () => {
    smallAccount();
    const tab = await list({ format: "tab", select: "^(api|docs)$" });
    expect(tab.out.join("\n")).toBe(
      [
        "project\tstatus\tbuildId\tstartTime\tendTime\tdurationSeconds",
        "api\tSUCCEEDED\tapi:a2\t2024-05-01T10:00:00.000Z\t2024-05-01T10:01:05.000Z\t65",
        "docs\t\t\t\t\t",
      ].join("\n"),
    );
    cb.reset();
    smallAccount();
    const space = await list({ format: "space", select: "^(api|docs)$" });
    expect(space.out.join("\n")).toBe(
      ["project status buildId startTime endTime durationSeconds", "api SUCCEEDED api:a2 2024-05-01T10:00:00.000Z 2024-05-01T10:01:05.000Z 65", "docs - - - - -"].join("\n"),
    );
  });

  it("--json is --format json; with another --format it is refused before any AWS call", async () => {
    smallAccount();
    const viaFlag = await list({ json: true, sortBy: "name" });
    cb.reset();
    smallAccount();
    const viaFormat = await list({ format: "json", sortBy: "name" });
    expect(viaFlag.out).toEqual(viaFormat.out);
    cb.reset();
    const error: unknown = await list({ json: true, format: "csv" }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("--json and --format csv ask for two formats.");
    expect(cb.calls()).toHaveLength(0);
  });

  it("csv fields are quoted per RFC 4180", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField(null)).toBe("");
    expect(csvField(30)).toBe("30");
  });

  it("markdown: a GitHub table", async () => {
    smallAccount();
    const { out } = await list({ format: "markdown", select: "^(api|docs)$" });
    expect(out.join("\n")).toBe(
      [
        "| Name | Status | Started | Duration |",
        "| --- | --- | --- | --- |",
        "| api | SUCCEEDED | 2024-05-01 10:00:00 UTC | 1m 5s |",
        "| docs | no builds |  |  |",
      ].join("\n"),
    );
  });

  it("markdown escapes pipes in cells", () => {
    const md = renderRows([{ name: "a|b", status: null, buildId: null }], "markdown", { color: false });
    expect(md.split("\n")[2]).toBe("| a\\|b | no builds |  |  |");
  });

  it("--status keeps only projects whose latest build has it (case-insensitive); 'none' keeps never-built ones", async () => {
    smallAccount();
    expect((await list({ format: "csv", status: "failed" })).out.join("\n").split("\n").slice(1).map((l) => l.split(",")[0])).toEqual(["batch"]);
    cb.reset();
    smallAccount();
    expect((await list({ format: "csv", status: "none" })).out.join("\n").split("\n").slice(1)).toEqual(["docs,,,,,"]);
    cb.reset();
    smallAccount();
    // api's older build FAILED, but only the latest build counts.
    expect((await list({ format: "csv", status: "in-progress" })).out.join("\n").split("\n").slice(1).map((l) => l.split(",")[0])).toEqual(["web"]);
  });

  it("nothing matches: a message on stderr for people, [] for json", async () => {
    smallAccount();
    const table = await list({ select: "^nope" });
    expect(table.out).toEqual([]);
    expect(table.lines).toEqual(["No CodeBuild projects matching the filters in us-east-1."]);
    cb.reset();
    smallAccount();
    expect((await list({ format: "json", select: "^nope" })).out).toEqual(["[]"]);
  });

  it("no region: the fix does not point at .cody/settings.ts, which cody list never reads", async () => {
    cb.on(ListProjectsCommand).rejects(new Error("Region is missing"));
    const error: unknown = await list({}).catch((e: unknown) => e);
    expect(isCodyError(error) && error.exitCode).toBe(1);
    expect((error as Error).message).toMatch(/region/i);
    const hint = isCodyError(error) ? (error.hint ?? "") : "";
    expect(hint).toContain("--region");
    expect(hint).not.toMatch(/bind|settings\.ts`? in/);
    expect(hint).toBe("Pass --region, set AWS_REGION, or set region in your AWS profile (cody list works across projects, so it reads no .cody/settings.ts).");
  });

  it("an invalid --select regex is a clear error before any AWS call", async () => {
    smallAccount();
    const error: unknown = await list({ select: "([a-z" }).catch((e: unknown) => e);
    expect(isCodyError(error) && error.exitCode).toBe(1);
    expect((error as Error).message).toMatch(/^--select "\(\[a-z" is not a valid regular expression: .+/);
    expect(cb.calls()).toHaveLength(0);
  });

  it("an unknown --status lists the valid ones, before any AWS call", async () => {
    smallAccount();
    const error: unknown = await list({ status: "broken" }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('--status "broken" is not a build status.');
    expect(isCodyError(error) ? error.hint : "").toContain("IN_PROGRESS, FAILED, FAULT, TIMED_OUT, STOPPED, SUCCEEDED");
    expect(cb.calls()).toHaveLength(0);
  });
});
