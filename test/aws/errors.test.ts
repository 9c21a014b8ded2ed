// SDK errors as the SDK really shapes them (names, messages, $metadata), turned into messages a
// user can act on. Also through the CfnApi guard, which names the action from the method called.
import { CloudFormationClient, CloudFormationServiceException, CreateChangeSetCommand, DescribeStackEventsCommand } from "@aws-sdk/client-cloudformation";
import { mockClient } from "aws-sdk-client-mock";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { createCloudFormation } from "../../src/aws/clients";
import { deniedAction, sharedProfiles, toCodyError } from "../../src/aws/errors";
import { CodyError, ExitCode, isCodyError } from "../../src/errors";
import { mockCfn, restoreCfn, STACK } from "../_helpers/mock-cfn";

afterEach(restoreCfn);
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Shared config and credentials files, as `aws configure` writes them. */
const awsDir = mkdtempSync(join(tmpdir(), "cody-aws-profiles-"));
afterAll(() => rmSync(awsDir, { recursive: true, force: true }));
const CONFIG = join(awsDir, "config");
const CREDENTIALS = join(awsDir, "credentials");
writeFileSync(CONFIG, "[default]\nregion = us-east-1\n\n[profile production]\nregion = eu-west-1\n\n[sso-session corp]\nsso_region = us-east-1\n");
writeFileSync(CREDENTIALS, "[ci-keys]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n");
/** An environment that points the SDK (and cody) at those files only. */
const FILES = { AWS_CONFIG_FILE: CONFIG, AWS_SHARED_CREDENTIALS_FILE: CREDENTIALS };

/** An error as a service answers it: a ServiceException with a name, a fault and an HTTP status. */
function serviceError(name: string, message: string, httpStatusCode = 400): CloudFormationServiceException {
  return new CloudFormationServiceException({ name, $fault: "client", $metadata: { httpStatusCode, requestId: "req-1" }, message });
}

/** An error the SDK's credential providers throw (they are plain Errors with a name). */
function providerError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, tryNextLink: false });
}

function convert(error: unknown, action = "cloudformation:DescribeStacks"): CodyError {
  const converted = toCodyError(error, action);
  expect(isCodyError(converted)).toBe(true);
  const e = converted as CodyError;
  expect(e.cause).toBe(error);
  return e;
}

