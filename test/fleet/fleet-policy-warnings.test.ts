// `cody policy --all` says once, for the merged policy, what `cody policy` says of one stack's: privilege
// escalation when some project's roles lack a permissions boundary (probed with cody's IAM evaluator
// against each stack's own roles), the boundary note when every role carries one, and a
// --permissions-boundary the stacks' roles do not carry.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { fleetCommand } from "../../src/cli/commands/fleet";
import type { FleetOptions } from "../../src/cli/commands/fleet";
import { minimalProject, removeProjects, writeProject, typedProject } from "../_helpers/project";
import { recordingReporter } from "../_helpers/test-io";

const cwd = process.cwd();
afterEach(() => process.chdir(cwd));
afterAll(() => removeProjects());

const BOUNDARY = "arn:aws:iam::123456789012:policy/cody-boundary";
const settings = (body: string) => ({ ".cody/settings.ts": `import { defineSettings } from "codybuild";\n\nexport default defineSettings({ ${body} });\n` });

async function policyAll(files: Record<string, string>, options: Partial<FleetOptions> = {}) {
  process.chdir(writeProject({ ...minimalProject(), ...typedProject("api"), ...files }));
  const rec = recordingReporter();
  await fleetCommand("policy", undefined, { all: true, region: "us-east-1", ...options }, rec.reporter);
  const warnings = rec.lines.filter((l) => l.startsWith("warning"));
  return { rec, warnings };
}

describe("cody policy --all: the delegation warnings, once", () => {
  it("without a boundary: one escalation warning naming every stack's roles", async () => {
    const { warnings } = await policyAll({});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning this policy allows privilege escalation: its holder can write any permissions into \S*role\/cody\/demo-cody-\*, \S*role\/cody\/demo-api-cody-\* with iam:PutRolePolicy/);
    expect(warnings[0]).toContain("set `permissionsBoundary` in .cody/settings.ts");
  });

  it("with settings' permissionsBoundary on every project: no warning, the boundary note once", async () => {
    const { rec, warnings } = await policyAll(settings(`permissionsBoundary: "${BOUNDARY}"`));
    expect(warnings).toEqual([]);
    const notes = rec.lines.filter((l) => l.includes("role writes are allowed only on roles with the permissions boundary"));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(BOUNDARY);
  });

  it("--permissions-boundary the roles do not carry: said once, naming the stacks", async () => {
    const { warnings } = await policyAll({}, { permissionsBoundary: BOUNDARY });
    expect(warnings).toEqual([
      `warning --permissions-boundary ${BOUNDARY} is not the boundary every role carries in demo-cody, demo-api-cody: CloudFormation could not create or update those roles with this policy. Set permissionsBoundary to the same ARN in .cody/settings.ts.`,
    ]);
  });

  it("--broad prints its own warning and no delegation account (as for one stack)", async () => {
    const { warnings } = await policyAll({}, { broad: true });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toMatch(/privilege escalation: its holder/);
  });
});
