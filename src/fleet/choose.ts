// Which stacks a fleet command works on: projects (--all: the untyped one and every type; --types a,b)
// times targets (--regions a,b, or settings `targets`). Checked before any AWS call, with did-you-mean.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { configError } from "../errors";
import { checkType, closestRegion, regionProblem } from "../config/naming";
import { CODY_DIR } from "../config/project-root";
import { resolveTarget } from "../config/target";
import type { TargetSetting } from "../config/targets-settings";
import { closest } from "../util/did-you-mean";
import type { FleetTarget } from "./types";

export interface FleetFlags {
  all?: boolean;
  /** --types a,b */
  types?: string;
  /** --regions a,b */
  regions?: string;
  /** --concurrency N (a string from the command line). */
  concurrency?: string;
  failFast?: boolean;
}

export const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 64;

/** Whether the flags ask for more than one stack (settings targets are decided after loading settings). */
export function fleetFlagsGiven(flags: FleetFlags): boolean {
  return Boolean(flags.all || flags.types !== undefined || flags.regions !== undefined);
}

/** The projects of a repository: `.cody/project.ts` (untyped) and each `.cody/<type>/project.ts`, types sorted. */
export function repositoryProjects(root: string): { untyped: boolean; types: string[] } {
  const dir = join(root, CODY_DIR);
  let types: string[] = [];
  try {
    types = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "project.ts")))
      .map((e) => e.name)
      .sort();
  } catch {
    // No .cody/: no projects (the caller says so).
  }
  return { untyped: existsSync(join(dir, "project.ts")), types };
}

function splitList(value: string): string[] {
  return [...new Set(value.split(/[\s,]+/).map((v) => v.trim()).filter(Boolean))];
}

/** `--types a,b` → the types, each checked against the folders that exist. */
export function parseTypes(value: string, available: readonly string[]): string[] {
  const types = splitList(value);
  if (types.length === 0) {
    throw configError({ field: "--types", message: "no types given.", fix: available.length ? `List some of: ${available.join(", ")}.` : "Create a type with `cody init --type <name>`." });
  }
  for (const type of types) {
    checkType(type);
    if (available.includes(type)) continue;
    const meant = closest(type, available);
    throw configError({
      field: "--types",
      message: `no ${CODY_DIR}/${type}/project.ts for type "${type}".${meant ? ` Did you mean "${meant}"?` : ""}${available.length ? ` Types here: ${available.join(", ")}.` : " This repository has no types."}`,
      fix: meant ? `Use --types ${types.map((t) => (t === type ? meant : t)).join(",")}.` : `Create it with \`cody init --type ${type}\`, or use --all.`,
    });
  }
  return types;
}

/**
 * Why a region of a fleet is wrong: not a region name, or a name one letter or two from a region cody
 * knows (`eu-wst-1`): a typo there would otherwise fail stack by stack as an unreachable endpoint.
 */
export function fleetRegionProblem(region: string): { message: string; meant?: string } | undefined {
  const problem = regionProblem(region);
  if (problem) return problem;
  const meant = closestRegion(region);
  if (!meant) return undefined;
  return { message: `"${region}" is not a region cody knows, and it is close to ${meant}.`, meant };
}

/** `--regions a,b` → region names, each checked like --region, and against the known regions. */
export function parseRegions(value: string): string[] {
  const regions = splitList(value);
  if (regions.length === 0) throw configError({ field: "--regions", message: "no regions given.", fix: "Pass --regions us-east-1,eu-west-1." });
  for (const region of regions) {
    const problem = fleetRegionProblem(region);
    if (!problem) continue;
    throw configError({
      field: "--regions",
      message: `${problem.message}${problem.meant ? ` Did you mean ${problem.meant}?` : ""}`,
      fix: problem.meant ? `Use --regions ${regions.map((r) => (r === region ? problem.meant : r)).join(",")}.` : "Use region names such as us-east-1 (`aws account list-regions` lists your account's).",
    });
  }
  return regions;
}

