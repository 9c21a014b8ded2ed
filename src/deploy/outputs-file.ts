// `cody deploy --outputs-file FILE`: the stack's outputs as JSON, keyed by stack name as CDK's
// --outputs-file writes them, so scripts can read `.["demo-cody"].ProjectName`.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { CodyError } from "../errors";

export function outputsJson(stackName: string, outputs: Record<string, string>): string {
  return `${JSON.stringify({ [stackName]: outputs }, null, 2)}\n`;
}

/** Writes through a temporary file, so a reader never sees half a file. */
export function writeOutputsFile(file: string, stackName: string, outputs: Record<string, string>): string {
  const path = resolve(file);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, outputsJson(stackName, outputs));
    renameSync(temp, path);
  } catch (error) {
    throw new CodyError(`could not write the outputs to ${file}: ${(error as Error).message}`, {
      hint: "The deploy itself is done; choose a writable path for --outputs-file.",
      cause: error,
    });
  }
  return path;
}
