// Deletes a stack and follows it until it is gone.
import type { CfnApi } from "../aws/clients";
import { mayHaveLanded } from "../aws/errors";
import { CodyError, ExitCode, isCodyError } from "../errors";
import { deletePlan, deleteQuestion, type DeletePlan } from "../review/delete-plan";
import { deployedTemplate } from "./diff-stack";
import { firstFailure, followStack } from "./follow-stack";
import type { DeployIo } from "./options";
import { isInProgress, lookupStack, type StackSnapshot } from "./stack";
import { Interrupted, type Sleep } from "./wait";

export type DeleteResult =
  | { type: "missing"; stackName: string }
  | { type: "cancelled"; stackName: string }
  | { type: "started"; stackName: string; leftBehind: string[] }
  | { type: "deleted"; stackName: string; leftBehind: string[]; elapsedMs: number };

export interface DeleteOptions {
  cfn: CfnApi;
  stackName: string;
  io: DeployIo;
  sleep: Sleep;
  signal?: AbortSignal;
  wait?: boolean;
  /** Longest follow of the delete (--timeout). */
  timeoutMs?: number;
  /** Named in the question, so nobody deletes in the wrong region by mistake. */
  region?: string;
  /** A CloudFormation service role (`--role-arn`): DeleteStack's RoleARN. */
  roleArn?: string;
}

/**
 * What outlives the stack: CodeBuild creates its log group itself on a project's first build, unless
 * the stack manages it. Whether builds ran is not known here (that would take a Logs call), so it says "if".
 */
export function leftBehind(stack: StackSnapshot): string[] {
  const project = stack.outputs.ProjectName;
  if (!project || stack.outputs.LogGroupName) return [];
  const group = `/aws/codebuild/${project}`;
  return [`log group ${group}, if any build ran (delete it with: aws logs delete-log-group --log-group-name ${group})`];
}

export async function deleteStack(options: DeleteOptions): Promise<DeleteResult> {
  const { cfn, stackName, io } = options;
  const started = Date.now();
  let stack = await lookupStack(cfn, stackName);
  if (!stack.exists) return { type: "missing", stackName };
  if (isInProgress(stack.status)) {
    if (options.wait === false) {
      throw new CodyError(`stack ${stackName} is busy (${stack.status}).`, { hint: "Wait for it to finish, then run cody delete again." });
    }
    io.reporter.info(`Stack ${stackName} is ${stack.status}; waiting for it to finish first.`);
    stack = (await followStack(options, stack, new Date(), "Waiting for")).stack;
    // An earlier delete that was still running: it is done now.
    if (!stack.exists || stack.status === "DELETE_COMPLETE") return { type: "deleted", stackName, leftBehind: [], elapsedMs: Date.now() - started };
  }
  if (stack.terminationProtection) {
    // DeleteStack would fail with a ValidationError; say why and how, before asking.
    throw new CodyError(`stack ${stackName} has termination protection on, so it cannot be deleted; nothing was deleted.`, {
      hint:
        "Set terminationProtection: false in .cody/settings.ts and run `cody deploy` (it turns the protection off), " +
        `or: aws cloudformation update-termination-protection --stack-name ${stackName} --no-enable-termination-protection. Then run \`cody delete\` again.`,
    });
  }
  const plan = await planOf(cfn, stack);
  const confirmed = await io.confirm(
    plan ? deleteQuestion(stackName, options.region, plan) : `Delete stack ${stackName}${options.region ? ` (${options.region})` : ""} and every resource in it?`,
  );
  if (!confirmed) return { type: "cancelled", stackName };

  // Ctrl-C during the question or the read below: nothing is deleted.
  const notDeleted = () => new Interrupted(`Interrupted before DeleteStack was sent: stack ${stackName} was not deleted.`, "Run `cody delete` again when ready.");
  const since = await latestEventTime(cfn, stack.stackId ?? stackName).catch((error: unknown) => {
    throw error instanceof Interrupted ? notDeleted() : error;
  });
  if (options.signal?.aborted) throw notDeleted();
  try {
    await cfn.deleteStack({ StackName: stack.stackId ?? stackName, ...(options.roleArn ? { RoleARN: options.roleArn } : {}) });
  } catch (error) {
    if (!mayHaveLanded(error)) throw error;
    const note = `The delete of ${stackName} may have started (its answer did not come back): \`cody delete\` again waits for it, or watch it in the CloudFormation console.`;
    if (error instanceof Interrupted) throw new Interrupted(`Interrupted while DeleteStack was in flight. ${note}`);
    throw isCodyError(error) ? new CodyError(error.message, { exitCode: error.exitCode, hint: note, cause: error.cause ?? error }) : error;
  }
  const left = [...retainedLeft(plan), ...leftBehind(stack)];
  if (options.wait === false) return { type: "started", stackName, leftBehind: left };
  const { stack: final, events } = await followStack(options, stack, since, "Deleting").catch((error: unknown) => {
    if (error instanceof Interrupted) {
      throw new Interrupted(
        `Stopped following the delete of ${stackName}; CloudFormation carries on with it.`,
        "Run `cody delete` again to wait for it, or watch it in the CloudFormation console.",
      );
    }
    // The delete was sent: whatever went wrong while following, it goes on in CloudFormation.
    if (isCodyError(error)) {
      const note = "The delete goes on in CloudFormation: `cody delete` again waits for it, or watch it in the CloudFormation console.";
      throw new CodyError(error.message, { exitCode: error.exitCode, hint: error.hint ? `${error.hint}\n${note}` : note, cause: error.cause ?? error });
    }
    throw error;
  });
  if (final.status !== "DELETE_COMPLETE") {
    throw new CodyError(`delete of ${stackName} failed (${final.status}). First failure: ${firstFailure(final, events)}`, {
      exitCode: ExitCode.failed,
      hint: "Resources that cannot be deleted (e.g. changed outside CloudFormation) must be removed or retained: aws cloudformation delete-stack --retain-resources ...",
    });
  }
  return { type: "deleted", stackName, leftBehind: left, elapsedMs: Date.now() - started };
}

