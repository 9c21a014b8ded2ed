// Every command's `--json` document against its schema (docs/json.md, test/_helpers/json-schemas.ts):
// the BUILT binary against the run's moto, one project taken through deploy, builds and delete, so each
// shape is the one a script really gets. The schemas are strict: an undocumented key fails here.
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { resetMoto } from "../support/moto";
import { demoProject, motoClients, removeTempDirs, requireBuiltCli, runCli, sharedMoto, type CliRun } from "../_helpers/e2e";
import {
  badgeSchema,
  deleteSchema,
  deploySchema,
  diffSchema,
  listSchema,
  logsSchema,
  preflightSchema,
  startSchema,
  statusSchema,
  stopSchema,
} from "../_helpers/json-schemas";

const { endpoint, url } = sharedMoto();
const { logs } = motoClients(url);

let dir: string;

async function json(args: string[]): Promise<unknown> {
  const run: CliRun = await runCli([...args, "--json"], { cwd: dir, endpoint: url });
  expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout) as unknown;
}

/** Parses with the schema and fails with zod's own account of what differs. */
function expectShape<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  expect(parsed.success ? [] : parsed.error.issues, JSON.stringify(value, null, 2)).toEqual([]);
  return parsed.data as z.infer<T>;
}

describe.skipIf(!endpoint)("--json documents against their schemas (built CLI, moto)", () => {
  beforeAll(async () => {
    requireBuiltCli();
    await resetMoto(url);
    dir = demoProject();
  });
  afterAll(removeTempDirs);

  it("preflight, diff, deploy (twice), start, status, stop, logs, badge, list and delete", async () => {
    expectShape(preflightSchema, await json(["preflight"]));
    expect(expectShape(diffSchema, await json(["diff"])).isNew).toBe(true);
    expect(expectShape(deploySchema, await json(["deploy", "--yes", "--skip-preflight"])).type).toBe("deployed");
    expect(expectShape(deploySchema, await json(["deploy", "--yes", "--skip-preflight"])).type).toBe("no-changes");
    expect(expectShape(diffSchema, await json(["diff"])).type).toBe("no-changes");

    const started = expectShape(startSchema, await json(["start", "--no-wait"]));
    expect(started.project).toBe("demo");
    const status = expectShape(statusSchema, await json(["status", "--build-id", started.buildId]));
    expect(status.project).toBe("demo");
    expectShape(stopSchema, await json(["stop", "--yes", "--build-id", started.buildId]));

    // moto writes no build logs: write the stream the build names, as CodeBuild would.
    const stream = started.buildId.split(":")[1]!;
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/aws/codebuild/demo" })).catch(() => undefined);
    await logs.send(new CreateLogStreamCommand({ logGroupName: "/aws/codebuild/demo", logStreamName: stream }));
    await logs.send(new PutLogEventsCommand({ logGroupName: "/aws/codebuild/demo", logStreamName: stream, logEvents: [{ timestamp: Date.now(), message: "npm test" }, { timestamp: Date.now() + 1, message: "ERROR boom" }] }));
    const read = expectShape(logsSchema, await json(["logs", "--build-id", started.buildId]));
    expect(read.lines.map((l) => l.message)).toEqual(["npm test", "ERROR boom"]);
    // --filter: CloudWatch (FilterLogEvents) applies the pattern.
    const filtered = expectShape(logsSchema, await json(["logs", "--build-id", started.buildId, "--filter", "ERROR"]));
    expect(filtered.filter).toBe("ERROR");
    expect(filtered.lines.map((l) => l.message)).toEqual(["ERROR boom"]);

    expect(expectShape(badgeSchema, await json(["badge"])).project).toBe("demo");
    expect(expectShape(listSchema, await json(["list"])).map((r) => r.project)).toContain("demo");

    expect(expectShape(deleteSchema, await json(["delete", "--noop"])).type).toBe("noop");
    expect(expectShape(deleteSchema, await json(["delete", "--yes"])).type).toBe("deleted");
    expect(expectShape(deleteSchema, await json(["delete", "--yes"])).type).toBe("missing");
  }, 120_000);
});
