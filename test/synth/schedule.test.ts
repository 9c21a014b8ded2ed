// The schedule (docs/architecture.md#template, #schedule-expressions): cody's EventBridge rule, or EventBridge Scheduler with
// `engine: "scheduler"`; either role may start builds of this project only.
import { afterAll, describe, expect, it } from "vitest";
import { isConfigError } from "../../src/errors";
import type { Template } from "../../src/synth/template";
import { scheduleName } from "../../src/synth/schedule-resource";
import {
  configErrorOf,
  minimalProject,
  propertiesOf,
  removeProjects,
  roleStatements,
  synthFor,
  type TestLoadOptions,
} from "../_helpers/project";

afterAll(removeProjects);

const getAtt = (id: string, attribute: string) => ({ "Fn::GetAtt": [id, attribute] });
/** EventBridge Scheduler's universal target for CodeBuild StartBuild, in the stack's partition. */
const START_BUILD_TARGET = { "Fn::Sub": "arn:${AWS::Partition}:scheduler:::aws-sdk:codebuild:startBuild" };

/** A GitHub project with an inline `schedule:` (TypeScript source of the object). */
const withSchedule = (schedule: string, options?: TestLoadOptions) => synthFor(minimalProject(`schedule: ${schedule},`), options);

describe("rule engine (cody's default)", () => {
  it("EventsRule and EventsRuleRole, named cody-<full project name>, starting the CodeBuild project", async () => {
    const template = await withSchedule(`{ rate: "1 day" }`);
    expect(template.Resources.EventsRule).toEqual({
      Type: "AWS::Events::Rule",
      Properties: {
        Name: "cody-demo",
        Description: "Starts builds of the demo CodeBuild project (cody)",
        ScheduleExpression: "rate(1 day)",
        State: "ENABLED",
        Targets: [{ Id: "CodeBuild", Arn: getAtt("CodeBuild", "Arn"), RoleArn: getAtt("EventsRuleRole", "Arn") }],
      },
    });
    expect(template.Resources.EventsRuleRole?.Type).toBe("AWS::IAM::Role");
    expect(template.Resources).not.toHaveProperty("Schedule");
    expect(template.Resources).not.toHaveProperty("ScheduleRole");
  });

  it("uses the full project name (type, env, CODY_EXTRA)", async () => {
    const template = await synthFor(
      {
        ".cody/settings.ts": `export default { stackNaming: { appendEnv: true } };\n`,
        ".cody/unit/project.ts": `export default { githubUrl: "https://github.com/acme/api", schedule: { rate: "1 hour" } };\n`,
        ".cody/unit/buildspec.yml": "version: 0.2\nphases:\n  build:\n    commands: [\"true\"]\n",
      },
      { type: "unit", env: "staging", environment: { CODY_EXTRA: "x" } },
    );
    expect(propertiesOf(template, "EventsRule").Name).toBe("cody-demo-unit-staging-x");
  });

  it.each([
    [`{ rate: "1 day" }`, "rate(1 day)"],
    [`{ rate: "5 minutes" }`, "rate(5 minutes)"],
    [`{ rate: "rate(12 hours)" }`, "rate(12 hours)"],
    [`{ cron: "0 10 * * ? *" }`, "cron(0 10 * * ? *)"],
    [`{ cron: "cron(0 10 ? * mon-fri *)" }`, "cron(0 10 ? * MON-FRI *)"],
  ])("%s → ScheduleExpression %s", async (schedule, expression) => {
    expect(propertiesOf(await withSchedule(schedule), "EventsRule").ScheduleExpression).toBe(expression);
  });

  it("an invalid expression is an error before synthesis", async () => {
    const error = await configErrorOf(withSchedule(`{ rate: "1 days" }`));
    expect(error.issues[0]).toMatchObject({ field: "schedule.rate" });
  });

  it("enabled: false → State DISABLED", async () => {
    expect(propertiesOf(await withSchedule(`{ rate: "1 day", enabled: false }`), "EventsRule").State).toBe("DISABLED");
    expect(propertiesOf(await withSchedule(`{ rate: "1 day", enabled: true }`), "EventsRule").State).toBe("ENABLED");
  });

  it("description is used", async () => {
    expect(propertiesOf(await withSchedule(`{ rate: "1 day", description: "nightly" }`), "EventsRule").Description).toBe("nightly");
  });

  it("input becomes the StartBuild request as camelCase JSON", async () => {
    const template = await withSchedule(
      `{ cron: "0 3 * * ? *", input: { sourceVersion: "nightly", environmentVariables: { MODE: "full", RETRIES: 3, TOKEN: ssm("/ci/token"), PW: secret("ci/db:pw") } } }`,
    );
    const target = (propertiesOf(template, "EventsRule").Targets as Array<Record<string, unknown>>)[0]!;
    expect(typeof target.Input).toBe("string");
    expect(JSON.parse(target.Input as string)).toEqual({
      sourceVersion: "nightly",
      environmentVariablesOverride: [
        { name: "MODE", value: "full", type: "PLAINTEXT" },
        { name: "RETRIES", value: "3", type: "PLAINTEXT" },
        { name: "TOKEN", value: "/ci/token", type: "PARAMETER_STORE" },
        { name: "PW", value: "ci/db:pw", type: "SECRETS_MANAGER" },
      ],
    });
  });

  it("no Input without input", async () => {
    const target = (propertiesOf(await withSchedule(`{ rate: "1 day" }`), "EventsRule").Targets as unknown[])[0];
    expect(target).not.toHaveProperty("Input");
  });

  it("the rule's role may only call codebuild:StartBuild on this project (Fn::GetAtt CodeBuild.Arn)", async () => {
    const template = await withSchedule(`{ rate: "1 day" }`);
    const role = propertiesOf(template, "EventsRuleRole");
    expect(role.Path).toBe("/cody/");
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sts:AssumeRole",
          // EventBridge names the rule as aws:SourceArn (confused-deputy prevention): only this rule may assume it.
          Condition: {
            StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
            ArnLike: { "aws:SourceArn": { "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/cody-demo" } },
          },
        },
      ],
    });
    expect(roleStatements(template, "EventsRuleRole")).toEqual([
      { Effect: "Allow", Action: "codebuild:StartBuild", Resource: getAtt("CodeBuild", "Arn") },
    ]);
    expect(role).not.toHaveProperty("ManagedPolicyArns");
  });

  it("a name over 64 characters is shortened with a stable hash", async () => {
    const long = `project-${"x".repeat(60)}`;
    const template = await withSchedule(`{ rate: "1 day" }`, { projectName: long });
    const name = propertiesOf(template, "EventsRule").Name as string;
    expect(name).toHaveLength(64);
    expect(name).toMatch(/^cody-project-x+-[0-9a-f]{8}$/);
    expect(name).toBe(scheduleName(long));
    // stable across runs, different for a different project
    expect(scheduleName(long)).toBe(name);
    expect(scheduleName(`${long}y`)).not.toBe(name);
    expect(scheduleName(`${long}y`)).toHaveLength(64);
  });

  it("names up to 64 characters are kept as they are", () => {
    const exact = "p".repeat(59);
    expect(scheduleName(exact)).toBe(`cody-${exact}`);
    expect(scheduleName(exact)).toHaveLength(64);
    expect(scheduleName(`${exact}q`)).toHaveLength(64);
    expect(scheduleName(`${exact}q`)).not.toBe(`cody-${exact}q`.slice(0, 64));
  });

  it("schedule.properties merge over the rule: objects merge, arrays replace, raw keys added", async () => {
    const template = await withSchedule(`{
      rate: "1 day",
      properties: {
        EventBusName: "default",
        State: "DISABLED",
        Targets: [{ Id: "Custom", Arn: { "Fn::GetAtt": ["CodeBuild", "Arn"] }, RoleArn: { "Fn::GetAtt": ["EventsRuleRole", "Arn"] } }],
      },
    }`);
    expect(propertiesOf(template, "EventsRule")).toEqual({
      Name: "cody-demo",
      Description: "Starts builds of the demo CodeBuild project (cody)",
      ScheduleExpression: "rate(1 day)",
      State: "DISABLED",
      EventBusName: "default",
      Targets: [{ Id: "Custom", Arn: getAtt("CodeBuild", "Arn"), RoleArn: getAtt("EventsRuleRole", "Arn") }],
    });
  });

  it("a raw ScheduleExpression alone is enough", async () => {
    const template = await withSchedule(`{ properties: { ScheduleExpression: "rate(7 days)" } }`);
    expect(propertiesOf(template, "EventsRule").ScheduleExpression).toBe("rate(7 days)");
  });

  it("a Scheduler-only key on a rule is an error", async () => {
    const error = await configErrorOf(withSchedule(`{ rate: "1 day", properties: { FlexibleTimeWindow: { Mode: "OFF" } } }`));
    expect(error.issues[0]).toMatchObject({ field: "schedule.properties.FlexibleTimeWindow" });
  });

  it("timezone and at need the scheduler engine", async () => {
    const tz = await configErrorOf(withSchedule(`{ cron: "0 10 * * ? *", timezone: "Europe/Paris" }`));
    expect(tz.issues[0]).toMatchObject({ field: "schedule.timezone" });
    const at = await configErrorOf(withSchedule(`{ at: "2030-12-01T10:00:00" }`));
    expect(at.issues[0]).toMatchObject({ field: "schedule.at" });
  });
});

