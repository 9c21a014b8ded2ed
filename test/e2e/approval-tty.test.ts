// The approval question on a real terminal: the BUILT cli runs under `script`, which gives it a
// pseudo-terminal (stdin and stderr are TTYs), against moto. A broadening deploy shows the IAM table and
// asks; "n" leaves the stack as it was and no change set behind; "y" deploys.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetTemplateCommand, ListChangeSetsCommand } from "@aws-sdk/client-cloudformation";
import { describe, expect, it, vi } from "vitest";
import { DEMO_STACK as STACK, demoProject, motoClients, runCli, sharedMoto, withMoto } from "../_helpers/e2e";
import { onTerminal } from "../_helpers/pty";

const { endpoint, url } = sharedMoto();
vi.setConfig({ testTimeout: 120_000 });
const { cfn } = motoClients(url);

/** cody on a terminal with colours on (NO_COLOR unset); `answer` is typed once the question is on screen. */
async function answering(args: string[], cwd: string, answer: string): Promise<{ code: number | null; screen: string; asked: boolean }> {
  const run = await onTerminal(args, { cwd, url, answer, env: { NO_COLOR: undefined } });
  return { code: run.code, screen: run.screen, asked: run.asked > 0 };
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

    const no = await answering(["deploy", "--skip-preflight"], dir, "n");
    expect(no.asked, no.screen).toBe(true);
    expect(no.screen).toMatch(/^ {2}\+ {2}broadening {2}IamRole\/CodeBuildAccess +statement +Allow +s3:PutObject/m);
    expect(no.screen).toContain("(y/N) n");
    expect(no.screen).not.toContain("Deployed demo-cody");
    expect((await cfn.send(new GetTemplateCommand({ StackName: STACK }))).TemplateBody).toBe(before);
    const sets = (await cfn.send(new ListChangeSetsCommand({ StackName: STACK }))).Summaries ?? [];
    expect(sets.filter((s) => s.ExecutionStatus !== "EXECUTE_COMPLETE")).toEqual([]);

    const yes = await answering(["deploy", "--skip-preflight"], dir, "y");
    expect(yes.asked, yes.screen).toBe(true);
    expect(yes.code, yes.screen).toBe(0);
    expect(yes.screen).toContain("Deployed demo-cody (UPDATE_COMPLETE)");
    expect((await cfn.send(new GetTemplateCommand({ StackName: STACK }))).TemplateBody).toContain("s3:PutObject");
  });
});
