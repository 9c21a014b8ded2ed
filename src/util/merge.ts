// Deep merge for `properties`: plain objects merge key by key, everything else (arrays included)
// replaces. Arrays replace because CloudFormation lists (Triggers.FilterGroups, Policies) are
// whole values: concatenating them, as defu or lodash.merge would, silently changes meaning.
export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function deepMerge<T extends PlainObject>(base: T, override: PlainObject | undefined): T {
  if (!override) return base;
  const out: PlainObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out as T;
}
