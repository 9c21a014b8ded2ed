// Environment variables classified: plain values, and references (ssm:, secret:) that CodeBuild
// resolves when a build starts. A secret's value never passes through cody: only its name.
import type { EnvironmentValue } from "../dsl/types";

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
