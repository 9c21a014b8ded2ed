// cody synth next to cdk synth of the same resources (issue 12, item 7). Installs a pinned AWS CDK
// into a scratch folder on first use (never a dependency of this package), writes a CDK app with the
// resources `cody synth` emits for examples/demo, then times both commands interleaved (cdk, cody,
// cdk, cody …) and prints min/median/max and the ratio of medians. It prints numbers; it exits 0
// whatever they are, and 1 only when a command fails or the install does.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { positiveInt, requireBuild, root } from "./common.mjs";

const cody = process.env.BENCH_CODY ?? join(root, "bin", "cody.cjs");
const demo = join(root, "examples", "demo");
const scratch = process.env.BENCH_CDK_DIR ?? join(tmpdir(), "cody-vs-cdk");
const runs = positiveInt(process.env.BENCH_RUNS, 5);
const warmups = 1;
// aws-cdk@latest (3.0.0) cannot read the cloud assembly of current aws-cdk-lib (bench/README.md, "vs CDK"):
// the CLI is pinned to the last 2.x that can.
const versions = {
  "aws-cdk-lib": process.env.BENCH_CDK_LIB ?? "2.276.0",
  constructs: process.env.BENCH_CONSTRUCTS ?? "10.8.1",
  "aws-cdk": process.env.BENCH_CDK_CLI ?? "2.1148.1",
};

requireBuild("bench:vs-cdk");

