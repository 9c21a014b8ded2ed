// The ONE place the fleet runs a command on one target: it calls the single-stack command with the
// target's type, region and profile and --json (the fleet reads its result), so every job is the normal
// engine, preflight and review included. That command resolves its target through `commandTarget` →
// `resolveTarget` (src/config/target.ts), the function `chooseTargets` named the stack with, so the
// label a job runs under and the stack it touches cannot differ.
import type { Prompt, Reporter } from "../io/reporter";
import type { FleetCommand, FleetTarget } from "../fleet/types";
import type { FleetOptions } from "./commands/fleet";

/** Jobs cannot ask: several at once would share one terminal. A question is answered no (or refused). */
export const NO_PROMPT: Prompt = { interactive: false, ask: async () => false };

/** A job's prompt: it never asks, and a refusal names the command that deploys this stack alone. */
export function jobPrompt(projectName: string | undefined, target: FleetTarget, options: FleetOptions): Prompt {
  const words = [
    "cody deploy",
    projectName,
    target.type !== undefined ? `--type ${target.type}` : undefined,
    options.env !== undefined ? `--env ${options.env}` : undefined,
    target.region !== undefined ? `--region ${target.region}` : undefined,
    target.profile !== undefined ? `--profile ${target.profile}` : undefined,
  ];
  return { ...NO_PROMPT, fleetJob: { alone: words.filter(Boolean).join(" ") } };
}

/** The options of one job: the fleet's flags gone, the target's place in, --json on. */
export function jobOptions(target: FleetTarget, options: FleetOptions, extra: { yes?: boolean } = {}): FleetOptions {
  const { all: _all, types: _types, regions: _regions, concurrency: _concurrency, failFast: _failFast, ...rest } = options;
  return {
    ...rest,
    ...(target.type !== undefined ? { type: target.type } : {}),
    ...(target.region !== undefined ? { region: target.region } : {}),
    ...(target.profile !== undefined ? { profile: target.profile } : {}),
    ...(extra.yes ? { yes: true } : {}),
    json: true,
  };
}

export async function runTarget(
  command: Exclude<FleetCommand, "policy">,
  projectName: string | undefined,
  target: FleetTarget,
  options: FleetOptions,
  reporter: Reporter,
  extra: { yes?: boolean } = {},
): Promise<void> {
  const opts = jobOptions(target, options, extra);
  switch (command) {
    case "deploy": {
      const { deployCommand } = await import("./commands/stack-commands");
      return deployCommand(projectName, opts, reporter, jobPrompt(projectName, target, options));
    }
    case "delete": {
      const { deleteCommand } = await import("./commands/stack-commands");
      return deleteCommand(projectName, opts, reporter);
    }
    case "diff": {
      const { diffCommand } = await import("./commands/diff");
      return diffCommand(projectName, opts, reporter);
    }
    case "preflight": {
      const { preflightCommand } = await import("./commands/preflight");
      return preflightCommand(projectName, opts, reporter);
    }
  }
}
