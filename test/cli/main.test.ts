// The CLI edge in-process: run() with a recording reporter. Parser errors are printed once, in
// cody's format (error, then hint), with exit 1; help and bare `cody` exit 0.
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/main";
import { recordingReporter } from "../_helpers/test-io";

async function cody(...args: string[]) {
  const recording = recordingReporter();
  const code = await run(["node", "cody", ...args], { reporter: recording.reporter });
  return { code, err: recording.lines.join("\n"), out: recording.out.join("\n") };
}

describe("run(): commander's errors", () => {
  it("an unknown option: cody's format with a did-you-mean, nothing from commander itself", async () => {
    const r = await cody("deploy", "--forma", "json");
    expect(r.code).toBe(1);
    expect(r.err).toBe("error unknown option '--forma'.\n  hint: Did you mean --format? `cody deploy --help` lists its options.");
    expect(r.out).toBe("");
  });

  it("list --sort-by with a bad value looks like list --status with one: error, then hint", async () => {
    const r = await cody("list", "--sort-by", "bogus");
    expect(r.code).toBe(1);
    expect(r.err).toBe('error --sort-by "bogus" is not one of name, status, time.\n  hint: Use one of them, e.g. --sort-by name.');
  });

  it("an unknown command", async () => {
    const r = await cody("deply");
    expect(r.code).toBe(1);
    expect(r.err).toBe("error unknown command 'deply'.\n  hint: Did you mean deploy? `cody --help` lists the commands.");
  });

  it("a subcommand's missing option value names that subcommand's help", async () => {
    const r = await cody("status", "--build-id");
    expect(r.code).toBe(1);
    expect(r.err).toBe("error --build-id needs a value: --build-id <id>.\n  hint: Give it one; `cody status --help` lists its options.");
  });
});

describe("run(): help", () => {
  it("bare `cody` prints the help on stdout and exits 0", async () => {
    const r = await cody();
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: cody \[options\] \[command\]/);
    expect(r.err).toBe("");
  });

  it("`cody --no-color` alone is still bare", async () => {
    expect((await cody("--no-color")).code).toBe(0);
  });

  it("--help exits 0", async () => {
    const r = await cody("synth", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: cody synth/);
  });
});
