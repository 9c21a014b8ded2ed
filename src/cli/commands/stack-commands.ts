// `cody deploy`, `cody diff`, `cody delete`: load and synthesize locally (bad input fails before any
// AWS call), then hand the template to the deploy engine with the terminal-facing pieces it needs.
import { createCloudFormation, type CfnApi } from "../../aws/clients";
import { checkStackName, resolveAws } from "../../config/naming";
import { projectNaming } from "../../config/project-naming";
import { findProjectRoot } from "../../config/project-root";
import { CodyError } from "../../errors";
import type { DeployIo } from "../../deploy/deploy-stack";
import { colors, terminalPrompt, type Reporter } from "../../io/reporter";
import { createPrinter } from "../../deploy/printers";
import { abortableSleep } from "../../deploy/wait";
import { withInterrupt } from "../interrupt";
import type { ProjectOptions } from "../options";
import { printProjectWarnings, synthProject, type ProjectSynth } from "../project-synth";
import { envSource, unknownEnvWarning } from "./env-check";

export interface StackCommandOptions extends ProjectOptions {
  wait?: boolean;
  /** delete: say what would be deleted, with read-only calls. */
  noop?: boolean;
  yes?: boolean;
  json?: boolean;
}

/**
 * The terminal side of the engine. Without a terminal a question is answered no, or, when `refusal`
 * names what would not happen (a delete), refused with an error that says so.
 */
function createIo(reporter: Reporter, yes: boolean | undefined, refusal?: string): DeployIo {
  const prompt = terminalPrompt();
  return {
    reporter,
    printer: (title) => createPrinter(reporter, title),
    confirm: async (question) => {
      if (yes) return true;
      if (prompt.interactive) return prompt.ask(question);
      if (!refusal) return false;
      throw new CodyError(`${refusal}: there is no terminal to confirm it.`, {
        hint: "Pass --yes to confirm without a prompt (as in CI).",
      });
    },
  };
}

/** A warning for an env chosen by --env or CODY_ENV that the project does not define. */
function warnEnv(reporter: Reporter, synth: ProjectSynth, options: ProjectOptions): void {
  const { project } = synth;
  const warning = unknownEnvWarning({ env: project.env, from: envSource(options.env), root: project.root, type: project.type, settings: project.settings });
  if (warning) reporter.warn(warning);
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
  warnEnv(reporter, synth, options);
  printProjectWarnings(synth.project, reporter);
  const cfn = await createCloudFormation(synth.aws);
  const region = await cfn.region();
  // IAM preflight once the deploy knows it will change something, before any CloudFormation write:
  // exit 3 when permissions are missing. An unchanged project skips it (the ~1 s no-op path).
  const preflight = options.skipPreflight
    ? undefined
    : async () => {
        const { deployPreflight } = await import("./preflight");
        await deployPreflight({ synth, region, profile: synth.aws.profile, strict: options.strict, reporter });
      };
  const { deployStack } = await import("../../deploy/deploy-stack");
  reporter.info(`Deploying stack ${c.bold(synth.stackName)} (${region})`);
  const result = await withInterrupt(
    (signal) =>
      deployStack({
        cfn,
        stackName: synth.stackName,
        templateBody: synth.templateBody,
        tags: synth.stackTags,
        wait: options.wait,
        io: createIo(reporter, options.yes),
        sleep: abortableSleep(signal),
        signal,
        beforeChanges: preflight,
      }),
    undefined,
    reporter,
  );
  if (result.type === "no-changes") reporter.success(`No changes: stack ${synth.stackName} is up to date.`);
  if (result.type === "started") reporter.info(`Deploy of ${synth.stackName} started; run \`cody deploy\` again to wait for it, or watch it in the CloudFormation console.`);
  if (result.type === "deployed") {
    reporter.success(`Deployed ${synth.stackName} (${result.status}) in ${(result.elapsedMs / 1000).toFixed(1)}s`);
  }
  if (result.type !== "started") printOutputs(reporter, result.outputs);
  if (options.json) {
    // The same keys for every type: null or empty where a type has nothing to say.
    reporter.result(
      JSON.stringify(
        {
          command: "deploy",
          type: result.type,
          stackName: result.stackName,
          region,
          status: result.type === "started" ? null : result.status,
          changes: result.type === "no-changes" ? [] : result.changes,
          outputs: result.type === "started" ? {} : result.outputs,
          elapsedMs: result.type === "deployed" ? result.elapsedMs : null,
        },
        null,
        2,
      ),
    );
  }
}