describe("scheduler engine", () => {
  it("Schedule and ScheduleRole with a universal StartBuild target, UTC and no flexible window by default", async () => {
    const template = await withSchedule(`{ engine: "scheduler", cron: "0 10 * * ? *" }`);
    expect(template.Resources.Schedule).toEqual({
      Type: "AWS::Scheduler::Schedule",
      Properties: {
        Name: "cody-demo",
        Description: "Starts builds of the demo CodeBuild project (cody)",
        ScheduleExpression: "cron(0 10 * * ? *)",
        ScheduleExpressionTimezone: "UTC",
        State: "ENABLED",
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: {
          Arn: START_BUILD_TARGET,
          RoleArn: getAtt("ScheduleRole", "Arn"),
          Input: JSON.stringify({ ProjectName: "demo" }),
        },
      },
    });
    expect(template.Resources).not.toHaveProperty("EventsRule");
    expect(template.Resources).not.toHaveProperty("EventsRuleRole");
  });

  it("the universal target ARN follows the stack's partition", async () => {
    const template = await withSchedule(`{ engine: "scheduler", rate: "1 day" }`);
    const target = propertiesOf(template, "Schedule").Target as Record<string, unknown>;
    expect(target.Arn).toEqual(START_BUILD_TARGET);
  });

  it("a time zone, enabled: false and input with PascalCase StartBuild parameters", async () => {
    const template = await withSchedule(
      `{ engine: "scheduler", cron: "0 10 ? * MON *", timezone: "Europe/Paris", enabled: false, input: { sourceVersion: "main", environmentVariables: { A: "1", K: ssm("/k") } } }`,
    );
    const props = propertiesOf(template, "Schedule");
    expect(props).toMatchObject({ ScheduleExpressionTimezone: "Europe/Paris", State: "DISABLED" });
    expect(JSON.parse((props.Target as { Input: string }).Input)).toEqual({
      ProjectName: "demo",
      SourceVersion: "main",
      EnvironmentVariablesOverride: [
        { Name: "A", Type: "PLAINTEXT", Value: "1" },
        { Name: "K", Type: "PARAMETER_STORE", Value: "/k" },
      ],
    });
    // the referenced parameter is readable by the build
    expect(JSON.stringify(roleStatements(template))).toContain("parameter/k");
  });

  // Was a bug (fixed): the universal target names the project in its Input as the derived full project name, so
  // with `properties: { Name: "..." }` on the project, scheduled builds start a project that does not
  // exist (or a different one); the rule engine is immune because it targets Fn::GetAtt CodeBuild.Arn.
  // Refusing the Name override would fix it too.
  it("the scheduler starts the project's actual name when properties rename it (or the rename is refused)", async () => {
    const outcome = await synthFor(minimalProject(`properties: { Name: "custom-name" }, schedule: { engine: "scheduler", rate: "1 day" },`)).catch(
      (error: unknown) => error,
    );
    if (isConfigError(outcome)) {
      expect(outcome.issues[0]!.field).toBe("properties.Name");
      return;
    }
    const input = (propertiesOf(outcome as Template, "Schedule").Target as { Input: unknown }).Input;
    // either the literal name, or the project resource's name through Fn::Sub / Ref
    const text = JSON.stringify(input);
    expect(["custom-name", "${CodeBuild}", '"Ref":"CodeBuild"'].some((s) => text.includes(s)), text).toBe(true);
  });

  it("an unknown time zone is an error", async () => {
    const error = await configErrorOf(withSchedule(`{ engine: "scheduler", rate: "1 day", timezone: "Mars/Olympus" }`));
    expect(error.issues[0]).toMatchObject({ field: "schedule.timezone" });
  });

  it("at() one-time schedules", async () => {
    const template = await withSchedule(`{ engine: "scheduler", at: "2030-12-01T10:00:00" }`);
    expect(propertiesOf(template, "Schedule").ScheduleExpression).toBe("at(2030-12-01T10:00:00)");
  });

  it("the schedule's role trusts scheduler.amazonaws.com and may only start this project", async () => {
    const template = await withSchedule(`{ engine: "scheduler", rate: "1 day" }`);
    const role = propertiesOf(template, "ScheduleRole");
    expect(role.Path).toBe("/cody/");
    expect(role.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Principal: { Service: "scheduler.amazonaws.com" },
          Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
        },
      ],
    });
    expect(roleStatements(template, "ScheduleRole")).toEqual([
      { Effect: "Allow", Action: "codebuild:StartBuild", Resource: getAtt("CodeBuild", "Arn") },
    ]);
  });

  it("schedule.properties merge over the schedule", async () => {
    const template = await withSchedule(
      `{ engine: "scheduler", rate: "1 day", properties: { FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 }, Target: { RetryPolicy: { MaximumRetryAttempts: 0 } }, GroupName: "ci" } }`,
    );
    const props = propertiesOf(template, "Schedule");
    expect(props.FlexibleTimeWindow).toEqual({ Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 });
    expect(props.GroupName).toBe("ci");
    expect(props.Target).toEqual({
      Arn: START_BUILD_TARGET,
      RoleArn: getAtt("ScheduleRole", "Arn"),
      Input: JSON.stringify({ ProjectName: "demo" }),
      RetryPolicy: { MaximumRetryAttempts: 0 },
    });
  });
});

