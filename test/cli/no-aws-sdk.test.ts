// The offline commands must never load the AWS SDK: it costs +100 ms of start-up (docs/architecture.md#start-up)
// and would make `--help`, `synth`, `init` and `policy` depend on it. Each command runs as the BUILT
// binary with a preload (record-modules.cjs) that lists every module file the process loads. The SDK is
// bundled into dist/chunks/aws-sdk-*.cjs (scripts/build-sdk.mjs names every chunk that holds SDK code so),
// and a command that calls AWS is checked to load it from there, so the check below cannot pass vacuously.
import { spawn, spawnSync } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, codyBin } from "../_helpers/cli";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = codyBin;
const BUNDLE = join(ROOT, "dist", "cli.cjs");
const RECORDER = fileURLToPath(new URL("./record-modules.cjs", import.meta.url));
const SDK_PATH = /[\\/](@aws-sdk|@smithy)[\\/]|[\\/]dist[\\/]chunks[\\/]aws-sdk-[^\\/]*\.cjs$/;
const SDK_CHUNK = /[\\/]dist[\\/]chunks[\\/]aws-sdk-[^\\/]*\.cjs$/;

let scratch: string;
let runCount = 0;

interface Recorded {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Absolute paths of every module file the process loaded, in load order. */
  modules: string[];
}

/** The environment of a recorded run: no AWS_* or CODY_* variables, so nothing could reach AWS. */
function recordingEnv(list: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("AWS_") && !key.startsWith("CODY_") && key !== "NODE_OPTIONS") env[key] = value;
  }
  return Object.assign(env, {
    NODE_OPTIONS: `--require ${JSON.stringify(RECORDER)}`,
    CODY_RECORD_MODULES: list,
    // This file's own start-up cache, cold when it starts: whether `--help` is answered from a kept copy
    // must not depend on what other files ran before.
    CODY_COMPILE_CACHE_DIR: join(scratch, "cache"),
    NO_COLOR: "1",
  });
}

/** Runs `node <args>` with the recorder preloaded. */
function recorded(args: string[], cwd: string): Recorded {
  const list = join(scratch, `modules-${runCount++}.txt`);
  writeFileSync(list, "");
  const run = spawnSync(process.execPath, args, { cwd, env: recordingEnv(list), encoding: "utf8", timeout: 30_000 });
  if (run.error) throw run.error;
  const modules = readFileSync(list, "utf8").split("\n").filter(Boolean);
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, modules };
}

const cody = (args: string[], cwd: string) => recorded([CLI, ...args], cwd);

/** The same, asynchronous (for a server in this process), with AWS_* variables added. */
function recordedAsync(args: string[], cwd: string, aws: Record<string, string>): Promise<Recorded> {
  const list = join(scratch, `modules-${runCount++}.txt`);
  writeFileSync(list, "");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...recordingEnv(list), ...aws }, timeout: 30_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", reject);
    child.once("close", (status) => {
      resolve({ status, stdout, stderr, modules: readFileSync(list, "utf8").split("\n").filter(Boolean) });
    });
  });
}

/** A directory that looks like a clone with an origin remote, as `cody init` reads it. */
function repo(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, ".git"), { recursive: true });
  writeFileSync(join(dir, ".git", "config"), '[remote "origin"]\n\turl = git@github.com:example-org/sdk-free.git\n');
  return dir;
}

function sdkFiles(run: Recorded): string[] {
  return run.modules.filter((file) => SDK_PATH.test(file));
}

