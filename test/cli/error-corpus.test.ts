// The error corpus (docs/architecture.md#errors): every folder of test/fixtures/errors is a real project with one
// mistake, run through the CLI's run(argv) in-process (test/_helpers/cli-in-process.ts). Each must fail
// with exit 1, name the file, field and line the case lists, say how to fix it, print no stack trace,
// write nothing to stdout and call no AWS API. Smoke tests run a few cases through the built binary and
// require the very same output, so in-process stands for the binary.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runCody } from "../_helpers/cli";
import { runCodyInProcess } from "../_helpers/cli-in-process";

const REPO = resolve(__dirname, "../..");
const CORPUS = join(REPO, "test", "fixtures", "errors");

interface Case {
  /** CLI arguments, e.g. ["synth", "--type", "unit"]. */
  args: string[];
  /** Folder to run in, relative to the case folder (default: the case folder). */
  cwd?: string;
  /** The file the message must name, relative to the cwd; absent for command-line and environment errors. */
  file?: string;
  /** The field the message must name (a key path, or the flag / variable for naming errors). */
  field?: string;
  line?: number;
  contains?: string[];
  /** Text the message must not have (a misleading fix, cody's internals). */
  absent?: string[];
  env?: Record<string, string>;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const cases = readdirSync(CORPUS)
  .filter((name) => existsSync(join(CORPUS, name, "case.json")))
  .sort()
  .map((name) => ({ name, spec: JSON.parse(readFileSync(join(CORPUS, name, "case.json"), "utf8")) as Case }));

/** Every AWS request the CLI makes ends up here; the corpus expects none. */
const requests: string[] = [];
let server: Server;
let endpoint = "";
let home = "";

/** A clean environment: nothing from the developer's shell (AWS_PROFILE, CODY_ENV, ...) leaks in. */
function caseEnv(env: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    ...env,
  };
}

/** The built binary in a child process: for the smoke tests and what only a real process shows (stack traces). */
function spawnCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return runCody(args, { cwd, env: caseEnv(env), timeoutMs: 20_000 });
}

/** run(argv) in-process, with the same cwd and environment the binary would get. */
function runCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return runCodyInProcess(args, { cwd, env: caseEnv(env) });
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

beforeAll(async () => {
  assertBuilt();
  home = mkdtempSync(join(tmpdir(), "cody-corpus-home-"));
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers["x-amz-target"] ?? ""}`);
    res.writeHead(500, { "content-type": "text/plain" }).end("the error corpus expects no AWS calls");
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The recorder must record, or "zero requests" below would prove nothing.
  await fetch(`${endpoint}/probe`).then((res) => res.text());
  if (requests.length !== 1) throw new Error(`the recording server saw ${requests.length} probe requests, expected 1`);
  requests.length = 0;
});

afterAll(async () => {
  await new Promise<void>((closed) => (server ? server.close(() => closed()) : closed()));
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("error corpus", () => {
  it("has at least 30 cases, each naming a file or a field", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    for (const { name, spec } of cases) {
      expect(spec.args[0], name).toBe("synth");
      expect(spec.file ?? spec.field, `${name} names neither file nor field`).toBeTruthy();
    }
  });

  it("control: the harness runs a valid project successfully", async () => {
    // Without this, a broken harness (PATH, HOME, the codybuild import) would make every case "fail".
    const dir = mkdtempSync(join(tmpdir(), "cody-corpus-control-"));
    try {
      mkdirSync(join(dir, ".cody"));
      writeFileSync(
        join(dir, ".cody", "project.ts"),
        'import { defineProject } from "codybuild";\n\nexport default defineProject({\n  githubUrl: "https://github.com/acme/api",\n  buildspec: { version: 0.2, phases: { build: { commands: ["npm test"] } } },\n});\n',
      );
      const run = await runCli(["synth", "control-project"], dir);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("AWS::CodeBuild::Project");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe.concurrent.each(cases)("$name", ({ name, spec }) => {
    it("fails with exit 1, names file, field and line, gives a fix, no stack, no AWS call", async () => {
      const cwd = join(CORPUS, name, spec.cwd ?? ".");
      const run = await runCli(spec.args, cwd, spec.env);
      const { stderr } = run;
      const context = `${name} stderr:\n${stderr}`;

      expect(run.code, context).toBe(1);
      expect(run.stdout, context).toBe("");

      // The issue's head line: "<file>[:line] <field>: message", as format-error.ts prints it.
      const where = spec.file ? `${escape(spec.file)}${spec.line ? `:${spec.line}` : "(?::\\d+)?"}` : "";
      const head = [where, spec.field && escape(spec.field)].filter(Boolean).join(" ");
      // ...followed by its own "fix:" line.
      expect(stderr, context).toMatch(new RegExp(`^${head}: \\S[^\\n]*\\n {2}fix: \\S`, "m"));
      if (spec.line) expect(stderr, context).toContain(`${spec.file}:${spec.line}`);

      // Paths are shown relative to where cody runs.
      if (spec.file) expect(stderr, context).not.toContain(join(cwd, spec.file));
      for (const text of spec.contains ?? []) expect(stderr, context).toContain(text);
      for (const text of spec.absent ?? []) expect(stderr, context).not.toContain(text);

      expect(stderr, context).not.toMatch(/^\s+at /m);
      expect(stderr, context).not.toMatch(/TypeError|ReferenceError|SyntaxError/);
      expect(stderr, context).not.toContain("looks like a bug in cody");
      expect(requests, context).toEqual([]);
    });
  });

  it("--debug adds the stack trace of the cause", async () => {
    // The binary: the stack trace is the one a user sees, not one rewritten by the test runner's source maps.
    const run = await spawnCli(["synth", "--debug"], join(CORPUS, "runtime-throw"));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(".cody/project.ts:5");
    expect(run.stderr).toMatch(/^\s+at .*project\.ts:5:\d+/m);
    expect(requests).toEqual([]);
  });

  // The binary prints what run() prints in-process: stdout, stderr and exit code, byte for byte. The
  // cases cover a loader error, a schema error, a command-line error and an environment variable.
  const smoke = ["runtime-throw", ...cases.map((c) => c.name).filter((name) => name !== "runtime-throw").filter((_, i, all) => i % Math.ceil(all.length / 3) === 0)];
  it.each(smoke)("smoke: the built binary prints the same as run() for %s", async (name) => {
    const spec = cases.find((c) => c.name === name)?.spec;
    if (!spec) throw new Error(`no corpus case ${name}`);
    const cwd = join(CORPUS, name, spec.cwd ?? ".");
    const binary = await spawnCli(spec.args, cwd, spec.env);
    const inProcess = await runCli(spec.args, cwd, spec.env);
    expect(binary.code, binary.stderr).toBe(1);
    expect({ code: inProcess.code, stdout: inProcess.stdout, stderr: inProcess.stderr }).toEqual({ code: binary.code, stdout: binary.stdout, stderr: binary.stderr });
    expect(requests).toEqual([]);
  });
});