describe("schedule inline vs schedule.ts", () => {
  it("a schedule.ts gives the same resources as schedule: in project.ts", async () => {
    const schedule = `{ cron: "0 3 * * ? *", description: "nightly", input: { sourceVersion: "main" } }`;
    const inline = await synthFor(minimalProject(`schedule: ${schedule},`));
    const fromFile = await synthFor(
      minimalProject("", {
        ".cody/schedule.ts": `import { defineSchedule } from "codybuild";\n\nexport default defineSchedule(${schedule});\n`,
      }),
    );
    expect(fromFile.Resources.EventsRule).toEqual(inline.Resources.EventsRule);
    expect(fromFile.Resources.EventsRuleRole).toEqual(inline.Resources.EventsRuleRole);
    expect(fromFile).toEqual(inline);
  });

  it("a schedule.ts may be a function of the context", async () => {
    const template = await synthFor(
      minimalProject("", {
        ".cody/schedule.ts": `import { defineSchedule } from "codybuild";\n\nexport default defineSchedule(({ env }) => ({ rate: env === "production" ? "1 hour" : "1 day" }));\n`,
      }),
      { env: "production" },
    );
    expect(propertiesOf(template, "EventsRule").ScheduleExpression).toBe("rate(1 hour)");
  });

  it("an error in schedule.ts names schedule.ts and the field without the schedule. prefix", async () => {
    const error = await configErrorOf(
      synthFor(minimalProject("", { ".cody/schedule.ts": `export default { cron: "0 10 * * * *" };\n` })),
    );
    expect(error.issues[0]).toMatchObject({ field: "cron", file: expect.stringMatching(/schedule\.ts$/) });
  });

  it("no schedule: no schedule resources", async () => {
    const template = await synthFor(minimalProject());
    expect(Object.keys(template.Resources).sort()).toEqual(["CodeBuild", "IamRole"]);
  });
});

