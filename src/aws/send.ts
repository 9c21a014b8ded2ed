// How every SDK client sends: adaptive retries, a timeout per request, a budget per call, Ctrl-C
// aborting the request in flight, and SDK errors turned into CodyErrors naming the action.
import { configError, Interrupted } from "../errors";
import type { AwsOptions } from "./apis";
import { toCodyError } from "./errors";
import { interruptSignal } from "./interrupt-signal";

/** The SDK's retries for every client (identity ones too): adaptive, so throttling backs off instead of failing a long deploy. */
export const MAX_ATTEMPTS = 8;
const DEFAULT_REQUEST_TIMEOUT_S = 30;
const TIMEOUT_VARIABLE = "CODY_REQUEST_TIMEOUT";

/**
 * How long one request waits for an answer, from CODY_REQUEST_TIMEOUT (seconds, default 30). A bad
 * value is bad input, reported before any call.
 */
export function requestTimeoutMs(environment: Record<string, string | undefined> = process.env): number {
  const raw = environment[TIMEOUT_VARIABLE];
  if (raw === undefined || raw.trim() === "") return DEFAULT_REQUEST_TIMEOUT_S * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw configError({
      field: TIMEOUT_VARIABLE,
      message: `${TIMEOUT_VARIABLE}="${raw}" is not a number of seconds between 0 and 3600.`,
      fix: `Set it to how long one AWS request may wait for an answer, e.g. ${TIMEOUT_VARIABLE}=30, or unset it (default ${DEFAULT_REQUEST_TIMEOUT_S}).`,
    });
  }
  return Math.round(seconds * 1000);
}

/**
 * The longest one call may take, its retries included: two unanswered requests and their backoff.
 * A held request then ends the command in about a minute (default timeout), never hangs it; answered
 * errors (throttling) retry well within it.
 */
export function callBudgetMs(timeoutMs: number): number {
  return timeoutMs * 2 + Math.min(10_000, timeoutMs);
}

/** Attempts for iam:SimulatePrincipalPolicy, which has a local fallback. */
export const SIMULATOR_ATTEMPTS = 2;

export function clientConfig(options: AwsOptions, timeoutMs = requestTimeoutMs()) {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    retryMode: "adaptive" as const,
    maxAttempts: MAX_ATTEMPTS,
    // Without these a request nobody answers waits forever (the SDK's defaults are 0: no timeout).
    requestHandler: { connectionTimeout: Math.min(timeoutMs, 10_000), requestTimeout: timeoutMs, throwOnRequestTimeout: true },
  };
}

/** What the SDK client offers that `send` needs: send with an abort signal, and a middleware stack. */
interface SdkClient {
  send(command: never, options: never): Promise<unknown>;
  middlewareStack: { add(middleware: never, options: never): void };
}
type Send = (command: object, options: { abortSignal: AbortSignal }) => Promise<unknown>;
type AddMiddleware = (middleware: unknown, options: { step: "finalizeRequest"; name: string; priority: "low" }) => void;

interface SentRequest {
  protocol?: string;
  hostname?: string;
  port?: number;
}

/**
 * Marks every failed attempt with the endpoint it went to, so messages can name it; returns the
 * last endpoint used, for an abort that lands between attempts (in the retry's backoff).
 */
function recordEndpoint(client: SdkClient): () => string | undefined {
  let last: string | undefined;
  const middleware =
    (next: (args: { request: unknown }) => Promise<unknown>) =>
    async (args: { request: unknown }): Promise<unknown> => {
      try {
        return await next(args);
      } catch (error) {
        const request = args.request as SentRequest;
        if (request.hostname) last = `${request.protocol ?? "https:"}//${request.hostname}${request.port ? `:${request.port}` : ""}`;
        if (error && typeof error === "object" && last) Object.defineProperty(error, "$endpoint", { value: last, configurable: true });
        throw error;
      }
    };
  // Inside the retry loop (finalizeRequest, after the retry middleware), outside the deserializer.
  (client.middlewareStack.add as AddMiddleware).call(client.middlewareStack, middleware, { step: "finalizeRequest", name: "codyEndpoint", priority: "low" });
  return () => last;
}

/**
 * `client.send` bounded twice: by Ctrl-C (the interrupt signal aborts the request in flight) and by
 * the call's budget. Either one becomes a CodyError that says what happened; nothing else changes.
 */
export function sender(client: SdkClient, timeoutMs: number): (command: object) => Promise<never> {
  const lastEndpoint = recordEndpoint(client);
  const budgetMs = callBudgetMs(timeoutMs);
  return async (command) => {
    const interrupt = interruptSignal();
    // Not sent at all: nothing can have happened (mayHaveLanded tells the two apart).
    if (interrupt?.aborted) throw Object.assign(new Interrupted(), { notSent: true });
    const budget = AbortSignal.timeout(budgetMs);
    const abortSignal = interrupt ? AbortSignal.any([interrupt, budget]) : budget;
    try {
      return (await (client.send as Send).call(client, command, { abortSignal })) as never;
    } catch (error) {
      if (interrupt?.aborted) throw new Interrupted();
      if (budget.aborted) {
        const endpoint = endpointOf(error) ?? lastEndpoint();
        throw Object.assign(new Error(`no answer within ${budgetMs} ms`), { name: "TimeoutError", $budgetMs: budgetMs, $timeoutMs: timeoutMs, $endpoint: endpoint, cause: error });
      }
      if (error && typeof error === "object" && (error as { name?: string }).name === "TimeoutError") Object.defineProperty(error, "$timeoutMs", { value: timeoutMs });
      throw error;
    }
  };
}

function endpointOf(error: unknown): string | undefined {
  return error && typeof error === "object" ? (error as { $endpoint?: string }).$endpoint : undefined;
}

/** Wraps each call so SDK errors become CodyErrors with the action named (and the profile, to check it exists). */
export function guard<T extends object>(service: string, target: T, options: AwsOptions): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(obj, args);
        } catch (error) {
          const action = `${service}:${String(key).charAt(0).toUpperCase()}${String(key).slice(1)}`;
          throw toCodyError(error, action, options.profile ? { profile: options.profile } : {});
        }
      };
    },
  });
}

/** The SDK warns on Node 20 about its future support window; that is not the user's business. */
export function quietSdk(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
}

/** One service's client with cody's timeouts and profile, and its `send` (deadline, Ctrl-C, endpoint in errors). */
export function connect<C extends SdkClient>(Client: new (config: ReturnType<typeof clientConfig>) => C, options: AwsOptions): { client: C; send: (command: object) => Promise<never> } {
  quietSdk(); // before the client exists: its constructor is what warns
  const timeoutMs = requestTimeoutMs();
  const client = new Client(clientConfig(options, timeoutMs));
  return { client, send: sender(client, timeoutMs) };
}
