// `cody preflight`: placeholder until its issue lands.
import { CodyError } from "../../errors";
import type { Reporter } from "../../io/reporter";

export async function preflightCommand(_project: string | undefined, _options: unknown, _reporter: Reporter): Promise<void> {
  throw new CodyError("`cody preflight` is not available in this version of cody yet.", {
    hint: "`cody synth` prints the template without AWS; see README.md for what this version does.",
  });
}
