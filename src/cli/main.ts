// The CLI edge: wires commander to the commands, and is the one place that formats errors and
// decides the exit code. Commands load lazily, so `cody --help` reads no more than it prints.
import { Command, CommanderError, Option } from "commander";
import { CodyError, ExitCode, isCodyError } from "../errors";
import { createReporter, type Reporter } from "../io/reporter";
import { captureStrayWarnings } from "../io/stray-warnings";
import { formatError, usageError } from "./format-error";
import { wantsFleet, withAwsOptions, withFleetOptions, withProjectOptions, type FleetFlagOptions, type ProjectOptions } from "./options";
import type { SynthOptions } from "./commands/synth";
import type { InitOptions } from "./commands/init";
import type { DeployCommandOptions, StackCommandOptions } from "./commands/stack-commands";
import type { DiffOptions } from "./commands/diff";
import type { DriftOptions } from "./commands/drift";
import type { PolicyOptions } from "./commands/policy";
import type { PreflightOptions } from "./commands/preflight";
import type { StartOptions } from "./commands/start";
import type { LogsOptions } from "./commands/logs";
import type { StatusOptions } from "./commands/status";
import type { StopOptions } from "./commands/stop";
import type { BadgeOptions } from "./commands/badge";
import type { ListOptions } from "./commands/list";

declare const CODY_VERSION: string | undefined;
const VERSION = typeof CODY_VERSION === "string" ? CODY_VERSION : "0.0.0-dev";


/** A stack set is one stack rolled out by StackSets; the fan-out flags pick several stacks: not both. */
function refuseStackSetFleet(opts: FleetFlagOptions & { stackSet?: boolean }): void {
  if (opts.stackSet && (opts.all || opts.types !== undefined || opts.regions !== undefined)) {
    throw new CodyError("--stack-set cannot be combined with --all, --types or --regions: StackSets chooses the regions from settings' stackSet.", {
      hint: "Run cody deploy --stack-set --type <type> for each project, or list the regions in settings' stackSet.regions.",
    });
  }
}

/**
 * The program. With `only`, the commands other than that one are registered by name and description
 * alone (enough for commander to dispatch, suggest a name and list them), without their options and
 * actions: building all of them is ~4 ms of CPU that a run of one command does not need.
 */
