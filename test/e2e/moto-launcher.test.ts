// Proves test/support/moto/launcher.py with the AWS JS SDK v3 (not the CLI): CloudFormation
// AWS::CodeBuild::Project, SDK-parsable builds, log group/stream, STOPPED and forced failures.
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  waitUntilStackCreateComplete,
  waitUntilStackUpdateComplete,
} from "@aws-sdk/client-cloudformation";
import {
  BatchGetBuildsCommand,
  BatchGetProjectsCommand,
  CodeBuildClient,
  ListProjectsCommand,
  StartBuildCommand,
  StopBuildCommand,
  type Build,
} from "@aws-sdk/client-codebuild";
import { EventBridgeClient, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { resetMoto, setBuildOutcome } from "../support/moto.js";

const endpoint = inject("motoEndpoint");
// Placeholder keeps the types simple; it is never contacted because the suite is skipped.
const url = endpoint ?? "http://127.0.0.1:9";
const STACK = "cody-e2e";
const PROJECT = "cody-e2e-build";
const RULE = "cody-e2e-nightly";

function template(image: string): string {
  return JSON.stringify({
    Resources: {
      BuildRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          Path: "/cody/",
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
    Outputs: { ProjectArn: { Value: { "Fn::GetAtt": ["CodeBuild", "Arn"] } } },
  });
}

describe.skipIf(!endpoint)("moto launcher (JS SDK)", () => {
  const config = {
    region: "us-east-1",
    endpoint: url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
  const cfn = new CloudFormationClient(config);
  const codebuild = new CodeBuildClient(config);
  const events = new EventBridgeClient(config);
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

  it("deletes the project with the stack", async () => {
    await deployStack();
    await cfn.send(new DeleteStackCommand({ StackName: STACK }));
    expect(await project()).toBeUndefined();
    expect((await codebuild.send(new ListProjectsCommand({}))).projects ?? []).not.toContain(PROJECT);
  });
});
