// SDK errors, turned into messages a user can act on. Access denied names the action and points
// at `cody policy`; credentials, profile, region, SSO and throttling problems say how to fix them,
// and an endpoint that answers something other than AWS is named as such (no SDK internals).
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CodyError, ExitCode, isCodyError } from "../errors";
import { closest } from "../util/did-you-mean";
import { closestRegion } from "./regions";

interface SdkErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  hostname?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  /** Set by the clients: where the failed request went (scheme, host, port). */
  $endpoint?: string;
  /** Set by the clients on a timeout: the per-request timeout, or the call's whole budget that ran out. */
  $timeoutMs?: number;
  $budgetMs?: number;
  /** Set (non-enumerable) by the SDK's deserializer on a response it could not parse. */
  $response?: { statusCode?: number };
}

/** What the client knew when the call failed: the profile it was given, and the environment. */
export interface ErrorContext {
  /** The profile passed to the client (--profile or the settings' binding); AWS_PROFILE otherwise. */
  profile?: string;
  environment?: Record<string, string | undefined>;
}

export interface SharedProfiles {
  /** Profile names in the config and credentials files. */
  names: string[];
  /** The files, as a message shows them: `~/.aws/config`, or the path AWS_CONFIG_FILE names. */
  shown: string[];
}

/** The profiles of the shared config and credentials files, read the way the SDK finds them. */
export function sharedProfiles(environment: Record<string, string | undefined> = process.env): SharedProfiles {
  const home = environment.HOME || homedir();
  const files = [
    { path: environment.AWS_CONFIG_FILE, fallback: join(home, ".aws", "config"), shownDefault: "~/.aws/config" },
    { path: environment.AWS_SHARED_CREDENTIALS_FILE, fallback: join(home, ".aws", "credentials"), shownDefault: "~/.aws/credentials" },
  ];
  const names = new Set<string>();
  for (const file of files) {
    let text = "";
    try {
      text = readFileSync(file.path || file.fallback, "utf8");
    } catch {
      continue; // a missing file has no profiles
    }
    for (const match of text.matchAll(/^\s*\[\s*([^\]]+?)\s*\]/gm)) {
      const section = match[1]!;
      // `[sso-session x]` and `[services x]` are not profiles; `[profile x]` and `[x]` are.
      if (/^(sso-session|services)\s/.test(section)) continue;
      names.add(section.replace(/^profile\s+/, ""));
    }
  }
  return { names: [...names], shown: files.map((f) => f.path || f.shownDefault) };
}

/** The error for a profile the SDK was told to use that no shared file defines; undefined if it exists. */
function missingProfile(error: unknown, context: ErrorContext): CodyError | undefined {
  const environment = context.environment ?? process.env;
  const profile = context.profile ?? environment.AWS_PROFILE;
  if (!profile) return undefined;
  const profiles = sharedProfiles(environment);
  if (profiles.names.includes(profile)) return undefined;
  const from = context.profile === undefined ? " (from AWS_PROFILE)" : "";
  const meant = closest(profile, profiles.names);
  const known = profiles.names.length > 0 ? `Known profiles: ${profiles.names.join(", ")}. ` : "";
  return new CodyError(`AWS profile "${profile}"${from} not found in ${profiles.shown.join(" or ")}.`, {
    hint:
      (meant ? `Did you mean "${meant}"? ` : known) +
      `Check the name (\`aws configure list-profiles\`), or create it: \`aws configure --profile ${profile}\` (keys) or \`aws configure sso --profile ${profile}\` (SSO).`,
    cause: error,
  });
}

/** Endpoint overrides the SDK honours (AWS_ENDPOINT_URL and its per-service forms), as `NAME=value`. */
function endpointOverrides(environment: Record<string, string | undefined>): string[] {
  return Object.entries(environment)
    .filter(([name, value]) => value && /^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/.test(name))
    .map(([name, value]) => `${name}=${value}`);
}

/** The SDK could not parse the answer: an HTML page (a proxy's, an emulator's crash) rather than an AWS response. */
function notAwsAnswer(e: SdkErrorShape, message: string): boolean {
  if (/Deserialization error|XML parse error|is not valid JSON/i.test(message) || (e.$response !== undefined && e.name === "SyntaxError")) return true;
  // The query-protocol clients (CloudFormation, STS, IAM) call an unparseable error page "Unknown: Unknown".
  return (e.name === "Unknown" || e.name === "UnknownError") && (e.message === "Unknown" || !e.message);
}

