// `cody start -e K=V ...`: environment variable overrides for one build. Unlike cody, a value keeps
// every `=` after the first (`K=a=b` is "a=b"), `K=` is an empty value, and `secret:` is supported.
import { configError } from "../errors";

export type EnvOverrideType = "PLAINTEXT" | "PARAMETER_STORE" | "SECRETS_MANAGER";

/** The shape of StartBuild's `environmentVariablesOverride` entries. */
export interface EnvOverride {
  name: string;
  value: string;
  type: EnvOverrideType;
}

const FIELD = "-e/--env-vars";
/** Same rule as `environmentVariables` keys in .cody/project.ts. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Parameter names (`/a/b`, `name`) or ARNs. */
const PARAMETER = /^[A-Za-z0-9_./:-]+$/;
/** `secret-id[:json-key[:stage[:version]]]` or an ARN: anything without whitespace. */
const SECRET = /^\S+$/;

/** `NAME=ssm:...` and `NAME=secret:...`: values CodeBuild reads when the build starts. */
const REFERENCES: ReadonlyArray<{ prefix: string; type: EnvOverrideType; valid: RegExp; names: string; fix: (name: string) => string }> = [
  {
    prefix: "ssm:",
    type: "PARAMETER_STORE",
    valid: PARAMETER,
    names: "a Parameter Store parameter",
    fix: (name) => `Write ${name}=ssm:/path/to/parameter (letters, digits and _ . / - only), or ${name}=value for a plain value.`,
  },
  {
    prefix: "secret:",
    type: "SECRETS_MANAGER",
    valid: SECRET,
    names: "a Secrets Manager secret",
    fix: (name) => `Write ${name}=secret:secret-id or ${name}=secret:secret-id:json-key (no spaces).`,
  },
];

/** What an env name looks like (--env allows letters, digits and -). */
const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

const EXAMPLE = "APP_ENV=staging, TOKEN=ssm:/demo/token or DB_PASSWORD=secret:prod/db:password";

function parseOne(pair: string): EnvOverride {
  const at = pair.indexOf("=");
  if (at < 0) {
    throw configError({
      field: FIELD,
      message: `"${pair}" has no "=": each override is NAME=value.`,
      fix:
        `Write e.g. ${EXAMPLE}. If "${pair}" is the project name, put it before -e (cody start ${pair} -e NAME=value)` +
        // `-e production` is easily meant as the env: -e is --env-vars here, the env is --env.
        (ENV_NAME.test(pair) ? `; if it is the env, that is --env ${pair} (-e is short for --env-vars).` : "."),
    });
  }
  const name = pair.slice(0, at);
  const raw = pair.slice(at + 1);
  if (!NAME.test(name)) {
    const suggestion = name.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^(\d)/, "_$1");
    throw configError({
      field: FIELD,
      message: `"${name}" (in "${pair}") is not a valid environment variable name: letters, digits and _, not starting with a digit.`,
      fix: name && NAME.test(suggestion) ? `Use ${suggestion}=${raw}.` : `Write NAME=value, e.g. ${EXAMPLE}.`,
    });
  }
  for (const ref of REFERENCES) {
    if (!raw.startsWith(ref.prefix)) continue;
    const value = raw.slice(ref.prefix.length);
    if (!ref.valid.test(value)) {
      throw configError({ field: FIELD, message: `"${pair}" does not name ${ref.names} after "${ref.prefix}".`, fix: ref.fix(name) });
    }
    return { name, value, type: ref.type };
  }
  return { name, value: raw, type: "PLAINTEXT" };
}

/** Parses `-e` pairs in order; a name given twice is an error rather than a silent last-wins. */
export function parseEnvOverrides(pairs: readonly string[] | undefined): EnvOverride[] {
  const out: EnvOverride[] = [];
  const seen = new Map<string, string>();
  for (const pair of pairs ?? []) {
    const override = parseOne(pair);
    const before = seen.get(override.name);
    if (before !== undefined) {
      throw configError({
        field: FIELD,
        message: `${override.name} is given twice ("${before}" and "${pair}").`,
        fix: `Keep one ${override.name}=... override.`,
      });
    }
    seen.set(override.name, pair);
    out.push(override);
  }
  return out;
}
