// findLine: the line of a field path in a DSL file, list elements included, so an error inside the third
// statement points at the third statement and not at the first key of that name.
import { describe, expect, it } from "vitest";
import { findLine } from "../../src/config/validate";

const ROLE = `export default defineRole({
  iamPolicy: [
    "s3:GetObject", // a comment, with [brackets] and "quotes"
    { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: "*" },
    /* a block, ] comment */ {
      Effect: "allow",
      Action: ["sns:Publish", "sns:Subscribe"],
      Resource: [
        "arn:aws:sns:us-east-1:123456789012:a",
        42,
      ],
    },
  ],
  managedIamPolicy: ["AmazonS3ReadOnlyAccess",
    "arn:aws:iam::1234:policy/x"],
});
`;

describe("findLine", () => {
  it("finds the key inside the n-th element of a list", () => {
    expect(findLine(ROLE, ["iamPolicy", 2, "Effect"])).toBe(6);
    expect(findLine(ROLE, ["iamPolicy", 1, "Effect"])).toBe(4);
    expect(findLine(ROLE, ["iamPolicy", 2, "Resource", 1])).toBe(10);
  });

  it("an element without keys is found by its position", () => {
    expect(findLine(ROLE, ["iamPolicy", 0])).toBe(3);
    expect(findLine(ROLE, ["managedIamPolicy", 1])).toBe(15);
  });

  it("nested lists, and a value that is not a list literal, fall back to the key", () => {
    const source = `export default {\n  triggers: {\n    filterGroups: [\n      [{ type: "EVENT", pattern: "PUSH" }],\n      [\n        { type: "EVENT", pattern: "PULL_REQUEST_CREATED" },\n        { type: "HEAD_REF", pattern: "^refs/heads/main$" },\n      ],\n    ],\n  },\n  iamPolicy: statements,\n};\n`;
    expect(findLine(source, ["triggers", "filterGroups", 1, 1, "pattern"])).toBe(7);
    expect(findLine(source, ["iamPolicy", 3])).toBe(11);
  });
});
