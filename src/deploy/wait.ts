// The deploy engine's waiting helpers live in src/util/wait.ts (builds/ uses them too); this path stays
// their entry for deploy/ and its callers.
export * from "../util/wait";