export async function diffCommand(projectName: string | undefined, options: StackCommandOptions, reporter: Reporter): Promise<void> {
  const synth = await synthProject(projectName, options);
  warnEnv(reporter, synth, options);
  printProjectWarnings(synth.project, reporter);
  const cfn = await createCloudFormation(synth.aws);
  const region = await cfn.region();
  const { diffStack } = await import("../../deploy/diff-stack");
  const { formatChanges } = await import("../../deploy/deploy-stack");
  const result = await withInterrupt(
    (signal) =>
      diffStack({
        cfn,
        stackName: synth.stackName,
        templateBody: synth.templateBody,
        tags: synth.stackTags,
        resources: Object.entries(synth.template.Resources).map(([logicalId, r]) => ({ logicalId, resourceType: String(r.Type) })),
        sleep: abortableSleep(signal),
        signal,
      }),
    undefined,
    reporter,
  );
  if (result.recreate) {
    reporter.warn(`stack ${synth.stackName} (${region}) is ${result.recreate}: cody deploy will delete it and create it again.`);
  }
  if (options.json) {
    const { stackName, isNew, changes } = result;
    reporter.result(
      JSON.stringify({ command: "diff", type: changes.length === 0 ? "no-changes" : "changes", stackName, region, isNew, recreate: result.recreate ?? null, changes }, null, 2),
    );
  } else if (result.changes.length === 0) {
    reporter.success(`No changes: stack ${synth.stackName} (${region}) is up to date.`);
  } else {
    reporter.info(`${result.isNew ? "New stack" : "Changes to stack"} ${synth.stackName} (${region}):`);
    for (const line of formatChanges(result.changes)) reporter.result(line);
  }
}

/** The stack to delete, from names alone (settings, not the whole project): a broken project can still be deleted. */
async function deleteTarget(projectName: string | undefined, options: StackCommandOptions) {
  if (options.stackName) checkStackName(options.stackName, "--stack-name");
  const cwd = process.cwd();
  if (!options.stackName && !projectName) {
    const search = findProjectRoot(cwd);
    if (!search.root) {
      throw new CodyError(`no .cody/ folder found (cody looked in ${search.searched.join(", ")}), so cody cannot tell which stack to delete.`, {
        hint: "Run it in the project's repository, set CODY_ROOT, or name it: cody delete <project> or cody delete --stack-name <stack>.",
      });
    }
  }
  const naming = await projectNaming({ projectName, type: options.type, env: options.env, stackName: options.stackName, cwd });
  const envWarning = unknownEnvWarning({ env: naming.env, from: envSource(options.env), root: naming.root, type: options.type, settings: naming.settings });
  return { stackName: naming.names.stackName, aws: resolveAws(options, naming), envWarning };
}

export async function deleteCommand(projectName: string | undefined, options: StackCommandOptions, reporter: Reporter): Promise<void> {
  const { stackName, aws, envWarning } = await deleteTarget(projectName, options);
  if (envWarning) reporter.warn(envWarning);
  const cfn = await createCloudFormation(aws);
  const region = await cfn.region();
  // --noop stops here, before the delete engine: only DescribeStacks and DescribeStackResources are called.
  if (options.noop) return deleteNoop(cfn, stackName, region, options, reporter);
  const { deleteStack } = await import("../../deploy/delete-stack");
  const result = await withInterrupt(
    (signal) =>
      deleteStack({
        cfn,
        stackName,
        region,
        io: createIo(reporter, options.yes, `not deleting stack ${stackName} (${region})`),
        sleep: abortableSleep(signal),
        signal,
        wait: options.wait,
      }),
    undefined,
    reporter,
  );
  if (result.type === "missing") reporter.info(`Stack ${stackName} does not exist in ${region}: nothing to delete.`);
  if (result.type === "cancelled") reporter.info("Not deleted.");
  if (result.type === "started") reporter.info(`Delete of ${stackName} (${region}) started.`);
  if (result.type === "deleted") reporter.success(`Deleted ${stackName} (${region}) in ${(result.elapsedMs / 1000).toFixed(1)}s`);
  const left = result.type === "started" || result.type === "deleted" ? result.leftBehind : [];
  for (const item of left) reporter.info(`Left behind: ${item}`);
  if (options.json) {
    const elapsedMs = result.type === "deleted" ? result.elapsedMs : null;
    reporter.result(JSON.stringify({ command: "delete", type: result.type, stackName, region, leftBehind: left, elapsedMs }, null, 2));
  }
}

async function deleteNoop(cfn: CfnApi, stackName: string, region: string, options: StackCommandOptions, reporter: Reporter): Promise<void> {
  const { previewDelete } = await import("../../deploy/delete-preview");
  const preview = await previewDelete(cfn, stackName);
  if (!preview.exists) {
    reporter.info(`Stack ${stackName} does not exist in ${region}: nothing would be deleted.`);
  } else {
    const count = preview.resources.length;
    reporter.info(`Would delete stack ${stackName} (${region}, ${preview.status}) and its ${count} resource${count === 1 ? "" : "s"}:`);
    const width = Math.max(...preview.resources.map((r) => r.logicalId.length), 0);
    const typeWidth = Math.max(...preview.resources.map((r) => r.type.length), 0);
    for (const r of preview.resources) reporter.info(`  ${r.logicalId.padEnd(width)}  ${r.type.padEnd(typeWidth)}  ${r.physicalId ?? ""}`.trimEnd());
    for (const item of preview.leftBehind) reporter.info(`Would leave behind: ${item}`);
    reporter.info("Nothing was deleted (--noop).");
  }
  if (options.json) {
    const { exists, status, resources, leftBehind } = preview;
    reporter.result(JSON.stringify({ command: "delete", type: "noop", stackName, region, exists, status, resources, leftBehind, elapsedMs: null }, null, 2));
  }
}
