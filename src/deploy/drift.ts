// Drift: has anything in the stack been changed outside CloudFormation? DetectStackDrift compares each
// resource's live properties with the deployed template; this starts it, waits (bounded), and reads the
// drifted resources with expected and actual values. moto has no drift detection: unit-tested with mocks.
import type { StackResourceDrift } from "@aws-sdk/client-cloudformation";
import type { DriftApi } from "../aws/clients";
import { CodyError } from "../errors";
import { isMissingStackError } from "./stack";
import { abortable, type Sleep } from "./wait";

export interface PropertyDrift {
  /** `Environment.ComputeType` (CloudFormation's `/Environment/ComputeType`, in cody's diff notation). */
  path: string;
  /** CloudFormation's ADD, REMOVE or NOT_EQUAL. */
  difference: string;
  expected: unknown;
  actual: unknown;
}

export interface ResourceDrift {
  logicalId: string;
  resourceType: string;
  physicalId: string;
  /** MODIFIED or DELETED (IN_SYNC and NOT_CHECKED are not listed). */
  status: string;
  properties: PropertyDrift[];
}

export interface DriftResult {
  stackName: string;
  drifted: boolean;
  /** DETECTION_COMPLETE, or DETECTION_FAILED when some resources could not be checked. */
  detectionStatus: string;
  /** Why detection failed for some resources (e.g. a type drift detection does not support). */
  reason?: string;
  resources: ResourceDrift[];
}

export interface DriftOptions {
  api: DriftApi;
  stackName: string;
  sleep: Sleep;
  signal?: AbortSignal;
  /** How long to wait for detection before giving up (default 10 minutes). */
  timeoutMs?: number;
  now?: () => number;
}

export async function detectDrift(options: DriftOptions): Promise<DriftResult> {
  const { api, stackName } = options;
  const now = options.now ?? Date.now;
  let id: string | undefined;
  try {
    id = (await api.detectStackDrift({ StackName: stackName })).StackDriftDetectionId;
  } catch (error) {
    if (isMissingStackError(error)) {
      throw new CodyError(`stack ${stackName} does not exist: there is nothing to compare.`, { hint: "Deploy it first with `cody deploy`." });
    }
    throw error;
  }
  if (!id) throw new CodyError(`CloudFormation started no drift detection for ${stackName}.`);
  const deadline = now() + (options.timeoutMs ?? 600_000);
  let delay = 1000;
  for (;;) {
    const status = await api.describeStackDriftDetectionStatus({ StackDriftDetectionId: id });
    if (status.DetectionStatus !== "DETECTION_IN_PROGRESS") {
      const resources = await drifts(api, stackName);
      return {
        stackName,
        drifted: status.StackDriftStatus === "DRIFTED" || resources.length > 0,
        detectionStatus: status.DetectionStatus ?? "UNKNOWN",
        ...(status.DetectionStatus === "DETECTION_FAILED" ? { reason: status.DetectionStatusReason ?? "no reason given" } : {}),
        resources,
      };
    }
    if (now() >= deadline) {
      throw new CodyError(`drift detection of ${stackName} is still running after ${Math.round((options.timeoutMs ?? 600_000) / 60_000)} minutes; cody stopped waiting (CloudFormation carries on).`, {
        hint: `Run \`cody drift\` again later, or read the result with: aws cloudformation describe-stack-drift-detection-status --stack-drift-detection-id ${id}`,
      });
    }
    await abortable(options.sleep(delay), options.signal);
    delay = Math.min(delay * 1.5, 5000);
  }
}

async function drifts(api: DriftApi, stackName: string): Promise<ResourceDrift[]> {
  const out: ResourceDrift[] = [];
  let token: string | undefined;
  do {
    const page = await api.describeStackResourceDrifts({ StackName: stackName, StackResourceDriftStatusFilters: ["MODIFIED", "DELETED"], NextToken: token });
    out.push(...(page.StackResourceDrifts ?? []).map(toDrift));
    token = page.NextToken;
  } while (token);
  return out;
}

function toDrift(d: StackResourceDrift): ResourceDrift {
  return {
    logicalId: d.LogicalResourceId ?? "",
    resourceType: d.ResourceType ?? "",
    physicalId: d.PhysicalResourceId ?? "",
    status: d.StackResourceDriftStatus ?? "UNKNOWN",
    properties: (d.PropertyDifferences ?? []).map((p) => ({
      path: dottedPath(p.PropertyPath ?? ""),
      difference: p.DifferenceType ?? "NOT_EQUAL",
      expected: parsed(p.ExpectedValue),
      actual: parsed(p.ActualValue),
    })),
  };
}

/** `/Environment/ComputeType` → `Environment.ComputeType`; `/Tags/0/Value` → `Tags[0].Value`. */
export function dottedPath(pointer: string): string {
  return pointer
    .split("/")
    .filter(Boolean)
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), "");
}

/** CloudFormation gives values as JSON text ("\"SMALL\"", "20", "{...}"); plain text stays text. */
function parsed(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
