// The oracle the differential tests ask (test/_helpers/iam-oracle.ts: iam-simulate with its resource-type
// lookup memoized) answers exactly as the unpatched library does, on the same requests asked twice over.
import { runSimulation as unpatched } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { runSimulation } from "../_helpers/iam-oracle";

const ACCOUNT = "123456789012";
const POLICY = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "Roles", Effect: "Allow", Action: ["iam:PassRole", "iam:CreateRole"], Resource: `arn:aws:iam::${ACCOUNT}:role/cody/*`, Condition: { StringEquals: { "iam:PassedToService": "codebuild.amazonaws.com" } } },
    { Sid: "Logs", Effect: "Allow", Action: "logs:*", Resource: "*" },
    { Sid: "NoProd", Effect: "Deny", Action: "codebuild:*", Resource: "arn:aws:codebuild:*:*:project/prod-*" },
    { Sid: "Builds", Effect: "Allow", Action: "codebuild:*", Resource: "*" },
  ],
};
const REQUESTS: Array<[action: string, resource: string, context: Record<string, string>]> = [
  ["iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/cody/app-cody-CodeBuildRole`, { "iam:PassedToService": "codebuild.amazonaws.com" }],
  ["iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/cody/app-cody-CodeBuildRole`, { "iam:PassedToService": "events.amazonaws.com" }],
  ["iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/other/x`, {}],
  ["codebuild:StartBuild", `arn:aws:codebuild:eu-west-1:${ACCOUNT}:project/prod-api`, {}],
  ["codebuild:StartBuild", `arn:aws:codebuild:eu-west-1:${ACCOUNT}:project/app`, {}],
  ["codebuild:BatchGetProjects", `arn:aws:codebuild:eu-west-1:${ACCOUNT}:project/*`, {}],
  ["logs:GetLogEvents", `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/codebuild/app:log-stream:x`, {}],
  ["logs:GetLogEvents", `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/codebuild/app`, {}],
  ["codebuild:StartBuild", "arn:aws:s3:::not-a-project", {}], // no resource type: an error answer
  ["codebuild:NoSuchAction", `arn:aws:codebuild:eu-west-1:${ACCOUNT}:project/app`, {}], // an unknown action
];

async function ask(simulate: typeof runSimulation, [action, resource, context]: (typeof REQUESTS)[number]): Promise<string> {
  const result = await simulate(
    {
      identityPolicies: [{ name: "p", policy: POLICY }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: { principal: `arn:aws:iam::${ACCOUNT}:user/dev`, action, resource: { resource, accountId: ACCOUNT }, contextVariables: context },
    },
    {},
  ).catch((e: unknown) => ({ thrown: String(e) }));
  return JSON.stringify(result);
}

describe("the iam-simulate oracle of the tests", () => {
  it("answers as the unpatched library, asked twice (the second answer from the memo)", async () => {
    const answers = new Set<string>();
    for (const request of REQUESTS) {
      const want = await ask(unpatched, request);
      answers.add(JSON.parse(want).overallResult ?? JSON.parse(want).resultType ?? "thrown");
      expect(await ask(runSimulation, request), request.join(" ")).toBe(want);
      expect(await ask(runSimulation, request), `${request.join(" ")} (again)`).toBe(want);
    }
    // The requests reach every kind of answer, or the comparison proves little.
    expect([...answers].sort()).toEqual(["Allowed", "ExplicitlyDenied", "ImplicitlyDenied", "error"]);
  });
});