export function parseConcurrency(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CONCURRENCY;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
    throw configError({
      field: "--concurrency",
      message: `"${value}" is not a number of stacks to work on at once: expected a whole number from 1 to ${MAX_CONCURRENCY}.`,
      fix: `Pass --concurrency ${DEFAULT_CONCURRENCY} (the default), or 1 to go one stack at a time.`,
    });
  }
  return n;
}

export interface ChooseInput {
  root: string;
  flags: FleetFlags;
  projectName?: string;
  type?: string;
  stackName?: string;
  env?: string;
  region?: string;
  profile?: string;
  /** settings `targets`, used when neither --regions nor --region is given. */
  settingsTargets?: readonly TargetSetting[];
  environment?: Record<string, string | undefined>;
}

function refuse(field: string, message: string, fix: string): never {
  throw configError({ field, message, fix });
}

/** Flags that contradict each other, before anything is read. */
export function checkFleetFlags(input: Omit<ChooseInput, "root" | "settingsTargets">): void {
  const { flags } = input;
  const many = flags.all ? "--all" : flags.types !== undefined ? "--types" : undefined;
  if (flags.all && flags.types !== undefined) refuse("--types", "--all and --types both choose the projects.", "Pass one of them: --all for every project, --types a,b for some.");
  if (many && input.projectName !== undefined) refuse("project", `a project name chooses one project, and ${many} chooses several.`, `Drop the project name (the names come from the folders), or drop ${many}.`);
  if (many && input.type !== undefined) refuse("--type", `--type chooses one project, and ${many} chooses several.`, `Use --types ${input.type} (or drop --type).`);
  if (many && input.stackName !== undefined) refuse("--stack-name", `--stack-name names one stack, and ${many} works on several.`, `Drop --stack-name, or drop ${many}.`);
  if (flags.regions !== undefined && input.region !== undefined) refuse("--regions", "--region and --regions both choose where.", "Pass --region for one region, or --regions a,b for several.");
  parseConcurrency(flags.concurrency);
}

/** Every stack to work on, projects in folder order (untyped first), each in every target. */
export async function chooseTargets(input: ChooseInput): Promise<FleetTarget[]> {
  checkFleetFlags(input);
  const { flags, root } = input;
  const found = repositoryProjects(root);
  let types: Array<string | undefined>;
  if (flags.all) {
    types = [...(found.untyped ? [undefined] : []), ...found.types];
    if (types.length === 0) {
      refuse("--all", `no projects in ${join(root, CODY_DIR)}: --all looks for ${CODY_DIR}/project.ts and ${CODY_DIR}/<type>/project.ts.`, "Create one with `cody init` (or `cody init --type <name>`).");
    }
  } else if (flags.types !== undefined) {
    types = parseTypes(flags.types, found.types);
  } else {
    types = [input.type];
  }
  const places: Array<{ region?: string; profile?: string }> =
    flags.regions !== undefined
      ? parseRegions(flags.regions).map((region) => ({ region, ...(input.profile ? { profile: input.profile } : {}) }))
      : input.settingsTargets && input.settingsTargets.length > 0 && input.region === undefined
        ? input.settingsTargets.map((t) => ({ region: t.region, ...((t.profile ?? input.profile) ? { profile: t.profile ?? input.profile } : {}) }))
        : [{ ...(input.region ? { region: input.region } : {}), ...(input.profile ? { profile: input.profile } : {}) }];
  const showRegion = places.length > 1;
  const showProfile = showRegion && new Set(places.map((p) => p.profile ?? "")).size > 1;
  const targets: FleetTarget[] = [];
  for (const type of types) {
    // The name each job's command will resolve for itself: the same function, the same flags.
    const resolved = await resolveTarget(
      { projectName: input.projectName, ...(type !== undefined ? { type } : {}), env: input.env, stackName: input.stackName },
      { cwd: root, ...(input.environment ? { environment: input.environment } : {}) },
    );
    const stackName = resolved.names.stackName;
    for (const place of places) {
      const where = showRegion ? `${place.region ?? "default"}${showProfile ? `/${place.profile ?? "default"}` : ""}` : "";
      targets.push({ ...(type ? { type } : {}), ...place, stackName, label: where ? `${stackName} ${where}` : stackName });
    }
  }
  return targets;
}
