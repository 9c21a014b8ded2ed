// Pure formatting of a preflight result: the table of denied actions and the statement(s) to add.
// Returns lines; the command prints them through the reporter.
import { POLICY_VERSION, type AllowStatement } from "../iam/policy";
import { textTable } from "../util/table";
import { ENGINE_NAMES, type DeniedAction, type Engine, type PreflightResult } from "./preflight";

export interface FormatOptions {
  /** Add a column with the commands that need each action (cody preflight checks several). */
  showCommands?: boolean;
}

const DECISION: Record<DeniedAction["decision"], string> = {
  implicitDeny: "not allowed",
  explicitDeny: "explicit Deny",
};

function decisionText(entry: DeniedAction): string {
  if (entry.blockedBy === "organizations") return `${DECISION[entry.decision]} (SCP)`;
  if (entry.blockedBy === "permissions-boundary") return `${DECISION[entry.decision]} (boundary)`;
  return DECISION[entry.decision];
}

/** The action, with the context that was denied when there is one: `iam:PassRole (to events.amazonaws.com)`. */
function actionText(entry: DeniedAction): string {
  const context = Object.entries(entry.context ?? {}).map(([key, values]) =>
    key === "iam:PassedToService" ? `to ${values.join(", ")}` : `${key}=${values.join(",")}`,
  );
  return context.length > 0 ? `${entry.action} (${context.join("; ")})` : entry.action;
}

/** A plain table: a header, a rule, one row per denied action, resource and context. */
export function formatDeniedTable(denied: DeniedAction[], options: FormatOptions = {}): string[] {
  const header = ["ACTION", "RESOURCE", "DECISION", ...(options.showCommands ? ["NEEDED BY"] : [])];
  const rows = denied.map((d) => [actionText(d), d.resource, decisionText(d), ...(options.showCommands ? [d.commands.join(", ")] : [])]);
  return textTable(header, rows, { rule: true });
}

/** The statements as a policy document a user can paste (or merge into an existing one). */
export function formatStatements(statements: AllowStatement[]): string {
  return JSON.stringify({ Version: POLICY_VERSION, Statement: statements }, null, 2);
}

/** Everything to print for a denied result, in order: summary, table, notes, statements. */
export function formatDenied(result: Extract<PreflightResult, { type: "denied" }>, options: FormatOptions = {}): string[] {
  const count = result.denied.length;
  const lines = [
    `Preflight (${ENGINE_NAMES[result.engine]}): ${result.principal.arn} is missing ${count} permission${count === 1 ? "" : "s"}:`,
    "",
    ...formatDeniedTable(result.denied, options).map((l) => `  ${l}`),
  ];
  const explicit = result.denied.filter((d) => d.decision === "explicitDeny");
  const blocked = result.denied.filter((d) => d.blockedBy);
  const missingContext = [...new Set(result.denied.flatMap((d) => d.missingContext ?? []))];
  const notes: string[] = [];
  if (explicit.length > 0) {
    notes.push(`An explicit Deny blocks ${explicit.map((d) => d.action).filter((a, i, all) => all.indexOf(a) === i).join(", ")}: adding an Allow does not help; the Deny must be narrowed or removed.`);
  }
  if (blocked.some((d) => d.blockedBy === "organizations")) notes.push("(SCP): an organization service control policy blocks it; only the organization's administrators can change that.");
  if (blocked.some((d) => d.blockedBy === "permissions-boundary")) notes.push("(boundary): the permissions boundary does not allow it; the boundary must allow it too.");
  if (missingContext.length > 0) notes.push(`The caller's policies test condition keys preflight could not supply (${missingContext.join(", ")}); the live request may differ.`);
  if (notes.length > 0) lines.push("", ...notes);
  const allows = result.statements.length;
  lines.push(
    "",
    `Add ${allows === 1 ? "this statement" : "these statements"} to the policy of ${result.principal.arn} (\`cody policy\` prints the whole policy):`,
    "",
    formatStatements(result.statements),
  );
  return lines;
}

/**
 * The one-line reason for a preflight that could not run, ending in one full stop (a quoted AWS
 * message may end in its own: `(… cannot be found.)`).
 */
export function formatCouldNotRun(result: Extract<PreflightResult, { type: "could-not-run" }>): string {
  const reason = result.reason.replace(/\.+(?=[.,;)])/g, "").replace(/\.*$/, ".");
  return `Preflight could not run: ${reason}`;
}

/** Which engine answered, and for the local one what it cannot see, in a few words. */
function engineText(engine: Engine): string {
  return engine === "local" ? `${ENGINE_NAMES.local}; SCPs, resource and session policies not seen` : ENGINE_NAMES[engine];
}

/** The summary of a passed preflight, naming the engine. */
export function formatOk(result: Extract<PreflightResult, { type: "ok" }>): string {
  if (result.principal.kind === "root" || result.engine === "none") return `Preflight: ${result.principal.arn} is the root user; nothing to check.`;
  return `Preflight passed (${engineText(result.engine)}): ${result.principal.arn} has the ${result.checked} permission${result.checked === 1 ? "" : "s"} checked.`;
}

/** Why the local engine answered instead of the simulator, for `cody preflight` and --debug. */
export function formatFallback(result: PreflightResult): string | undefined {
  if (result.type === "could-not-run" || !result.simulatorUnavailable) return undefined;
  return `the ${ENGINE_NAMES.simulator} is not usable (${result.simulatorUnavailable}), so cody read your IAM policies and evaluated them itself.`;
}
