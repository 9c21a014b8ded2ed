// SDK errors, turned into messages a user can act on. Access denied names the action and points
// at `cody policy`; credentials, region, SSO and throttling problems say how to fix them.
import { CodyError, ExitCode, isCodyError } from "../errors";

interface SdkErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

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

export function toCodyError(error: unknown, action: string): CodyError {
  if (isCodyError(error)) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const name = e.name ?? e.Code ?? "";
  const message = e.message ?? String(error);
  const status = e.$metadata?.httpStatusCode;

  // Before the missing-credentials test: the SDK reports an expired SSO session as a CredentialsProviderError.
  if (/SSO.*(expired|refresh)|Token is expired|The SSO session|sso.*token/i.test(message) || name === "ExpiredTokenException" || name === "ExpiredToken") {
    return new CodyError(`the AWS session has expired (${message.split("\n")[0]}).`, {
      hint: "Run `aws sso login --profile <name>` (SSO) or refresh your credentials, then try again.",
      cause: error,
    });
  }
  if (name === "CredentialsProviderError" || /Could not load credentials|credentials? (are|is) missing/i.test(message)) {
    return new CodyError("no AWS credentials found.", {
      hint: "Set AWS_PROFILE (or --profile), run `aws configure`, or `aws sso login --profile <name>` for SSO.",
      cause: error,
    });
  }
  if (/Region is missing|Invalid region/i.test(message)) {
    return new CodyError("no AWS region configured.", {
      hint: "Pass --region, set AWS_REGION, set region in your AWS profile, or bind one to the env in .cody/settings.ts.",
      cause: error,
    });
  }
  if (/Throttl|Rate exceeded|TooManyRequests/i.test(name + message)) {
    return new CodyError(`AWS kept throttling ${action} after several retries.`, {
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
  if (name === "ValidationError") {
    return new CodyError(`CloudFormation rejected ${action}: ${message}`, { cause: error });
  }
  return new CodyError(`${action} failed: ${name ? `${name}: ` : ""}${message}`, { cause: error });
}
