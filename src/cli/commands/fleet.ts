// Many stacks at once: `--all`, `--types a,b`, `--regions a,b` (or settings `targets`) on deploy, diff,
// delete, preflight and policy. Thin: choose the targets (src/fleet/choose.ts), ask once where a delete
// needs it, run each target through the normal command (src/cli/fleet-target.ts) in a pool
// (src/fleet/run.ts), then the summary, the --json result and the worst exit code.
import { loadSettings } from "../../config/project-naming";
import { findProjectRoot, noProjectError } from "../../config/project-root";
import { serviceRoleArn } from "../../config/role-arn";
import { CodyError, ExitCode, Interrupted } from "../../errors";
import { chooseTargets, checkFleetFlags, fleetFlagsGiven, parseConcurrency, type FleetFlags } from "../../fleet/choose";
import { worstExitCode } from "../../fleet/exit-code";
import { runFleet } from "../../fleet/run";
import type { FleetCommand, FleetTarget, JobResult } from "../../fleet/types";
import { summaryLines, tally } from "../../fleet/view";
import { colors, terminalPrompt, type Prompt, type Reporter } from "../../io/reporter";
import { formatError } from "../format-error";
import { runTarget } from "../fleet-target";
import type { ProjectOptions } from "../options";
import type { DeployCommandOptions } from "./stack-commands";
import type { PolicyOptions } from "./policy";

/** Every option a fleet command may carry: the fleet's own and those it hands to each job. */
export type FleetOptions = FleetFlags &
  ProjectOptions &
  Omit<DeployCommandOptions, keyof ProjectOptions> &
  Omit<PolicyOptions, keyof ProjectOptions | "roleArn"> & { fail?: boolean; strict?: boolean };

export interface FleetDeps {
  prompt?: Prompt;
  /** Aborted on Ctrl-C (tests); defaults to SIGINT. */
  interrupt?: AbortSignal;
  /** Runs one target (tests pass a fake); defaults to the single-stack command. */
  runTarget?: typeof runTarget;
}

const VERBS: Record<Exclude<FleetCommand, "policy">, string> = { deploy: "deploying", diff: "diffing", delete: "deleting", preflight: "checking" };

/** Deploy flags that name one stack's change set or file: refused with several stacks. */
function checkDeployFlags(options: FleetOptions): void {
  const single: Array<[keyof FleetOptions, string]> = [
    ["executeOnly", "--execute-only"],
    ["changeSetName", "--change-set-name"],
    ["outputsFile", "--outputs-file"],
  ];
  for (const [key, flag] of single) {
    if (options[key] === undefined || options[key] === false) continue;
    throw new CodyError(`${flag} works on one stack, and this deploy works on several.`, {
      hint: `Run it for one stack (cody deploy --type <type> --region <region> ${flag} ...), or drop ${flag}.`,
    });
  }
}

/** The one question of `cody delete --all`, listing every stack; refused without a terminal (as a single delete is). */
async function confirmDelete(targets: readonly FleetTarget[], options: FleetOptions, prompt: Prompt, reporter: Reporter): Promise<boolean> {
  if (options.yes || options.noop) return true;
  const list = targets.map((t) => `  ${t.stackName}  ${t.region ?? "(default region)"}${t.profile ? `  profile ${t.profile}` : ""}`);
  if (!prompt.interactive) {
    throw new CodyError(`not deleting ${targets.length} stack${targets.length === 1 ? "" : "s"}: there is no terminal to confirm it.`, {
      hint: "Pass --yes to confirm without a prompt (as in CI).",
    });
  }
  reporter.info(`These ${targets.length} stacks and their resources will be deleted:`);
  for (const line of list) reporter.info(line);
  return prompt.ask(`Delete all ${targets.length}?`);
}

/** Where the settings say several targets, or the flags ask for several stacks: else undefined (one stack). */
async function fleetTargets(projectName: string | undefined, options: FleetOptions): Promise<FleetTarget[] | undefined> {
  const cwd = process.cwd();
  const search = findProjectRoot(cwd);
  if (!search.root) {
    if (fleetFlagsGiven(options)) throw noProjectError(cwd, search);
    return undefined;
  }
  const flags = { all: options.all, types: options.types, regions: options.regions, concurrency: options.concurrency, failFast: options.failFast };
  const base = { flags, projectName, type: options.type, stackName: options.stackName, env: options.env, region: options.region, profile: options.profile };
  checkFleetFlags(base);
  const { settings } = await loadSettings(search.root);
  const fromSettings = Boolean(settings.targets && options.region === undefined);
  if (!fleetFlagsGiven(options) && !fromSettings) return undefined;
  const targets = await chooseTargets({ ...base, root: search.root, ...(settings.targets ? { settingsTargets: settings.targets } : {}) });
  // One settings target is one stack: the usual output, in that target's place.
  if (!fleetFlagsGiven(options) && targets.length === 1) return undefined;
  return targets;
}

/** The one settings target, or none, when the command turned out to be about one stack. */
async function singleTarget(options: FleetOptions): Promise<FleetOptions> {
  const root = findProjectRoot(process.cwd()).root;
  if (!root || options.region !== undefined) return options;
  const target = (await loadSettings(root)).settings.targets?.[0];
  if (!target) return options;
  return { ...options, region: target.region, ...((target.profile ?? options.profile) ? { profile: target.profile ?? options.profile } : {}) };
}

