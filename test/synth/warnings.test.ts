// Warnings about the build role at synth (issue 8 item 6): whole sensitive services, PassRole on every
// role, and pull request builds a fork could use to run with the project's secrets or privileged mode.
// Unit tests on the pure function, and the built CLI: warnings on stderr, the template alone on stdout.
import { afterAll, describe, expect, it } from "vitest";
import { synthWarnings } from "../../src/synth/warnings";
import { runCody } from "../_helpers/cli";
import { loadAt, minimalProject, removeProjects, writeProject, type ProjectFiles } from "../_helpers/project";

afterAll(removeProjects);

const warningsFor = async (files: ProjectFiles) => synthWarnings(await loadAt(writeProject(files)));
const role = (text: string, extra = "") => minimalProject(extra, { ".cody/role.ts": `import { defineRole } from "codybuild";\n\nexport default defineRole(${text});\n` });

describe("whole sensitive services", () => {
  it.each(["iam", "sts", "organizations", "kms", "cloudformation"])('the "%s" shorthand warns, naming the entry and what it allows', async (service) => {
    const warnings = await warningsFor(role(`{ iamPolicy: ["s3:GetObject", "${service}"] }`));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^\\.cody/role\\.ts iamPolicy\\[1\\]: "${service}:\\*" gives every build the whole ${service} service: `));
  });

  it('"*" in a statement (either spelling) warns; a scoped action of the same service does not', async () => {
    const warnings = await warningsFor(role(`{ iamPolicy: [{ Action: "*", Resource: "*" }, { action: ["IAM:*"], resource: "*" }, { Action: "iam:GetRole", Resource: "*" }] }`));
    expect(warnings.map((w) => w.split(":")[0])).toEqual([".cody/role.ts iamPolicy[0].Action", ".cody/role.ts iamPolicy[1].action"]);
    expect(warnings[0]).toContain("every action of every service");
  });

  it("Deny statements and other services do not warn; inline role: fields carry the role. prefix", async () => {
    expect(await warningsFor(role(`{ iamPolicy: ["s3", { Effect: "Deny", Action: "iam:*", Resource: "*" }] }`))).toEqual([]);
    expect(await warningsFor(minimalProject(`role: { iamPolicy: ["kms"] },`))).toEqual([expect.stringMatching(/^\.cody\/project\.ts role\.iamPolicy\[0\]: /)]);
  });

  it("Allow with NotAction and administrator managed policies warn", async () => {
    const warnings = await warningsFor(role(`{ iamPolicy: [{ notAction: "s3:DeleteBucket", resource: "*" }], managedIamPolicy: ["AdministratorAccess"] }`));
    expect(warnings).toEqual([expect.stringContaining("iamPolicy[0].notAction: Allow with NotAction"), expect.stringContaining("managedIamPolicy[0]: AdministratorAccess")]);
  });
});

describe("iam:PassRole", () => {
  it('on "*" or on every role warns', async () => {
    for (const resource of ['"*"', '"arn:aws:iam::123456789012:role/*"', '["arn:aws:iam::123456789012:role/x", "arn:aws:iam::*:*"]']) {
      const warnings = await warningsFor(role(`{ iamPolicy: [{ action: "iam:PassRole", resource: ${resource} }] }`));
      expect(warnings, resource).toEqual([expect.stringMatching(/^\.cody\/role\.ts iamPolicy\[0\]\.resource: iam:PassRole on every role/)]);
    }
  });

  it("a PassRole wildcard action warns too; named roles do not", async () => {
    expect(await warningsFor(role(`{ iamPolicy: [{ Action: "iam:Pass*", Resource: "*" }] }`))).toHaveLength(1);
    expect(await warningsFor(role(`{ iamPolicy: [{ Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/deploy-target" }] }`))).toEqual([]);
  });
});

describe("pull request builds", () => {
  const webhook = (group: string, extra: string) =>
    minimalProject(`triggers: { webhook: true, filterGroups: [[{ type: "EVENT", pattern: "PUSH" }], [${group}]] }, ${extra}`);
  const PR = `{ type: "EVENT", pattern: "PULL_REQUEST_CREATED,PULL_REQUEST_UPDATED" }`;

  it("with secrets and no ACTOR_ACCOUNT_ID filter: warns at the group, naming the secrets", async () => {
    const warnings = await warningsFor(webhook(PR, `environmentVariables: { TOKEN: secret("ci/token"), PARAM: "ssm:/ci/param", PLAIN: "x" },`));
    expect(warnings).toEqual([expect.stringMatching(/^\.cody\/project\.ts triggers\.filterGroups\[1\]: pull request builds run with the secrets TOKEN, PARAM, and this group has no ACTOR_ACCOUNT_ID filter/)]);
    expect(warnings[0]).toContain('{ type: "ACTOR_ACCOUNT_ID"');
  });

  it("with privileged mode (either key) it warns too", async () => {
    expect(await warningsFor(webhook(PR, `privileged: true,`))).toEqual([expect.stringContaining("privileged mode")]);
    expect(await warningsFor(webhook(PR, `linuxEnvironment: { privileged: true },`))).toHaveLength(1);
  });

  it("an ACTOR_ACCOUNT_ID filter in the group, no secrets, or no pull request events: no warning", async () => {
    expect(await warningsFor(webhook(`${PR}, { type: "ACTOR_ACCOUNT_ID", pattern: "^(123)$" }`, `privileged: true,`))).toEqual([]);
    expect(await warningsFor(webhook(PR, `environmentVariables: { PLAIN: "x" },`))).toEqual([]);
    expect(await warningsFor(webhook(`{ type: "EVENT", pattern: "PUSH" }`, `privileged: true,`))).toEqual([]);
  });

  it("an excluded ACTOR_ACCOUNT_ID filter does not count as a trust list", async () => {
    expect(await warningsFor(webhook(`${PR}, { type: "ACTOR_ACCOUNT_ID", pattern: "^(666)$", excludeMatchedPattern: true }`, `privileged: true,`))).toHaveLength(1);
  });

  it("a webhook without filter groups builds every pull request: warns at triggers", async () => {
    expect(await warningsFor(minimalProject(`triggers: { webhook: true }, environmentVariables: { A: ssm("/a") },`))).toEqual([
      expect.stringMatching(/^\.cody\/project\.ts triggers: the webhook builds every push and pull request with the secrets A/),
    ]);
  });
});

describe("the built CLI", () => {

  it("cody synth prints the warnings on stderr and the template alone on stdout", async () => {
    const root = writeProject(role(`{ iamPolicy: ["iam"] }`));
    // Asynchronous, so the worker stays responsive on a loaded machine; a non-zero exit rejects.
    const cli = await runCody(["synth"], { cwd: root, env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", HOME: root } });
    if (cli.code !== 0) throw new Error(`cody synth: exit ${cli.code}\n${cli.stderr}`);
    const run = cli;
    expect(run.stderr).toMatch(/^warning \.cody\/role\.ts iamPolicy\[0\]: "iam:\*" gives every build the whole iam service/m);
    expect(run.stdout).toMatch(/^AWSTemplateFormatVersion/);
    expect(run.stdout).not.toContain("warning");
  });
});
