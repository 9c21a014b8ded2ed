// SDK errors as the SDK really shapes them (names, messages, $metadata), turned into messages a
// user can act on. Also through the CfnApi guard, which names the action from the method called.
import { CloudFormationServiceException, CreateChangeSetCommand, DescribeStackEventsCommand } from "@aws-sdk/client-cloudformation";
import { afterEach, describe, expect, it } from "vitest";
import { deniedAction, toCodyError } from "../../src/aws/errors";
import { CodyError, ExitCode, isCodyError } from "../../src/errors";
import { mockCfn, restoreCfn, STACK } from "../_helpers/mock-cfn";

afterEach(restoreCfn);

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
    const error = serviceError("ThrottlingException", "Rate exceeded");
    // WHEN converted
    const e = convert(error, "cloudformation:DescribeStackEvents");
    // THEN
    expect(e.message).toBe("AWS kept throttling cloudformation:DescribeStackEvents after several retries.");
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
    expect((error as CodyError).message).toBe("AWS kept throttling cloudformation:DescribeStackEvents after several retries.");
  });

  it("reports the region the client resolved", async () => {
    const { cfn } = await mockCfn();
    expect(await cfn.region()).toBe("us-east-1");
  });
});
