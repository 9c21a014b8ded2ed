// Test support: our moto launcher, started by scripts/moto.mjs (the one implementation, shared with
// the demo and the benchmark), plus what only tests need: the CI rule for missing tools, and
// forcing build outcomes.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join, sep } from "node:path";
import { locatePython, startMoto as launchMoto, type MotoServer, type StartMotoOptions } from "../../scripts/moto.mjs";

export { LAUNCHER, findPython, motoEnv, resetMoto } from "../../scripts/moto.mjs";
export type { MotoServer, StartMotoOptions } from "../../scripts/moto.mjs";

/**
 * scripts/moto.mjs's startMoto, waiting up to 120 s (not 20) by default: moto answers in 2-3 s on a
 * quiet machine, far later next to tsc, eslint and other test workers on a busy 2-core one.
 */
export function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  return launchMoto({ timeoutMs: 120_000, ...options });
}

export interface Availability {
  ok: boolean;
  why?: string;
}

/** Body of POST /moto-api/codebuild/build-outcome (see launcher.py). */
export interface BuildOutcome {
  projectName?: string;
  buildId?: string;
  status?: "SUCCEEDED" | "FAILED" | "FAULT" | "TIMED_OUT" | "STOPPED";
  phase?: string;
  message?: string;
  inProgressPolls?: number;
  accountId?: string;
  region?: string;
}

/** When CI=true a missing tool must fail the run instead of silently skipping tests. */
function requireInCi<T extends Availability>(result: T, tool: string): T {
  if (!result.ok && process.env.CI === "true") {
    throw new Error(`${tool} is required when CI=true: ${result.why ?? "unavailable"}`);
  }
  return result;
}

export function motoAvailable(): Availability & { python?: string } {
  const python = motoPython();
  const found: Availability & { python?: string } = python ? { ok: true, python } : { ok: false, why: "no python3 on PATH has moto.server (needs moto[server] 5.x)" };
  return requireInCi(found, "moto");
}

/**
 * The interpreter (its real path, past any pyenv shim) of the first of MOTO_PYTHON, python3, python that
 * has moto's server, looked up now (scripts/moto.mjs). A moto that is there but cannot start fails at its
 * start in the global setup, which fails the run, loudly.
 */
export function motoPython(): string | null {
  return locatePython();
}

/**
 * Is cfn-lint installed? Found without running it: `cfn-lint --version` imports all of cfn-lint (~2 s of
 * CPU, as much as the lint that follows). An executable on PATH, and behind a pyenv shim one the active
 * Python has (`pyenv which`). A cfn-lint that is there but broken fails the lint itself, loudly.
 */
export function cfnLintAvailable(): Availability {
  const found = onPath("cfn-lint");
  if (!found) return requireInCi({ ok: false, why: "no cfn-lint on PATH" }, "cfn-lint");
  if (!found.includes(`${sep}shims${sep}`)) return { ok: true };
  // pyenv's shim can fail now and then on a busy machine: a tool that answers once is there.
  let why = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const run = spawnSync("pyenv", ["which", "cfn-lint"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
    if (run.status === 0) return { ok: true };
    why = run.error?.message ?? `exit ${run.status ?? run.signal}: ${(run.stderr || run.stdout || "").trim().slice(0, 300)}`;
  }
  return requireInCi({ ok: false, why: `\`pyenv which cfn-lint\` found none (${why})` }, "cfn-lint");
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * Builds as stock moto has them (the launcher's --plain-builds) on a running launcher, for the default
 * account in us-east-1, until the next reset; see launcher.py.
 */
export async function setPlainBuilds(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/codebuild/plain-builds`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  if (!res.ok) throw new Error(`plain-builds: HTTP ${res.status} ${await res.text()}`);
}

/** Make the next (or a given) CodeBuild build end with a chosen status; see launcher.py. */
export async function setBuildOutcome(endpoint: string, outcome: BuildOutcome): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/codebuild/build-outcome`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(outcome),
  });
  if (!res.ok) throw new Error(`build-outcome: HTTP ${res.status} ${await res.text()}`);
}
