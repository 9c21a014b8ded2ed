// A fleet deploy whose stacks need approval (built CLI, moto): nobody is asked, each stack is refused
// with the fleet's wording (several stacks at once, not "no terminal"), nothing is created, exit 1.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resetMoto } from "../support/moto";
import { demoProject, removeTempDirs, requireBuiltCli, runCli, sharedMoto, stackStatus } from "../_helpers/e2e";

const { endpoint, url } = sharedMoto();
vi.setConfig({ testTimeout: 180_000 });

function twoTypes(): string {
  const dir = demoProject();
  const codyDir = join(dir, ".cody");
  for (const type of ["api", "web"]) {
    mkdirSync(join(codyDir, type));
    cpSync(join(codyDir, "project.ts"), join(codyDir, type, "project.ts"));
    cpSync(join(codyDir, "buildspec.yml"), join(codyDir, type, "buildspec.yml"));
  }
  for (const file of ["project.ts", "role.ts", "schedule.ts", "buildspec.yml"]) rmSync(join(codyDir, file), { force: true });
  return dir;
}

describe.skipIf(!endpoint)("fleet deploy that needs approval (built CLI, moto)", () => {
  beforeAll(async () => {
    requireBuiltCli();
    await resetMoto(url);
  });
  afterAll(() => removeTempDirs());

  it("refuses each stack with the fleet's reason and the command that deploys it alone", async () => {
    const dir = twoTypes();
    const run = await runCli(["deploy", "--all", "--require-approval", "any-change", "--skip-preflight"], { cwd: dir, endpoint: url, killAfterMs: 120_000 });
    expect(run.code, run.stderr).toBe(1);
    for (const type of ["api", "web"]) {
      expect(run.stderr).toContain(`[demo-${type}-cody] error not deployed: --require-approval any-change asks before every change, and cody asks no questions while several stacks deploy at once.`);
      expect(run.stderr).toContain(`deploy this stack alone to be asked: \`cody deploy --type ${type}\``);
    }
    expect(run.stderr).not.toContain("no terminal to approve");
    const cfn = new CloudFormationClient({ region: "us-east-1", endpoint: url, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    for (const type of ["api", "web"]) expect(await stackStatus(cfn, `demo-${type}-cody`)).not.toBe("CREATE_COMPLETE");
  });
});
