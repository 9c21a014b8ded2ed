// findProject: the conventional full name first (with settings, --type, env and CODY_EXTRA as deploy
// builds it), then the stack (--stack-name, the conventional one, the argument itself), over real
// clients whose SDK send() is stubbed by aws-sdk-client-mock.
import { CloudFormationClient, CloudFormationServiceException, DescribeStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { BatchGetProjectsCommand, CodeBuildClient, ListBuildsForProjectCommand } from "@aws-sdk/client-codebuild";
import { mockClient } from "aws-sdk-client-mock";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCloudFormation, createCodeBuild, type CfnApi, type CodeBuildApi } from "../../src/aws/clients";
import { findProject, latestBuildId } from "../../src/builds/find-project";
import { isCodyError } from "../../src/errors";
import { removeProjects, writeProject } from "../_helpers/project";
import { emptyDir } from "./build-fakes";

const cb = mockClient(CodeBuildClient);
const cf = mockClient(CloudFormationClient);
let codebuild: CodeBuildApi;
let cfnCalls = 0;
const apis = () => ({
  codebuild,
  cfn: async (): Promise<CfnApi> => {
    cfnCalls++;
    return createCloudFormation({ region: "us-east-1" });
  },
});

function missingStack(name: string): CloudFormationServiceException {
  return new CloudFormationServiceException({
    name: "ValidationError",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
    message: `Stack with id ${name} does not exist`,
  });
}

/** BatchGetProjects knows only `known`; everything else is reported not found, as AWS does. */
function projectsExist(...known: string[]): void {
  cb.on(BatchGetProjectsCommand).callsFake((input: { names: string[] }) => ({
    projects: input.names.filter((n) => known.includes(n)).map((name) => ({ name, arn: `arn:aws:codebuild:us-east-1:123456789012:project/${name}` })),
    projectsNotFound: input.names.filter((n) => !known.includes(n)),
  }));
}

/** Stacks by name → the CodeBuild physical id (null: the stack exists without one). Others do not exist. */
function stacksExist(stacks: Record<string, string | null>): void {
  cf.on(DescribeStackResourcesCommand).callsFake((input: { StackName: string; LogicalResourceId?: string }) => {
    if (!(input.StackName in stacks)) throw missingStack(input.StackName);
    const id = stacks[input.StackName];
    return { StackResources: id ? [{ LogicalResourceId: "CodeBuild", PhysicalResourceId: id, ResourceType: "AWS::CodeBuild::Project" }] : [] };
  });
}

const stackNamesAsked = () => cf.commandCalls(DescribeStackResourcesCommand).map((c) => c.args[0].input.StackName);
const projectNamesAsked = () => cb.commandCalls(BatchGetProjectsCommand).flatMap((c) => c.args[0].input.names ?? []);

beforeEach(async () => {
  cb.reset();
  cf.reset();
  cfnCalls = 0;
  codebuild = await createCodeBuild({ region: "us-east-1" });
});
afterEach(() => removeProjects());

