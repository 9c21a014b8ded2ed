// The VPC id rule agrees with AWS's own data: cfn-lint (CloudFormation's resource schema with its
// id formats) flags exactly the fields cody refuses, and passes the template cody builds once the
// ids are of the right kind. cfn-lint has no view on tags, certificates or variable names, so
// those rules rest on CodeBuild's API reference (see input-rules.ts).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serializeTemplate } from "../../../src/synth/serialize";
import { cfnLintAvailable } from "../../support/moto";
import { configErrorOf, loadAt, minimalProject, removeProjects, synthFor, writeProject } from "../../_helpers/project";

afterAll(removeProjects);

const RIGHT = { vpcId: "vpc-0a1b2c3d4e5f60718", subnet: "subnet-0123456789abcdef0", group: "sg-0123456789abcdef0" };
const vpc = (vpcId: string, subnet: string, group: string) =>
  `vpcConfig: { vpcId: "${vpcId}", subnets: ["${subnet}"], securityGroupIds: ["${group}"] },`;

function available(): boolean {
  try {
    return cfnLintAvailable().ok;
  } catch (error) {
    // Under CI=true a missing cfn-lint must fail, not skip.
    it("cfn-lint is installed (required when CI=true)", () => {
      throw error;
    });
    return false;
  }
}

describe.runIf(available())("VPC ids: cody and cfn-lint agree", () => {
  const tmp = mkdtempSync(join(tmpdir(), "cody-input-lint-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("swapped ids: the three fields cody refuses are the three cfn-lint flags; right ids pass both", async () => {
    // cody, on the swapped ids
    const swapped = await configErrorOf(loadAt(writeProject(minimalProject(vpc(RIGHT.subnet, RIGHT.group, RIGHT.subnet)))));
    expect(swapped.issues.map((i) => i.field)).toEqual(["vpcConfig.vpcId", "vpcConfig.subnets[0]", "vpcConfig.securityGroupIds[0]"]);

    // cfn-lint, on the template cody would have made: the right template with the ids swapped in.
    const good = serializeTemplate(await synthFor(minimalProject(vpc(RIGHT.vpcId, RIGHT.subnet, RIGHT.group))), "yaml");
    const bad = good
      .replace(`VpcId: ${RIGHT.vpcId}`, `VpcId: ${RIGHT.subnet}`)
      .replace(`Subnets:\n          - ${RIGHT.subnet}`, `Subnets:\n          - ${RIGHT.group}`)
      .replace(`SecurityGroupIds:\n          - ${RIGHT.group}`, `SecurityGroupIds:\n          - ${RIGHT.subnet}`);
    expect(bad.match(/VpcConfig:\n(?: {8}.*\n)+/)?.[0]).toBe(
      `VpcConfig:\n        VpcId: ${RIGHT.subnet}\n        Subnets:\n          - ${RIGHT.group}\n        SecurityGroupIds:\n          - ${RIGHT.subnet}\n`,
    );
    writeFileSync(join(tmp, "good.yaml"), good);
    writeFileSync(join(tmp, "bad.yaml"), bad);
    // Asynchronous, so a slow cfn-lint on a loaded machine does not block the test worker's event loop.
    const output = await new Promise<string>((done) =>
      execFile("cfn-lint", ["--", "good.yaml", "bad.yaml"], { cwd: tmp, encoding: "utf8", timeout: 180_000 }, (_error, stdout, stderr) => done(`${stdout}${stderr}`)),
    );
    const flagged = [...output.matchAll(/^(E\d+) .*\n(\S+?):/gm)].map((m) => `${m[2]} ${m[1]}`).sort();
    expect(flagged, output).toEqual(["bad.yaml E1150", "bad.yaml E1151", "bad.yaml E1154"]);
  });
});
