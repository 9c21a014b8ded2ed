// `cody deploy`, `cody diff`, `cody delete`: load and synthesize locally (bad input fails before any
// AWS call), then hand the template to the deploy engine with the terminal-facing pieces it needs.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createCloudFormation } from "../../aws/clients";
import { checkStackName, resolveAws } from "../../config/naming";
import { CODY_DIR, projectNaming } from "../../config/project-naming";
import { CodyError } from "../../errors";
import type { DeployIo } from "../../deploy/deploy-stack";
import { colors, terminalPrompt, type Reporter } from "../../io/reporter";
import { createPrinter } from "../../deploy/printers";
import { abortableSleep } from "../../deploy/wait";
import { withInterrupt } from "../interrupt";
import type { ProjectOptions } from "../options";
import { synthProject } from "../project-synth";

export interface StackCommandOptions extends ProjectOptions {
  wait?: boolean;
  yes?: boolean;
  json?: boolean;
}

function createIo(reporter: Reporter, yes: boolean | undefined, whenNobodyAnswers: "refuse" | "no"): DeployIo {
  const prompt = terminalPrompt();
  return {
    reporter,
    printer: (title) => createPrinter(reporter, title),
    confirm: async (question) => {
      if (yes) return true;
      if (prompt.interactive) return prompt.ask(question);
      if (whenNobodyAnswers === "no") return false;
      throw new CodyError(`${question.replace(/\?$/, "")}: not confirmed, since there is no terminal to ask.`, {
        hint: "Pass --yes to confirm without a prompt (as in CI).",
      });
    },
  };
}

function printOutputs(reporter: Reporter, outputs: Record<string, string>): void {
  const c = colors(reporter);
  const width = Math.max(0, ...Object.keys(outputs).map((k) => k.length));
  for (const [key, value] of Object.entries(outputs)) reporter.info(`  ${c.dim(key.padEnd(width))}  ${value}`);
}

export async function deployCommand(
  projectName: string | undefined,
  options: StackCommandOptions & { skipPreflight?: boolean; strict?: boolean },
  reporter: Reporter,
): Promise<void> {
  const c = colors(reporter);
  const synth = await synthProject(projectName, options);
  const cfn = await createCloudFormation(synth.aws);
  // IAM preflight once the deploy knows it will change something, before any CloudFormation write:
  // exit 3 when permissions are missing. An unchanged project skips it (the ~1 s no-op path).
  const preflight = options.skipPreflight
    ? undefined
    : async () => {
        const { deployPreflight } = await import("./preflight");
        await deployPreflight({ synth, region: await cfn.region(), profile: synth.aws.profile, strict: options.strict, reporter });
      };
  const { deployStack } = await import("../../deploy/deploy-stack");
  reporter.info(`Deploying stack ${c.bold(synth.stackName)} (${await cfn.region()})`);
  const result = await withInterrupt((signal) =>
    deployStack({
      cfn,
      stackName: synth.stackName,
      templateBody: synth.templateBody,
      tags: synth.stackTags,
      wait: options.wait,
      io: createIo(reporter, options.yes, "no"),
      sleep: abortableSleep(signal),
      signal,
      beforeChanges: preflight,
    }),
  );
  if (result.type === "no-changes") reporter.success(`No changes: stack ${synth.stackName} is up to date.`);
  if (result.type === "started") reporter.info(`Deploy of ${synth.stackName} started; run \`cody deploy\` again to wait for it, or watch it in the CloudFormation console.`);
  if (result.type === "deployed") {
    reporter.success(`Deployed ${synth.stackName} (${result.status}) in ${(result.elapsedMs / 1000).toFixed(1)}s`);
  }
  if (result.type !== "started") printOutputs(reporter, result.outputs);
  if (options.json) reporter.result(JSON.stringify({ command: "deploy", ...result }, null, 2));
}

export async function diffCommand(projectName: string | undefined, options: StackCommandOptions, reporter: Reporter): Promise<void> {
  const synth = await synthProject(projectName, options);
  const cfn = await createCloudFormation(synth.aws);
  const { diffStack } = await import("../../deploy/diff-stack");
  const { formatChanges } = await import("../../deploy/deploy-stack");
  const result = await withInterrupt((signal) =>
    diffStack({
      cfn,
      stackName: synth.stackName,
      templateBody: synth.templateBody,
      tags: synth.stackTags,
      resources: Object.entries(synth.template.Resources).map(([logicalId, r]) => ({ logicalId, resourceType: String(r.Type) })),
      sleep: abortableSleep(signal),
      signal,
    }),
  );
  if (result.recreate) {
    reporter.warn(`stack ${synth.stackName} is ${result.recreate}: cody deploy will delete it and create it again.`);
  }
  if (options.json) {
    reporter.result(JSON.stringify({ command: "diff", type: result.changes.length === 0 ? "no-changes" : "changes", ...result }, null, 2));
  } else if (result.changes.length === 0) {
    reporter.success(`No changes: stack ${synth.stackName} is up to date.`);
  } else {
    reporter.info(`${result.isNew ? "New stack" : "Changes to stack"} ${synth.stackName}:`);
    for (const line of formatChanges(result.changes)) reporter.result(line);
  }
}

/** The stack to delete, from names alone (settings, not the whole project): a broken project can still be deleted. */
async function deleteTarget(projectName: string | undefined, options: StackCommandOptions) {
  if (options.stackName) checkStackName(options.stackName, "--stack-name");
  const cwd = process.cwd();
  if (!options.stackName && !projectName && !existsSync(join(cwd, CODY_DIR))) {
    throw new CodyError("no .cody/ folder here, so cody cannot tell which stack to delete.", {
      hint: "Run it in the project's repository, or name it: cody delete <project> or cody delete --stack-name <stack>.",
    });
  }
  const naming = await projectNaming({ projectName, type: options.type, env: options.env, stackName: options.stackName, cwd });
  return { stackName: naming.names.stackName, aws: resolveAws(options, naming) };
}

export async function deleteCommand(projectName: string | undefined, options: StackCommandOptions, reporter: Reporter): Promise<void> {
  const { stackName, aws } = await deleteTarget(projectName, options);
  const cfn = await createCloudFormation(aws);
  const { deleteStack } = await import("../../deploy/delete-stack");
  const result = await withInterrupt((signal) =>
    deleteStack({
      cfn,
      stackName,
      io: createIo(reporter, options.yes, "refuse"),
      sleep: abortableSleep(signal),
      signal,
      wait: options.wait,
    }),
  );
  if (result.type === "missing") reporter.info(`Stack ${stackName} does not exist: nothing to delete.`);
  if (result.type === "cancelled") reporter.info("Not deleted.");
  if (result.type === "started") reporter.info(`Delete of ${stackName} started.`);
  if (result.type === "deleted") reporter.success(`Deleted ${stackName} in ${(result.elapsedMs / 1000).toFixed(1)}s`);
  if (result.type === "started" || result.type === "deleted") {
    for (const item of result.leftBehind) reporter.info(`Left behind: ${item}`);
  }
  if (options.json) reporter.result(JSON.stringify({ command: "delete", ...result }, null, 2));
}