/**
 * What the delete removes and keeps, from the stack's resources and deployed template; undefined when
 * they cannot be read (the question then says "every resource" rather than guess).
 */
async function planOf(cfn: CfnApi, stack: StackSnapshot): Promise<DeletePlan | undefined> {
  try {
    const id = stack.stackId ?? stack.name;
    const [listed, template] = await Promise.all([cfn.describeStackResources({ StackName: id }), deployedTemplate(cfn, id)]);
    const resources = (listed?.StackResources ?? []).map((r) => ({ logicalId: r.LogicalResourceId ?? "", resourceType: r.ResourceType ?? "", physicalId: r.PhysicalResourceId ?? "" }));
    if (resources.length === 0) return undefined;
    const project = stack.outputs.ProjectName;
    const unmanaged = project && !resources.some((r) => r.resourceType === "AWS::Logs::LogGroup") ? `/aws/codebuild/${project}` : undefined;
    return deletePlan(resources, template?.template, unmanaged);
  } catch {
    return undefined;
  }
}

/** Retained log groups, with how to delete them by hand (the unmanaged one is leftBehind's). */
function retainedLeft(plan: DeletePlan | undefined): string[] {
  return (plan?.kept ?? []).flatMap((k) => {
    const group = /^log group (\S+) \(DeletionPolicy: Retain\)$/.exec(k)?.[1];
    return group ? [`log group ${group}, kept by its DeletionPolicy (delete it with: aws logs delete-log-group --log-group-name ${group})`] : [];
  });
}

/** Just after the stack's newest event (server time), so only the delete's own events are shown. */
async function latestEventTime(cfn: CfnApi, stack: string): Promise<Date> {
  const res = await cfn.describeStackEvents({ StackName: stack });
  const newest = res.StackEvents?.[0]?.Timestamp;
  return newest ? new Date(newest.getTime() + 1) : new Date(Date.now() - 1000);
}
