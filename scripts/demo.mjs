// `npm run demo` (builds first): examples/demo's whole lifecycle against our moto launcher on 127.0.0.1,
// printed the way a user at a terminal sees it: init, synth, deploy, a no-op deploy, an edit with diff and
// update, start, status, logs, list, badge, delete. Never talks to real AWS. Exits non-zero when a step
// fails, and always stops moto.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findPython, startMoto } from "./moto.mjs";

// The SDK's Node 20 support-window notice would interrupt the demo's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const root = fileURLToPath(new URL("..", import.meta.url));
const cody = join(root, "bin", "cody.cjs");
const example = join(root, "examples", "demo");
const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[22m` : text);
const say = (text) => process.stdout.write(`${text}\n`);

if (!existsSync(join(root, "dist", "cli.cjs"))) {
  console.error("dist/cli.cjs is missing: run `npm run demo` (it builds first) or `npm run build`.");
  process.exit(1);
}
const python = findPython();
if (!python) {
  console.error(
    "npm run demo needs moto, the local AWS emulator: no python3 on PATH can `import moto.server`.\n" +
      "Install moto 5.x with its server extras in that Python (pip install 'moto[server]'), or point\n" +
      "MOTO_PYTHON at a Python that has it. The demo never talks to real AWS.",
  );
  process.exit(1);
}

/** Runs `cody ...args` in the project with the terminal attached, as a user would; resolves to its exit code. */
function run(args, { cwd, env }) {
  say(bold(`$ cody ${args.join(" ")}`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cody, ...args], { cwd, env, stdio: "inherit" });
    child.once("error", reject);
    child.once("close", (code, signal) => resolve(code ?? (signal === "SIGINT" ? 130 : 1)));
  });
}

/** Replaces one line of a project file and prints the change as a small diff. */
function edit(dir, file, from, to) {
  const path = join(dir, file);
  const text = readFileSync(path, "utf8");
  if (!from.test(text)) throw new Error(`${file} has no line matching ${from}: examples/demo changed; update scripts/demo.mjs`);
  const before = text.split("\n").find((line) => from.test(line));
  const after = before.replace(from, to);
  writeFileSync(path, text.replace(before, after));
  say(`${bold(`$ $EDITOR ${file}`)}`);
  for (const line of before.split("\n")) say(`- ${line}`);
  for (const line of after.split("\n")) say(`+ ${line}`);
}

/** An empty repository folder named "demo" (the project name), with a git remote like a clone's. */
function scratchRepo(scratch) {
  const dir = join(scratch, "demo");
  mkdirSync(join(dir, ".git"), { recursive: true });
  writeFileSync(join(dir, ".git", "config"), '[remote "origin"]\n\turl = https://github.com/acme/demo.git\n');
  return dir;
}

/** The checked-in example's .cody/ files over what `cody init` wrote (its tsconfig and types stay). */
function useExample(dir) {
  const source = join(example, ".cody");
  say(bold(`$ cp -R ${source}/. .cody/`));
  cpSync(source, join(dir, ".cody"), { recursive: true });
}

/**
 * moto runs no build and so writes no log: write what CodeBuild would into the latest build's stream
 * (/aws/codebuild/<project>, <build uuid>), timed inside its phases, so `cody logs` has lines to show.
 */
async function writeBuildLog(endpoint, project) {
  const { BatchGetBuildsCommand, CodeBuildClient, ListBuildsForProjectCommand } = await import("@aws-sdk/client-codebuild");
  const { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } = await import(
    "@aws-sdk/client-cloudwatch-logs"
  );
  const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
  const codebuild = new CodeBuildClient(config);
  const logs = new CloudWatchLogsClient(config);
  const [id] = (await codebuild.send(new ListBuildsForProjectCommand({ projectName: project }))).ids ?? [];
  const build = id && (await codebuild.send(new BatchGetBuildsCommand({ ids: [id] }))).builds?.[0];
  if (!build?.logs?.groupName || !build.logs.streamName || !build.startTime) throw new Error(`no build of ${project} with a log stream to write to`);
  const { groupName, streamName } = build.logs;
  say(`(moto runs no build and writes no log: the demo writes 8 lines into ${groupName} / ${streamName} with the AWS SDK, as CodeBuild would.)`);

  const phase = (type) => build.phases?.find((p) => p.phaseType === type)?.startTime?.getTime() ?? build.startTime.getTime();
  const stamp = (ms) => new Date(ms).toISOString().replace("T", " ").replace("Z", "").replaceAll("-", "/");
  const container = (ms, text) => ({ timestamp: ms, message: `[Container] ${stamp(ms)} ${text}` });
  const install = phase("INSTALL");
  const run = phase("BUILD");
  const events = [
    container(install + 10, "Entering phase INSTALL"),
    container(install + 900, "Phase complete: INSTALL State: SUCCEEDED"),
    container(run + 10, "Entering phase BUILD"),
    container(run + 20, "Running command npm ci"),
    { timestamp: run + 300, message: "added 214 packages, and audited 215 packages in 280ms" },
    container(run + 310, "Running command npm test"),
    { timestamp: run + 800, message: "Tests: 42 passed, 42 total" },
    container(run + 900, "Phase complete: BUILD State: SUCCEEDED"),
  ];
  await logs.send(new CreateLogGroupCommand({ logGroupName: groupName })).catch((error) => {
    if (error.name !== "ResourceAlreadyExistsException") throw error;
  });
  await logs.send(new CreateLogStreamCommand({ logGroupName: groupName, logStreamName: streamName }));
  await logs.send(new PutLogEventsCommand({ logGroupName: groupName, logStreamName: streamName, logEvents: events }));
}

let interrupted = false;
// Ctrl-C reaches cody (same process group; moto has its own), which stops and says so; we clean up after it.
process.on("SIGINT", () => {
  interrupted = true;
});
// process.exit runs the "exit" hook that kills moto; dying of the signal would not.
for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => process.exit(1));

const scratch = mkdtempSync(join(tmpdir(), "cody-demo-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
let moto;
let failed;
// The end of moto's log when the current step began: on failure only what that step logged is shown
// (earlier steps leave tracebacks too, e.g. the preflight's unimplemented policy simulator).
let logMark = "";
const started = Date.now();
try {
  say("Starting moto, a local AWS emulator, on 127.0.0.1 ...");
  moto = await startMoto({ python, detached: true });
  say(`moto is listening on ${moto.endpoint}; cody talks to it through AWS_ENDPOINT_URL.`);
  const cwd = scratchRepo(scratch);
  say(`Project: an empty repository ${cwd} whose git remote is https://github.com/acme/demo.git`);
  const env = moto.env();
  env.CODY_REQUIRE_APPROVAL = "never"; // unattended: the broadening-IAM question would stop the first deploy

  // Each step: `args` runs `cody <args>`, `action` runs code that prints what it does.
  const steps = [
    { args: ["init"], why: "scaffold .cody/ (no AWS needed); the project name comes from the folder, the source from the git remote" },
    {
      action: () => useExample(cwd),
      why: "fill it in: the demo goes on with the checked-in examples/demo project (an ssm() variable, tags, an extra role statement, a daily schedule)",
    },
    { args: ["synth"], why: "the CloudFormation template, without AWS" },
    { args: ["deploy"], why: "create the stack through a change set; the stack's outputs follow" },
    { args: ["deploy"], why: "deploy again: nothing changed" },
    {
      action: () => {
        edit(cwd, ".cody/schedule.ts", /rate: "1 day"/, 'rate: "12 hours"');
        edit(cwd, ".cody/project.ts", /^(\s*)computeType: (.*)$/m, '$1linuxImage: "aws/codebuild/standard:6.0",\n$1computeType: $2');
        edit(
          cwd,
          ".cody/role.ts",
          /^(\s*)iamPolicy: \[$/m,
          '$1iamPolicy: [\n$1  { sid: "WriteArtifacts", action: ["s3:PutObject"], resource: ["arn:aws:s3:::acme-demo-artifacts/*"] },',
        );
      },
      why: "build twice a day, on an older image, and let builds upload artifacts",
    },
    { args: ["diff"], why: "what a deploy would change" },
    { args: ["deploy"], why: "update the stack" },
    { args: ["start"], why: "start a build and follow its phases until it finishes" },
    { args: ["status"], why: "the latest build: status, source, phases" },
    { action: () => writeBuildLog(moto.endpoint, "demo"), why: "the build's log lines" },
    { args: ["logs"] },
    { args: ["list"], why: "every CodeBuild project with its latest build" },
    { args: ["badge"], why: "the build badge, as Markdown for a README" },
    { args: ["delete", "--yes"], why: "delete the stack and everything in it (the log group CodeBuild made stays, and cody says so)" },
  ];
  for (const step of steps) {
    if (interrupted) {
      failed = "interrupted";
      break;
    }
    logMark = moto.logTail().slice(-300);
    if (step.why) say(`\n# ${step.why}`);
    if (step.action) {
      await step.action();
      continue;
    }
    const code = await run(step.args, { cwd, env });
    if (code !== 0 || interrupted) {
      failed = interrupted ? "interrupted" : `\`cody ${step.args.join(" ")}\` exited with ${code}`;
      break;
    }
  }
} catch (error) {
  failed = error instanceof Error ? error.message : String(error);
} finally {
  if (moto) {
    await moto.stop();
    say(`\nStopped moto.`);
  }
}

if (failed) {
  console.error(`\nDemo failed: ${failed}`);
  // Python tracebacks (an HTTP 500 from moto) say more than cody can; skip the access-log lines.
  const tail = moto?.logTail() ?? "";
  const at = logMark ? tail.lastIndexOf(logMark) : -1;
  const since = at >= 0 ? tail.slice(at + logMark.length) : tail;
  const log = since.split("\n").filter((line) => line.trim() && !/" \d{3} -$/.test(line));
  if (log.length > 0 && failed !== "interrupted") console.error(`moto's log (tail):\n${log.slice(-30).join("\n")}`);
  process.exitCode = interrupted ? 130 : 1;
} else {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  say(`\nDemo finished in ${seconds}s: init, synth, deploy, no-op deploy, diff, update, start, status, logs, list, badge and delete all worked against moto.`);
}
