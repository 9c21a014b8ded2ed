// Issue 9 shown end to end: the built CLI against moto through a fault-injecting proxy
// (test/support/fault-proxy.mjs). Held requests end by themselves, lost replies are retried with the
// same token, Ctrl-C stops before writes, failures leave no change set, STS blips do not fail a deploy.
import { ListChangeSetsCommand } from "@aws-sdk/client-cloudformation";
import { ListBuildsForProjectCommand } from "@aws-sdk/client-codebuild";
import { describe, expect, it } from "vitest";
import { faultProxy, type FaultProxy } from "../support/fault-proxy.mjs";
import { DEMO_PROJECT, DEMO_STACK, demoProject, motoClients, runCli, sharedMoto, spawnCli, stackStatus, withMoto } from "../_helpers/e2e";

const { endpoint, url } = sharedMoto();
const { cfn, codebuild } = motoClients(url);
let proxy: FaultProxy;

const cody = (args: string[], cwd: string, env: Record<string, string> = {}) => runCli(args, { cwd, endpoint: proxy.endpoint, env, killAfterMs: 60_000 });

/** Change sets of the stack not executed (moto keeps executed ones listed). */
async function pendingChangeSets(): Promise<string[]> {
  try {
    const out = await cfn.send(new ListChangeSetsCommand({ StackName: DEMO_STACK }));
    return (out.Summaries ?? []).filter((s) => s.ExecutionStatus !== "EXECUTE_COMPLETE").map((s) => s.ChangeSetName ?? "");
  } catch {
    return [];
  }
}

const param = (body: string, name: string) => new URLSearchParams(body).get(name);

/** A deployed demo stack, made without faults. */
async function deployed(): Promise<string> {
  const dir = demoProject();
  const run = await cody(["deploy", "--skip-preflight"], dir);
  expect(run.code, run.stderr).toBe(0);
  proxy.clear();
  return dir;
}

