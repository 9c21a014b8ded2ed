// The built cody on a real terminal: `script` gives it a pseudo-terminal (stdin, stdout and stderr are
// TTYs), against moto, with what a terminal session has and CI does not (no CI=true, no approval level
// set). A (y/N) question on screen is answered with `answer` when one is given.
import { spawn } from "node:child_process";
import { motoEnv } from "../support/moto";
import { codyBin } from "./cli";

const ESCAPES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");

export interface TerminalRun {
  code: number | null;
  /** Everything written, escape sequences included. */
  raw: string;
  /** The same without escape sequences and carriage returns. */
  screen: string;
  /** How many (y/N) questions were on screen. */
  asked: number;
}

export interface TerminalOptions {
  cwd: string;
  /** moto's URL. */
  url: string;
  /** Typed after each (y/N) question. */
  answer?: string;
  /** Added to the environment; undefined removes a variable. */
  env?: Record<string, string | undefined>;
}

export function onTerminal(args: string[], options: TerminalOptions): Promise<TerminalRun> {
  const env: Record<string, string | undefined> = { ...motoEnv(options.url), CI: undefined, CODY_REQUIRE_APPROVAL: undefined, TERM: "xterm-256color", COLUMNS: "160", ...options.env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const command = [process.execPath, codyBin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  let raw = "";
  let asked = 0;
  const onData = (chunk: Buffer) => {
    raw += chunk.toString();
    const questions = raw.replace(ESCAPES, "").split("(y/N)").length - 1;
    if (questions > asked) {
      asked = questions;
      if (options.answer !== undefined) child.stdin.write(`${options.answer}\n`);
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, raw, screen: raw.replace(ESCAPES, "").replace(/\r/g, ""), asked });
    });
  });
}
