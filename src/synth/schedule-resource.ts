// The schedule: cody's AWS::Events::Rule (`EventsRule` + `EventsRuleRole`), on a time or an event
// pattern, or EventBridge Scheduler (`Schedule` + `ScheduleRole`, which has time zones and one-time
// schedules). Either role may start builds of this project only.
import type { ResolvedProject } from "../config/resolve";
import { deepMerge, type PlainObject } from "../util/merge";
import { arn, getAtt, POLICY_VERSION, sub } from "./intrinsics";
import { ROLE_PATH, settingsBoundary, trustPolicy } from "./role-resource";

export { scheduleName } from "../config/schedule";

/** The role the rule or schedule assumes; `sourceArns` are what the service names as aws:SourceArn. */
function startBuildRole(service: string, p: ResolvedProject, sourceArns: PlainObject | PlainObject[]): PlainObject {
  const boundary = settingsBoundary(p);
  return {
    Type: "AWS::IAM::Role",
    Properties: {
      Path: ROLE_PATH,
      Description: `Lets ${service.split(".")[0]} start builds of ${p.names.fullProjectName} (cody)`,
      AssumeRolePolicyDocument: trustPolicy(service, sourceArns),
      ...(boundary ? { PermissionsBoundary: boundary } : {}),
      Policies: [
        {
          PolicyName: "StartBuild",
          PolicyDocument: {
            Version: POLICY_VERSION,
            Statement: [{ Effect: "Allow", Action: "codebuild:StartBuild", Resource: getAtt("CodeBuild", "Arn") }],
          },
        },
      ],
    },
  };
}

export function scheduleResources(p: ResolvedProject): Record<string, PlainObject> {
  const resolved = p.resolved.schedule;
  if (!resolved) return {};
  const { config: s, name, description, expression: scheduleExpression, variables: vars } = resolved;

  if (resolved.engine === "scheduler") {
    // The universal target calls StartBuild with the API's own (PascalCase) parameters.
    const input: PlainObject = { ProjectName: p.names.fullProjectName };
    if (s.input?.sourceVersion) input.SourceVersion = s.input.sourceVersion;
    if (vars.length > 0) input.EnvironmentVariablesOverride = vars;
    const properties: PlainObject = {
      Name: name,
      Description: description,
      ...(scheduleExpression ? { ScheduleExpression: scheduleExpression } : {}),
      ScheduleExpressionTimezone: resolved.timezone,
      State: resolved.enabled ? "ENABLED" : "DISABLED",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: {
        // The universal target's ARN, in the stack's partition like every other ARN cody writes.
        Arn: sub("arn:${AWS::Partition}:scheduler:::aws-sdk:codebuild:startBuild"),
        RoleArn: getAtt("ScheduleRole", "Arn"),
        Input: JSON.stringify(input),
      },
    };
    const merged = deepMerge(properties, s.properties);
    return {
      Schedule: { Type: "AWS::Scheduler::Schedule", Properties: merged },
      ScheduleRole: startBuildRole("scheduler.amazonaws.com", p, schedulerSourceArns(merged)),
    };
  }

  // An EventBridge CodeBuild target passes Input as the StartBuild request (camelCase JSON).
  const input: PlainObject = {};
  if (s.input?.sourceVersion) input.sourceVersion = s.input.sourceVersion;
  if (vars.length > 0) input.environmentVariablesOverride = vars.map((v) => ({ name: v.Name, value: v.Value, type: v.Type }));
  const target: PlainObject = {
    Id: "CodeBuild",
    Arn: getAtt("CodeBuild", "Arn"),
    RoleArn: getAtt("EventsRuleRole", "Arn"),
  };
  if (Object.keys(input).length > 0) target.Input = JSON.stringify(input);
  const properties: PlainObject = {
    Name: name,
    Description: description,
    ...(scheduleExpression ? { ScheduleExpression: scheduleExpression } : {}),
    ...(s.eventPattern ? { EventPattern: s.eventPattern } : {}),
    State: resolved.enabled ? "ENABLED" : "DISABLED",
    Targets: [target],
  };
  const merged = deepMerge(properties, s.properties);
  return {
    EventsRule: { Type: "AWS::Events::Rule", Properties: merged },
    EventsRuleRole: startBuildRole("events.amazonaws.com", p, ruleArn(merged)),
  };
}

const nameOf = (value: unknown): string => (typeof value === "string" ? value : "*");

/**
 * The event bus a rule is on, as it appears in the rule's ARN: "" for the default bus, else the bus's
 * name (also when EventBusName is the bus's ARN), or undefined when it is not a literal.
 */
export function ruleBus(bus: unknown): string | undefined {
  if (bus === undefined || bus === "default") return "";
  if (typeof bus !== "string") return undefined;
  if (!bus.startsWith("arn:")) return bus;
  const name = /:event-bus\/(.+)$/.exec(bus)?.[1];
  return name === "default" ? "" : name;
}

/**
 * The rule's ARN, which EventBridge sends as aws:SourceArn when it assumes the target role. Built from the
 * name (a GetAtt of the rule would make a cycle: the rule names the role): `rule/<name>` on the default
 * bus, `rule/<bus>/<name>` on another.
 */
function ruleArn(properties: PlainObject): PlainObject {
  const bus = ruleBus(properties.EventBusName);
  const onBus = bus === undefined ? "*/" : bus === "" ? "" : `${bus}/`;
  return arn("events", `rule/${onBus}${nameOf(properties.Name)}`);
}

/**
 * What EventBridge Scheduler names as aws:SourceArn: its documentation conditions the execution role on
 * the schedule group's ARN; the schedule's own ARN is listed too, so the role works whichever is sent.
 * Both stay within this account and group.
 */
function schedulerSourceArns(properties: PlainObject): PlainObject[] {
  const group = typeof properties.GroupName === "string" ? properties.GroupName : "default";
  return [arn("scheduler", `schedule-group/${group}`), arn("scheduler", `schedule/${group}/${nameOf(properties.Name)}`)];
}
