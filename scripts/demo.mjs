// `npm run demo` (builds first): examples/demo's lifecycle against our moto launcher on 127.0.0.1,
// printed the way a user at a terminal sees it. Never talks to real AWS. Exits non-zero when a step
// fails, and always stops moto.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findPython, startMoto } from "./moto.mjs";

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

/** A copy of examples/demo in a folder named "demo" (the project name), with a git remote like a clone's. */
function copyDemo(scratch) {
  const dir = join(scratch, "demo");
  cpSync(example, dir, { recursive: true });
  mkdirSync(join(dir, ".git"), { recursive: true });
  writeFileSync(join(dir, ".git", "config"), '[remote "origin"]\n\turl = https://github.com/acme/demo.git\n');
  return dir;
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
try {
  say("Starting moto, a local AWS emulator, on 127.0.0.1 ...");
  moto = await startMoto({ python, detached: true });
  say(`moto is listening on ${moto.endpoint}; cody talks to it through AWS_ENDPOINT_URL.`);
  const cwd = copyDemo(scratch);
  say(`Project: a copy of examples/demo in ${cwd}`);
  const env = moto.env();

  const steps = [
    { args: ["synth"], why: "the CloudFormation template, without AWS" },
    { args: ["deploy"], why: "create the stack through a change set" },
    { args: ["deploy"], why: "deploy again: nothing changed" },
    {
      edit: () => {
        edit(cwd, ".cody/schedule.ts", /rate: "1 day"/, 'rate: "12 hours"');
        edit(cwd, ".cody/project.ts", /^(\s*)computeType: (.*)$/m, '$1linuxImage: "aws/codebuild/standard:6.0",\n$1computeType: $2');
      },
      why: "build twice a day, on an older image",
    },
    { args: ["diff"], why: "what a deploy would change" },
    { args: ["deploy"], why: "update the stack" },
    // Later: `cody start` (run a build and follow it), `cody logs`, `cody status` go here, before the delete.
    { args: ["delete", "--yes"], why: "delete the stack and everything in it" },
  ];
  for (const step of steps) {
    say(`\n# ${step.why}`);
    if (step.edit) {
      step.edit();
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
  const log = moto?.logTail().split("\n").filter((line) => line.trim() && !/" \d{3} -$/.test(line)) ?? [];
  if (log.length > 0 && failed !== "interrupted") console.error(`moto's log (tail):\n${log.slice(-30).join("\n")}`);
  process.exitCode = interrupted ? 130 : 1;
} else {
  say("\nDemo finished: synth, deploy, no-op deploy, diff, update and delete all worked against moto.");
}