describe("findProject", () => {
  it("finds the project by its conventional name with one call, never touching CloudFormation", async () => {
    projectsExist("demo");
    const root = writeProject({ ".cody/project.ts": "export default {}" });
    await expect(findProject({ cwd: root, environment: {} }, apis())).resolves.toEqual({ projectName: "demo", via: "name" });
    expect(projectNamesAsked()).toEqual(["demo"]);
    expect(cfnCalls).toBe(0);
  });

  it("builds the name as deploy does: --type, env from settings.appendEnv, CODY_EXTRA", async () => {
    projectsExist("demo-unit-production-pr7");
    const root = writeProject({
      ".cody/settings.ts": "export default { stackNaming: { appendEnv: true } };",
      // A broken project file does not matter: only the settings are needed for names.
      ".cody/unit/project.ts": "export default {{{ this is not TypeScript",
    });
    const found = await findProject({ cwd: root, type: "unit", environment: { CODY_ENV: "production", CODY_EXTRA: "pr7" } }, apis());
    expect(found).toEqual({ projectName: "demo-unit-production-pr7", via: "name" });
  });

  it("picks the env bound to AWS_PROFILE in settings, like deploy", async () => {
    projectsExist("demo-prod");
    const root = writeProject({
      ".cody/settings.ts": 'export default () => ({ stackNaming: { appendEnv: true }, envs: { prod: { awsProfile: "acme-prod" } } });',
    });
    await expect(findProject({ cwd: root, environment: { AWS_PROFILE: "acme-prod" } }, apis())).resolves.toEqual({ projectName: "demo-prod", via: "name" });
  });

  it("falls back to the conventional stack and takes its CodeBuild resource's physical id", async () => {
    projectsExist("renamed-by-properties");
    stacksExist({ "demo-cody": "renamed-by-properties" });
    const root = writeProject({ ".cody/project.ts": "export default {}" });
    await expect(findProject({ cwd: root, environment: {} }, apis())).resolves.toEqual({ projectName: "renamed-by-properties", via: "stack" });
    expect(stackNamesAsked()).toEqual(["demo-cody"]);
    expect(cf.commandCalls(DescribeStackResourcesCommand)[0]!.args[0].input.LogicalResourceId).toBe("CodeBuild");
  });

  it("honours the settings suffix for the conventional stack name", async () => {
    projectsExist();
    stacksExist({ "demo-ci": "demo-x" });
    const root = writeProject({ ".cody/settings.ts": 'export default { stackNaming: { suffix: "ci" } };' });
    await expect(findProject({ cwd: root, environment: {} }, apis())).resolves.toEqual({ projectName: "demo-x", via: "stack" });
  });

  it("takes the raw argument as a stack name, like `cody start demo-cody`, outside any .cody/", async () => {
    projectsExist();
    stacksExist({ "demo-cody": "demo" });
    const outside = emptyDir();
    const found = await findProject({ projectName: "demo-cody", cwd: outside, environment: {} }, apis());
    expect(found).toEqual({ projectName: "demo", via: "stack" });
    // The project name "demo-cody", then its conventional stack "demo-cody-cody", then the argument itself.
    expect(projectNamesAsked()).toEqual(["demo-cody"]);
    expect(stackNamesAsked()).toEqual(["demo-cody-cody", "demo-cody"]);
  });

  it("with --stack-name asks only that stack", async () => {
    projectsExist();
    stacksExist({ "custom-stack": "api-build", "demo-cody": "wrong" });
    const root = writeProject({ ".cody/project.ts": "export default {}" });
    await expect(findProject({ cwd: root, stackName: "custom-stack", environment: {} }, apis())).resolves.toEqual({ projectName: "api-build", via: "stack" });
    expect(stackNamesAsked()).toEqual(["custom-stack"]);
  });

  it("works outside a .cody/ folder when a name is given", async () => {
    projectsExist("api");
    const outside = emptyDir();
    await expect(findProject({ projectName: "api", cwd: outside, environment: {} }, apis())).resolves.toEqual({ projectName: "api", via: "name" });
  });

  it("not found: a CodyError (exit 1) naming every name tried, the region and a fix", async () => {
    projectsExist();
    stacksExist({ "api-cody": null });
    const outside = emptyDir();
    const error: unknown = await findProject({ projectName: "api", cwd: outside, environment: {} }, apis()).catch((e: unknown) => e);
    expect(isCodyError(error)).toBe(true);
    if (!isCodyError(error)) return;
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      'CodeBuild project not found in us-east-1: tried project "api", stack "api-cody" (exists, but has no CodeBuild resource), stack "api".',
    );
    expect(error.hint).toContain("cody deploy");
    expect(error.hint).toContain("--stack-name");
  });

  it("outside a project, the hint's example is the command being run (cody start my-project, not cody status)", async () => {
    projectsExist();
    stacksExist({});
    const outside = join(emptyDir(), "demo");
    mkdirSync(outside);
    const error: unknown = await findProject({ cwd: outside, environment: {} }, apis(), "start").catch((e: unknown) => e);
    expect(isCodyError(error) && error.hint).toContain("(e.g. `cody start my-project`)");
    const byDefault: unknown = await findProject({ cwd: outside, environment: {} }, apis()).catch((e: unknown) => e);
    expect(isCodyError(byDefault) && byDefault.hint).toContain("(e.g. `cody status my-project`)");
  });

  it("passes other CloudFormation errors on instead of calling them 'not found'", async () => {
    projectsExist();
    cf.on(DescribeStackResourcesCommand).rejects(
      new CloudFormationServiceException({
        name: "AccessDenied",
        $fault: "client",
        $metadata: { httpStatusCode: 403 },
        message: "User: arn:aws:iam::1:user/x is not authorized to perform: cloudformation:DescribeStackResources",
      }),
    );
    const root = writeProject({ ".cody/project.ts": "export default {}" });
    await expect(findProject({ cwd: root, environment: {} }, apis())).rejects.toThrow(/access denied.*cloudformation:DescribeStackResources/);
  });

  it("rejects an invalid settings file with the file named, before any AWS call", async () => {
    projectsExist("demo");
    const root = writeProject({ ".cody/settings.ts": "export default { stackNaming: { appendEnv: 'yes' } };" });
    await expect(findProject({ cwd: root, environment: {} }, apis())).rejects.toThrow();
    expect(projectNamesAsked()).toEqual([]);
  });
});

describe("latestBuildId", () => {
  it("asks newest first and takes the first id", async () => {
    cb.on(ListBuildsForProjectCommand).resolves({ ids: ["demo:3", "demo:2", "demo:1"] });
    await expect(latestBuildId(codebuild, "demo")).resolves.toBe("demo:3");
    expect(cb.commandCalls(ListBuildsForProjectCommand)[0]!.args[0].input).toEqual({ projectName: "demo", sortOrder: "DESCENDING" });
  });

  it("is undefined for a project without builds", async () => {
    cb.on(ListBuildsForProjectCommand).resolves({ ids: [] });
    await expect(latestBuildId(codebuild, "demo")).resolves.toBeUndefined();
  });
});
