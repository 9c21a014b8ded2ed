// Proves test/support/moto/launcher.py with the AWS JS SDK v3 (not the CLI): CloudFormation
// AWS::CodeBuild::Project, SDK-parsable builds, log group/stream, STOPPED and forced failures, outputs of
// executed change sets, reuse of a REVIEW_IN_PROGRESS stack, and AWS::IAM::Role updates.
import {
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListExportsCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  UpdateStackCommand,
  waitUntilChangeSetCreateComplete,
  waitUntilStackCreateComplete,
  waitUntilStackUpdateComplete,
  type ChangeSetType,
} from "@aws-sdk/client-cloudformation";
import {
  BatchGetBuildsCommand,
  BatchGetProjectsCommand,
  ListProjectsCommand,
  StartBuildCommand,
  StopBuildCommand,
  type Build,
} from "@aws-sdk/client-codebuild";
import { ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import {
  CreatePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from "@aws-sdk/client-iam";
import { beforeEach, describe, expect, it } from "vitest";
import { resetMoto, setBuildOutcome, setPlainBuilds } from "../support/moto.js";
import { motoClients, sharedMoto } from "../_helpers/e2e";

const { endpoint, url } = sharedMoto();
const STACK = "cody-e2e";
const PROJECT = "cody-e2e-build";
const RULE = "cody-e2e-nightly";

interface TemplateOptions {
  /** Extra BuildRole properties (Policies, ManagedPolicyArns, Description, Path, ...). */
  role?: Record<string, unknown>;
  /** Extra outputs next to ProjectArn. */
  outputs?: Record<string, unknown>;
  description?: string;
}

function template(image: string, options: TemplateOptions = {}): string {
  return JSON.stringify({
    ...(options.description ? { Description: options.description } : {}),
    Resources: {
      BuildRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          Path: "/cody/",
          ...options.role,
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "codebuild.amazonaws.com" },
                Action: "sts:AssumeRole",
              },
            ],
          },
        },
      },
      CodeBuild: {
        Type: "AWS::CodeBuild::Project",
        Properties: {
          Name: PROJECT,
          Source: { Type: "GITHUB", Location: "https://github.com/example/app.git" },
          Artifacts: { Type: "NO_ARTIFACTS" },
          Environment: {
            Type: "LINUX_CONTAINER",
            ComputeType: "BUILD_GENERAL1_SMALL",
            Image: image,
          },
          ServiceRole: { "Fn::GetAtt": ["BuildRole", "Arn"] },
        },
      },
      Nightly: {
        Type: "AWS::Events::Rule",
        Properties: {
          Name: RULE,
          ScheduleExpression: "rate(1 day)",
          Targets: [
            {
              Id: "codebuild",
              Arn: { "Fn::GetAtt": ["CodeBuild", "Arn"] },
              RoleArn: { "Fn::GetAtt": ["BuildRole", "Arn"] },
            },
          ],
        },
      },
    },
    Outputs: { ProjectArn: { Value: { "Fn::GetAtt": ["CodeBuild", "Arn"] } }, ...options.outputs },
  });
}

/** An inline policy document allowing one action, named by its Sid. */
function inlinePolicy(policyName: string, sid: string, action: string) {
  return {
    PolicyName: policyName,
    PolicyDocument: { Version: "2012-10-17", Statement: [{ Sid: sid, Effect: "Allow", Action: action, Resource: "*" }] },
  };
}

