// Preflight end to end: the BUILT binary in a copy of examples/demo against the run's moto. moto has
// no policy simulator (SimulatePrincipalPolicy answers an HTML 500), so preflight must say it could
// not run and let the deploy go on, or stop it with --strict before any CloudFormation write.
// Requests go through a recording proxy on 127.0.0.1 so the order of calls can be checked.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { resetMoto, withMotoEnv } from "../support/moto";

const endpoint = inject("motoEndpoint");
// Placeholder keeps the types simple; never contacted because the suite is skipped without moto.
const url = endpoint ?? "http://127.0.0.1:9";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CODY = join(ROOT, "bin", "cody.cjs");
const DEMO = join(ROOT, "examples", "demo");
const STACK = "demo-cody";
/** Calls that change something in CloudFormation: none may happen before preflight has had its say. */
const CFN_WRITES = ["CreateChangeSet", "ExecuteChangeSet", "CreateStack", "UpdateStack", "DeleteStack"];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The API action: X-Amz-Target (JSON protocols) or the Action form parameter (query protocol). */
function actionOf(headers: IncomingHttpHeaders, path: string, body: string): string {
  const target = headers["x-amz-target"];
  if (typeof target === "string" && target) return target.split(".").pop() ?? target;
  return new URLSearchParams(body || path.split("?")[1] || "").get("Action") ?? `unknown ${path}`;
}

/** Forwards to moto and records the action of every request, in order. */
async function startRecorder(target: string): Promise<{ endpoint: string; actions: string[]; close(): Promise<void> }> {
  const actions: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        actions.push(actionOf(req.headers, req.url ?? "", body.toString("utf8")));
        try {
          const headers = new Headers();
          for (const [key, value] of Object.entries(req.headers)) {
            if (typeof value === "string" && !["host", "content-length", "connection"].includes(key)) headers.set(key, value);
          }
          const upstream = await fetch(`${target}${req.url ?? "/"}`, { method: req.method, headers, body: req.method === "GET" ? undefined : body });
          const out = Buffer.from(await upstream.arrayBuffer());
          const type = upstream.headers.get("content-type");
          res.writeHead(upstream.status, { ...(type ? { "content-type": type } : {}), "content-length": out.length });
          res.end(out);
        } catch (error) {
          res.writeHead(502, { "content-type": "text/plain" });
          res.end(`proxy: ${String(error)}`);
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    endpoint: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    actions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let recorder: Awaited<ReturnType<typeof startRecorder>>;
const scratch: string[] = [];

/** `node bin/cody.cjs ...args` with piped stdio, CI=true, dummy credentials, moto (via the recorder). */
function cody(args: string[], cwd: string): Promise<Run> {
  const env: Record<string, string | undefined> = {
    ...withMotoEnv({
      AWS_ENDPOINT_URL: recorder.endpoint,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "us-east-1",
      AWS_CONFIG_FILE: join(tmpdir(), "cody-e2e-no-such-dir", "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), "cody-e2e-no-such-dir", "credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
    }),
    CI: "true",
    CODY_ENV: undefined,
    CODY_EXTRA: undefined,
  };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CODY, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A fresh copy of examples/demo in a folder named "demo" (project "demo", stack "demo-cody"). */
function demoProject(): string {
  const base = mkdtempSync(join(tmpdir(), "cody-e2e-preflight-"));
  scratch.push(base);
  const dir = join(base, "demo");
  mkdirSync(join(dir, ".git"), { recursive: true });
  writeFileSync(join(dir, ".git", "config"), '[remote "origin"]\n\turl = https://github.com/acme/demo.git\n');
  cpSync(join(DEMO, ".cody"), join(dir, ".cody"), { recursive: true });
  return dir;
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const cfn = new CloudFormationClient({ region: "us-east-1", endpoint: url, credentials: { accessKeyId: "test", secretAccessKey: "test" } });

async function stackStatus(): Promise<string | undefined> {
  try {
    return (await cfn.send(new DescribeStacksCommand({ StackName: STACK }))).Stacks?.[0]?.StackStatus;
  } catch (error) {
    if (/does not exist/.test(String(error))) return undefined;
    throw error;
  }
}

const COULD_NOT_RUN = /Preflight could not run: iam:SimulatePrincipalPolicy is not available at this endpoint/;

describe.skipIf(!endpoint)("preflight against moto (built CLI; moto has no policy simulator)", () => {
  beforeAll(async () => {
    if (!existsSync(join(ROOT, "dist", "cli.cjs"))) throw new Error("dist/cli.cjs is missing: run `npm run build` first (npm test does).");
    if (!existsSync(join(DEMO, ".cody"))) throw new Error("examples/demo/.cody is missing");
    recorder = await startRecorder(url);
  });
  afterAll(async () => {
    await recorder?.close();
    for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await resetMoto(url);
    recorder.actions.length = 0;
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
    recorder.actions.length = 0;
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
