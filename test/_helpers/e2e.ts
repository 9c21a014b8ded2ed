// What the end-to-end tests (test/e2e/*) share: the BUILT CLI (bin/cody.cjs → dist/) spawned with
// piped stdio against moto, a temp copy of examples/demo, and AWS SDK clients pointed at moto.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { CodeBuildClient } from "@aws-sdk/client-codebuild";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SSMClient } from "@aws-sdk/client-ssm";
import { IAMClient } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, beforeEach, expect, inject } from "vitest";
import { motoEnv, resetMoto } from "../support/moto";
import { assertBuilt, codyBin, ROOT } from "./cli";

const CODY = codyBin;
const DEMO_CODY = join(ROOT, "examples", "demo", ".cody");
const REGION = "us-east-1";
const ANSI = /\x1b\[/; // eslint-disable-line no-control-regex -- looking for escape codes is the point

/** demoProject() copies into a folder named "demo", so the project is "demo" and the stack "demo-cody". */
export const DEMO_PROJECT = "demo";
export const DEMO_STACK = "demo-cody";

// The SDK's Node 20 support-window notice is noise in test output (spawned CLIs never see it: motoEnv drops AWS_*).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/**
 * This worker's moto (test/support/global-setup.ts starts one per e2e worker; VITEST_POOL_ID, 1..n,
 * picks it). `endpoint` is null without moto, and suites skip on it; `url` is then a placeholder that
 * keeps the types simple and is never contacted.
 */
export function sharedMoto(): { endpoint: string | null; url: string } {
  const endpoints = inject("motoEndpoints");
  const worker = Number(process.env.VITEST_POOL_ID ?? "1");
  const endpoint = endpoints.length > 0 ? endpoints[(worker - 1) % endpoints.length] : null;
  return { endpoint, url: endpoint ?? "http://127.0.0.1:9" };
}

/** Call from beforeAll: the e2e tests run the built binary, so a missing build must fail loudly. */
export function requireBuiltCli(): void {
  assertBuilt();
}

// ---------------------------------------------------------------- running the CLI

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  /** Where the CLI sends AWS requests: moto, or a proxy in front of it. */
  endpoint: string;
  /** Variables to add (string) or remove (undefined) on top of the moto env and CI=true. */
  env?: Record<string, string | undefined>;
  /** SIGKILL after this long, so a hung CLI cannot outlive its test; default 25 s. */
  killAfterMs?: number;
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** stderr so far. */
  stderr(): string;
  done: Promise<CliRun>;
}

/**
 * Starts `node bin/cody.cjs ...args` as CI would: piped stdio (no TTY, stdin closed), CI=true, moto's
 * dummy credentials, and nothing of the machine's AWS, colour or cody settings.
 */
export function spawnCli(args: string[], options: CliOptions): RunningCli {
  const env: Record<string, string | undefined> = {
    ...motoEnv(options.endpoint), // moto's dummy credentials; no AWS_* of the machine, no ~/.aws
    CI: "true",
    NO_COLOR: undefined, // plain output must follow from the pipes alone
    FORCE_COLOR: undefined,
    CODY_ENV: undefined,
    CODY_EXTRA: undefined,
    // A pipeline's setting: deploys execute without the broadening-IAM question, which has no terminal
    // here. The approval tests (test/e2e/review*.test.ts) unset it to test the default.
    CODY_REQUIRE_APPROVAL: "never",
    ...options.env,
  };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const child = spawn(process.execPath, [CODY, ...args], { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  child.stdin.end();
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliRun>((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), options.killAfterMs ?? 25_000);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, stderr: () => stderr, done };
}

/** spawnCli and wait for the exit. */
export function runCli(args: string[], options: CliOptions): Promise<CliRun> {
  return spawnCli(args, options).done;
}

/** Output to pipes must be plain text: no escape codes on stdout or stderr. */
export function expectPlain(run: { stdout: string; stderr: string }): void {
  expect(run.stdout).not.toMatch(ANSI);
  expect(run.stderr).not.toMatch(ANSI);
}

// ---------------------------------------------------------------- temp folders

const scratch: string[] = [];

/** A fresh empty temp folder; removeTempDirs() deletes it. */
export function tempDir(prefix = "cody-e2e-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** A fresh copy of examples/demo's .cody/ in `<temp>/demo`, with a GitHub origin in .git/config. */
export function demoProject(): string {
  if (!existsSync(DEMO_CODY)) throw new Error("examples/demo/.cody is missing");
  const dir = join(tempDir("cody-e2e-demo-"), DEMO_PROJECT);
  mkdirSync(join(dir, ".git"), { recursive: true });
  writeFileSync(join(dir, ".git", "config"), '[remote "origin"]\n\turl = https://github.com/acme/demo.git\n');
  cpSync(DEMO_CODY, join(dir, ".cody"), { recursive: true });
  return dir;
}

/** Deletes every folder tempDir() and demoProject() made; call it from afterAll. */
export function removeTempDirs(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- moto side

export interface MotoClients {
  cfn: CloudFormationClient;
  codebuild: CodeBuildClient;
  events: EventBridgeClient;
  iam: IAMClient;
  logs: CloudWatchLogsClient;
  ssm: SSMClient;
}

/** SDK clients for moto at `endpoint`, as its dummy user. */
export function motoClients(endpoint: string): MotoClients {
  const config = { region: REGION, endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } };
  return {
    cfn: new CloudFormationClient(config),
    codebuild: new CodeBuildClient(config),
    events: new EventBridgeClient(config),
    iam: new IAMClient(config),
    logs: new CloudWatchLogsClient(config),
    ssm: new SSMClient(config),
  };
}

/** The stack's status, or undefined when it does not exist. */
export async function stackStatus(cfn: CloudFormationClient, stackName = DEMO_STACK): Promise<string | undefined> {
  try {
    return (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0]?.StackStatus;
  } catch (error) {
    if (/does not exist/.test(String(error))) return undefined;
    throw error;
  }
}

/**
 * The hooks every e2e file against its worker's moto shares: the built CLI checked first, moto reset
 * before each test (the worker's moto outlives the file), the temp projects removed at the end.
 * With `proxy`, a proxy (recording or fault) in front of moto is started once, cleared before each test
 * and closed at the end; `proxy.start` keeps it where the file uses it. `resetEach: false` resets moto
 * once, before the describe's own beforeAll: for tests that take turns on one state in their order
 * (e.g. one deployed stack), each leaving it as the next one expects.
 */
export function withMoto(
  url: string,
  proxy?: { start: () => Promise<{ close(): Promise<void>; clear(): void }>; eachTest?: () => void },
  { resetEach = true }: { resetEach?: boolean } = {},
): void {
  let started: { close(): Promise<void>; clear(): void } | undefined;
  beforeAll(async () => {
    requireBuiltCli();
    started = await proxy?.start();
    if (!resetEach) await resetMoto(url);
  });
  afterAll(async () => {
    await started?.close();
    removeTempDirs();
  });
  beforeEach(async () => {
    if (resetEach) await resetMoto(url);
    started?.clear();
    proxy?.eachTest?.();
  });
}
