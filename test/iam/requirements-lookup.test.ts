// The build commands' stack-name lookup path (`cody start <stack-name>`, docs/start.md): run the real
// findProject over stubbed clients, record every project name and stack name it asks AWS for, and check
// the policy of the build commands allows each of those requests on its concrete ARN. A project found by
// name, through the conventional stack, and through the argument taken as a stack name.
import { CloudFormationClient, CloudFormationServiceException, DescribeStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { BatchGetProjectsCommand, CodeBuildClient } from "@aws-sdk/client-codebuild";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createCloudFormation, createCodeBuild } from "../../src/aws/clients";
import { findProject } from "../../src/builds/find-project";
import { loadProject } from "../../src/config/load-project";
import { evaluatePolicies } from "../../src/policy/evaluate";
import { callerRequirements, policyDocument } from "../../src/iam/policy";
import { requirementsFor, type CommandName } from "../../src/iam/requirements";
import { synthesize } from "../../src/synth/template";
import { exampleCases } from "../examples/examples";

const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const cb = mockClient(CodeBuildClient);
const cf = mockClient(CloudFormationClient);

beforeEach(() => {
  cb.reset();
  cf.reset();
});

/** AWS as the lookup sees it: `projects` exist by name; `stacks` map a stack name to its CodeBuild project. */
function world(projects: string[], stacks: Record<string, string>): void {
  cb.on(BatchGetProjectsCommand).callsFake((input: { names: string[] }) => ({
    projects: input.names.filter((n) => projects.includes(n)).map((name) => ({ name })),
    projectsNotFound: input.names.filter((n) => !projects.includes(n)),
  }));
  cf.on(DescribeStackResourcesCommand).callsFake((input: { StackName: string }) => {
    const id = stacks[input.StackName];
    if (!id) {
      throw new CloudFormationServiceException({ name: "ValidationError", $fault: "client", $metadata: { httpStatusCode: 400 }, message: `Stack with id ${input.StackName} does not exist` });
    }
    return { StackResources: [{ LogicalResourceId: "CodeBuild", PhysicalResourceId: id, ResourceType: "AWS::CodeBuild::Project" }] };
  });
}

/** Every request the lookup made, as IAM authorizes it. */
function requestsMade(): Array<{ action: string; resource: string }> {
  return [
    ...cb.commandCalls(BatchGetProjectsCommand).flatMap((c) =>
      (c.args[0].input.names ?? []).map((name) => ({ action: "codebuild:BatchGetProjects", resource: `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/${name}` })),
    ),
    ...cf.commandCalls(DescribeStackResourcesCommand).map((c) => ({
      action: "cloudformation:DescribeStackResources",
      resource: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${c.args[0].input.StackName}/0f1e2d3c-aaaa-bbbb-cccc-123456789012`,
    })),
  ];
}

describe("the stack-name lookup path of the build commands", () => {
  it("is covered by the policy of each build command, for every example (by name, and by the stack name as the argument)", async () => {
    let checked = 0;
    for (const c of exampleCases()) {
      const synth = synthesize(await loadProject({ cwd: c.cwd, type: c.type, env: c.env, environment: {} }));
      const project = Object.values(synth.template.Resources).find((r) => r.Type === "AWS::CodeBuild::Project");
      const projectName = String((project?.Properties as { Name?: string } | undefined)?.Name);
      for (const command of ["start", "status", "logs", "stop", "badge"] as CommandName[]) {
        const policy = policyDocument(callerRequirements(requirementsFor({ synth, commands: [command], region: REGION, account: ACCOUNT, partition: "aws" })));
        // No argument (found by name); the stack name as the argument (`cody start demo-cody`), found through the stack.
        for (const argument of [undefined, synth.stackName]) {
          cb.reset();
          cf.reset();
          world(argument ? [] : [projectName], { [synth.stackName]: projectName });
          const apis = { codebuild: await createCodeBuild({ region: REGION }), cfn: () => createCloudFormation({ region: REGION }) };
          const found = await findProject({ projectName: argument, type: c.type, env: c.env, cwd: c.cwd, environment: {} }, apis, command);
          expect(found.projectName, c.name).toBe(projectName);
          const requests = requestsMade();
          if (argument) expect(requests.map((r) => r.action), c.name).toContain("cloudformation:DescribeStackResources");
          for (const request of requests) {
            checked++;
            expect(evaluatePolicies([policy], request).decision, `${c.name} cody ${command} ${argument ?? ""}: ${request.action} on ${request.resource}`).toBe("allowed");
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("does not reach other projects' builds: the lookup grants reads, not StartBuild, on the stack-name pattern", () => {
    const requirements = requirementsFor({ commands: ["start"], region: REGION, account: ACCOUNT });
    expect(requirements.find((r) => r.sid === "FindProjectByStackName")).toBeUndefined(); // generic: project/* already
    return (async () => {
      const demo = exampleCases().find((c) => c.name === "demo")!;
      const synth = synthesize(await loadProject({ cwd: demo.cwd, environment: {} }));
      const list = requirementsFor({ synth, commands: ["start"], region: REGION, account: ACCOUNT });
      expect(list.find((r) => r.sid === "FindProjectByStackName")).toMatchObject({
        actions: ["codebuild:BatchGetProjects"],
        resources: [`arn:aws:codebuild:${REGION}:${ACCOUNT}:project/demo-cody*`],
      });
      const policy = policyDocument(list);
      expect(evaluatePolicies([policy], { action: "codebuild:StartBuild", resource: `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/demo-cody-other` }).decision).not.toBe("allowed");
    })();
  });
});
