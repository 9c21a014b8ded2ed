// How the CLI edge words errors: the heading of input errors (whose input it was), commander's parser
// errors said the way cody says its own, and what --debug adds.
import { describe, expect, it } from "vitest";
import { configErrorTitle, formatError, usageError } from "../../src/cli/format-error";
import { CodyError, ConfigError, type Issue } from "../../src/errors";

const plain = { color: false, debugEnabled: false };
const title = (issues: Issue[]) => configErrorTitle(new ConfigError(issues), "/repo");

describe("configErrorTitle", () => {
  it("files under .cody/ are the cody project's", () => {
    expect(title([{ file: ".cody/project.ts", message: "x" }])).toBe("invalid cody project");
    expect(title([{ file: "/repo/.cody/unit/role.ts", message: "x" }, { field: "--env", message: "y" }])).toBe("2 problems in the cody project");
    expect(title([{ file: ".cody", message: "no .cody folder" }])).toBe("invalid cody project");
  });

  it("a policy file given to `policy --check` is named, not called the cody project", () => {
    expect(title([{ file: "bad.json", line: 3, message: "invalid JSON" }])).toBe("invalid file bad.json");
    expect(title([{ file: "/repo/policies/deploy.json", message: "a" }, { file: "/repo/policies/deploy.json", message: "b" }])).toBe(
      "2 problems in policies/deploy.json",
    );
  });

  it("flags and environment variables (no file), or several files outside .cody/, are the input", () => {
    expect(title([{ field: "--region", message: "x" }])).toBe("invalid input");
    expect(title([{ file: "a.json", message: "x" }, { file: "b.json", message: "y" }])).toBe("2 problems in the input");
  });

  it("formatError prints the title, then each issue with its fix", () => {
    const text = formatError(new ConfigError([{ file: "bad.json", line: 3, message: "invalid JSON at line 3, column 18: trailing comma before '}'", fix: "Remove the comma." }]), plain, "/repo");
    expect(text).toBe("error invalid file bad.json\nbad.json:3: invalid JSON at line 3, column 18: trailing comma before '}'\n  fix: Remove the comma.");
  });
});

describe("usageError: commander's errors, said like cody's", () => {
  const said = (code: string, message: string, command?: string) => {
    const e = usageError({ code, message }, command);
    return formatError(e, plain);
  };

  it("an unknown option, with commander's did-you-mean and where the options are", () => {
    expect(said("commander.unknownOption", "error: unknown option '--forma'\n(Did you mean --format?)", "deploy")).toBe(
      "error unknown option '--forma'.\n  hint: Did you mean --format? `cody deploy --help` lists its options.",
    );
    expect(said("commander.unknownOption", "error: unknown option '--frce'", "deploy")).toBe("error unknown option '--frce'.\n  hint: `cody deploy --help` lists its options.");
    expect(said("commander.unknownOption", "error: unknown option '--frce'")).toBe("error unknown option '--frce'.\n  hint: `cody --help` lists the commands and options.");
  });

  it("a value outside an option's choices: the flag, the value, the choices, and the closest one", () => {
    const message = "error: option '--sort-by <field>' argument 'tme' is invalid. Allowed choices are name, status, time.";
    expect(said("commander.invalidArgument", message, "list")).toBe('error --sort-by "tme" is not one of name, status, time.\n  hint: Did you mean --sort-by time?');
    const bogus = "error: option '-f, --format <format>' argument 'bogus' is invalid. Allowed choices are table, json, csv, markdown.";
    expect(said("commander.invalidArgument", bogus, "list")).toBe('error --format "bogus" is not one of table, json, csv, markdown.\n  hint: Use one of them, e.g. --format table.');
  });

  it("an unknown command, with commander's suggestion", () => {
    expect(said("commander.unknownCommand", "error: unknown command 'deply'\n(Did you mean deploy?)")).toBe(
      "error unknown command 'deply'.\n  hint: Did you mean deploy? `cody --help` lists the commands.",
    );
  });

  it("an option without its value, and too many arguments", () => {
    expect(said("commander.optionMissingArgument", "error: option '--region <region>' argument missing", "status")).toBe(
      "error --region needs a value: --region <region>.\n  hint: Give it one; `cody status --help` lists its options.",
    );
    expect(said("commander.excessArguments", "error: too many arguments for 'deploy'. Expected 1 argument but got 2.", "deploy")).toBe(
      "error too many arguments for 'deploy'. Expected 1 argument but got 2.\n  hint: Options start with - or --, and a value with spaces needs quotes. `cody deploy --help` lists its options.",
    );
  });

  it("is coloured like cody's errors: red error, yellow hint", () => {
    const text = formatError(usageError({ code: "commander.unknownOption", message: "error: unknown option '--x'" }, "synth"), { color: true, debugEnabled: false });
    expect(text).toContain("\x1b[31merror\x1b[39m unknown option");
    expect(text).toContain("\x1b[33mhint:\x1b[39m");
  });
});

describe("formatError --debug", () => {
  it("adds the wrapped cause's stack, without the SDK's advice to inspect $response", () => {
    const sdk = new Error("@aws-sdk XML parse error: mismatched tags\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.");
    const error = new CodyError("cloudformation:DescribeStacks failed: the endpoint's answer is not an AWS response (HTTP 500).", { cause: sdk });
    const debug = formatError(error, { color: false, debugEnabled: true });
    expect(debug).toContain("@aws-sdk XML parse error: mismatched tags");
    expect(debug).not.toContain("$response");
    const quiet = formatError(error, plain);
    expect(quiet).toBe("error cloudformation:DescribeStacks failed: the endpoint's answer is not an AWS response (HTTP 500).");
  });
});