/** Installs the pinned CDK into `scratch` unless the same versions are there already. */
function install() {
  mkdirSync(scratch, { recursive: true });
  const manifest = { name: "cody-vs-cdk", private: true, dependencies: versions };
  const installed = Object.entries(versions).every(([name, version]) => {
    const pkg = join(scratch, "node_modules", name, "package.json");
    return existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).version === version;
  });
  if (installed) return;
  writeFileSync(join(scratch, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  console.error(`installing ${Object.entries(versions).map(([n, v]) => `${n}@${v}`).join(" ")} into ${scratch} …`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: scratch, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`npm install in ${scratch} failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
}

// The CDK app, as prebuilt JavaScript (no TypeScript compile: CDK's fastest ordinary setup). Same
// resources as `cody synth` of examples/demo: the CodeBuild project (GitHub source, buildspec file,
// two environment variables, 20 min timeout, badge, tag), its service role with an inline policy for
// its log group, the SSM parameter and the S3 bucket, and a daily EventBridge rule with its own role.
const app = `"use strict";
const cdk = require("aws-cdk-lib");
const codebuild = require("aws-cdk-lib/aws-codebuild");
const events = require("aws-cdk-lib/aws-events");
const targets = require("aws-cdk-lib/aws-events-targets");
const iam = require("aws-cdk-lib/aws-iam");

const app = new cdk.App();
const stack = new cdk.Stack(app, "demo-cody", { description: "CodeBuild project demo, env development" });
const logGroup = stack.formatArn({ service: "logs", resource: "log-group", resourceName: "/aws/codebuild/demo", arnFormat: cdk.ArnFormat.COLON_RESOURCE_NAME });
const role = new iam.Role(stack, "IamRole", {
  path: "/cody/",
  description: "CodeBuild service role for demo",
  assumedBy: new iam.ServicePrincipal("codebuild.amazonaws.com").withConditions({
    StringEquals: { "aws:SourceAccount": stack.account },
    ArnLike: { "aws:SourceArn": stack.formatArn({ service: "codebuild", resource: "project", resourceName: "demo" }) },
  }),
  inlinePolicies: {
    CodeBuildAccess: new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({ sid: "WriteBuildLogs", actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], resources: [logGroup, logGroup + ":*"] }),
        new iam.PolicyStatement({ sid: "ReadReferencedParameters", actions: ["ssm:GetParameters"], resources: [stack.formatArn({ service: "ssm", resource: "parameter", resourceName: "demo/api-token" })] }),
        new iam.PolicyStatement({ sid: "ReadBuildCache", actions: ["s3:GetObject", "s3:ListBucket"], resources: ["arn:aws:s3:::acme-demo-cache", "arn:aws:s3:::acme-demo-cache/*"] }),
      ],
    }),
  },
});
const project = new codebuild.Project(stack, "CodeBuild", {
  projectName: "demo",
  role,
  source: codebuild.Source.gitHub({ owner: "acme", repo: "demo", fetchSubmodules: true, webhook: false }),
  buildSpec: codebuild.BuildSpec.fromSourceFilename(".cody/buildspec.yml"),
  environment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.SMALL },
  environmentVariables: {
    APP_ENV: { value: "development" },
    API_TOKEN: { type: codebuild.BuildEnvironmentVariableType.PARAMETER_STORE, value: "/demo/api-token" },
  },
  timeout: cdk.Duration.minutes(20),
  badge: true,
});
cdk.Tags.of(project).add("team", "platform");
new events.Rule(stack, "EventsRule", {
  ruleName: "cody-demo",
  description: "Starts builds of the demo CodeBuild project",
  schedule: events.Schedule.rate(cdk.Duration.days(1)),
  targets: [new targets.CodeBuildProject(project)],
});
`;

install();
const appDir = join(scratch, "app");
mkdirSync(appDir, { recursive: true });
writeFileSync(join(appDir, "app.js"), app);
writeFileSync(join(appDir, "cdk.json"), `${JSON.stringify({ app: "node app.js" }, null, 2)}\n`);
rmSync(join(appDir, "cdk.out"), { recursive: true, force: true });

const cdkBin = join(scratch, "node_modules", "aws-cdk", "bin", "cdk");
// No notices, version check or telemetry: each would be a network call whose time is not synth's.
const cdkEnv = { ...process.env, CDK_DISABLE_VERSION_CHECK: "true", CDK_DISABLE_CLI_TELEMETRY: "true" };
const commands = [
  { name: "cdk synth (JS app)", file: process.execPath, args: [cdkBin, "synth", "--no-notices"], cwd: appDir, env: cdkEnv },
  {
    name: "cdk synth, CDK_VALIDATION=false",
    file: process.execPath,
    args: [cdkBin, "synth", "--no-notices"],
    cwd: appDir,
    env: { ...cdkEnv, CDK_VALIDATION: "false" },
  },
  { name: "cody synth", file: process.execPath, args: [cody, "synth"], cwd: demo, env: process.env },
];

function runOnce(cmd) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd.file, cmd.args, { cwd: cmd.cwd, env: cmd.env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error) throw r.error;
  if (r.status !== 0 || !/AWS::CodeBuild::Project/.test(r.stdout)) {
    console.error(`\`${cmd.name}\` failed (exit ${r.status}) in ${cmd.cwd}:\n${r.stderr}`);
    process.exit(1);
  }
  return ms;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const times = commands.map(() => []);
for (let round = 0; round < warmups + runs; round++) {
  commands.forEach((cmd, i) => {
    const ms = runOnce(cmd);
    if (round >= warmups) times[i].push(ms);
  });
}

const codyMedian = median(times[times.length - 1]);
const rows = commands.map((cmd, i) => {
  const t = times[i];
  return [cmd.name, Math.min(...t).toFixed(0), median(t).toFixed(0), Math.max(...t).toFixed(0), `${(median(t) / codyMedian).toFixed(1)}×`];
});
const header = ["command", "min", "median", "max", "÷ cody synth"];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
const line = (cells) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");

console.log(`cdk synth vs cody synth of examples/demo's resources, ${runs} interleaved runs each after ${warmups} warm-up; ms, spawn to exit`);
console.log(`node ${process.version}; ${Object.entries(versions).map(([n, v]) => `${n} ${v}`).join(", ")}; CDK app: ${join(appDir, "app.js")}`);
console.log("");
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const row of rows) console.log(line(row));
