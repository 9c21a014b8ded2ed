// A change set, reviewed: CloudFormation's list of resource changes (with its replacement verdicts)
// joined with the values the template diff shows, plus the IAM changes. What `cody diff` prints and
// what `cody deploy` shows before it executes. Pure.
import { formatIamTable, iamChanges, isBroadening, type IamChange } from "./iam-changes";
import { diffTemplates, formatChange, type TemplateLike, type ValueChange } from "./template-diff";

/** One property (or attribute, such as Tags) a Modify changes, from the change set's Details. */
export interface PropertyChange {
  /** The property name, e.g. `Environment`; the attribute (`Tags`, `Metadata`, ...) when not a property. */
  name: string;
  /** CloudFormation's RequiresRecreation: `Never`, `Conditionally` or `Always`; null when not given. */
  requiresRecreation: string | null;
}

export interface ResourceChangeSummary {
  action: string;
  logicalId: string;
  resourceType: string;
  /** CloudFormation's Replacement for a Modify (`True`, `False`, `Conditional`); null otherwise. */
  replacement: string | null;
  /** What a Modify changes, by name only, in the change set's order; [] for Add and Remove. */
  properties: PropertyChange[];
}

export interface ReviewedChange extends ResourceChangeSummary {
  /** Changed property paths with old and new values, from the templates; [] for Add and Remove. */
  values: ValueChange[];
}

export interface Review {
  changes: ReviewedChange[];
  iam: IamChange[];
  broadening: boolean;
}

/**
 * Joins the change set with the template diff. A resource the template diff finds changed but the
 * change set does not list (an attribute such as DeletionPolicy alone) is added as a Modify, so what
 * the reviewer approves is the whole change.
 */
export function review(changes: ResourceChangeSummary[], before: TemplateLike | undefined, after: TemplateLike): Review {
  const diffs = diffTemplates(before, after);
  const byId = new Map(diffs.map((d) => [d.logicalId, d]));
  const reviewed: ReviewedChange[] = changes.map((c) => ({ ...c, values: c.action === "Modify" ? (byId.get(c.logicalId)?.changes ?? []) : [] }));
  const listed = new Set(changes.map((c) => c.logicalId));
  for (const d of diffs) {
    if (listed.has(d.logicalId) || d.action !== "Modify") continue;
    reviewed.push({ action: "Modify", logicalId: d.logicalId, resourceType: d.resourceType, replacement: null, properties: [], values: d.changes });
  }
  const iam = iamChanges(before, after);
  return { changes: reviewed, iam, broadening: isBroadening(iam) };
}

const SIGN: Record<string, string> = { Add: "+", Modify: "~", Remove: "-", Import: "<", Dynamic: "?" };

function recreation(p: PropertyChange | undefined): string {
  if (p?.requiresRecreation === "Always") return " (replacement)";
  if (p?.requiresRecreation === "Conditionally") return " (may need replacement)";
  return "";
}

/**
 * One line per resource, then under a Modify one line per changed value (`path: old → new`), marked
 * when CloudFormation says changing that property replaces the resource. A property CloudFormation
 * lists without a value change in the template (a changed reference) keeps its name-only line.
 */
export function formatReviewedChanges(changes: ReviewedChange[]): string[] {
  return changes.flatMap((c) => {
    const replace = c.replacement === "True" ? "  (replaced)" : c.replacement === "Conditional" ? "  (may be replaced)" : "";
    const head = `  ${SIGN[c.action] ?? "?"} ${c.logicalId.padEnd(16)} ${c.resourceType}${replace}`;
    const byName = new Map(c.properties.map((p) => [p.name, p]));
    const lines = c.values.map((v) => `      ${formatChange(v)}${recreation(byName.get(topName(v.path)))}`);
    const shown = new Set(c.values.map((v) => topName(v.path)));
    for (const p of c.properties) if (!shown.has(p.name)) lines.push(`      ${p.name}${recreation(p)}`);
    return [head, ...lines];
  });
}

/** `Environment.ComputeType` → `Environment`; `Tags[team]` → `Tags`. */
function topName(path: string): string {
  return /^[^.[]+/.exec(path)?.[0] ?? path;
}

/**
 * The IAM section: a heading that says whether it broadens, then the table; [] when IAM does not change.
 * `columns`: the terminal's width when it is one (the table then stacks rather than wrap).
 */
export function formatIamSection(changes: IamChange[], columns?: number): string[] {
  if (changes.length === 0) return [];
  const broadening = changes.filter((c) => c.broadening).length;
  const heading = broadening > 0 ? `IAM changes: ${broadening} broadening (lets something do more than before)` : "IAM changes: narrowing only";
  // A pty without a size reports 0 columns: no width then, as for a pipe.
  const fit = columns !== undefined && columns > 0 ? columns - 2 : undefined;
  return [heading, ...formatIamTable(changes, undefined, fit).map((l) => `  ${l}`)];
}

/** The --json form of a value change: `old`/`new` are null where absent (an addition, a removal). */
export function jsonValues(values: ValueChange[]): Array<{ path: string; old: unknown; new: unknown }> {
  return values.map((v) => ({ path: v.path, old: "old" in v ? v.old : null, new: "new" in v ? v.new : null }));
}
