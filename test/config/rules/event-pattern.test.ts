// checkEventPattern: EventBridge's pattern rules, checked before any AWS call.
import { describe, expect, it } from "vitest";
import { checkEventPattern } from "../../../src/config/rules/event-pattern";

const ECR_PUSH = {
  source: ["aws.ecr"],
  "detail-type": ["ECR Image Action"],
  detail: { "action-type": ["PUSH"], result: ["SUCCESS"], "repository-name": ["api"], "image-tag": [{ prefix: "v" }] },
};

describe("checkEventPattern", () => {
  it("accepts an ECR push pattern, nested detail, $or and every envelope key", () => {
    expect(checkEventPattern(ECR_PUSH)).toEqual([]);
    expect(checkEventPattern({ source: ["aws.codecommit"], detail: { repository: { name: ["api"] }, $or: [{ a: ["x"] }, { b: [{ exists: true }] }] } })).toEqual([]);
    expect(checkEventPattern({ source: ["a"], "detail-type": ["b"], account: ["123456789012"], region: ["eu-west-1"], resources: [{ prefix: "arn:" }], time: [{ prefix: "2026" }], id: ["x"], version: ["0"] })).toEqual([]);
    expect(checkEventPattern({ $or: [{ source: ["aws.ecr"] }, { source: ["aws.codecommit"] }] })).toEqual([]);
    expect(checkEventPattern({ detail: { count: [1, null, true] } })).toEqual([]);
  });

  it("refuses an empty pattern and a non-object", () => {
    expect(checkEventPattern({})[0]).toMatchObject({ path: "", message: expect.stringContaining("empty") });
    expect(checkEventPattern(["aws.ecr"])[0]).toMatchObject({ path: "", message: "an event pattern must be an object." });
  });

  it("an unknown top-level key: did you mean, or move it under detail", () => {
    expect(checkEventPattern({ sources: ["aws.ecr"] })).toEqual([
      expect.objectContaining({ path: "sources", message: expect.stringContaining('Did you mean "source"?'), fix: 'Rename "sources" to "source".' }),
    ]);
    expect(checkEventPattern({ detailType: ["x"] })[0]).toMatchObject({ path: "detailType", fix: 'Rename "detailType" to "detail-type".' });
    expect(checkEventPattern({ "repository-name": ["api"] })[0]).toMatchObject({ path: "repository-name", fix: expect.stringContaining("under detail") });
  });

  it("a bare value must be a list, with the wrapped list as the fix", () => {
    expect(checkEventPattern({ source: "aws.ecr" })).toEqual([
      { path: "source", message: expect.stringContaining("must be a list"), fix: 'Wrap it in a list: "source": ["aws.ecr"].' },
    ]);
    expect(checkEventPattern({ detail: { "action-type": "PUSH" } })[0]).toMatchObject({ path: "detail.action-type", fix: 'Wrap it in a list: "action-type": ["PUSH"].' });
  });

  it("objects only under detail; envelope fields take lists", () => {
    expect(checkEventPattern({ source: { prefix: "aws." } })[0]).toMatchObject({ path: "source", message: expect.stringContaining("must be a list") });
    expect(checkEventPattern({ detail: ["x"] })[0]).toMatchObject({ path: "detail", message: expect.stringContaining("non-empty object") });
    expect(checkEventPattern({ detail: {} })[0]).toMatchObject({ path: "detail" });
    expect(checkEventPattern({ detail: { repository: {} } })[0]).toMatchObject({ path: "detail.repository" });
  });

  it("empty lists, nested lists and empty matchers are refused", () => {
    expect(checkEventPattern({ source: [] })[0]).toMatchObject({ path: "source", message: expect.stringContaining("empty list") });
    expect(checkEventPattern({ source: [["a", "b"]] })[0]).toMatchObject({ path: "source[0]", fix: 'Flatten it: "source": ["a", "b"].' });
    expect(checkEventPattern({ detail: { x: [{}] } })[0]).toMatchObject({ path: "detail.x[0]" });
  });

  it("$or needs two or more non-empty alternatives, each checked", () => {
    expect(checkEventPattern({ $or: [{ source: ["a"] }] })[0]).toMatchObject({ path: "$or" });
    expect(checkEventPattern({ $or: [{ source: ["a"] }, { sorce: ["b"] }] })[0]).toMatchObject({ path: "$or[1].sorce", fix: 'Rename "sorce" to "source".' });
  });

  it("reports every problem, and the 4096-character limit of PutRule", () => {
    expect(checkEventPattern({ source: "a", "detail-type": [] })).toHaveLength(2);
    const long = { source: Array.from({ length: 400 }, (_, i) => `aws.service-${i}`) };
    expect(checkEventPattern(long)[0]).toMatchObject({ path: "", message: expect.stringContaining("at most 4096") });
  });
});