/** "after 8 attempts", from the SDK's own count; "after retrying" when the SDK did not say. */
function attemptsText(e: SdkErrorShape): string {
  const attempts = e.$metadata?.attempts;
  return attempts === undefined ? "after retrying" : attempts === 1 ? "on its only attempt" : `after ${attempts} attempts`;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** An error and its causes, outermost first: the clients wrap each SDK error in a CodyError. */
export function errorChain(error: unknown): Array<{ name?: unknown; message?: unknown }> {
  const chain: Array<{ name?: unknown; message?: unknown; cause?: unknown }> = [];
  for (let e: unknown = error; e && typeof e === "object" && !chain.includes(e); e = (e as { cause?: unknown }).cause) {
    chain.push(e);
  }
  return chain;
}

/** The action an "is not authorized to perform" message names, if any. */
export function deniedAction(message: string): string | undefined {
  return /not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9*]+)/i.exec(message)?.[1];
}

export function toCodyError(error: unknown, action: string, context: ErrorContext = {}): CodyError {
  if (isCodyError(error)) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const name = e.name ?? e.Code ?? "";
  const message = e.message ?? String(error);
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const environment = context.environment ?? process.env;

  // Before the missing-credentials test: the SDK reports an expired SSO session as a CredentialsProviderError.
  if (/SSO.*(expired|refresh)|Token is expired|The SSO session|sso.*token/i.test(message) || name === "ExpiredTokenException" || name === "ExpiredToken") {
    return new CodyError(`the AWS session has expired (${message.split("\n")[0]}).`, {
      hint: "Run `aws sso login --profile <name>` (SSO) or refresh your credentials, then try again.",
      cause: error,
    });
  }
  if (name === "CredentialsProviderError" || /Could not load credentials|credentials? (are|is) missing/i.test(message)) {
    // The SDK says only "Could not load credentials from any providers", even for a mistyped profile.
    const missing = missingProfile(error, context);
    if (missing) return missing;
    const profile = context.profile ?? environment.AWS_PROFILE;
    if (profile) {
      return new CodyError(`no AWS credentials found for profile "${profile}".`, {
        hint: `Add keys with \`aws configure --profile ${profile}\`, or run \`aws sso login --profile ${profile}\` for an SSO profile.`,
        cause: error,
      });
    }
    return new CodyError("no AWS credentials found.", {
      hint: "Set AWS_PROFILE (or --profile), run `aws configure`, or `aws sso login --profile <name>` for SSO.",
      cause: error,
    });
  }
  if (/Region is missing/i.test(message)) {
    // A profile that does not exist has no region either: that is the problem to report.
    const missing = missingProfile(error, context);
    if (missing) return missing;
    return new CodyError("no AWS region configured.", {
      hint: "Pass --region, set AWS_REGION, set region in your AWS profile, or bind one to the env in .cody/settings.ts.",
      cause: error,
    });
  }
  // cody checks --region and AWS_REGION first, so this is a profile's region (or AWS_DEFAULT_REGION's).
  const rejected = /Region not accepted: region="([^"]*)"/.exec(message);
  if (rejected || /Invalid region/i.test(message)) {
    return new CodyError(`${rejected ? `"${rejected[1]}" is` : "the region is"} not a valid AWS region name.`, {
      hint: "Set a region such as us-east-1 or eu-west-2 in your AWS profile (`aws configure get region`), or pass --region.",
      cause: error,
    });
  }
  if (/Throttl|Rate exceeded|TooManyRequests/i.test(name + message)) {
    return new CodyError(`AWS kept throttling ${action} (${attemptsText(e)}).`, {
      hint: "Wait a minute and run the command again; other tools in this account may be making many calls.",
      cause: error,
    });
  }
  if (/InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch|InvalidSignature/i.test(name)) {
    return new CodyError(`AWS rejected the credentials (${message.split("\n")[0]}).`, {
      hint: "Check which keys AWS_PROFILE/--profile uses (`aws sts get-caller-identity`); deleted or mistyped keys must be replaced.",
      cause: error,
    });
  }
  if (/AccessDenied|UnauthorizedOperation|not authorized/i.test(name + message) || status === 403) {
    const denied = deniedAction(message) ?? action;
    return new CodyError(`access denied: your AWS identity may not call ${denied}.`, {
      exitCode: ExitCode.input,
      hint: "`cody policy` prints the policy cody needs; `cody policy --format cli` prints the commands to grant it.",
      cause: error,
    });
  }
  if (name === "TimeoutError" || e.$budgetMs !== undefined) {
    const where = e.$endpoint ?? e.hostname ?? "the endpoint";
    const what =
      e.$budgetMs !== undefined
        ? `got no answer from ${where} in ${seconds(e.$budgetMs)} (each request waited up to ${seconds(e.$timeoutMs ?? 0)}, retries included)`
        : `got no answer from ${where} within ${seconds(e.$timeoutMs ?? 0)} (${attemptsText(e)})`;
    return new CodyError(`${action} ${what}.`, {
      hint:
        "The endpoint or the network is not answering. Check your connection (and HTTPS_PROXY, if you use one), then run the command again; " +
        "CODY_REQUEST_TIMEOUT=<seconds> sets how long one request may wait (default 30).",
      cause: error,
    });
  }
  if (notAwsAnswer(e, message)) {
    const overrides = endpointOverrides(environment);
    const from = e.$endpoint ? ` from ${e.$endpoint}` : "";
    return new CodyError(`${action} failed: the endpoint's answer is not an AWS response${status ? `: HTTP ${status}${from}` : from}.`, {
      hint: overrides.length
        ? `${overrides.join(", ")} is set: check that it points at AWS or an emulator that supports ${action.split(":")[0]}, or unset it. --debug shows the SDK's error.`
        : "A proxy or captive portal may have answered instead of AWS; check HTTPS_PROXY and your network. --debug shows the SDK's error.",
      cause: error,
    });
  }
  if (/^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT)$/.test(e.code ?? "")) {
    const overrides = endpointOverrides(environment);
    const host = e.hostname ?? /(?:getaddrinfo \w+|connect \w+) (\S+)/.exec(message)?.[1] ?? "the endpoint";
    // A region that looks right (eu-wst-1) passes cody's check and fails here, as a host that does not exist.
    const region = /^[a-z0-9-]+\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host)?.[1];
    const meant = region ? closestRegion(region) : undefined;
    return new CodyError(`${action} failed: cannot reach ${host} (${e.code}).`, {
      hint: overrides.length
        ? `${overrides.join(", ")} is set: is that endpoint running?`
        : meant
          ? `Did you mean the region ${meant}? "${region}" is not a region AWS has.`
          : e.code === "ENOTFOUND"
            ? "Check the region (a mistyped region makes a host that does not exist) and your network connection."
            : "Check your network connection (and HTTPS_PROXY, if you use a proxy), then try again.",
      cause: error,
    });
  }
  if (status !== undefined && status >= 500) {
    return new CodyError(`${action} failed: AWS answered with a server error, HTTP ${status} (${name ? `${name}: ` : ""}${message.split("\n")[0]}) ${attemptsText(e)}.`, {
      hint: "A fault on AWS's side, usually brief: wait a minute and run the command again.",
      cause: error,
    });
  }
  if (name === "ValidationError") {
    return new CodyError(`CloudFormation rejected ${action}: ${message}`, { cause: error });
  }
  return new CodyError(`${action} failed: ${name ? `${name}: ` : ""}${message}`, { cause: error });
}

/**
 * Whether a failed write may still have been carried out: its answer was lost (timeout, reset, no
 * response), the server failed (5xx), or Ctrl-C cut the request off. A 4xx answer is a refusal.
 */
export function mayHaveLanded(error: unknown): boolean {
  for (const e of errorChain(error) as Array<SdkErrorShape & { notSent?: boolean }>) {
    if (e.notSent) return false;
    if (e.name === "Interrupted" || e.name === "TimeoutError" || e.name === "AbortError") return true;
    if (/^(ECONNRESET|EPIPE|ETIMEDOUT|ECONNABORTED)$/.test(e.code ?? "") || /socket hang up/i.test(e.message ?? "")) return true;
    const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
    if (status !== undefined) return status >= 500;
  }
  return false;
}
