// `cody deploy --execute-only --change-set-name NAME`: execute a change set made earlier with
// --no-execute, after checking it is still what the project would deploy (same template, same tags)
// and still executable; then follow the stack as a deploy does.
import type { CfnApi } from "../aws/clients";
import { CodyError } from "../errors";
import { summarize } from "./change-set";
import { deploymentFailed, followStack } from "./follow-stack";
import type { DeployOptions, ResourceChangeSummary } from "./options";
import { isDeploySuccess, lookupStack } from "./stack";

export type ExecuteResult =
  | { type: "started"; stackName: string; changes: ResourceChangeSummary[] }
  | { type: "deployed"; stackName: string; status: string; outputs: Record<string, string>; changes: ResourceChangeSummary[]; elapsedMs: number };

export interface ExecuteOptions extends Pick<DeployOptions, "cfn" | "stackName" | "templateBody" | "tags" | "wait" | "io" | "sleep" | "signal" | "now"> {
  changeSetName: string;
  /** Shows the change set and decides whether to go on (approval); false stops without executing. */
  approve?: (changes: ResourceChangeSummary[]) => Promise<boolean>;
}

/** Why a change set no longer matches the project; undefined when it does. */
export async function staleness(cfn: CfnApi, o: Pick<ExecuteOptions, "stackName" | "templateBody" | "tags" | "changeSetName">, tags: Record<string, string>): Promise<string | undefined> {
  const template = await cfn.getTemplate({ StackName: o.stackName, ChangeSetName: o.changeSetName, TemplateStage: "Original" });
  if (template.TemplateBody !== o.templateBody) return "its template differs from what the project synthesizes now";
  const same = Object.keys(tags).length === Object.keys(o.tags).length && Object.entries(o.tags).every(([k, v]) => tags[k] === v);
  return same ? undefined : "its stack tags differ from the project's";
}

export async function executeReviewed(options: ExecuteOptions): Promise<ExecuteResult> {
  const { cfn, stackName, changeSetName } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const again = `Make a new one with \`cody deploy --no-execute --change-set-name ${changeSetName}\` after deleting it, or run \`cody deploy\`.`;
  const described = await cfn.describeChangeSet({ StackName: stackName, ChangeSetName: changeSetName }).catch((error: unknown) => {
    throw new CodyError(`change set ${changeSetName} of stack ${stackName} was not found (${(error as Error).message}).`, {
      hint: `Create it first with \`cody deploy --no-execute --change-set-name ${changeSetName}\`.`,
      cause: error,
    });
  });
  if (described.Status !== "CREATE_COMPLETE" || described.ExecutionStatus !== "AVAILABLE") {
    throw new CodyError(`change set ${changeSetName} cannot be executed: it is ${described.Status ?? "?"}/${described.ExecutionStatus ?? "?"}${described.StatusReason ? ` (${described.StatusReason})` : ""}.`, { hint: again });
  }
  const tags = Object.fromEntries((described.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
  const stale = await staleness(cfn, options, tags);
  if (stale) throw new CodyError(`change set ${changeSetName} is not what the project would deploy now: ${stale}.`, { hint: again });

  const changes = [...(described.Changes ?? [])];
  let token = described.NextToken;
  while (token) {
    const page = await cfn.describeChangeSet({ StackName: stackName, ChangeSetName: changeSetName, NextToken: token });
    changes.push(...(page.Changes ?? []));
    token = page.NextToken;
  }
  const summaries = changes.map(summarize);
  if (options.approve && !(await options.approve(summaries))) {
    throw new CodyError(`change set ${changeSetName} was not executed; it is still there for review.`, { hint: "Run the same command again to execute it, or delete it in the console." });
  }
  const stack = await lookupStack(cfn, stackName);
  const isNew = stack.status === "REVIEW_IN_PROGRESS";
  const since = described.CreationTime ?? new Date(now() - 1000);
  await cfn.executeChangeSet({ StackName: stackName, ChangeSetName: changeSetName, ClientRequestToken: `${changeSetName}-exec` });
  if (options.wait === false) return { type: "started", stackName, changes: summaries };
  const followed = await followStack(options, { ...stack, exists: true }, since, isNew ? "Creating" : "Updating", summaries.length);
  if (!isDeploySuccess(followed.stack.status)) throw deploymentFailed(stackName, followed.stack, followed.events);
  return { type: "deployed", stackName, status: followed.stack.status, outputs: followed.stack.outputs, changes: summaries, elapsedMs: now() - started };
}
