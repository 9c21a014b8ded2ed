// `-e K=V` parsing: split at the first `=` only, ssm:/secret: references, and errors that say how to fix.
import { describe, expect, it } from "vitest";
import { parseEnvOverrides } from "../../src/builds/env-overrides";
import { configErrorFrom } from "../_helpers/project";

describe("parseEnvOverrides", () => {
  it.each([
    ["APP_ENV=staging", { name: "APP_ENV", value: "staging", type: "PLAINTEXT" }],
    ["K=a=b", { name: "K", value: "a=b", type: "PLAINTEXT" }],
    ["QUERY=x=1&y==2=", { name: "QUERY", value: "x=1&y==2=", type: "PLAINTEXT" }],
    ["EMPTY=", { name: "EMPTY", value: "", type: "PLAINTEXT" }],
    ["SPACED= two words ", { name: "SPACED", value: " two words ", type: "PLAINTEXT" }],
    ["TOKEN=ssm:/demo/api-token", { name: "TOKEN", value: "/demo/api-token", type: "PARAMETER_STORE" }],
    ["TOKEN=ssm:plain-name", { name: "TOKEN", value: "plain-name", type: "PARAMETER_STORE" }],
    ["TOKEN=ssm:arn:aws:ssm:us-east-1:123456789012:parameter/demo/x", { name: "TOKEN", value: "arn:aws:ssm:us-east-1:123456789012:parameter/demo/x", type: "PARAMETER_STORE" }],
    ["DB=secret:prod/db:password", { name: "DB", value: "prod/db:password", type: "SECRETS_MANAGER" }],
    ["_x1=ssm-like:not", { name: "_x1", value: "ssm-like:not", type: "PLAINTEXT" }],
    ["URL=https://a.example/?q=ssm:/x", { name: "URL", value: "https://a.example/?q=ssm:/x", type: "PLAINTEXT" }],
  ])("%s", (pair, expected) => {
    expect(parseEnvOverrides([pair])).toEqual([expected]);
  });

  it("keeps the order and accepts none", () => {
    expect(parseEnvOverrides(["B=2", "A=1"]).map((o) => o.name)).toEqual(["B", "A"]);
    expect(parseEnvOverrides(undefined)).toEqual([]);
    expect(parseEnvOverrides([])).toEqual([]);
  });

  it.each([
    ["NOVALUE", /has no "="/, /put it before -e/],
    ["=value", /"" \(in "=value"\) is not a valid environment variable name/, /Write NAME=value/],
    ["1ABC=x", /"1ABC" .* not a valid environment variable name/, /Use _1ABC=x/],
    ["MY-VAR=x", /"MY-VAR"/, /Use MY_VAR=x/],
    ["TOKEN=ssm:", /does not name a Parameter Store parameter/, /TOKEN=ssm:\/path\/to\/parameter/],
    ["TOKEN=ssm:/has space", /does not name a Parameter Store parameter/, /letters, digits/],
    ["DB=secret:", /does not name a Secrets Manager secret/, /DB=secret:secret-id/],
  ])("refuses %s", (pair, message, fix) => {
    const error = configErrorFrom(() => parseEnvOverrides([pair]));
    expect(error.issues[0]?.field).toBe("-e/--env-vars");
    expect(error.issues[0]?.message).toMatch(message);
    expect(error.issues[0]?.fix).toMatch(fix);
  });

  it("refuses a name given twice", () => {
    expect(() => parseEnvOverrides(["A=1", "B=2", "A=3"])).toThrow(/A is given twice \("A=1" and "A=3"\)/);
  });
});
