// Preflight end to end: the BUILT binary in a copy of examples/demo against the run's moto. moto has
// no policy simulator (SimulatePrincipalPolicy answers an HTML 500), so preflight must say it could
// not run and let the deploy go on, or stop it with --strict before any CloudFormation write.
// Requests go through a recording proxy on 127.0.0.1 so the order of calls can be checked.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resetMoto } from "../support/moto";
import { DEMO_STACK as STACK, demoProject, motoClients, removeTempDirs, requireBuiltCli, runCli, sharedMoto, stackStatus as statusOf } from "../_helpers/e2e";
import { startProxy, type RecordingProxy } from "../_helpers/recording-proxy";

const { endpoint, url } = sharedMoto();
/** Calls that change something in CloudFormation: none may happen before preflight has had its say. */
const CFN_WRITES = ["CreateChangeSet", "ExecuteChangeSet", "CreateStack", "UpdateStack", "DeleteStack"];

let recorder: RecordingProxy;
// The IAM client retries the simulator's HTTP 500 like any other client (8 attempts, issue 9), which
// takes seconds per command on moto: room for that on a loaded machine.
vi.setConfig({ testTimeout: 90_000 });

/** The built CLI in `cwd`, its AWS requests through the recorder. */
const cody = (args: string[], cwd: string) => runCli(args, { cwd, endpoint: recorder.endpoint, killAfterMs: 50_000 });

const { cfn } = motoClients(url);
const stackStatus = () => statusOf(cfn);

const COULD_NOT_RUN = /Preflight could not run: iam:SimulatePrincipalPolicy is not available at this endpoint/;

describe.skipIf(!endpoint)("preflight against moto (built CLI; moto has no policy simulator)", () => {
  beforeAll(async () => {
    requireBuiltCli();
    recorder = await startProxy(url);
  });
  afterAll(async () => {
    await recorder?.close();
    removeTempDirs();
  });
  beforeEach(async () => {
    await resetMoto(url);
    recorder.clear();
  });

  it("deploy: says preflight could not run, distinctly, before any CloudFormation write, and deploys", async () => {
    const dir = demoProject();
    const run = await cody(["deploy"], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(COULD_NOT_RUN);
    expect(run.stderr).toMatch(/^warning Preflight could not run: .*Deploying anyway \(--strict would stop here\)\.$/m);
    // Said once, before the change set (the preflight runs once the deploy knows it will change something).
    expect(run.stderr.match(/Preflight could not run/g)).toHaveLength(1);
    expect(run.stderr.indexOf("Preflight could not run")).toBeLessThan(run.stderr.indexOf(`Change set for ${STACK}`));
    // STS, then the simulator, then CloudFormation writes.
    const { actions } = recorder;
    const firstWrite = actions.findIndex((a) => CFN_WRITES.includes(a));
    expect(actions.indexOf("GetCallerIdentity")).toBeGreaterThanOrEqual(0);
    expect(actions.indexOf("SimulatePrincipalPolicy")).toBeGreaterThan(actions.indexOf("GetCallerIdentity"));
    expect(firstWrite).toBeGreaterThan(actions.lastIndexOf("SimulatePrincipalPolicy"));
    // moto's caller is an IAM user: no GetRole.
    expect(actions).not.toContain("GetRole");
    expect(await stackStatus()).toBe("CREATE_COMPLETE");
  });

  it("a no-op deploy skips the preflight: nothing changes, so nothing needs checking", async () => {
    const dir = demoProject();
    expect((await cody(["deploy"], dir)).code).toBe(0);
    recorder.clear();
    const run = await cody(["deploy"], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("No changes");
    expect(recorder.actions).not.toContain("SimulatePrincipalPolicy");
    expect(recorder.actions).not.toContain("GetCallerIdentity");
  });

  it("deploy --strict: exit 3 and nothing written to CloudFormation", async () => {
    const dir = demoProject();
    const run = await cody(["deploy", "--strict"], dir);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(COULD_NOT_RUN);
    expect(run.stderr).toContain("--strict stops the deploy");
    expect(recorder.actions.filter((a) => CFN_WRITES.includes(a))).toEqual([]);
    expect(await stackStatus()).toBeUndefined();
  });

  it("deploy --skip-preflight: no identity or simulator call, no preflight message", async () => {
    const dir = demoProject();
    const run = await cody(["deploy", "--skip-preflight"], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/preflight/i);
    expect(recorder.actions).not.toContain("GetCallerIdentity");
    expect(recorder.actions).not.toContain("SimulatePrincipalPolicy");
    expect(await stackStatus()).toBe("CREATE_COMPLETE");
  });

  it("cody preflight: a warning and exit 0; --strict exit 3; --json the result on stdout; no CloudFormation write", async () => {
    const dir = demoProject();
    const plain = await cody(["preflight"], dir);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toMatch(COULD_NOT_RUN);
    expect(plain.stdout).toBe("");

    const strict = await cody(["preflight", "--strict"], dir);
    expect(strict.code, strict.stderr).toBe(3);
    expect(strict.stderr).toMatch(COULD_NOT_RUN);

    const json = await cody(["preflight", "--json"], dir);
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout) as { command: string; type: string; reason: string; principal: { kind: string; arn: string } };
    expect(result).toMatchObject({ command: "preflight", type: "could-not-run", principal: { kind: "user", arn: "arn:aws:iam::123456789012:user/moto" } });
    expect(result.reason).toMatch(/not available at this endpoint/);

    expect(recorder.actions.filter((a) => CFN_WRITES.includes(a))).toEqual([]);
    expect(await stackStatus()).toBeUndefined();
  });
});
