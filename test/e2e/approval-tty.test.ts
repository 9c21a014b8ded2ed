// The approval question on a real terminal: the BUILT cli runs under `script`, which gives it a
// pseudo-terminal (stdin and stderr are TTYs), against moto. A broadening deploy shows the IAM table and
// asks; "n" leaves the stack as it was and no change set behind; "y" deploys.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetTemplateCommand, ListChangeSetsCommand } from "@aws-sdk/client-cloudformation";
import { describe, expect, it, vi } from "vitest";
import { motoEnv } from "../support/moto";
import { codyBin } from "../_helpers/cli";
import { DEMO_STACK as STACK, demoProject, motoClients, runCli, sharedMoto, withMoto } from "../_helpers/e2e";

const { endpoint, url } = sharedMoto();
vi.setConfig({ testTimeout: 120_000 });
const { cfn } = motoClients(url);
const CODY = codyBin;

const ESCAPES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");
const strip = (text: string) => text.replace(ESCAPES, "").replace(/\r/g, "");

/** Runs cody on a pseudo-terminal; `answer` is typed once the question is on screen. */
function onTerminal(args: string[], cwd: string, answer: string): Promise<{ code: number | null; screen: string; asked: boolean }> {
  const env: Record<string, string | undefined> = { ...motoEnv(url), CODY_REQUIRE_APPROVAL: undefined, CI: undefined, NO_COLOR: undefined, TERM: "xterm-256color", COLUMNS: "160" };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const command = [process.execPath, CODY, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let asked = false;
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    if (!asked && strip(out).includes("(y/N)")) {
      asked = true;
      child.stdin.write(`${answer}\n`);
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, screen: strip(out), asked });
    });
  });
}

function broaden(dir: string): void {
  const path = join(dir, ".cody", "role.ts");
  const text = readFileSync(path, "utf8");
  expect(text).toMatch(/iamPolicy: \[/);
  writeFileSync(path, text.replace(/iamPolicy: \[/, 'iamPolicy: [\n    { sid: "WriteArtifacts", action: ["s3:PutObject"], resource: ["arn:aws:s3:::acme-demo-artifacts/*"] },'));
}

describe.skipIf(!endpoint)("the approval question on a terminal (built CLI, moto)", () => {
  withMoto(url);

  it("shows the IAM table and asks; n changes nothing, y deploys", async () => {
    const dir = demoProject();
    const first = await runCli(["deploy", "--yes", "--skip-preflight"], { cwd: dir, endpoint: url, killAfterMs: 60_000 });
    expect(first.code, first.stderr).toBe(0);
    const before = (await cfn.send(new GetTemplateCommand({ StackName: STACK }))).TemplateBody;
    broaden(dir);

    const no = await onTerminal(["deploy", "--skip-preflight"], dir, "n");
    expect(no.asked, no.screen).toBe(true);
    expect(no.screen).toMatch(/^ {2}\+ {2}broadening {2}IamRole\/CodeBuildAccess +statement +Allow +s3:PutObject/m);
    expect(no.screen).toContain("(y/N) n");
    expect(no.screen).not.toContain("Deployed demo-cody");
    expect((await cfn.send(new GetTemplateCommand({ StackName: STACK }))).TemplateBody).toBe(before);
    const sets = (await cfn.send(new ListChangeSetsCommand({ StackName: STACK }))).Summaries ?? [];
    expect(sets.filter((s) => s.ExecutionStatus !== "EXECUTE_COMPLETE")).toEqual([]);

    const yes = await onTerminal(["deploy", "--skip-preflight"], dir, "y");
    expect(yes.asked, yes.screen).toBe(true);
    expect(yes.code, yes.screen).toBe(0);
    expect(yes.screen).toContain("Deployed demo-cody (UPDATE_COMPLETE)");
    expect((await cfn.send(new GetTemplateCommand({ StackName: STACK }))).TemplateBody).toContain("s3:PutObject");
  });
});
