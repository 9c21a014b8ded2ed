// Stack settings end to end (built CLI, moto): stackTags on the stack, --role-arn sent to and accepted by
// CloudFormation's API on deploy and delete.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { describe, expect, it, vi } from "vitest";
import { DEMO_STACK as STACK, demoProject, motoClients, runCli, sharedMoto, stackStatus, withMoto } from "../_helpers/e2e";

const { endpoint, url } = sharedMoto();
vi.setConfig({ testTimeout: 120_000 });
const { cfn } = motoClients(url);
const ROLE = "arn:aws:iam::123456789012:role/cody-cloudformation";

const cody = (args: string[], dir: string) => runCli(args, { cwd: dir, endpoint: url, killAfterMs: 60_000 });
const settings = (dir: string, body: string) =>
  writeFileSync(join(dir, ".cody", "settings.ts"), `import { defineSettings } from "codybuild";\n\nexport default defineSettings({\n${body}\n});\n`);
const described = async () => (await cfn.send(new DescribeStacksCommand({ StackName: STACK }))).Stacks?.[0];

describe.skipIf(!endpoint)("stack settings against moto (built CLI)", () => {
  withMoto(url);

  it("stackTags go on the stack beside cody's; --role-arn is passed and accepted", async () => {
    // moto does not implement UpdateTerminationProtection (HTTP 500), so terminationProtection is
    // proven with the CloudFormation mock (test/deploy/termination-protection.test.ts).
    const dir = demoProject();
    settings(dir, '  stackTags: { team: "platform", "cost-center": "42" },');
    const deploy = await cody(["deploy", "--yes", "--skip-preflight", "--role-arn", ROLE], dir);
    expect(deploy.code, deploy.stderr).toBe(0);
    const stack = await described();
    expect(stack?.Tags).toEqual(
      expect.arrayContaining([
        { Key: "team", Value: "platform" },
        { Key: "cost-center", Value: "42" },
        { Key: "cody:tool", Value: "codybuild" },
      ]),
    );
    expect(stack?.EnableTerminationProtection ?? false).toBe(false);
    const deleted = await cody(["delete", "--yes", "--role-arn", ROLE], dir);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(await stackStatus(cfn)).toBeUndefined();
  });
});
