// buildProgram(reporter, only): a run of one command defines that command in full and registers the
// others by name and description alone (start-up, bench/README.md). The command that runs must be
// exactly what the full program holds, and the program's commands (names, order, descriptions) too.
import { describe, expect, it } from "vitest";
import type { Command } from "commander";
import { buildProgram, run } from "../../src/cli/main";
import { recordingReporter } from "../_helpers/test-io";

const shape = (cmd: Command) => ({
  name: cmd.name(),
  description: cmd.description(),
  args: cmd.registeredArguments.map((a) => [a.name(), a.required, a.variadic]),
  options: cmd.options.map((o) => [o.flags, o.description, o.defaultValue, o.argChoices]),
  help: cmd.helpInformation(),
});

describe("buildProgram(reporter, only)", () => {
  const full = buildProgram(recordingReporter().reporter);
  const names = full.commands.map((cmd) => cmd.name());

  it("the full program has every command with options or an action", () => {
    expect(names.length).toBeGreaterThan(10);
    expect(names).toContain("synth");
    expect(names).toContain("deploy");
  });

  it.each(names)("only %s: that command as in the full program, the others by name and description", (name) => {
    const program = buildProgram(recordingReporter().reporter, name);
    expect(program.commands.map((cmd) => [cmd.name(), cmd.description()])).toEqual(full.commands.map((cmd) => [cmd.name(), cmd.description()]));
    for (const cmd of program.commands) {
      const same = full.commands.find((c) => c.name() === cmd.name())!;
      if (cmd.name() === name) expect(shape(cmd)).toEqual(shape(same));
      else expect(cmd.options).toEqual([]);
    }
    // The program's own options are the same either way.
    expect(program.options.map((o) => o.flags)).toEqual(full.options.map((o) => o.flags));
  });

  it("run(): help and a misspelt command still see every command in full", async () => {
    const recording = recordingReporter();
    expect(await run(["node", "cody", "help", "deploy"], { reporter: recording.reporter })).toBe(0);
    const deploy = full.commands.find((c) => c.name() === "deploy")!;
    expect(recording.out.join("\n")).toBe(deploy.helpInformation().replace(/\n$/, ""));
    const typo = recordingReporter();
    expect(await run(["node", "cody", "synht"], { reporter: typo.reporter })).toBe(1);
    expect(typo.lines.join("\n")).toContain("Did you mean synth?");
  });
});
