// The DSL entry points. `define*` are identity functions: they exist so an editor types and completes
// what the user writes; validation happens when cody loads the file.
import type { Definable, ProjectConfig, RoleConfig, ScheduleConfig, SecretRef, Settings } from "./types";

export function defineProject(config: Definable<ProjectConfig>): Definable<ProjectConfig> {
  return config;
}

export function defineRole(config: Definable<RoleConfig>): Definable<RoleConfig> {
  return config;
}

export function defineSchedule(config: Definable<ScheduleConfig>): Definable<ScheduleConfig> {
  return config;
}

export function defineSettings(settings: Settings | (() => Settings)): Settings | (() => Settings) {
  return settings;
}

/** A Parameter Store parameter, read by CodeBuild when a build starts (never by cody). */
export function ssm(name: string): SecretRef {
  return Object.freeze({ type: "PARAMETER_STORE", value: name });
}

/** A Secrets Manager secret (`id`, `id:json-key`, or a full reference), read by CodeBuild when a build starts. */
export function secret(id: string): SecretRef {
  return Object.freeze({ type: "SECRETS_MANAGER", value: id });
}