describe("trust policies name the source (confused deputy)", () => {
  const sourceArn = async (schedule: string, roleId: string) => {
    const statement = (propertiesOf(await withSchedule(schedule), roleId).AssumeRolePolicyDocument as { Statement: Array<{ Condition: Record<string, Record<string, unknown>> }> }).Statement[0]!;
    expect(statement.Condition.StringEquals).toEqual({ "aws:SourceAccount": { Ref: "AWS::AccountId" } });
    return statement.Condition.ArnLike!["aws:SourceArn"];
  };
  const sub = (text: string) => ({ "Fn::Sub": text });
  const AT = "${AWS::Region}:${AWS::AccountId}";

  it("the rule's role: the rule's ARN, following a renamed rule and another event bus", async () => {
    expect(await sourceArn(`{ rate: "1 day", properties: { Name: "nightly", EventBusName: "builds" } }`, "EventsRuleRole")).toEqual(
      sub(`arn:\${AWS::Partition}:events:${AT}:rule/builds/nightly`),
    );
    expect(await sourceArn(`{ rate: "1 day", properties: { EventBusName: "default" } }`, "EventsRuleRole")).toEqual(sub(`arn:\${AWS::Partition}:events:${AT}:rule/cody-demo`));
  });

  it("the scheduler's role: its schedule group (as Scheduler's documentation has it) and the schedule, in this account", async () => {
    expect(await sourceArn(`{ engine: "scheduler", rate: "1 day" }`, "ScheduleRole")).toEqual([
      sub(`arn:\${AWS::Partition}:scheduler:${AT}:schedule-group/default`),
      sub(`arn:\${AWS::Partition}:scheduler:${AT}:schedule/default/cody-demo`),
    ]);
    expect(await sourceArn(`{ engine: "scheduler", rate: "1 day", properties: { GroupName: "ci" } }`, "ScheduleRole")).toEqual([
      sub(`arn:\${AWS::Partition}:scheduler:${AT}:schedule-group/ci`),
      sub(`arn:\${AWS::Partition}:scheduler:${AT}:schedule/ci/cody-demo`),
    ]);
  });
});
