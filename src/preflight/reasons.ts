// Why a preflight step failed, as one clean line a user can act on. The clients wrap every SDK error
// in a CodyError (src/aws/errors.ts) whose cause is the SDK's error; this looks through that chain at
// the name, HTTP status and network code, and never quotes an SDK parser message (an emulator's HTML
// error page reads "XML parse error: mismatched tags <html> and </title>" there).
import { errorChain } from "../aws/errors";
import { ExitCode, isCodyError } from "../errors";

export type FailureKind =
  | "denied"
  | "not-implemented"
  | "not-aws"
  | "throttled"
  | "server"
  | "network"
  | "no-such-entity"
  | "other";

export interface Failure {
  kind: FailureKind;
  /** One line, no trailing full stop. */
  text: string;
}

interface ErrorFields {
  name: string;
  message: string;
  code: string;
  status?: number;
}

/** Name, message, code and HTTP status, gathered over the error and its causes (outermost first). */
function fieldsOf(error: unknown): ErrorFields {
  const chain = errorChain(error) as Array<{ name?: unknown; message?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } }>;
  // The innermost error is the SDK's own; the outer ones are cody's wrappers.
  const sdk = chain.at(-1) ?? {};
  const status = chain.map((e) => e.$metadata?.httpStatusCode ?? e.$response?.statusCode).find((s) => typeof s === "number");
  return {
    name: typeof sdk.name === "string" ? sdk.name : "",
    message: typeof sdk.message === "string" ? sdk.message : String(error),
    code: chain.map((e) => (typeof e.code === "string" ? e.code : "")).find(Boolean) ?? "",
    ...(status !== undefined ? { status } : {}),
  };
}

const PARSER_NOISE = /XML parse error|Deserialization error|is not valid JSON|Unexpected token|Expected ['"]?[,}\]]|mismatched tags/i;

/**
 * Errors the command would hit anyway, and that preflight must not turn into "could not run": no or
 * expired credentials, keys AWS rejects, a missing profile or region, an endpoint that does not exist,
 * and Ctrl-C.
 */
export function isFatal(error: unknown): boolean {
  if (isCodyError(error) && error.exitCode === ExitCode.interrupted) return true;
  const { name, message, code } = fieldsOf(error);
  if (name === "AbortError" || /aborted/i.test(name)) return true;
  if (/CredentialsProviderError|ExpiredToken|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch|InvalidSignature|TokenProviderError/.test(name)) return true;
  if (/Could not load credentials|credentials? (are|is) missing|Region is missing|Region not accepted|SSO.*(expired|refresh)|Token is expired/i.test(message)) return true;
  return code === "ENOTFOUND" || code === "ECONNREFUSED";
}

/** What failed and why, for `action` (on `arn`, when the caller's own user or role is the resource). */
export function failureOf(error: unknown, action: string, arn?: string): Failure {
  const { name, message, code, status } = fieldsOf(error);
  const both = `${name} ${message}`;
  const http = status !== undefined ? ` (HTTP ${status})` : "";
  if (/AccessDenied|UnauthorizedOperation|not authorized/i.test(both) || status === 403) {
    return { kind: "denied", text: `the caller may not call ${action}${arn ? ` on ${arn}` : ""}` };
  }
  if (/NotImplemented|not (been |yet )?implemented|InvalidAction|UnknownOperation/i.test(both) || status === 501) {
    return { kind: "not-implemented", text: `the endpoint does not implement ${action}${http}` };
  }
  if (PARSER_NOISE.test(message) || (name === "SyntaxError" && status !== undefined)) {
    // An HTML error page: emulators answer so for what they lack, proxies for what they cannot reach.
    return status !== undefined && status >= 500
      ? { kind: "not-implemented", text: `the endpoint does not implement ${action}${http}` }
      : { kind: "not-aws", text: `the endpoint's answer to ${action} is not an AWS response${http}` };
  }
  if (/Throttl|Rate exceeded|TooManyRequests|SlowDown/i.test(both) || status === 429) {
    return { kind: "throttled", text: `AWS throttled ${action}, also when retried` };
  }
  if (status !== undefined && status >= 500) {
    return { kind: "server", text: `${action} failed on AWS's side${name && name !== "Error" && name !== "Unknown" ? ` (${name}, HTTP ${status})` : http}` };
  }
  if (/^(ECONNRESET|ETIMEDOUT|EPIPE|ECONNABORTED|EAI_AGAIN)$/.test(code) || /TimeoutError|RequestTimeout|socket hang up/i.test(both)) {
    return { kind: "network", text: `${action} got no answer (${code || name || "timeout"})` };
  }
  const line = message.split("\n")[0].replace(/\.+$/, "");
  if (/NoSuchEntity/.test(name)) return { kind: "no-such-entity", text: `${action}: ${line}` };
  return { kind: "other", text: `${action} failed: ${name && name !== "Error" ? `${name}: ` : ""}${line}` };
}
