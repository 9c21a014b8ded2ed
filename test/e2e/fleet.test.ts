// Many stacks at once, end to end (built CLI, moto): `--all` on a repository with three types (three
// stacks, one summary, the worst exit code when one project is broken), `--regions` with two regions
// (moto serves every region on one endpoint, keeping them apart), --json against its strict schema,
// and `delete --all --yes`.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { describe, expect, it, vi } from "vitest";
import { demoProject, runCli, sharedMoto, stackStatus, withMoto } from "../_helpers/e2e";
import { fleetSchema } from "../_helpers/json-schemas";
import { onTerminal as terminal } from "../_helpers/pty";

const { endpoint, url } = sharedMoto();
vi.setConfig({ testTimeout: 180_000 });
const TYPES = ["api", "nightly", "web"];
const STACKS = TYPES.map((t) => `demo-${t}-cody`);

const cfnIn = (region: string) => new CloudFormationClient({ region, endpoint: url, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
const cody = (args: string[], dir: string) => runCli(args, { cwd: dir, endpoint: url, killAfterMs: 120_000 });

/** cody on a terminal, plain (NO_COLOR=1), answering `answer` to each question. */
const onTerminal = (args: string[], cwd: string, answer?: string) => terminal(args, { cwd, url, answer, env: { NO_COLOR: "1" } });

/** The demo repository with its project moved into three types (no untyped project). */
function threeTypes(): string {
  const dir = demoProject();
  const codyDir = join(dir, ".cody");
  for (const type of TYPES) {
    mkdirSync(join(codyDir, type));
    cpSync(join(codyDir, "project.ts"), join(codyDir, type, "project.ts"));
    cpSync(join(codyDir, "buildspec.yml"), join(codyDir, type, "buildspec.yml"));
  }
  for (const file of ["project.ts", "role.ts", "schedule.ts", "buildspec.yml"]) rmSync(join(codyDir, file), { force: true });
  return dir;
}

describe.skipIf(!endpoint)("fleet: --all, --regions, delete --all (built CLI, moto)", () => {
  withMoto(url);

  it("deploy --all: three stacks, one summary; a broken project fails alone with the worst exit code", async () => {
    const dir = threeTypes();
    const first = await cody(["deploy", "--all", "--yes", "--skip-preflight"], dir);
    expect(first.code, first.stderr).toBe(0);
    const east = cfnIn("us-east-1");
    for (const stack of STACKS) expect(await stackStatus(east, stack)).toBe("CREATE_COMPLETE");
    // One summary on stdout, a row per stack in folder order; CI lines on stderr, each prefixed.
    const rows = first.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^STACK\s+TYPE\s+REGION\s+RESULT\s+CHANGES\s+TIME$/);
    expect(rows.slice(2).map((r) => r.split(/\s+/).slice(0, 4))).toEqual(STACKS.map((s, i) => [s, TYPES[i], "us-east-1", "deployed"]));
    expect(first.stdout.match(/^STACK/gm)).toHaveLength(1);
    for (const stack of STACKS) expect(first.stderr).toContain(`[${stack}] Deployed ${stack} (CREATE_COMPLETE)`);
    expect(first.stderr.trim().split("\n").at(-1)).toBe("3 stacks: 3 deployed");

    // One project broken: it fails on its own (bad input, exit 1) while the others run.
    writeFileSync(join(dir, ".cody", "web", "project.ts"), 'import { defineProject } from "codybuild";\nexport default defineProject({ githubUrl: "https://github.com/acme/demo", computeType: "HUGE" });\n');
    const second = await cody(["deploy", "--all", "--yes", "--skip-preflight"], dir);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/\[demo-web-cody\] .*computeType/);
    expect(second.stderr).toContain("3 stacks: 2 no-changes, 1 error. Not ok: demo-web-cody.");
    expect(second.stdout).toMatch(/demo-api-cody\s+api\s+us-east-1\s+no-changes\s+0/);
    expect(second.stdout).toMatch(/demo-web-cody\s+web\s+-\s+error \(exit 1\)/);
  });

  it("--regions: the same stack in two regions at once; --json is one strict document; delete --all --yes removes both", async () => {
    const dir = demoProject();
    const run = await cody(["deploy", "--regions", "us-east-1,eu-west-1", "--yes", "--skip-preflight", "--json"], dir);
    expect(run.code, run.stderr).toBe(0);
    const parsed = fleetSchema.safeParse(JSON.parse(run.stdout));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    const doc = parsed.data!;
    expect(doc.results.map((r) => [r.stackName, r.region, r.result, r.exitCode])).toEqual([
      ["demo-cody", "us-east-1", "deployed", 0],
      ["demo-cody", "eu-west-1", "deployed", 0],
    ]);
    expect(run.stderr).toContain("[demo-cody eu-west-1] Deploying stack demo-cody (eu-west-1)");
    expect(await stackStatus(cfnIn("us-east-1"))).toBe("CREATE_COMPLETE");
    expect(await stackStatus(cfnIn("eu-west-1"))).toBe("CREATE_COMPLETE");
    // Each region's project is made for its region.
    expect(doc.results[1]!.detail).toMatchObject({ command: "deploy", region: "eu-west-1", outputs: { ProjectArn: expect.stringContaining(":eu-west-1:") } });

    const refused = await cody(["delete", "--regions", "us-east-1,eu-west-1"], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("not deleting 2 stacks: there is no terminal to confirm it.");
    expect(await stackStatus(cfnIn("eu-west-1"))).toBe("CREATE_COMPLETE");

    const deleted = await cody(["delete", "--regions", "us-east-1,eu-west-1", "--yes"], dir);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stderr.trim().split("\n").at(-1)).toBe("2 stacks: 2 deleted");
    expect(await stackStatus(cfnIn("us-east-1"))).toBeUndefined();
    expect(await stackStatus(cfnIn("eu-west-1"))).toBeUndefined();
  });

  it("delete --all --yes deletes every project's stack; a typo in --regions is refused before any call", async () => {
    const dir = threeTypes();
    expect((await cody(["deploy", "--types", "api,web", "--yes", "--skip-preflight"], dir)).code).toBe(0);
    const typo = await cody(["diff", "--all", "--regions", "us-east-1,eu-wst-1"], dir);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("Did you mean eu-west-1?");
    const deleted = await cody(["delete", "--all", "--yes"], dir);
    expect(deleted.code, deleted.stderr).toBe(0);
    // nightly was never deployed: "missing", not an error.
    expect(deleted.stdout).toMatch(/demo-nightly-cody\s+nightly\s+us-east-1\s+missing/);
    for (const stack of STACKS) expect(await stackStatus(cfnIn("us-east-1"), stack)).toBeUndefined();
  });

  it("on a terminal: a live row per stack redrawn in place, then the summary; delete --all asks once, listing every stack", async () => {
    const dir = threeTypes();
    const deploy = await onTerminal(["deploy", "--all", "--yes", "--skip-preflight", "--concurrency", "2"], dir);
    expect(deploy.code, deploy.screen).toBe(0);
    // The view is redrawn with cursor-up over its rows (header + 3 stacks), and no prefixed CI lines.
    expect(deploy.raw).toContain(`${String.fromCharCode(27)}[4A`);
    expect(deploy.screen).toMatch(/STACK\s+REGION\s+STATE\s+TIME\s+LAST EVENT/);
    expect(deploy.screen).toMatch(/demo-nightly-cody\s+-\s+waiting/);
    expect(deploy.screen).not.toContain("[demo-api-cody] Deploying");
    expect(deploy.screen).toMatch(/demo-web-cody\s+web\s+us-east-1\s+deployed\s+2/);

    const deleted = await onTerminal(["delete", "--all"], dir, "y");
    expect(deleted.code, deleted.screen).toBe(0);
    expect(deleted.asked).toBe(1);
    expect(deleted.screen).toContain("These 3 stacks and their resources will be deleted:");
    for (const stack of STACKS) expect(deleted.screen).toContain(`  ${stack}  (default region)`);
    expect(deleted.screen).toContain("Delete all 3? (y/N)");
    for (const stack of STACKS) expect(await stackStatus(cfnIn("us-east-1"), stack)).toBeUndefined();
  });
});
