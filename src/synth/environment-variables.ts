// Environment variables: plain values, and references that CodeBuild resolves when a build starts.
// A secret's value never passes through cody: only its name goes into the template.
import type { EnvironmentValue } from "../dsl/types";
import { arn } from "./intrinsics";

export interface CfnEnvironmentVariable {
  Name: string;
  Type: "PLAINTEXT" | "PARAMETER_STORE" | "SECRETS_MANAGER";
  Value: string;
}

export function toEnvironmentVariable(name: string, value: EnvironmentValue): CfnEnvironmentVariable {
  if (typeof value === "object") return { Name: name, Type: value.type, Value: value.value };
  if (typeof value === "string" && value.startsWith("ssm:")) {
    // cody's "ssm:/path" shorthand, kept for people coming from the Ruby tool.
    return { Name: name, Type: "PARAMETER_STORE", Value: value.slice("ssm:".length) };
  }
  return { Name: name, Type: "PLAINTEXT", Value: String(value) };
}

export function toEnvironmentVariables(vars: Record<string, EnvironmentValue> | undefined): CfnEnvironmentVariable[] {
  return Object.entries(vars ?? {}).map(([name, value]) => toEnvironmentVariable(name, value));
}

/** ARN of a parameter, from its name (`/api/key`) or ARN. */
export function parameterArn(name: string) {
  if (name.startsWith("arn:")) return name;
  return arn("ssm", `parameter/${name.replace(/^\//, "")}`);
}

/**
 * ARN pattern of a secret from a CodeBuild reference `secret-id[:json-key[:stage[:version]]]`.
 * A secret named by its name has a 6-character random suffix in its ARN, hence `-??????`.
 */
export function secretArn(reference: string) {
  if (reference.startsWith("arn:")) return reference.split(":").slice(0, 7).join(":");
  const id = reference.split(":")[0]!;
  return arn("secretsmanager", `secret:${id}-??????`);
}

/** The parameters and secrets a list of variables references, deduplicated in first-seen order. */
export function referencedSecrets(vars: CfnEnvironmentVariable[]): { parameters: string[]; secrets: string[] } {
  const parameters = new Set<string>();
  const secrets = new Set<string>();
  for (const v of vars) {
    if (v.Type === "PARAMETER_STORE") parameters.add(v.Value);
    if (v.Type === "SECRETS_MANAGER") secrets.add(v.Value);
  }
  return { parameters: [...parameters], secrets: [...secrets] };
}