export function buildProgram(reporter: Reporter, only?: string): Command {
  const program = new Command("cody")
    .description("Manage AWS CodeBuild projects from a small typed TypeScript DSL in .cody/")
    .version(VERSION, "-v, --version", "print the version")
    .option("--debug", "print debug output and stack traces")
    .option("--no-color", "plain output without colours")
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => reporter.result(text.replace(/\n$/, "")),
      writeErr: (text) => reporter.error(text.replace(/\n$/, "")),
      // Parser errors are printed by run(), formatted like cody's own (usageError).
      outputError: () => undefined,
    });
  const define = (name: string, description: string, options: (cmd: Command) => unknown): void => {
    const cmd = program.command(name).description(description);
    if (only === undefined || only === name) options(cmd);
  };

  define("synth", "print the CloudFormation template of the project (no AWS access needed)", (cmd) => {
    const synthFormat = new Option("--format <format>", "template format").choices(["yaml", "json"]).default("yaml");
    return withProjectOptions(cmd)
      .addOption(synthFormat)
      .option("-o, --out <file>", "write the template to a file instead of stdout")
      .option("--region <region>", "region handed to the DSL context (no AWS call is made)")
      .action(async (project: string | undefined, opts: SynthOptions) => {
        const { synthCommand } = await import("./commands/synth");
        await synthCommand(project, opts, reporter);
      });
  });

  define("deploy", "deploy the project's stack through a change set (--noop: print the template only)", (cmd) =>
    withFleetOptions(withAwsOptions(withProjectOptions(cmd)), "deploy")
      .option("--noop", "print the template and stop: no AWS call, no credentials (same as cody synth)")
      .addOption(new Option("--format <format>", "template format for --noop").choices(["yaml", "json"]).default("yaml"))
      .option("--no-wait", "start the deploy and return without following it")
      .option("--wait", "follow the deploy until it ends (the default; for scripts written for Ruby cody)")
      .option("-y, --yes", "do not ask for confirmation")
      .option("--skip-preflight", "do not check IAM permissions first")
      .option("--strict", "fail when the preflight cannot run")
      .option("--timeout <duration>", "stop following the stack after this long (e.g. 30m; default 60m); CloudFormation carries on")
      .option("--json", "print the result as JSON")
      .option("--outputs-file <file>", "write the stack outputs to this file as JSON ({ stack: { key: value } })")
      .addOption(
        new Option("--require-approval <level>", "ask before executing: never, any-change, or broadening (IAM widened; the default, or settings' requireApproval)").choices([
          "never",
          "any-change",
          "broadening",
        ]),
      )
      .option("--no-execute", "create and show the change set, then stop (prints its name and console link)")
      .option("--change-set-name <name>", "name the change set (with --execute-only: the one to execute)")
      .option("--execute-only", "execute the change set --change-set-name names, after checking it still matches the project")
      .option("--role-arn <arn>", "CloudFormation service role (RoleARN) for the stack's resource calls (default: settings' roleArn)")
      .option("--stack-set", "deploy with CloudFormation StackSets to the regions and accounts of settings' stackSet")
      .action(async (project: string | undefined, opts: SynthOptions & DeployCommandOptions & FleetFlagOptions & { noop?: boolean; stackSet?: boolean }) => {
        if (opts.noop && (opts.all || opts.types !== undefined || opts.regions !== undefined)) {
          throw new CodyError("--noop prints one template; it cannot be combined with --all, --types or --regions.", { hint: "Run cody synth --type <type> [--region <region>] for each project." });
        }
        refuseStackSetFleet(opts);
        if (!opts.noop && !opts.stackSet && wantsFleet(opts)) return (await import("./commands/fleet")).fleetCommand("deploy", project, opts, reporter);
        if (opts.noop) {
          const { synthCommand } = await import("./commands/synth");
          return synthCommand(project, opts, reporter);
        }
        if (opts.stackSet) return (await import("./commands/stack-set")).deployStackSetCommand(project, opts, reporter);
        const { deployCommand } = await import("./commands/stack-commands");
        await deployCommand(project, opts, reporter);
      }),
  );

  define("diff", "show what a deploy would change (creates a change set, shows it, deletes it)", (cmd) =>
    withFleetOptions(withAwsOptions(withProjectOptions(cmd)), "diff")
      .option("--json", "print the changes as JSON")
      .option("--fail", "exit 1 when there are changes (0 when none)")
      .option("--strict", "exit 3 when a parameter, secret, policy or role the template names does not exist")
      .option("--role-arn <arn>", "CloudFormation service role (RoleARN) for the stack's resource calls (default: settings' roleArn)")
      .action(async (project: string | undefined, opts: DiffOptions & FleetFlagOptions) => {
        if (wantsFleet(opts)) return (await import("./commands/fleet")).fleetCommand("diff", project, opts, reporter);
        const { diffCommand } = await import("./commands/diff");
        await diffCommand(project, opts, reporter);
      }),
  );

  define("drift", "check whether the stack was changed outside CloudFormation (exit 4 when drifted)", (cmd) =>
    withAwsOptions(withProjectOptions(cmd))
      .option("--json", "print the result as JSON")
      .action(async (project: string | undefined, opts: DriftOptions) => {
        const { driftCommand } = await import("./commands/drift");
        await driftCommand(project, opts, reporter);
      }),
  );

  define("delete", "delete the project's stack (asks first; --yes skips)", (cmd) =>
    withFleetOptions(withAwsOptions(withProjectOptions(cmd)), "delete")
      .option("-y, --yes", "do not ask for confirmation")
      .option("--noop", "say what would be deleted, and delete nothing (reads the stack; no call that changes anything)")
      .option("--no-wait", "start the delete and return without following it")
      .option("--timeout <duration>", "stop following the delete after this long (e.g. 30m; default 60m); CloudFormation carries on")
      .option("--wait", "follow the delete until it ends (the default)")
      .option("--role-arn <arn>", "CloudFormation service role (RoleARN) for the stack's resource calls (default: settings' roleArn)")
      .option("--json", "print the result as JSON")
      .option("--stack-set", "delete the stack set's instances (with their stacks), then the stack set")
      .action(async (project: string | undefined, opts: StackCommandOptions & FleetFlagOptions & { stackSet?: boolean }) => {
        refuseStackSetFleet(opts);
        if (opts.stackSet) return (await import("./commands/stack-set")).deleteStackSetCommand(project, opts, reporter);
        if (wantsFleet(opts)) return (await import("./commands/fleet")).fleetCommand("delete", project, opts, reporter);
        const { deleteCommand } = await import("./commands/stack-commands");
        await deleteCommand(project, opts, reporter);
      }),
  );

  define("init", "scaffold .cody/ in this repository (no AWS access needed)", (cmd) =>
    cmd
      .addOption(new Option("--mode <mode>", "light: project and buildspec; full: also role, schedule, settings, variables").choices(["light", "full"]).default("light"))
      .option("-t, --type <type>", "write the project files to .cody/<type>/")
      .option("--force", "overwrite existing files")
      .option("--name <name>", "project name written into the files (default: the folder name)")
      .option("--template <dir>", "scaffold from your own template folder, laid out like .cody/ ({{projectName}}, {{githubUrl}}, {{type}}, {{typePath}})")
      .action(async (opts: InitOptions) => {
        const { initCommand } = await import("./commands/init");
        await initCommand(opts, reporter);
      }),
  );

  define("policy", "print the minimal IAM policy to deploy and run this project (or any cody project)", (cmd) =>
    withFleetOptions(withAwsOptions(withProjectOptions(cmd)), "cover", { runs: false })
      .addOption(new Option("--format <format>", "output format").choices(["json", "yaml", "cli"]).default("json"))
      .option("--broad", "print cody's service-wildcard style policy, for comparison")
      .option("--check <file>", "check a policy document against what cody needs")
      .option("--commands <list>", "only what these commands need (comma separated)")
      .option("--permissions-boundary <arn>", "allow role writes only on roles with this permissions boundary (overrides the setting)")
      .option("--role-arn <arn>", "the deploy passes this CloudFormation service role: the policy grants iam:PassRole on it instead of the resource calls (default: settings' roleArn)")
      .option("--boundary", "print a recommended permissions boundary for the roles cody generates")
      .option("--stack-set", "include the StackSets calls of deploy, delete and status --stack-set (automatic when settings have stackSet)")
      .action(async (project: string | undefined, opts: PolicyOptions & FleetFlagOptions) => {
        if (wantsFleet(opts)) return (await import("./commands/fleet")).fleetCommand("policy", project, opts, reporter);
        const { policyCommand } = await import("./commands/policy");
        await policyCommand(project, opts, reporter);
      }),
  );

  define("preflight", "check the caller's IAM permissions for a deploy, without deploying", (cmd) =>
    withFleetOptions(withAwsOptions(withProjectOptions(cmd)), "check")
      .option("--strict", "fail when the check cannot run")
      .option("--json", "print the result as JSON")
      .option("--role-arn <arn>", "check CloudFormation's resource calls against this service role, as the deploy would (default: settings' roleArn)")
      .option("--stack-set", "check the StackSets calls of deploy, delete and status --stack-set too (automatic when settings have stackSet)")
      .action(async (project: string | undefined, opts: PreflightOptions & FleetFlagOptions) => {
        if (wantsFleet(opts)) return (await import("./commands/fleet")).fleetCommand("preflight", project, opts, reporter);
        const { preflightCommand } = await import("./commands/preflight");
        await preflightCommand(project, opts, reporter);
      }),
  );

  define("start", "start a build and follow its phases and logs", (cmd) =>
    withAwsOptions(withProjectOptions(cmd))
      .option("-b, --branch <branch>", "branch to build (default: the project's)")
      .option("--source-version <version>", "commit, tag or branch to build")
      .option("-e, --env-vars <pairs...>", "environment overrides K=V (K=ssm:/path, K=secret:id)")
      .option("--no-wait", "start the build and return its id")
      .option("--timeout <duration>", "stop following after this long (e.g. 30m, 2h); the build goes on")
      .option("--wait", "follow the build until it ends (the default)")
      .option("--json", "print the result as JSON")
      .action(async (project: string | undefined, opts: StartOptions) => {
        const { startCommand } = await import("./commands/start");
        await startCommand(project, opts, reporter);
      }),
  );

  define("logs", "print a build's logs", (cmd) =>
    withAwsOptions(withProjectOptions(cmd))
      .option("--build-id <id>", "build (default: the latest)")
      .option("--since <time>", "relative (10m, 2h, 1d) or ISO time")
      .option("-f, --follow", "keep following new log lines")
      .option("--timeout <duration>", "with --follow: stop following after this long (e.g. 30m, 2h)")
      .option("--filter <pattern>", "only lines matching a CloudWatch Logs filter pattern, e.g. ERROR or '\"npm ERR\"'")
      .option("--json", "print the lines as JSON")
      .action(async (project: string | undefined, opts: LogsOptions) => {
        const { logsCommand } = await import("./commands/logs");
        await logsCommand(project, opts, reporter);
      }),
  );

  define("status", "show a build's status and phases", (cmd) =>
    withAwsOptions(withProjectOptions(cmd))
      .option("--build-id <id>", "build (default: the latest)")
      .option("--json", "print the result as JSON")
      .option("--stack-set", "list the stack set's instances (account, region, status) instead of a build")
      .action(async (project: string | undefined, opts: StatusOptions & { stackSet?: boolean }) => {
        if (opts.stackSet) return (await import("./commands/stack-set")).statusStackSetCommand(project, opts, reporter);
        const { statusCommand } = await import("./commands/status");
        await statusCommand(project, opts, reporter);
      }),
  );

  define("stop", "stop a running build", (cmd) =>
    withAwsOptions(withProjectOptions(cmd))
      .option("--build-id <id>", "build (default: the latest)")
      .option("-y, --yes", "do not ask for confirmation")
      .option("--noop", "say which build would be stopped, without stopping it")
      .option("--json", "print the result as JSON")
      .action(async (project: string | undefined, opts: StopOptions) => {
        const { stopCommand } = await import("./commands/stop");
        await stopCommand(project, opts, reporter);
      }),
  );

  define("list", "list CodeBuild projects with their latest build", (cmd) =>
    withAwsOptions(cmd)
      // No commander default: --json must tell an explicit --format from none.
      .addOption(new Option("--format <format>", "output format (default: table)").choices(["table", "json", "csv", "markdown", "tab", "space"]))
      .option("--json", "same as --format json")
      .addOption(new Option("--sort-by <field>", "sort order").choices(["name", "status", "time"]).default("name"))
      .option("--status <status>", "only projects whose latest build has this status")
      .option("--select <regex>", "only projects whose name matches")
      .action(async (opts: ListOptions) => {
        const { listCommand } = await import("./commands/list");
        await listCommand(opts, reporter);
      }),
  );

  define("badge", "print the project's build badge", (cmd) =>
    withAwsOptions(withProjectOptions(cmd))
      .option("--branch <branch>", "badge for this branch")
      .option("--no-markdown", "print the URL only")
      .option("--json", "print the result as JSON")
      .action(async (project: string | undefined, opts: BadgeOptions) => {
        const { badgeCommand } = await import("./commands/badge");
        await badgeCommand(project, opts, reporter);
      }),
  );

  define("version", "print the version (same as --version)", (cmd) => cmd.action(() => reporter.result(VERSION)));

  program.addHelpText(
    "after",
    [
      "",
      "Examples:",
      "  cody init                  scaffold .cody/ (reads the repository URL from git)",
      "  cody synth                 print the CloudFormation template, no AWS needed",
      "  cody deploy                deploy through a change set, after an IAM preflight",
      "  cody start                 start a build and follow its phases and logs",
      "  cody deploy --all          deploy every project of the repository at once (also --types, --regions)",
      "  cody policy --format cli   the least-privilege IAM policy, as aws iam commands",
      "",
      "Exit codes: 0 ok or no changes, 1 bad input or AWS error, 2 stack operation or build failed,",
      "3 missing IAM permissions (or referenced names, with --strict), 4 drifted (cody drift), 130 interrupted.",
      "Docs: docs/README.md in the codybuild package.",
    ].join("\n"),
  );
  return program;
}