beforeAll(() => {
  assertBuilt();
  scratch = mkdtempSync(join(tmpdir(), "cody-no-sdk-"));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("the module recorder", () => {
  // Without these, an empty or broken recording would pass every test below.
  it("sees an AWS SDK client loaded by require()", () => {
    const run = recorded(["-e", 'require("@aws-sdk/client-sts")'], ROOT);
    expect(run.status, run.stderr).toBe(0);
    expect(sdkFiles(run)).toContain(join(ROOT, "node_modules", "@aws-sdk", "client-sts", "dist-cjs", "index.js"));
  });

  it("sees an AWS SDK client loaded by an ESM import()", () => {
    const run = recorded(["--input-type=module", "-e", 'await import("@aws-sdk/client-sts")'], ROOT);
    expect(run.status, run.stderr).toBe(0);
    expect(sdkFiles(run).some((file) => file.includes(join("@aws-sdk", "client-sts")))).toBe(true);
  });
});

/** Test credentials for `endpoint`, and no AWS config or credentials file of the machine's. */
function awsAt(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    AWS_CONFIG_FILE: join(scratch, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, "no-aws-credentials"),
  };
}

/** A fake AWS endpoint that refuses every call at once (not retried), so a command ends quickly after loading its client. */
function refuse(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  res.writeHead(400, { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": "AccessDeniedException" });
  res.end(JSON.stringify({ __type: "AccessDeniedException", message: "not here" }));
}

describe("a command that calls AWS", () => {
  let server: Server;
  let endpoint: string;
  beforeAll(async () => {
    server = createServer(refuse);
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it("loads the SDK from its bundled chunks, not from node_modules", async () => {
    const run = await recordedAsync([CLI, "list"], scratch, awsAt(endpoint));
    expect(run.status, run.stderr).toBe(1);
    // The answer went through the SDK: its error was parsed and named by cody.
    expect(run.stderr).toContain("access denied: your AWS identity may not call codebuild:ListProjects");
    expect(run.modules.filter((file) => SDK_CHUNK.test(file)).length).toBeGreaterThan(0);
    expect(run.modules.filter((file) => /[\\/]node_modules[\\/]/.test(file))).toEqual([]);
    // A plain-http endpoint (moto, every AWS command of npm test) needs no TLS: the SDK's https Agent is
    // made on the first https request (scripts/build.mjs, sdkLazyHttps).
    expect(run.modules).toContain("node:http");
    expect(run.modules.filter((m) => /^node:(https|tls)$/.test(m))).toEqual([]);
    // Nor web streams, Blob or Web Crypto, which the SDK's Node path reads only to rule them out
    // (scripts/build.mjs, sdkLazyWebGlobals); node:crypto is loaded (signing).
    expect(run.modules).toContain("node:crypto");
    expect(run.modules.filter((m) => /^node:internal\/(webstreams\/readablestream|crypto\/webcrypto)$/.test(m))).toEqual([]);
  });
});

// The other side of sdkLazyHttps (scripts/build.mjs): an https endpoint still gets TLS, through the
// https Agent made on the first https request. The server's certificate is made here (openssl; a P-256
// key, made in milliseconds where an RSA one takes a second) and trusted through NODE_EXTRA_CA_CERTS, so
// TLS is verified as against AWS.
const openssl = spawnSync("openssl", ["version"], { encoding: "utf8" });
describe.skipIf(openssl.status !== 0)("a command that calls AWS over https", () => {
  let server: ReturnType<typeof createHttpsServer>;
  let endpoint: string;
  let ca: string;
  beforeAll(async () => {
    const key = join(scratch, "tls-key.pem");
    ca = join(scratch, "tls-cert.pem");
    const made = spawnSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", ca, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
      { encoding: "utf8" },
    );
    expect(made.status, made.stderr).toBe(0);
    server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(ca) }, refuse);
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const address = server.address();
    endpoint = `https://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it("reaches it through node:https, with the certificate verified", async () => {
    // No retries: an error from TLS would otherwise be retried for seconds before it is reported.
    const aws = { ...awsAt(endpoint), AWS_MAX_ATTEMPTS: "1" };
    const run = await recordedAsync([CLI, "list"], scratch, { ...aws, NODE_EXTRA_CA_CERTS: ca });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain("access denied: your AWS identity may not call codebuild:ListProjects");
    expect(run.modules).toContain("node:https");
    expect(run.modules).toContain("node:tls");
    // And a certificate nobody vouches for is refused (the Agent is https's own, not a stand-in).
    const untrusted = await recordedAsync([CLI, "list"], scratch, aws);
    expect(untrusted.status).toBe(1);
    expect(untrusted.stderr).toContain("self-signed certificate");
  });
});

describe("commands that need no AWS never load the AWS SDK", () => {
  it("cody --help, the first time (the CLI bundle prints it), then from the copy it kept (nothing of dist/)", () => {
    const first = cody(["--help"], scratch);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("Usage: cody");
    expect(first.modules).toContain(BUNDLE);
    expect(sdkFiles(first), "AWS SDK files loaded").toEqual([]);
    const again = cody(["--help"], scratch);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toBe(first.stdout);
    expect(again.modules.filter((file) => file.includes(join(ROOT, "dist")))).toEqual([]);
    expect(sdkFiles(again), "AWS SDK files loaded").toEqual([]);
  });

  it("cody init, in a fresh directory", () => {
    const dir = repo("init-app");
    const run = cody(["init"], dir);
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(join(dir, ".cody", "project.ts"))).toBe(true);
    expect(run.modules).toContain(BUNDLE);
    expect(sdkFiles(run), "AWS SDK files loaded").toEqual([]);
  });

  it("cody synth, in a project made by cody init", () => {
    const dir = repo("synth-app");
    expect(cody(["init", "--mode", "full"], dir).status).toBe(0);
    const run = cody(["synth"], dir);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("AWS::CodeBuild::Project");
    expect(run.modules).toContain(BUNDLE);
    // The user's .ts files went through the recorder too, though cody drops them from require.cache.
    expect(run.modules).toContain(join(dir, ".cody", "project.ts"));
    expect(sdkFiles(run), "AWS SDK files loaded").toEqual([]);
    // Start-up (bench/README.md): built-ins only some commands use are required on first use.
    expect(run.modules).toContain("node:fs");
    expect(run.modules.filter((m) => /^node:(crypto|readline|child_process)(\/|$)/.test(m))).toEqual([]);
    // Nor node:os (os.homedir() is $HOME, set here) or node:tty (stdout and stderr are pipes here):
    // scripts/build.mjs, lazyOs and chalkLazyBuiltins.
    expect(process.env.HOME).toBeTruthy();
    expect(run.modules.filter((m) => /^node:(os|tty)$/.test(m))).toEqual([]);
  });

  it("cody policy", () => {
    const dir = repo("policy-app");
    expect(cody(["init"], dir).status).toBe(0);
    const run = cody(["policy"], dir);
    // Not implemented yet (exit 1, "not available yet"); either way it must finish, not crash.
    expect([0, 1], run.stderr).toContain(run.status);
    expect(run.stderr).not.toMatch(/looks like a bug in cody|Cannot find module/);
    expect(run.modules).toContain(BUNDLE);
    expect(sdkFiles(run), "AWS SDK files loaded").toEqual([]);
  });

  it("cody policy --all --regions (the fleet command's bundle, still local)", () => {
    const dir = repo("policy-fleet-app");
    expect(cody(["init"], dir).status).toBe(0);
    expect(cody(["init", "--type", "api"], dir).status).toBe(0);
    const run = cody(["policy", "--all", "--regions", "us-east-1,eu-west-1"], dir);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("arn:aws:cloudformation:eu-west-1:*:stack/policy-fleet-app-api-cody/*");
    expect(run.modules).toContain(join(ROOT, "dist", "commands", "fleet.cjs"));
    expect(sdkFiles(run), "AWS SDK files loaded").toEqual([]);
  });
});
