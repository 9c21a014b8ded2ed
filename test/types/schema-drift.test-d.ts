// Compile-only (`npm run typecheck`): the DSL's types (src/dsl/types.ts, what the editor checks) and the
// zod schemas' input types (src/config/schema.ts, what cody checks at load) describe the same keys with
// the same value types, so neither can gain, lose or change a key alone. A drift fails `tsc` here.
// Four values are typed loosely in the schema on purpose, because a refinement checks them in depth at
// load (with messages the types cannot give): buildspec objects, a role's iamPolicy entries, a
// schedule's eventPattern and logRetentionDays (a number checked against LOG_RETENTION_DAYS). For those
// the DSL type must be accepted by the schema, not the reverse; the retention list is tied exactly.
import type { z } from "zod";
import type { LOG_RETENTION_DAYS, projectSchema, roleSchema, scheduleSchema, settingsSchema } from "../../src/config/schema";
import type { Buildspec, EventPattern, IamPolicyEntry, LogRetentionDays, ProjectConfig, RoleConfig, ScheduleConfig, Settings } from "codybuild";

type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
/** Each assignable to the other: the same values are accepted on both sides. */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Every key of A is Mutual with B's, except the ones named in `Loose`. */
type SameValues<A, B, Loose extends PropertyKey = never> = {
  [K in Exclude<keyof A & keyof B, Loose>]-?: Mutual<A[K], B[K]>;
}[Exclude<keyof A & keyof B, Loose>] extends true
  ? true
  : false;

// With E's lazy schemas these stay zod types (z.lazy), so z.input applies unchanged.
type ProjectIn = z.input<typeof projectSchema>;
type RoleIn = z.input<typeof roleSchema>;
type ScheduleIn = z.input<typeof scheduleSchema>;
type SettingsIn = z.input<typeof settingsSchema>;

// The same keys, both ways.
export type ProjectKeys = Expect<Equal<keyof ProjectConfig, keyof ProjectIn>>;
export type RoleKeys = Expect<Equal<keyof RoleConfig, keyof RoleIn>>;
export type ScheduleKeys = Expect<Equal<keyof ScheduleConfig, keyof ScheduleIn>>;
export type SettingsKeys = Expect<Equal<keyof Settings, keyof SettingsIn>>;

// The same value types, key by key (nested objects such as linuxEnvironment, triggers, vpcConfig, input
// and envs included); project.role and project.schedule are the role and schedule checked below.
export type ProjectValues = Expect<SameValues<ProjectConfig, ProjectIn, "buildspec" | "role" | "schedule" | "logRetentionDays">>;
export type RoleValues = Expect<SameValues<RoleConfig, RoleIn, "iamPolicy">>;
export type ScheduleValues = Expect<SameValues<ScheduleConfig, ScheduleIn, "eventPattern">>;
export type SettingsValues = Expect<Mutual<Settings, SettingsIn>>;
export type InlineRole = Expect<Mutual<NonNullable<ProjectConfig["role"]>, RoleConfig>>;
export type InlineSchedule = Expect<Mutual<NonNullable<ProjectConfig["schedule"]>, ScheduleConfig>>;

// The loose four: what the DSL types accept, the schema's types accept too.
type Accepts<Schema, Dsl> = [Dsl] extends [Schema] ? true : false;
export type BuildspecAccepted = Expect<Accepts<NonNullable<ProjectIn["buildspec"]>, string | { [K in keyof Buildspec]: Buildspec[K] }>>;
export type IamPolicyAccepted = Expect<Accepts<NonNullable<RoleIn["iamPolicy"]>, IamPolicyEntry[]>>;
export type EventPatternAccepted = Expect<Accepts<NonNullable<ScheduleIn["eventPattern"]>, { [K in keyof EventPattern]: EventPattern[K] }>>;
export type RetentionAccepted = Expect<Accepts<NonNullable<ProjectIn["logRetentionDays"]>, LogRetentionDays>>;
export type RetentionList = Expect<Equal<LogRetentionDays, (typeof LOG_RETENTION_DAYS)[number]>>;