describe.skipIf(!endpoint)("moto launcher (JS SDK)", () => {
  const { cfn, codebuild, events, iam } = motoClients(url);
  const waiter = { client: cfn, maxWaitTime: 30, minDelay: 1, maxDelay: 2 };

  beforeEach(async () => {
    await resetMoto(url);
  });

  async function deployStack(): Promise<void> {
    await cfn.send(
      new CreateStackCommand({
        StackName: STACK,
        TemplateBody: template("aws/codebuild/standard:7.0"),
        Capabilities: ["CAPABILITY_IAM"],
      }),
    );
    await waitUntilStackCreateComplete(waiter, { StackName: STACK });
  }

  async function project() {
    const res = await codebuild.send(new BatchGetProjectsCommand({ names: [PROJECT] }));
    return res.projects?.[0];
  }

  async function poll(id: string): Promise<Build> {
    const res = await codebuild.send(new BatchGetBuildsCommand({ ids: [id] }));
    const build = res.builds?.[0];
    if (!build) throw new Error(`build ${id} not found`);
    return build;
  }

  async function startBuild(env: Record<string, string> = {}): Promise<Build> {
    const res = await codebuild.send(
      new StartBuildCommand({
        projectName: PROJECT,
        environmentVariablesOverride: Object.entries(env).map(([name, value]) => ({
          name,
          value,
          type: "PLAINTEXT",
        })),
      }),
    );
    if (!res.build?.id) throw new Error("StartBuild returned no build");
    return res.build;
  }

  /** Creates a change set, waits for it and executes it; resolves to the StackId CreateChangeSet returned. */
  async function changeSet(type: ChangeSetType, name: string, body: string, execute = true): Promise<string> {
    const made = await cfn.send(
      new CreateChangeSetCommand({ StackName: STACK, ChangeSetName: name, ChangeSetType: type, TemplateBody: body }),
    );
    await waitUntilChangeSetCreateComplete(waiter, { StackName: STACK, ChangeSetName: name });
    if (execute) await cfn.send(new ExecuteChangeSetCommand({ StackName: STACK, ChangeSetName: name }));
    return made.StackId ?? "";
  }

  async function stack() {
    return (await cfn.send(new DescribeStacksCommand({ StackName: STACK }))).Stacks?.[0];
  }

  async function liveStacks() {
    const all = (await cfn.send(new ListStacksCommand({}))).StackSummaries ?? [];
    return all.filter((s) => s.StackName === STACK && s.StackStatus !== "DELETE_COMPLETE");
  }

  const outputsOf = (s: Awaited<ReturnType<typeof stack>>) =>
    Object.fromEntries((s?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));

  async function roleName(): Promise<string> {
    const res = await cfn.send(new ListStackResourcesCommand({ StackName: STACK }));
    const role = res.StackResourceSummaries?.find((r) => r.LogicalResourceId === "BuildRole")?.PhysicalResourceId;
    if (!role) throw new Error("no BuildRole in the stack");
    return role;
  }

  it("gives stacks created and updated through change sets their outputs, exports and description", async () => {
    const arn = `arn:aws:codebuild:us-east-1:123456789012:project/${PROJECT}`;
    const first = template("aws/codebuild/standard:7.0", {
      description: "first",
      outputs: { Image: { Value: "7.0", Export: { Name: "cody-e2e-image" } } },
    });
    await changeSet("CREATE", "create", first);
    const created = await stack();
    expect(created?.StackStatus).toBe("CREATE_COMPLETE");
    expect(outputsOf(created)).toEqual({ ProjectArn: arn, Image: "7.0" });
    expect(created?.Description).toBe("first");
    const exports = async () => (await cfn.send(new ListExportsCommand({}))).Exports?.map((e) => [e.Name, e.Value]);
    expect(await exports()).toEqual([["cody-e2e-image", "7.0"]]);

    const second = template("aws/codebuild/standard:6.0", {
      description: "second",
      outputs: { Image: { Value: "6.0", Export: { Name: "cody-e2e-image-v2" } }, Role: { Value: { "Fn::GetAtt": ["BuildRole", "Arn"] } } },
    });
    await changeSet("UPDATE", "update", second);
    const updated = await stack();
    expect(updated?.StackStatus).toBe("UPDATE_COMPLETE");
    expect(outputsOf(updated)).toEqual({ ProjectArn: arn, Image: "6.0", Role: expect.stringMatching(/^arn:aws:iam::123456789012:role\/cody\//) });
    expect(updated?.Description).toBe("second");
    expect(await exports()).toEqual([["cody-e2e-image-v2", "6.0"]]);
    expect((await project())?.environment?.image).toBe("aws/codebuild/standard:6.0");

    // DeleteStack drops every export the stack names: they must all be registered.
    await cfn.send(new DeleteStackCommand({ StackName: STACK }));
    expect(await liveStacks()).toEqual([]);
    expect(await exports()).toEqual([]);
  });

  it("reuses a stack in REVIEW_IN_PROGRESS for a CREATE change set, and refuses one for a live stack", async () => {
    const body = template("aws/codebuild/standard:7.0");
    // An abandoned create (e.g. Ctrl-C before executing) leaves the stack in REVIEW_IN_PROGRESS.
    const reviewId = await changeSet("CREATE", "abandoned", body, false);
    await cfn.send(new DeleteChangeSetCommand({ StackName: STACK, ChangeSetName: "abandoned" }));
    expect(await liveStacks()).toEqual([expect.objectContaining({ StackId: reviewId, StackStatus: "REVIEW_IN_PROGRESS" })]);

    expect(await changeSet("CREATE", "again", body)).toBe(reviewId);
    expect(await liveStacks()).toEqual([expect.objectContaining({ StackId: reviewId, StackStatus: "CREATE_COMPLETE" })]);
    expect((await stack())?.StackId).toBe(reviewId);
    expect(await project()).toBeDefined();

    await expect(
      cfn.send(new CreateChangeSetCommand({ StackName: STACK, ChangeSetName: "twice", ChangeSetType: "CREATE", TemplateBody: body })),
    ).rejects.toThrow(`Stack [${STACK}] already exists and cannot be created again with the changeSet [twice].`);
    expect(await liveStacks()).toHaveLength(1);
  });

  it("updates a role's inline and managed policies, description and boundary through CloudFormation", async () => {
    const policy = async (name: string) =>
      (
        await iam.send(
          new CreatePolicyCommand({
            PolicyName: name,
            PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }),
          }),
        )
      ).Policy?.Arn ?? "";
    const [readOnly, deployer] = [await policy("cody-e2e-read"), await policy("cody-e2e-deploy")];
    await cfn.send(
      new CreateStackCommand({
        StackName: STACK,
        TemplateBody: template("aws/codebuild/standard:7.0", {
          role: { Description: "before", Policies: [inlinePolicy("Access", "ReadCache", "s3:GetObject")], ManagedPolicyArns: [readOnly] },
        }),
      }),
    );
    await waitUntilStackCreateComplete(waiter, { StackName: STACK });
    const name = await roleName();
    const inline = async (policyName: string) =>
      decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }))).PolicyDocument ?? "");
    const attached = async () =>
      ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }))).AttachedPolicies ?? []).map((p) => p.PolicyArn);
    expect(await inline("Access")).toContain("ReadCache");
    expect(await attached()).toEqual([readOnly]); // stock moto attaches none

    // Through a change set, as cody deploys: a changed policy, a new one, other managed policies.
    await changeSet(
      "UPDATE",
      "role-update",
      template("aws/codebuild/standard:7.0", {
        role: {
          Description: "after",
          MaxSessionDuration: 7200,
          PermissionsBoundary: deployer,
          Policies: [inlinePolicy("Access", "WriteArtifacts", "s3:PutObject"), inlinePolicy("Extra", "ReadParams", "ssm:GetParameters")],
          ManagedPolicyArns: [deployer],
        },
      }),
    );
    expect((await stack())?.StackStatus).toBe("UPDATE_COMPLETE");
    expect(await roleName()).toBe(name); // updated in place
    expect(await inline("Access")).toContain("WriteArtifacts");
    expect(await inline("Access")).not.toContain("ReadCache");
    expect(await inline("Extra")).toContain("ReadParams");
    expect(await attached()).toEqual([deployer]);
    const role = (await iam.send(new GetRoleCommand({ RoleName: name }))).Role;
    expect(role?.Description).toBe("after");
    expect(role?.MaxSessionDuration).toBe(7200);
    expect(role?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(deployer);

    // Removing properties removes what they made.
    await cfn.send(new UpdateStackCommand({ StackName: STACK, TemplateBody: template("aws/codebuild/standard:7.0") }));
    await waitUntilStackUpdateComplete(waiter, { StackName: STACK });
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames).toEqual([]);
    expect(await attached()).toEqual([]);
    expect((await iam.send(new GetRoleCommand({ RoleName: name }))).Role?.PermissionsBoundary).toBeUndefined();

    // A role with a managed policy attached can still be deleted with its stack.
    await changeSet("UPDATE", "attach-again", template("aws/codebuild/standard:7.0", { role: { ManagedPolicyArns: [readOnly] } }));
    expect(await attached()).toEqual([readOnly]);
    await cfn.send(new DeleteStackCommand({ StackName: STACK }));
    expect(await liveStacks()).toEqual([]);
    await expect(iam.send(new GetRoleCommand({ RoleName: name }))).rejects.toThrow(/not found|NoSuchEntity/i);
  });

  it("replaces a role whose path changes", async () => {
    const roleOutput = { Role: { Value: { "Fn::GetAtt": ["BuildRole", "Arn"] } } };
    await changeSet("CREATE", "create", template("aws/codebuild/standard:7.0", { outputs: roleOutput }));
    const before = await roleName();
    await changeSet("UPDATE", "new-path", template("aws/codebuild/standard:7.0", { role: { Path: "/builds/" }, outputs: roleOutput }));
    const after = await roleName();
    expect(after).not.toBe(before);
    const role = (await iam.send(new GetRoleCommand({ RoleName: after }))).Role;
    expect(role?.Path).toBe("/builds/");
    expect(outputsOf(await stack()).Role).toBe(role?.Arn);
    await expect(iam.send(new GetRoleCommand({ RoleName: before }))).rejects.toThrow(/not found|NoSuchEntity/i);
  });

  it("creates the stack with a real CodeBuild project and GetAtt Arn", async () => {
    await deployStack();
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: STACK }))).Stacks?.[0];
    expect(stack?.StackStatus).toBe("CREATE_COMPLETE");
    const arn = `arn:aws:codebuild:us-east-1:123456789012:project/${PROJECT}`;
    expect(stack?.Outputs).toEqual([expect.objectContaining({ OutputKey: "ProjectArn", OutputValue: arn })]);

    const created = await project();
    expect(created?.arn).toBe(arn);
    expect(created?.source).toMatchObject({ type: "GITHUB", location: "https://github.com/example/app.git" });
    expect(created?.environment?.image).toBe("aws/codebuild/standard:7.0");
    expect(created?.serviceRole).toMatch(/^arn:aws:iam::123456789012:role\/cody\//);
    expect(created?.created).toBeInstanceOf(Date);

    const targets = await events.send(new ListTargetsByRuleCommand({ Rule: RULE }));
    expect(targets.Targets?.[0]?.Arn).toBe(arn);
  });

  it("applies a stack update to the project", async () => {
    await deployStack();
    await cfn.send(
      new UpdateStackCommand({ StackName: STACK, TemplateBody: template("aws/codebuild/standard:6.0") }),
    );
    await waitUntilStackUpdateComplete(waiter, { StackName: STACK });
    expect((await project())?.environment?.image).toBe("aws/codebuild/standard:6.0");
  });

  it("returns SDK-parsable builds with a log group and stream", async () => {
    await deployStack();
    const started = await startBuild();
    expect(started.startTime).toBeInstanceOf(Date);
    expect(started.buildStatus).toBe("IN_PROGRESS");

    const build = await poll(started.id ?? "");
    expect(build.buildStatus).toBe("SUCCEEDED");
    expect(build.endTime).toBeInstanceOf(Date);
    expect(build.environment?.image).toBe("aws/codebuild/standard:7.0"); // the project's, not moto's
    const uuid = (started.id ?? "").split(":")[1];
    expect(build.logs).toMatchObject({ groupName: `/aws/codebuild/${PROJECT}`, streamName: uuid });
    expect(build.logs?.deepLink).toContain(uuid);
    // Polling again must not change a finished build (stock moto appends phases every time).
    expect((await poll(started.id ?? "")).phases).toEqual(build.phases);
  });

  it("keeps a stopped build STOPPED", async () => {
    await deployStack();
    const started = await startBuild();
    const stopped = await codebuild.send(new StopBuildCommand({ id: started.id }));
    expect(stopped.build?.buildStatus).toBe("STOPPED");
    expect((await poll(started.id ?? "")).buildStatus).toBe("STOPPED");
  });

  it("fails the next build on request, with a failed BUILD phase message", async () => {
    await deployStack();
    await setBuildOutcome(url, { projectName: PROJECT, message: "npm test exited with 1" });
    const failed = await poll((await startBuild()).id ?? "");
    expect(failed.buildStatus).toBe("FAILED");
    const phase = failed.phases?.find((p) => p.phaseStatus === "FAILED");
    expect(phase?.phaseType).toBe("BUILD");
    expect(phase?.contexts?.[0]?.message).toBe("npm test exited with 1");

    // The request was used up: the following build succeeds again.
    expect((await poll((await startBuild()).id ?? "")).buildStatus).toBe("SUCCEEDED");
    // The env-var switch works as well.
    const viaEnv = await poll((await startBuild({ MOTO_FAIL_BUILD: "lint failed" })).id ?? "");
    expect(viaEnv.buildStatus).toBe("FAILED");
    expect(viaEnv.phases?.find((p) => p.phaseStatus === "FAILED")?.contexts?.[0]?.message).toBe(
      "lint failed",
    );
  });

  it("clears queued build outcomes on reset", async () => {
    await setBuildOutcome(url, { projectName: PROJECT });
    await resetMoto(url);
    await deployStack();
    expect((await poll((await startBuild()).id ?? "")).buildStatus).toBe("SUCCEEDED");
  });

  it("builds as stock moto on request (plain builds), until the next reset", async () => {
    await deployStack();
    await setPlainBuilds(url);
    const plain = await startBuild();
    const first = await poll(plain.id ?? "");
    // Stock moto: SUCCEEDED at once yet never complete, every phase appended again on each poll.
    expect(first).toMatchObject({ buildStatus: "SUCCEEDED", buildComplete: false });
    expect((await poll(plain.id ?? "")).phases?.length).toBeGreaterThan(first.phases?.length ?? 0);
    await resetMoto(url);
    await deployStack();
    const fixed = await poll((await startBuild()).id ?? "");
    expect(fixed).toMatchObject({ buildStatus: "SUCCEEDED", buildComplete: true });
  });

  it("deletes the project with the stack", async () => {
    await deployStack();
    await cfn.send(new DeleteStackCommand({ StackName: STACK }));
    expect(await project()).toBeUndefined();
    expect((await codebuild.send(new ListProjectsCommand({}))).projects ?? []).not.toContain(PROJECT);
  });
});
