// The clients' bounds, against a real local HTTP server (no mocks: the SDK's own handler, retries and
// abort): a request nobody answers ends with a message naming the call and the endpoint; Ctrl-C aborts
// a request in flight; every client, identity included, retries alike.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { callBudgetMs, clientConfig, createCloudFormation, createIdentity, requestTimeoutMs } from "../../src/aws/clients";
import { setInterruptSignal } from "../../src/aws/interrupt-signal";
import { CodyError, ExitCode, Interrupted, isConfigError } from "../../src/errors";

let server: Server;
let endpoint: string;
let requests: number;
let answer: (req: IncomingMessage, res: ServerResponse) => void;

beforeEach(async () => {
  requests = 0;
  server = createServer((req, res) => {
    requests++;
    req.resume();
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  endpoint = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  vi.stubEnv("AWS_ENDPOINT_URL", endpoint);
  vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
});

afterEach(async () => {
  vi.unstubAllEnvs();
  setInterruptSignal(undefined);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("request timeouts", () => {
  it("CODY_REQUEST_TIMEOUT sets the per-request timeout (default 30 s); bad values are bad input", () => {
    expect(requestTimeoutMs({})).toBe(30_000);
    expect(requestTimeoutMs({ CODY_REQUEST_TIMEOUT: "2.5" })).toBe(2_500);
    for (const bad of ["soon", "0", "-1", "99999"]) {
      const error: unknown = (() => {
        try {
          return requestTimeoutMs({ CODY_REQUEST_TIMEOUT: bad });
        } catch (e) {
          return e;
        }
      })();
      expect(isConfigError(error)).toBe(true);
      expect((error as CodyError).message).toContain(`CODY_REQUEST_TIMEOUT="${bad}"`);
    }
  });

  it("a default call gives up within about two minutes, retries included", () => {
    expect(callBudgetMs(requestTimeoutMs({}))).toBeLessThanOrEqual(120_000);
    const config = clientConfig({}, 30_000);
    expect(config.requestHandler).toMatchObject({ requestTimeout: 30_000, throwOnRequestTimeout: true });
    expect(config.requestHandler.connectionTimeout).toBeGreaterThan(0);
  });

  it("a held request ends by itself, with a message naming the call and the endpoint", async () => {
    // GIVEN an endpoint that never answers, and a 300 ms timeout
    answer = () => undefined;
    vi.stubEnv("CODY_REQUEST_TIMEOUT", "0.3");
    const cfn = await createCloudFormation({ region: "us-east-1" });
    // WHEN a call is made
    const started = Date.now();
    const error: unknown = await cfn.describeStacks({ StackName: "x" }).catch((e: unknown) => e);
    // THEN it ends within its budget (two timeouts and a backoff), saying which call got no answer from where
    expect(Date.now() - started).toBeLessThan(callBudgetMs(300) + 8_000); // bounded, with room for a loaded machine
    expect(error).toBeInstanceOf(CodyError);
    expect((error as CodyError).message).toMatch(new RegExp(`^cloudformation:DescribeStacks got no answer from ${endpoint.replace(/[.]/g, "\\.")} in 0\\.9 s \\(each request waited up to 0\\.3 s, retries included\\)`));
    expect((error as CodyError).hint).toMatch(/CODY_REQUEST_TIMEOUT/);
    expect(requests).toBeGreaterThanOrEqual(2);
  });
});

describe("Ctrl-C", () => {
  it("aborts the request in flight: Interrupted (exit 130) at once, not after the timeout", async () => {
    // GIVEN a request that is held, and Ctrl-C pressed while it waits
    const controller = new AbortController();
    setInterruptSignal(controller.signal);
    answer = () => setTimeout(() => controller.abort(), 50);
    const cfn = await createCloudFormation({ region: "us-east-1" });
    const started = Date.now();
    const error: unknown = await cfn.createChangeSet({ StackName: "x", ChangeSetName: "c" }).catch((e: unknown) => e);
    // THEN
    expect(error).toBeInstanceOf(Interrupted);
    expect((error as CodyError).exitCode).toBe(ExitCode.interrupted);
    expect(Date.now() - started).toBeLessThan(15_000); // well under the 30 s request timeout
    expect(requests).toBe(1);
  });

  it("after Ctrl-C no request is sent at all", async () => {
    const controller = new AbortController();
    controller.abort();
    setInterruptSignal(controller.signal);
    answer = (_req, res) => res.end();
    const cfn = await createCloudFormation({ region: "us-east-1" });
    await expect(cfn.deleteStack({ StackName: "x" })).rejects.toBeInstanceOf(Interrupted);
    expect(requests).toBe(0);
  });
});

describe("identity clients", () => {
  // They had 2 attempts: a GetCallerIdentity that failed twice failed the deploy (issue 9).
  it("retry like the others: GetCallerIdentity succeeds after two failures", async () => {
    answer = (_req, res) => {
      if (requests <= 2) {
        res.writeHead(503, { "content-type": "text/html" });
        res.end("<html>busy</html>");
        return;
      }
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(
        "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><UserId>AID</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
      );
    };
    const identity = await createIdentity({ region: "us-east-1" });
    const out = await identity.getCallerIdentity();
    expect(out.Account).toBe("123456789012");
    expect(requests).toBe(3);
  });
});