describe("toCodyError", () => {
  it("throttling: names the action that was throttled and says to wait", () => {
    // GIVEN the error the SDK throws once adaptive retries give up
    const error = new CloudFormationServiceException({
      name: "ThrottlingException",
      $fault: "client",
      $metadata: { httpStatusCode: 400, requestId: "req-1", attempts: 8 },
      message: "Rate exceeded",
    });
    // WHEN converted
    const e = convert(error, "cloudformation:DescribeStackEvents");
    // THEN the real attempt count is stated, not "several retries"
    expect(e.message).toBe("AWS kept throttling cloudformation:DescribeStackEvents (after 8 attempts).");
    expect(e.hint).toMatch(/Wait a minute/);
    expect(e.exitCode).toBe(ExitCode.input);
  });

  it("expired session credentials (ExpiredTokenException): says the session expired", () => {
    const e = convert(serviceError("ExpiredTokenException", "The security token included in the request is expired", 403));
    expect(e.message).toBe("the AWS session has expired (The security token included in the request is expired).");
    expect(e.hint).toMatch(/aws sso login/);
    // Not mistaken for a missing permission although it is a 403.
    expect(e.message).not.toMatch(/access denied/);
  });

  it("an expired SSO session (a CredentialsProviderError from the SSO provider): says expired, not 'no credentials'", () => {
    // GIVEN the exact error @aws-sdk/credential-provider-sso throws for an expired SSO session
    const error = providerError(
      "CredentialsProviderError",
      "The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.",
    );
    // WHEN converted
    const e = convert(error);
    // THEN
    expect(e.message).toMatch(/^the AWS session has expired \(The SSO session associated with this profile has expired\./);
    expect(e.hint).toMatch(/`aws sso login --profile <name>`/);
  });

  it("an expired SSO token (TokenProviderError): says expired", () => {
    const e = convert(providerError("TokenProviderError", "Token is expired. To refresh this SSO session run 'aws sso login' with the corresponding profile."));
    expect(e.message).toMatch(/^the AWS session has expired/);
  });

  it("no credentials at all: says none were found and how to provide them", () => {
    const e = convert(providerError("CredentialsProviderError", "Could not load credentials from any providers"));
    expect(e.message).toBe("no AWS credentials found.");
    expect(e.hint).toMatch(/AWS_PROFILE/);
    expect(e.hint).toMatch(/aws configure/);
  });

  it("no region: says how to set one", () => {
    const e = convert(new Error("Region is missing"));
    expect(e.message).toBe("no AWS region configured.");
    expect(e.hint).toMatch(/--region/);
    expect(e.hint).toMatch(/AWS_REGION/);
  });

  it("access denied: names the action from the message and points at `cody policy`", () => {
    // GIVEN CloudFormation's AccessDenied for CreateChangeSet
    const error = serviceError(
      "AccessDenied",
      "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudformation:CreateChangeSet on resource: arn:aws:cloudformation:us-east-1:123456789012:stack/demo-cody/* because no identity-based policy allows the cloudformation:CreateChangeSet action",
      403,
    );
    // WHEN converted while calling another action (the message wins)
    const e = convert(error, "cloudformation:DescribeStacks");
    // THEN
    expect(e.message).toBe("access denied: your AWS identity may not call cloudformation:CreateChangeSet.");
    expect(e.hint).toMatch(/`cody policy`/);
    expect(e.exitCode).toBe(ExitCode.input);
  });

  it("a 403 a JSON-protocol service answered with a body that is not JSON (SyntaxError): access denied for the action called", () => {
    // GIVEN what the SDK's deserializer throws for e.g. an HTML 403 page: a SyntaxError carrying $metadata
    const error = Object.assign(
      new SyntaxError(
        `Unexpected token '<', "<html><body>403 Forbidden</body></html>" is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.`,
      ),
      { $metadata: { httpStatusCode: 403 } },
    );
    // WHEN converted
    const e = convert(error, "codebuild:BatchGetProjects");
    // THEN
    expect(e.message).toBe("access denied: your AWS identity may not call codebuild:BatchGetProjects.");
    expect(e.hint).toMatch(/`cody policy`/);
  });

  it("invalid keys (403 InvalidClientTokenId): a credentials problem, not a missing permission", () => {
    const e = convert(serviceError("InvalidClientTokenId", "The security token included in the request is invalid.", 403));
    expect(e.message).toBe("AWS rejected the credentials (The security token included in the request is invalid.).");
    expect(e.hint).not.toMatch(/cody policy/);
  });

  it("a ValidationError: CloudFormation's message, with the action", () => {
    const e = convert(serviceError("ValidationError", "Template format error: YAML not well-formed. (line 3, column 5)"), "cloudformation:CreateChangeSet");
    expect(e.message).toBe("CloudFormation rejected cloudformation:CreateChangeSet: Template format error: YAML not well-formed. (line 3, column 5)");
  });

  it("anything else: action, error name and message", () => {
    const e = convert(serviceError("InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_AUTO_EXPAND]"), "cloudformation:CreateChangeSet");
    expect(e.message).toBe("cloudformation:CreateChangeSet failed: InsufficientCapabilitiesException: Requires capabilities : [CAPABILITY_AUTO_EXPAND]");
  });

  it("passes CodyErrors through unchanged", () => {
    const original = new CodyError("already explained");
    expect(toCodyError(original, "cloudformation:DescribeStacks")).toBe(original);
  });
});

describe("toCodyError: profiles", () => {
  // What @aws-sdk/credential-provider-node throws for a profile it cannot find: it never names the profile.
  const noCredentials = () => providerError("CredentialsProviderError", "Could not load credentials from any providers");

  it("reads profiles from both files, ignoring sso-session sections", () => {
    expect(sharedProfiles(FILES)).toEqual({ names: ["default", "production", "ci-keys"], shown: [CONFIG, CREDENTIALS] });
    expect(sharedProfiles({ HOME: awsDir }).shown).toEqual(["~/.aws/config", "~/.aws/credentials"]);
  });

  it("a --profile no file defines: says which profile and which files, with the closest name", () => {
    const e = toCodyError(noCredentials(), "cloudformation:DescribeStacks", { profile: "prodution", environment: FILES });
    expect(e.message).toBe(`AWS profile "prodution" not found in ${CONFIG} or ${CREDENTIALS}.`);
    expect(e.hint).toMatch(/^Did you mean "production"\? Check the name \(`aws configure list-profiles`\), or create it: `aws configure --profile prodution`/);
  });

  it("a profile from AWS_PROFILE says so, and lists the profiles when none is close", () => {
    const e = toCodyError(noCredentials(), "cloudformation:DescribeStacks", { environment: { ...FILES, AWS_PROFILE: "staging" } });
    expect(e.message).toBe(`AWS profile "staging" (from AWS_PROFILE) not found in ${CONFIG} or ${CREDENTIALS}.`);
    expect(e.hint).toMatch(/^Known profiles: default, production, ci-keys\. /);
  });

  it("with no config files at all, the default paths are named", () => {
    const e = toCodyError(noCredentials(), "cloudformation:DescribeStacks", { profile: "prod", environment: { HOME: join(awsDir, "nobody") } });
    expect(e.message).toBe('AWS profile "prod" not found in ~/.aws/config or ~/.aws/credentials.');
  });

  it("a profile that exists but yields no credentials: names the profile, not 'set AWS_PROFILE'", () => {
    const e = toCodyError(noCredentials(), "cloudformation:DescribeStacks", { profile: "production", environment: FILES });
    expect(e.message).toBe('no AWS credentials found for profile "production".');
    expect(e.hint).toBe("Add keys with `aws configure --profile production`, or run `aws sso login --profile production` for an SSO profile.");
  });

  it("no region because the profile does not exist: the missing profile is the problem reported", () => {
    const e = toCodyError(new Error("Region is missing"), "cloudformation:DescribeStacks", { profile: "prd", environment: FILES });
    expect(e.message).toMatch(/^AWS profile "prd" not found in /);
    // With the profile in place, it is the region that is missing.
    expect(toCodyError(new Error("Region is missing"), "x:Y", { profile: "production", environment: FILES }).message).toBe("no AWS region configured.");
  });

  it("through the real SDK and the guard: --profile naming no profile", async () => {
    // GIVEN config files without "prodution" (no network: the SDK fails before sending)
    vi.stubEnv("AWS_CONFIG_FILE", CONFIG);
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", CREDENTIALS);
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
    vi.stubEnv("AWS_PROFILE", "");
    vi.stubEnv("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    // The SDK's real send: a file that ran before in this fork may have left CloudFormationClient stubbed
    // (aws-sdk-client-mock's reset() keeps the stub); mockClient replaces any stub, restore() removes it.
    mockClient(CloudFormationClient).restore();
    const cfn = await createCloudFormation({ region: "us-east-1", profile: "prodution" });
    // WHEN a call is made
    const error: unknown = await cfn.describeStacks({}).catch((e: unknown) => e);
    // THEN the profile is named, with the closest existing one
    expect((error as CodyError).message).toBe(`AWS profile "prodution" not found in ${CONFIG} or ${CREDENTIALS}.`);
    expect((error as CodyError).hint).toMatch(/^Did you mean "production"\?/);
  });
});

describe("toCodyError: endpoints that are not AWS", () => {
  /** What the SDK's deserializer throws for an HTML page: the parser's error, $response attached. */
  function unparsable(message: string, statusCode: number): Error {
    const error = new Error(`${message}\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.`);
    Object.defineProperty(error, "$response", { value: { statusCode }, enumerable: false });
    return error;
  }

  it("an HTML answer to an XML service: says the answer is not AWS's, names AWS_ENDPOINT_URL, hides $response", () => {
    const error = unparsable("@aws-sdk XML parse error: mismatched tags <html> and </title>.", 500);
    const e = toCodyError(error, "cloudformation:DescribeStacks", { environment: { AWS_ENDPOINT_URL: "http://127.0.0.1:5000" } });
    expect(e.message).toBe("cloudformation:DescribeStacks failed: the endpoint's answer is not an AWS response: HTTP 500.");
    expect(e.hint).toMatch(/^AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:5000 is set: check that it points at AWS or an emulator that supports cloudformation/);
    expect(`${e.message} ${e.hint}`).not.toMatch(/\$response|XML parse|Deserialization/);
  });

  it("an HTML answer to a JSON service (SyntaxError), no endpoint override: suggests a proxy", () => {
    const error = Object.assign(unparsable(`Unexpected token '<', "<!doctype "... is not valid JSON`, 502), { name: "SyntaxError" });
    const e = toCodyError(error, "codebuild:BatchGetProjects", { environment: {} });
    expect(e.message).toBe("codebuild:BatchGetProjects failed: the endpoint's answer is not an AWS response: HTTP 502.");
    expect(e.hint).toMatch(/proxy/);
  });

  it("an HTML 502 to a query-protocol service (the SDK's `Unknown: Unknown`): names the status and the endpoint", () => {
    // GIVEN what the CloudFormation client throws for a proxy's HTML 502 page (checked against the SDK)
    const error = Object.assign(new Error("Unknown"), { name: "Unknown", $fault: "server", $metadata: { httpStatusCode: 502, attempts: 8 } });
    Object.defineProperty(error, "$endpoint", { value: "http://127.0.0.1:8080" });
    // WHEN converted
    const e = toCodyError(error, "cloudformation:DescribeStacks", { environment: {} });
    // THEN
    expect(e.message).toBe("cloudformation:DescribeStacks failed: the endpoint's answer is not an AWS response: HTTP 502 from http://127.0.0.1:8080.");
    expect(e.message).not.toMatch(/Unknown/);
  });

  it("an AWS 5xx: says it is a server error, how often it was tried, and to run again", () => {
    const error = new CloudFormationServiceException({
      name: "ServiceUnavailable",
      $fault: "server",
      $metadata: { httpStatusCode: 503, attempts: 8 },
      message: "Service Unavailable",
    });
    const e = toCodyError(error, "cloudformation:DescribeStacks", { environment: {} });
    expect(e.message).toBe("cloudformation:DescribeStacks failed: AWS answered with a server error, HTTP 503 (ServiceUnavailable: Service Unavailable) after 8 attempts.");
    expect(e.hint).toMatch(/run the command again/);
  });

  it("a request timeout: names the call, the endpoint, the timeout and the variable that sets it", () => {
    const error = Object.assign(new Error("@smithy/node-http-handler - [ERROR] a request has exceeded the configured 30000 ms requestTimeout."), {
      name: "TimeoutError",
      $metadata: { attempts: 2 },
    });
    Object.defineProperties(error, { $endpoint: { value: "https://cloudformation.us-east-1.amazonaws.com" }, $timeoutMs: { value: 30_000 } });
    const e = toCodyError(error, "cloudformation:ExecuteChangeSet", { environment: {} });
    expect(e.message).toBe("cloudformation:ExecuteChangeSet got no answer from https://cloudformation.us-east-1.amazonaws.com within 30 s (after 2 attempts).");
    expect(e.hint).toMatch(/CODY_REQUEST_TIMEOUT/);
  });

  it("a call whose whole budget ran out: says so", () => {
    const error = Object.assign(new Error("no answer"), { name: "TimeoutError", $budgetMs: 70_000, $timeoutMs: 30_000, $endpoint: "http://127.0.0.1:9" });
    const e = toCodyError(error, "codebuild:BatchGetBuilds", { environment: {} });
    expect(e.message).toBe("codebuild:BatchGetBuilds got no answer from http://127.0.0.1:9 in 70 s (each request waited up to 30 s, retries included).");
  });

  it("a per-service endpoint override is named too", () => {
    const e = toCodyError(unparsable("@aws-sdk XML parse error: x", 500), "cloudformation:DescribeStacks", { environment: { AWS_ENDPOINT_URL_CLOUDFORMATION: "http://localhost:4566" } });
    expect(e.hint).toMatch(/^AWS_ENDPOINT_URL_CLOUDFORMATION=http:\/\/localhost:4566 is set/);
  });

  it("a host that does not resolve because the region is a near miss: suggests the region", () => {
    const error = Object.assign(new Error("getaddrinfo ENOTFOUND cloudformation.eu-wst-1.amazonaws.com"), { code: "ENOTFOUND", hostname: "cloudformation.eu-wst-1.amazonaws.com" });
    const e = toCodyError(error, "cloudformation:DescribeStacks", { environment: {} });
    expect(e.message).toBe("cloudformation:DescribeStacks failed: cannot reach cloudformation.eu-wst-1.amazonaws.com (ENOTFOUND).");
    expect(e.hint).toBe('Did you mean the region eu-west-1? "eu-wst-1" is not a region AWS has.');
  });

  it("a refused connection to an endpoint override: asks whether it runs", () => {
    const error = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5000"), { code: "ECONNREFUSED" });
    const e = toCodyError(error, "codebuild:ListProjects", { environment: { AWS_ENDPOINT_URL: "http://127.0.0.1:5000" } });
    expect(e.message).toBe("codebuild:ListProjects failed: cannot reach 127.0.0.1:5000 (ECONNREFUSED).");
    expect(e.hint).toBe("AWS_ENDPOINT_URL=http://127.0.0.1:5000 is set: is that endpoint running?");
  });

  it("a region the SDK refuses (from a profile): says it is not a region name, not that none is configured", () => {
    const e = toCodyError(new Error('Region not accepted: region="us east 1" is not a valid hostname component.'), "sts:GetCallerIdentity");
    expect(e.message).toBe('"us east 1" is not a valid AWS region name.');
    expect(e.hint).toMatch(/your AWS profile/);
  });
});

describe("deniedAction", () => {
  it.each([
    ["User: arn:aws:iam::1:user/x is not authorized to perform: iam:PassRole on resource: arn:aws:iam::1:role/y", "iam:PassRole"],
    ["...is not authorized to perform codebuild:StartBuild because...", "codebuild:StartBuild"],
    ["Access Denied", undefined],
  ])("%s → %s", (message, expected) => {
    expect(deniedAction(message)).toBe(expected);
  });
});

describe("the CfnApi guard", () => {
  it("turns a rejected call into a CodyError naming the service and the API action called", async () => {
    // GIVEN CloudFormation denies CreateChangeSet
    const { cfn, mock } = await mockCfn();
    const denied = serviceError("AccessDenied", "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudformation:CreateChangeSet on resource: x", 403);
    mock.on(CreateChangeSetCommand).rejects(denied);
    // WHEN the engine calls it
    const error: unknown = await cfn.createChangeSet({ StackName: STACK, ChangeSetName: "c" }).catch((e: unknown) => e);
    // THEN
    expect(isCodyError(error)).toBe(true);
    expect((error as CodyError).message).toBe("access denied: your AWS identity may not call cloudformation:CreateChangeSet.");
    expect((error as CodyError).cause).toBe(denied);
  });

  it("derives the action from the method when the message does not name one", async () => {
    const { cfn, mock } = await mockCfn();
    mock.on(DescribeStackEventsCommand).rejects(serviceError("ThrottlingException", "Rate exceeded"));
    const error: unknown = await cfn.describeStackEvents({ StackName: STACK }).catch((e: unknown) => e);
    expect((error as CodyError).message).toBe("AWS kept throttling cloudformation:DescribeStackEvents (after retrying).");
  });

  it("reports the region the client resolved", async () => {
    const { cfn } = await mockCfn();
    expect(await cfn.region()).toBe("us-east-1");
  });
});