/** Runs the CLI and returns the exit code; never throws. `reporter` is for tests. */
export async function run(argv: string[], options: { reporter?: Reporter } = {}): Promise<number> {
  const debug = argv.includes("--debug");
  // --no-color beats the environment; FORCE_COLOR and NO_COLOR are the reporter's (wantsColor).
  const color = argv.includes("--no-color") ? false : undefined;
  const reporter = options.reporter ?? createReporter({ debug, color });
  // The real CLI only: tests pass their own reporter and keep the process's console as it is.
  if (!options.reporter) captureStrayWarnings(reporter);
  // `cody <command> …` defines only that command in full; anything else (help, a global option first,
  // an unknown or misspelt command) builds them all.
  const first = argv[2];
  let program = buildProgram(reporter, first);
  if (!program.commands.some((cmd) => cmd.name() === first)) program = buildProgram(reporter);
  // The subcommand commander dispatched to, for the hint of its parser errors.
  let command: string | undefined;
  program.hook("preSubcommand", (_program, sub) => {
    command = sub.name();
  });
  // Bare `cody` asks what cody does: help on stdout, exit 0 (commander treats it as an error).
  if (argv.slice(2).every((arg) => arg === "--debug" || arg === "--no-color")) {
    program.outputHelp();
    return ExitCode.ok;
  }
  try {
    await program.parseAsync(argv);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; parser errors are said the way cody says its own.
      if (error.exitCode === 0) return ExitCode.ok;
      if (error.code === "commander.help") return ExitCode.input; // help was printed instead of an error
      reporter.error(formatError(usageError(error, command), reporter));
      return ExitCode.input;
    }
    reporter.error(formatError(error, reporter));
    return isCodyError(error) ? error.exitCode : ExitCode.input;
  }
}

export type { ProjectOptions };