async function runSingle(command: FleetCommand, projectName: string | undefined, options: FleetOptions, reporter: Reporter): Promise<void> {
  const opts = await singleTarget(options);
  switch (command) {
    case "deploy":
      return (await import("./stack-commands")).deployCommand(projectName, opts, reporter);
    case "delete":
      return (await import("./stack-commands")).deleteCommand(projectName, opts, reporter);
    case "diff":
      return (await import("./diff")).diffCommand(projectName, opts, reporter);
    case "preflight":
      return (await import("./preflight")).preflightCommand(projectName, opts, reporter);
    case "policy":
      return (await import("./policy")).policyCommand(projectName, opts, reporter);
  }
}

export async function fleetCommand(command: FleetCommand, projectName: string | undefined, options: FleetOptions, reporter: Reporter, deps: FleetDeps = {}): Promise<void> {
  const targets = await fleetTargets(projectName, options);
  if (!targets) return runSingle(command, projectName, options, reporter);
  if (command === "policy") {
    const { fleetPolicy } = await import("../fleet-policy");
    return fleetPolicy(projectName, targets, options, reporter);
  }
  if (command === "deploy") checkDeployFlags(options);
  // Bad input once, before any stack, not once per stack.
  serviceRoleArn(options.roleArn, undefined);
  const prompt = deps.prompt ?? terminalPrompt();
  if (command === "delete" && !(await confirmDelete(targets, options, prompt, reporter))) {
    reporter.info("Not deleted.");
    return;
  }
  if (command === "deploy" && prompt.interactive && !options.yes && options.requireApproval !== "never") {
    reporter.info(
      `${colors(reporter).dim("note:")} with several stacks cody asks no questions: a stack whose change needs approval is not deployed (exit 1). ` +
        "Review with `cody diff --all`, then deploy with --yes (or --require-approval never), or deploy that stack alone to be asked.",
    );
  }
  const run = deps.runTarget ?? runTarget;
  const results = await runFleet({
    targets,
    concurrency: parseConcurrency(options.concurrency),
    failFast: options.failFast,
    reporter,
    verb: VERBS[command],
    // A delete was confirmed once above, for every stack.
    job: (target, job) => run(command, projectName, target, options, job, { yes: command === "delete" }),
    formatError,
    ...(deps.interrupt ? { interrupt: deps.interrupt } : {}),
  });
  report(command, results, options, reporter);
}

function report(command: FleetCommand, results: JobResult[], options: FleetOptions, reporter: Reporter): void {
  const code = worstExitCode(results.map((r) => r.exitCode));
  // With --json, stdout is the JSON alone; the table goes to stderr for the human.
  const table = summaryLines(results);
  for (const line of table) {
    if (options.json) reporter.info(line);
    else reporter.result(line);
  }
  if (command === "diff" && !options.json) printDiffChanges(results, reporter);
  if (options.json) {
    reporter.result(
      JSON.stringify(
        {
          command,
          type: "fleet",
          exitCode: code,
          results: results.map((r) => ({
            stackName: r.target.stackName,
            projectType: r.target.type ?? null,
            region: r.region ?? null,
            profile: r.target.profile ?? null,
            result: r.result,
            exitCode: r.exitCode,
            changes: r.changes,
            elapsedMs: r.elapsedMs,
            error: r.error ?? null,
            detail: r.detail ?? null,
          })),
        },
        null,
        2,
      ),
    );
  }
  const summary = tally(results);
  if (code === ExitCode.ok) {
    reporter.success(summary);
    return;
  }
  const failing = results.filter((r) => r.exitCode !== ExitCode.ok).map((r) => r.target.label);
  const hint = `Exit ${code} is the worst of the stacks' exit codes (docs/scale.md). Each stack's own message is above, prefixed with its name; run one again with --type/--region to see it alone.`;
  if (code === ExitCode.interrupted) throw new Interrupted(`${summary}. Interrupted: stacks not started were left as they were.`, hint);
  throw new CodyError(`${summary}. Not ok: ${failing.join(", ")}.`, { exitCode: code as ExitCode, hint });
}

/** A change as `cody diff --json` prints it (docs/json.md). */
interface DiffChange {
  action?: string;
  logicalId?: string;
  resourceType?: string;
  replacement?: string | null;
  values?: Array<{ path: string }>;
}

/** `cody diff --all`: each stack's changes (and the properties they change) under its name, after the table. */
function printDiffChanges(results: JobResult[], reporter: Reporter): void {
  for (const r of results) {
    const changes = (r.detail as { changes?: DiffChange[] } | undefined)?.changes;
    if (!changes || changes.length === 0) continue;
    reporter.result("");
    reporter.result(`${r.target.label}:`);
    for (const ch of changes) {
      const paths = (ch.values ?? []).map((v) => v.path);
      const what = paths.length > 0 ? `  ${paths.join(", ")}` : "";
      reporter.result(`  ${(ch.action ?? "").padEnd(7)} ${ch.logicalId ?? ""}  ${ch.resourceType ?? ""}${ch.replacement === "True" ? "  (replace)" : ""}${what}`);
    }
  }
}
