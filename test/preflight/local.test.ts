// The local engine's pure parts: decoding IAM's policy documents, policy variables, and the failure
// reasons (one clean line, no SDK parser text).
import { describe, expect, it } from "vitest";
import { toCodyError } from "../../src/aws/errors";
import { CodyError, ExitCode } from "../../src/errors";
import type { PolicyDocument } from "../../src/policy/evaluate";
import { decodePolicyDocument, substituteVariables } from "../../src/preflight/local";
import { failureOf, isFatal } from "../../src/preflight/reasons";
import { urlEncoded } from "./iam-fake";

const DOC: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Sid: "A", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::bucket/${aws:username}/* and (parens) 'quotes' 100% +plus" }],
};

describe("decodePolicyDocument", () => {
  it("decodes IAM's URL-encoded JSON, and accepts plain JSON", () => {
    const encoded = urlEncoded(DOC);
    expect(encoded).toMatch(/^%7B%22Version%22/);
    expect(decodePolicyDocument(encoded, "x")).toEqual(DOC);
    expect(decodePolicyDocument(JSON.stringify(DOC), "x")).toEqual(DOC);
  });

  it("a single statement object becomes a list; a missing Statement an empty one", () => {
    expect(decodePolicyDocument(JSON.stringify({ Version: "2012-10-17", Statement: DOC.Statement[0 as never] }), "x").Statement).toHaveLength(1);
    expect(decodePolicyDocument("{}", "x").Statement).toEqual([]);
  });

  it("says which policy is broken", () => {
    expect(() => decodePolicyDocument("%7Bnot json", "inline policy p of user u")).toThrow("inline policy p of user u is not valid JSON");
    expect(() => decodePolicyDocument("%E0%A4%A", "arn:aws:iam::1:policy/p")).toThrow("arn:aws:iam::1:policy/p is neither JSON nor URL-encoded JSON");
    expect(() => decodePolicyDocument("[1]", "p")).toThrow("p is not a JSON object");
  });
});

describe("substituteVariables", () => {
  const doc: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "iam:GetUser",
        Resource: ["arn:aws:iam::1:user/${aws:username}", "arn:aws:s3:::b/${aws:PrincipalTag/team, 'none'}/${*}"],
        Condition: { StringEquals: { "aws:userid": "${aws:userid}" }, Bool: { "aws:SecureTransport": true } },
      },
    ],
  };

  it("substitutes from the request context, case-insensitively, with defaults and escapes; leaves others alone", () => {
    const unresolved = new Set<string>();
    const out = substituteVariables(doc, { "aws:UserName": "deployer", "aws:userid": "AIDA1" }, unresolved);
    expect(out.Statement).toEqual([
      {
        Effect: "Allow",
        Action: "iam:GetUser",
        Resource: ["arn:aws:iam::1:user/deployer", "arn:aws:s3:::b/none/*"],
        Condition: { StringEquals: { "aws:userid": "AIDA1" }, Bool: { "aws:SecureTransport": true } },
      },
    ]);
    expect([...unresolved]).toEqual([]);
  });

  it("reports a variable with no value and keeps it literal (it then matches no request)", () => {
    const unresolved = new Set<string>();
    const out = substituteVariables(doc, {}, unresolved);
    expect(JSON.stringify(out)).toContain("user/${aws:username}");
    expect([...unresolved].sort()).toEqual(["${aws:userid}", "${aws:username}"]);
  });
});

describe("failure reasons", () => {
  /** What the clients throw: the SDK's error wrapped by src/aws/errors.ts. */
  const wrapped = (error: unknown, action = "iam:SimulatePrincipalPolicy") => toCodyError(error, action);
  const html500 = Object.assign(new Error("@aws-sdk XML parse error: mismatched tags <html> and </title>.\n  Deserialization error: ..."), { $metadata: { httpStatusCode: 500 } });

  it("an emulator's HTML 500 is 'does not implement', with no parser text", () => {
    const failure = failureOf(wrapped(html500), "iam:SimulatePrincipalPolicy");
    expect(failure).toEqual({ kind: "not-implemented", text: "the endpoint does not implement iam:SimulatePrincipalPolicy (HTTP 500)" });
  });

  it("names each kind in one line", () => {
    const cases: Array<[unknown, string]> = [
      [Object.assign(new Error("not authorized to perform: iam:GetUser"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }), "the caller may not call iam:GetUser on arn:x"],
      [Object.assign(new Error("The SimulatePrincipalPolicy action has not been implemented"), { name: "NotImplementedError" }), "the endpoint does not implement iam:GetUser"],
      [Object.assign(new Error("Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON"), { name: "SyntaxError", $response: { statusCode: 502 } }), "the endpoint does not implement iam:GetUser (HTTP 502)"],
      [Object.assign(new Error("XML parse error"), { $metadata: { httpStatusCode: 200 } }), "the endpoint's answer to iam:GetUser is not an AWS response (HTTP 200)"],
      [Object.assign(new Error("Rate exceeded"), { name: "Throttling", $metadata: { httpStatusCode: 400 } }), "AWS throttled iam:GetUser, also when retried"],
      [Object.assign(new Error("We encountered an internal error."), { name: "ServiceFailure", $metadata: { httpStatusCode: 500 } }), "iam:GetUser failed on AWS's side (ServiceFailure, HTTP 500)"],
      [Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), "iam:GetUser got no answer (ECONNRESET)"],
      [Object.assign(new Error("The user with name x cannot be found."), { name: "NoSuchEntity", $metadata: { httpStatusCode: 404 } }), "iam:GetUser: The user with name x cannot be found"],
      [Object.assign(new Error("odd\nsecond line"), { name: "Weird" }), "iam:GetUser failed: Weird: odd"],
    ];
    for (const [error, text] of cases) {
      const reason = failureOf(wrapped(error, "iam:GetUser"), "iam:GetUser", "arn:x").text;
      expect(reason).toBe(text);
      expect(reason).not.toMatch(/\n|XML|parse|DOCTYPE|Unexpected token/);
    }
  });

  it("credential and config problems, and Ctrl-C, are fatal (they propagate); transient faults are not", () => {
    expect(isFatal(wrapped(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }), "sts:GetCallerIdentity"))).toBe(true);
    expect(isFatal(wrapped(Object.assign(new Error("The security token included in the request is expired"), { name: "ExpiredToken" })))).toBe(true);
    expect(isFatal(wrapped(Object.assign(new Error("getaddrinfo ENOTFOUND sts.eu-wst-1.amazonaws.com"), { code: "ENOTFOUND" })))).toBe(true);
    expect(isFatal(Object.assign(new Error("This operation was aborted"), { name: "AbortError" }))).toBe(true);
    expect(isFatal(new CodyError("interrupted", { exitCode: ExitCode.interrupted }))).toBe(true);
    expect(isFatal(wrapped(Object.assign(new Error("Rate exceeded"), { name: "Throttling" })))).toBe(false);
    expect(isFatal(wrapped(html500))).toBe(false);
  });
});