describe.skipIf(!endpoint)("cody under faults (built CLI, moto behind a fault proxy)", () => {
  withMoto(url, { start: async () => (proxy = await faultProxy(url)) });

  it("a request that never gets an answer ends the command by itself, naming the call and the endpoint", async () => {
    const dir = demoProject();
    proxy.add({ kind: "hold", action: "DescribeStacks" });
    const started = Date.now();
    const run = await cody(["deploy", "--skip-preflight"], dir, { CODY_REQUEST_TIMEOUT: "1" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error cloudformation:DescribeStacks got no answer from ${proxy.endpoint} in 3 s (each request waited up to 1 s, retries included).`);
    expect(run.stderr).toMatch(/hint: .*CODY_REQUEST_TIMEOUT/);
    expect(Date.now() - started).toBeLessThan(30_000); // generous: a loaded CI machine starts node slowly
    expect(proxy.count("CreateChangeSet")).toBe(0);
  });

  it("a CreateChangeSet whose reply is lost is retried with the same ClientToken, and the deploy converges", async () => {
    const dir = demoProject();
    proxy.add({ kind: "reset-after", action: "CreateChangeSet", times: 1 });
    const run = await cody(["deploy", "--skip-preflight"], dir);
    const sent = proxy.of("CreateChangeSet");
    expect(sent.length).toBeGreaterThanOrEqual(2);
    const tokens = new Set(sent.map((r) => param(r.body, "ClientToken")));
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).toMatch(/^cody-\d+$/);
    expect(new Set(sent.map((r) => param(r.body, "ChangeSetName"))).size).toBe(1);
    // The retry got the first call's change set back (the launcher honours ClientToken, as AWS does).
    expect(run.code, run.stderr).toBe(0);
    expect(await stackStatus(cfn)).toBe("CREATE_COMPLETE");
    expect(await pendingChangeSets()).toEqual([]);
  });

  it("a StartBuild whose reply is lost is retried with the same idempotencyToken: one build", async () => {
    const dir = await deployed();
    proxy.add({ kind: "reset-after", action: "StartBuild", times: 1 });
    const run = await cody(["start", "--no-wait"], dir);
    expect(run.code, run.stderr).toBe(0);
    const sent = proxy.of("StartBuild");
    expect(sent).toHaveLength(2);
    const tokens = sent.map((r) => (JSON.parse(r.body) as { idempotencyToken?: string }).idempotencyToken);
    expect(tokens[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokens[1]).toBe(tokens[0]);
    const builds = await codebuild.send(new ListBuildsForProjectCommand({ projectName: DEMO_PROJECT }));
    expect(builds.ids).toHaveLength(1);
    expect(run.stdout.trim()).toBe(builds.ids![0]);
  });

  it("Ctrl-C during the preflight: exit 130, no change set and no stack", async () => {
    const dir = demoProject();
    let pressed = false;
    const running = spawnCli(["deploy"], { cwd: dir, endpoint: proxy.endpoint, killAfterMs: 60_000 });
    proxy.onRequest = async (action) => {
      if (action !== "GetCallerIdentity" || pressed) return;
      pressed = true;
      running.child.kill("SIGINT");
      await new Promise((resolve) => setTimeout(resolve, 1000));
    };
    const run = await running.done;
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain("Interrupted before cody changed anything: nothing was deployed.");
    expect(run.stderr).not.toMatch(/could not run|Deploying anyway/);
    expect(proxy.count("CreateChangeSet")).toBe(0);
    expect(await stackStatus(cfn)).toBeUndefined();
  });

  it("DescribeChangeSet failing: exit 1, the change set and the empty new stack are removed, and it says so", async () => {
    const dir = demoProject();
    proxy.add({ kind: "4xx", action: "DescribeChangeSet", times: 1 });
    const run = await cody(["deploy", "--skip-preflight"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Nothing was deployed; deleted change set cody-\d+ and the empty stack demo-cody \(REVIEW_IN_PROGRESS\) this deploy had made\./);
    expect(proxy.count("ExecuteChangeSet")).toBe(0);
    expect(await pendingChangeSets()).toEqual([]);
    expect(await stackStatus(cfn)).toBeUndefined();
  });

  it("STS failing twice still deploys (the identity client retries like the others)", async () => {
    const dir = demoProject();
    proxy.add({ kind: "5xx", action: "GetCallerIdentity", times: 2 });
    const run = await cody(["deploy"], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(proxy.count("GetCallerIdentity")).toBe(3);
    expect(run.stderr).toMatch(/Deployed demo-cody \(CREATE_COMPLETE\)/);
  });

  it("Ctrl-C before DeleteStack is sent deletes nothing: exit 130", async () => {
    const dir = await deployed();
    let pressed = false;
    const running = spawnCli(["delete", "--yes"], { cwd: dir, endpoint: proxy.endpoint, killAfterMs: 60_000 });
    proxy.onRequest = async (action) => {
      if (action !== "DescribeStackEvents" || pressed) return;
      pressed = true;
      running.child.kill("SIGINT");
      await new Promise((resolve) => setTimeout(resolve, 1000));
    };
    const run = await running.done;
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain("stack demo-cody was not deleted");
    expect(proxy.count("DeleteStack")).toBe(0);
    expect(await stackStatus(cfn)).toBe("CREATE_COMPLETE");
  });

  it("Ctrl-C while ExecuteChangeSet is in flight: exit 130, says it may have started and how to follow it, never 'Deployed'", async () => {
    const dir = demoProject();
    let pressed = false;
    const running = spawnCli(["deploy", "--skip-preflight"], { cwd: dir, endpoint: proxy.endpoint, killAfterMs: 60_000 });
    proxy.onRequest = async (action) => {
      if (action !== "ExecuteChangeSet" || pressed) return;
      pressed = true;
      running.child.kill("SIGINT");
      await new Promise((resolve) => setTimeout(resolve, 1000));
    };
    const run = await running.done;
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toMatch(/Interrupted: the deploy of demo-cody may have started/);
    expect(run.stderr).toMatch(/`cody deploy` again waits for it/);
    expect(run.stderr).not.toMatch(/Deployed/);
  });
});
