// One focused test per convenience key of ProjectConfig and LinuxEnvironment (docs/architecture.md#template):
// the DSL file is written to a temp dir, loaded and synthesized, and the CodeBuild resource checked.
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CacheModeValues } from "../../src/generated/codebuild-enums";
import {
  BUILDSPEC_YML,
  configErrorOf,
  minimalProject,
  projectTs,
  propertiesOf,
  removeProjects,
  roleStatements,
  synthFor,
  type ProjectFiles,
} from "../_helpers/project";

afterAll(removeProjects);

type Props = Record<string, unknown>;

/** The CodeBuild project's properties for a GitHub project with `extra` keys. */
async function codebuild(extra = "", files: ProjectFiles = {}): Promise<Props> {
  return propertiesOf(await synthFor(minimalProject(extra, files)), "CodeBuild");
}

/** The CodeBuild project's properties for a project.ts with exactly `body` (an object literal). */
async function codebuildOf(body: string, files: ProjectFiles = {}): Promise<Props> {
  return propertiesOf(
    await synthFor({ ".cody/project.ts": projectTs(body), ".cody/buildspec.yml": BUILDSPEC_YML, ...files }),
    "CodeBuild",
  );
}

const source = (p: Props) => p.Source as Props;
const environment = (p: Props) => p.Environment as Props;

describe("githubUrl: the source type is inferred from the URL", () => {
  it.each([
    ["https://github.com/acme/api", "GITHUB", "https://github.com/acme/api"],
    ["https://github.com/acme/api.git", "GITHUB", "https://github.com/acme/api.git"],
    // scp-style remotes (what `git remote -v` shows) become the https URL CodeBuild wants
    ["git@github.com:acme/api.git", "GITHUB", "https://github.com/acme/api.git"],
    ["git@bitbucket.org:acme/api.git", "BITBUCKET", "https://bitbucket.org/acme/api.git"],
    ["https://bitbucket.org/acme/api", "BITBUCKET", "https://bitbucket.org/acme/api"],
    [
      "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/api",
      "CODECOMMIT",
      "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/api",
    ],
    ["https://gitlab.com/acme/api", "GITLAB", "https://gitlab.com/acme/api"],
    ["git@gitlab.com:acme/api.git", "GITLAB", "https://gitlab.com/acme/api.git"],
  ])("%s → %s", async (url, type, location) => {
    const p = await codebuildOf(`{ githubUrl: ${JSON.stringify(url)} }`);
    expect(source(p).Type).toBe(type);
    expect(source(p).Location).toBe(location);
  });

  // Was a bug (fixed): ssh:// remotes are recognised (their host gives the type) but kept as the Location, while
  // CodeBuild takes only the HTTPS clone URL for GitHub, Bitbucket, GitLab and CodeCommit sources;
  // scp-style git@host:path remotes are converted, ssh://[user@]host/path ones are not, so the
  // stack fails at deploy time instead of getting the https URL.
  it("ssh:// remotes become the https URL CodeBuild wants", async () => {
    const cases = [
      ["ssh://git@github.com/acme/api.git", "https://github.com/acme/api.git"],
      ["ssh://git-codecommit.eu-west-1.amazonaws.com/v1/repos/api", "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/api"],
    ];
    for (const [url, location] of cases) {
      const p = await codebuildOf(`{ githubUrl: ${JSON.stringify(url)} }`);
      expect(source(p).Location).toBe(location);
    }
  });

  it("s3://bucket/key → S3 with a bucket/key location", async () => {
    const p = await codebuildOf(`{ githubUrl: "s3://acme-src/api/source.zip" }`);
    expect(source(p)).toMatchObject({ Type: "S3", Location: "acme-src/api/source.zip" });
    // submodules are a git thing
    expect(source(p)).not.toHaveProperty("GitSubmodulesConfig");
  });

  it("an S3 object ARN works like s3://", async () => {
    const p = await codebuildOf(`{ githubUrl: "arn:aws:s3:::acme-src/api/source.zip" }`);
    expect(source(p)).toMatchObject({ Type: "S3", Location: "acme-src/api/source.zip" });
  });

  it("git sources fetch submodules", async () => {
    expect(source(await codebuild()).GitSubmodulesConfig).toEqual({ FetchSubmodules: true });
  });

  it("an unknown host without gitProvider is an error asking for gitProvider", async () => {
    const error = await configErrorOf(
      synthFor({
        ".cody/project.ts": projectTs(`{ githubUrl: "https://git.acme.internal/acme/api" }`),
        ".cody/buildspec.yml": BUILDSPEC_YML,
      }),
    );
    expect(error.issues[0]).toMatchObject({ field: "githubUrl" });
    expect(error.issues[0]!.fix).toContain("gitProvider");
  });
});

describe("gitProvider", () => {
  it("names the source type of a host cody cannot infer", async () => {
    const p = await codebuildOf(`{ githubUrl: "https://github.acme.internal/acme/api", gitProvider: "GITHUB_ENTERPRISE" }`);
    expect(source(p)).toMatchObject({ Type: "GITHUB_ENTERPRISE", Location: "https://github.acme.internal/acme/api" });
  });

  it("wins over the inferred type", async () => {
    const p = await codebuildOf(`{ githubUrl: "https://gitlab.com/acme/api", gitProvider: "GITLAB_SELF_MANAGED" }`);
    expect(source(p).Type).toBe("GITLAB_SELF_MANAGED");
  });

  it("NO_SOURCE builds from the inline buildspec, with no location", async () => {
    const p = await codebuildOf(
      `{ gitProvider: "NO_SOURCE", buildspec: { version: 0.2, phases: { build: { commands: ["echo hi"] } } } }`,
    );
    expect(source(p).Type).toBe("NO_SOURCE");
    expect(source(p)).not.toHaveProperty("Location");
    expect(parse(source(p).BuildSpec as string)).toEqual({ version: 0.2, phases: { build: { commands: ["echo hi"] } } });
  });
});

describe("gitBranch / sourceVersion", () => {
  it("no SourceVersion unless one is given", async () => {
    expect(await codebuild()).not.toHaveProperty("SourceVersion");
  });

  it("gitBranch sets SourceVersion", async () => {
    expect((await codebuild(`gitBranch: "main",`)).SourceVersion).toBe("main");
  });

  it("sourceVersion sets SourceVersion", async () => {
    expect((await codebuild(`sourceVersion: "refs/tags/v1.2.3",`)).SourceVersion).toBe("refs/tags/v1.2.3");
  });

  it("both, when equal, are fine; when they disagree it is an error", async () => {
    expect((await codebuild(`gitBranch: "main", sourceVersion: "main",`)).SourceVersion).toBe("main");
    const error = await configErrorOf(synthFor(minimalProject(`gitBranch: "main", sourceVersion: "dev",`)));
    expect(error.issues.map((i) => i.field)).toContain("gitBranch");
  });
});

describe("buildspec", () => {
  it("defaults to .cody/buildspec.yml", async () => {
    expect(source(await codebuild()).BuildSpec).toBe(".cody/buildspec.yml");
  });

  it("with --type, defaults to .cody/<type>/buildspec.yml", async () => {
    const template = await synthFor(
      {
        ".cody/unit/project.ts": projectTs(`{ githubUrl: "https://github.com/acme/api" }`),
        ".cody/unit/buildspec.yml": BUILDSPEC_YML,
      },
      { type: "unit" },
    );
    expect(source(propertiesOf(template, "CodeBuild")).BuildSpec).toBe(".cody/unit/buildspec.yml");
  });

  it("the default file must exist", async () => {
    const error = await configErrorOf(
      synthFor({ ".cody/project.ts": projectTs(`{ githubUrl: "https://github.com/acme/api" }`) }),
    );
    expect(error.issues[0]).toMatchObject({ field: "buildspec" });
    expect(error.issues[0]!.message).toContain(".cody/buildspec.yml");
  });

  it("an explicit path is used as written (relative to the repository root)", async () => {
    const p = await codebuildOf(`{ githubUrl: "https://github.com/acme/api", buildspec: "ci/build.yml" }`, {
      "ci/build.yml": BUILDSPEC_YML,
    });
    expect(source(p).BuildSpec).toBe("ci/build.yml");
  });

  it("an inline object becomes a YAML string that parses back to the same object", async () => {
    const spec = {
      version: 0.2,
      env: { variables: { NODE_ENV: "test", ON: "yes" } },
      phases: { install: { commands: ["npm ci"] }, build: { commands: ["npm test", "echo 'done: ok'"] } },
      artifacts: { files: ["**/*"] },
    };
    const p = await codebuildOf(`{ githubUrl: "https://github.com/acme/api", buildspec: ${JSON.stringify(spec)} }`);
    const text = source(p).BuildSpec;
    expect(typeof text).toBe("string");
    expect(parse(text as string)).toEqual(spec);
    // YAML 1.1 readers (CodeBuild's) would turn a bare yes into true: it must stay a string
    expect(parse(text as string, { version: "1.1" })).toEqual(spec);
  });
});

describe("linuxImage and image pull credentials", () => {
  it("defaults to aws/codebuild/standard:7.0, small Linux container, pulled by CodeBuild", async () => {
    expect(environment(await codebuild())).toEqual({
      Type: "LINUX_CONTAINER",
      Image: "aws/codebuild/standard:7.0",
      ComputeType: "BUILD_GENERAL1_SMALL",
      ImagePullCredentialsType: "CODEBUILD",
    });
  });

  it("a curated aws/codebuild image is pulled with CODEBUILD credentials", async () => {
    const env = environment(await codebuild(`linuxImage: "aws/codebuild/amazonlinux-x86_64-standard:5.0",`));
    expect(env).toMatchObject({ Image: "aws/codebuild/amazonlinux-x86_64-standard:5.0", ImagePullCredentialsType: "CODEBUILD" });
  });

  it("an ECR image is pulled with the SERVICE_ROLE", async () => {
    const image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/build-images:node20";
    const env = environment(await codebuild(`linuxImage: "${image}",`));
    expect(env).toMatchObject({ Image: image, ImagePullCredentialsType: "SERVICE_ROLE" });
  });

  // Was a bug (fixed): with SERVICE_ROLE pull credentials CodeBuild pulls a private ECR image with the project's
  // role, but the generated least-privilege role has no ECR permissions, so the first build fails
  // with "CLIENT_ERROR: ... not authorized to perform ecr:GetAuthorizationToken" unless the user
  // discovers that and adds them by hand (the same breakage Ruby cody had: docs/architecture.md#ruby-codys-bugs).
  it("an ECR image gives the generated role permission to pull it", async () => {
    const image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/build-images:node20";
    const template = await synthFor(minimalProject(`linuxImage: "${image}",`));
    const actions = roleStatements(template).flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]));
  });

  it("linuxImage and linuxEnvironment.image that disagree are an error", async () => {
    const error = await configErrorOf(
      synthFor(minimalProject(`linuxImage: "aws/codebuild/standard:7.0", linuxEnvironment: { image: "aws/codebuild/standard:6.0" },`)),
    );
    expect(error.issues.map((i) => i.field)).toContain("linuxImage");
  });
});

describe("linuxEnvironment", () => {
  it("maps every key to Environment", async () => {
    const env = environment(
      await codebuild(`linuxEnvironment: {
        image: "aws/codebuild/amazonlinux-aarch64-standard:3.0",
        computeType: "BUILD_GENERAL1_LARGE",
        type: "ARM_CONTAINER",
        privileged: true,
        imagePullCredentialsType: "SERVICE_ROLE",
        certificate: "arn:aws:s3:::acme-certs/ca.pem",
      },`),
    );
    expect(env).toEqual({
      Type: "ARM_CONTAINER",
      Image: "aws/codebuild/amazonlinux-aarch64-standard:3.0",
      ComputeType: "BUILD_GENERAL1_LARGE",
      ImagePullCredentialsType: "SERVICE_ROLE",
      PrivilegedMode: true,
      Certificate: "arn:aws:s3:::acme-certs/ca.pem",
    });
  });

  it("an unknown environment type is an error with a suggestion", async () => {
    const error = await configErrorOf(synthFor(minimalProject(`linuxEnvironment: { type: "LINUX_CONTAINR" },`)));
    expect(error.issues[0]).toMatchObject({ field: "linuxEnvironment.type" });
    expect(error.issues[0]!.message).toContain("LINUX_CONTAINER");
  });
});

describe("computeType", () => {
  it("sets Environment.ComputeType", async () => {
    expect(environment(await codebuild(`computeType: "BUILD_GENERAL1_MEDIUM",`)).ComputeType).toBe("BUILD_GENERAL1_MEDIUM");
  });

  it("Lambda compute needs a Lambda environment type", async () => {
    const error = await configErrorOf(synthFor(minimalProject(`computeType: "BUILD_LAMBDA_1GB",`)));
    expect(error.issues.map((i) => i.field)).toContain("computeType");
    const ok = environment(
      await codebuild(`computeType: "BUILD_LAMBDA_1GB", linuxEnvironment: { type: "LINUX_LAMBDA_CONTAINER" },`),
    );
    expect(ok).toMatchObject({ ComputeType: "BUILD_LAMBDA_1GB", Type: "LINUX_LAMBDA_CONTAINER" });
  });

  it("Lambda compute gets no default timeout and no badge (CodeBuild rejects both there)", async () => {
    const p = await codebuild(`computeType: "BUILD_LAMBDA_1GB", linuxEnvironment: { type: "LINUX_LAMBDA_CONTAINER" },`);
    expect(p).not.toHaveProperty("TimeoutInMinutes");
    expect(p.BadgeEnabled).toBe(false);
  });
});

describe("privileged", () => {
  it("is absent unless asked for", async () => {
    expect(environment(await codebuild())).not.toHaveProperty("PrivilegedMode");
    expect(environment(await codebuild(`privileged: false,`))).not.toHaveProperty("PrivilegedMode");
  });

  it("privileged: true turns PrivilegedMode on", async () => {
    expect(environment(await codebuild(`privileged: true,`)).PrivilegedMode).toBe(true);
  });
});

describe("environmentVariables", () => {
  it("maps plain, numbers, booleans, ssm(), secret() and the ssm: shorthand, in order", async () => {
    const env = environment(
      await codebuild(`environmentVariables: {
        APP_ENV: "production",
        WORKERS: 4,
        DEBUG: false,
        API_KEY: ssm("/api/key"),
        DB_PASSWORD: secret("prod/db:password"),
        LEGACY: "ssm:/legacy/token",
        EMPTY: "",
      },`),
    );
    expect(env.EnvironmentVariables).toEqual([
      { Name: "APP_ENV", Type: "PLAINTEXT", Value: "production" },
      { Name: "WORKERS", Type: "PLAINTEXT", Value: "4" },
      { Name: "DEBUG", Type: "PLAINTEXT", Value: "false" },
      { Name: "API_KEY", Type: "PARAMETER_STORE", Value: "/api/key" },
      { Name: "DB_PASSWORD", Type: "SECRETS_MANAGER", Value: "prod/db:password" },
      { Name: "LEGACY", Type: "PARAMETER_STORE", Value: "/legacy/token" },
      { Name: "EMPTY", Type: "PLAINTEXT", Value: "" },
    ]);
  });

  it("no EnvironmentVariables key without variables", async () => {
    expect(environment(await codebuild())).not.toHaveProperty("EnvironmentVariables");
  });

  it("an invalid ssm: shorthand is an error", async () => {
    const error = await configErrorOf(synthFor(minimalProject(`environmentVariables: { TOKEN: "ssm:" },`)));
    expect(error.issues[0]).toMatchObject({ field: "environmentVariables.TOKEN" });
  });

  it("an invalid variable name is an error", async () => {
    const error = await configErrorOf(synthFor(minimalProject(`environmentVariables: { "1BAD": "x" },`)));
    expect(error.issues[0]!.field).toContain("environmentVariables");
  });
});

describe("localCache", () => {
  it("no Cache unless set", async () => {
    expect(await codebuild()).not.toHaveProperty("Cache");
  });

  it("true: LOCAL with every local mode", async () => {
    const cache = (await codebuild(`localCache: true,`)).Cache as Props;
    expect(cache.Type).toBe("LOCAL");
    expect([...(cache.Modes as string[])].sort()).toEqual(
      ["LOCAL_CUSTOM_CACHE", "LOCAL_DOCKER_LAYER_CACHE", "LOCAL_SOURCE_CACHE"].sort(),
    );
    expect([...(cache.Modes as string[])].sort()).toEqual([...CacheModeValues].sort());
  });

  it("false: NO_CACHE (with CloudFormation's casing, unlike cody)", async () => {
    expect((await codebuild(`localCache: false,`)).Cache).toEqual({ Type: "NO_CACHE" });
  });

  it("a list: LOCAL with those modes", async () => {
    expect((await codebuild(`localCache: ["LOCAL_SOURCE_CACHE"],`)).Cache).toEqual({
      Type: "LOCAL",
      Modes: ["LOCAL_SOURCE_CACHE"],
    });
  });
});

describe("triggers", () => {
  it("webhook with filter groups, and the build status reported to the source", async () => {
    const p = await codebuild(`triggers: {
      webhook: true,
      buildType: "BUILD",
      filterGroups: [
        [{ type: "EVENT", pattern: "PUSH" }, { type: "HEAD_REF", pattern: "^refs/heads/main$" }],
        [{ type: "EVENT", pattern: "PULL_REQUEST_CREATED,PULL_REQUEST_UPDATED" }, { type: "FILE_PATH", pattern: "^docs/", excludeMatchedPattern: true }],
      ],
    },`);
    expect(p.Triggers).toEqual({
      Webhook: true,
      BuildType: "BUILD",
      FilterGroups: [
        [
          { Type: "EVENT", Pattern: "PUSH" },
          { Type: "HEAD_REF", Pattern: "^refs/heads/main$" },
        ],
        [
          { Type: "EVENT", Pattern: "PULL_REQUEST_CREATED,PULL_REQUEST_UPDATED" },
          { Type: "FILE_PATH", Pattern: "^docs/", ExcludeMatchedPattern: true },
        ],
      ],
    });
    expect(source(p).ReportBuildStatus).toBe(true);
  });

  it("webhook alone", async () => {
    const p = await codebuild(`triggers: { webhook: true },`);
    expect(p.Triggers).toEqual({ Webhook: true });
    expect(source(p).ReportBuildStatus).toBe(true);
  });

  it("no Triggers and no ReportBuildStatus without triggers", async () => {
    const p = await codebuild();
    expect(p).not.toHaveProperty("Triggers");
    expect(source(p)).not.toHaveProperty("ReportBuildStatus");
  });

  it("filter groups without webhook: true still create the webhook", async () => {
    const p = await codebuild(`triggers: { filterGroups: [[{ type: "EVENT", pattern: "PUSH" }]] },`);
    expect((p.Triggers as Props).Webhook).toBe(true);
  });

  // Was a bug (fixed): `Webhook` is inferred from filterGroups (Webhook: true), but ReportBuildStatus is only set
  // when `webhook: true` is written, so the same webhook reports build status or not depending on
  // whether the user spelled out a key the loader otherwise treats as implied.
  it("filter groups without webhook: true report build status like webhook: true", async () => {
    const p = await codebuild(`triggers: { filterGroups: [[{ type: "EVENT", pattern: "PUSH" }]] },`);
    expect(source(p).ReportBuildStatus).toBe(true);
  });

  it("a filter group needs exactly one EVENT filter", async () => {
    const error = await configErrorOf(
      synthFor(minimalProject(`triggers: { webhook: true, filterGroups: [[{ type: "HEAD_REF", pattern: "main" }]] },`)),
    );
    expect(error.issues[0]).toMatchObject({ field: "triggers.filterGroups[0]" });
  });

  it("an S3 source cannot have webhook triggers", async () => {
    const error = await configErrorOf(
      synthFor({
        ".cody/project.ts": projectTs(`{ githubUrl: "s3://acme-src/api.zip", triggers: { webhook: true } }`),
        ".cody/buildspec.yml": BUILDSPEC_YML,
      }),
    );
    expect(error.issues[0]).toMatchObject({ field: "triggers" });
  });
});

describe("vpcConfig", () => {
  const vpc = `vpcConfig: { vpcId: "vpc-0abc", subnets: ["subnet-0aaa", "subnet-0bbb"], securityGroupIds: ["sg-0ccc"] },`;

  it("sets VpcConfig", async () => {
    expect((await codebuild(vpc)).VpcConfig).toEqual({
      VpcId: "vpc-0abc",
      Subnets: ["subnet-0aaa", "subnet-0bbb"],
      SecurityGroupIds: ["sg-0ccc"],
    });
  });

  it("gives the role the ENI permissions, scoped where IAM allows: the project's subnets and security groups", async () => {
    const statements = roleStatements(await synthFor(minimalProject(vpc)));
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid);
    const eni = { "Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/*" };
    // A shared VPC's subnets and groups belong to its owner: the account is left open, the ids are not.
    const subnets = [
      { "Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:*:subnet/subnet-0aaa" },
      { "Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:*:subnet/subnet-0bbb" },
    ];
    // The Describe calls support no resource-level permissions: "*" is the only scope IAM accepts.
    expect(bySid("DescribeVpc")).toEqual({
      Sid: "DescribeVpc",
      Effect: "Allow",
      Action: ["ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"],
      Resource: "*",
    });
    expect(bySid("CreateNetworkInterface")).toEqual({
      Sid: "CreateNetworkInterface",
      Effect: "Allow",
      Action: "ec2:CreateNetworkInterface",
      Resource: [eni, ...subnets, { "Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:*:security-group/sg-0ccc" }],
    });
    expect(bySid("DeleteNetworkInterface")).toEqual({
      Sid: "DeleteNetworkInterface",
      Effect: "Allow",
      Action: "ec2:DeleteNetworkInterface",
      Resource: eni,
      Condition: { ArnLike: { "ec2:Subnet": subnets } },
    });
    expect(bySid("AttachToVpc")).toEqual({
      Sid: "AttachToVpc",
      Effect: "Allow",
      Action: "ec2:CreateNetworkInterfacePermission",
      Resource: eni,
      Condition: { StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" }, ArnLike: { "ec2:Subnet": subnets } },
    });
    // Nothing else of EC2 is granted on "*".
    const onStar = statements.filter((s) => s.Resource === "*").flatMap((s) => s.Action as string[]);
    expect(onStar.every((a) => a.startsWith("ec2:Describe"))).toBe(true);
  });

  it("no VPC statements without vpcConfig", async () => {
    const statements = roleStatements(await synthFor(minimalProject()));
    expect(JSON.stringify(statements)).not.toContain("ec2:");
    expect(await codebuild()).not.toHaveProperty("VpcConfig");
  });

  it("needs at least one subnet", async () => {
    const error = await configErrorOf(
      synthFor(minimalProject(`vpcConfig: { vpcId: "vpc-0abc", subnets: [], securityGroupIds: ["sg-0ccc"] },`)),
    );
    expect(error.issues[0]).toMatchObject({ field: "vpcConfig.subnets" });
  });
});

describe("timeouts", () => {
  it("TimeoutInMinutes defaults to 20 (cody's default); no QueuedTimeoutInMinutes", async () => {
    const p = await codebuild();
    expect(p.TimeoutInMinutes).toBe(20);
    expect(p).not.toHaveProperty("QueuedTimeoutInMinutes");
  });

  it("timeoutInMinutes and queuedTimeoutInMinutes are used", async () => {
    const p = await codebuild(`timeoutInMinutes: 90, queuedTimeoutInMinutes: 30,`);
    expect(p).toMatchObject({ TimeoutInMinutes: 90, QueuedTimeoutInMinutes: 30 });
  });

  it.each([
    ["timeoutInMinutes: 4,", "timeoutInMinutes"],
    ["timeoutInMinutes: 2161,", "timeoutInMinutes"],
    ["timeoutInMinutes: 10.5,", "timeoutInMinutes"],
    ["queuedTimeoutInMinutes: 481,", "queuedTimeoutInMinutes"],
  ])("%s is out of range", async (extra, field) => {
    const error = await configErrorOf(synthFor(minimalProject(extra)));
    expect(error.issues[0]).toMatchObject({ field });
  });
});

describe("badge", () => {
  it.each([
    ["https://github.com/acme/api", true],
    ["https://bitbucket.org/acme/api", true],
    ["https://git-codecommit.us-east-1.amazonaws.com/v1/repos/api", true],
    ["https://gitlab.com/acme/api", false],
    ["s3://acme-src/api.zip", false],
  ])("defaults per source type: %s → %s", async (url, enabled) => {
    expect((await codebuildOf(`{ githubUrl: "${url}" }`)).BadgeEnabled).toBe(enabled);
  });

  it("is off for NO_SOURCE", async () => {
    const p = await codebuildOf(`{ gitProvider: "NO_SOURCE", buildspec: { version: 0.2, phases: { build: { commands: ["true"] } } } }`);
    expect(p.BadgeEnabled).toBe(false);
  });

  it("badge: false turns it off on GitHub", async () => {
    expect((await codebuild(`badge: false,`)).BadgeEnabled).toBe(false);
  });

  it("badge: true on a source without badges is an error", async () => {
    const error = await configErrorOf(
      synthFor({
        ".cody/project.ts": projectTs(`{ githubUrl: "https://gitlab.com/acme/api", badge: true }`),
        ".cody/buildspec.yml": BUILDSPEC_YML,
      }),
    );
    expect(error.issues[0]).toMatchObject({ field: "badge" });
  });
});

describe("description", () => {
  it("sets Description; absent by default", async () => {
    expect((await codebuild(`description: "API unit tests",`)).Description).toBe("API unit tests");
    expect(await codebuild()).not.toHaveProperty("Description");
  });

  it("is limited to 255 characters", async () => {
    const error = await configErrorOf(synthFor(minimalProject(`description: "${"x".repeat(256)}",`)));
    expect(error.issues[0]).toMatchObject({ field: "description" });
  });
});

describe("tags", () => {
  it("become CloudFormation Key/Value tags in order", async () => {
    expect((await codebuild(`tags: { team: "platform", "cost-center": "42" },`)).Tags).toEqual([
      { Key: "team", Value: "platform" },
      { Key: "cost-center", Value: "42" },
    ]);
    expect(await codebuild()).not.toHaveProperty("Tags");
  });
});

describe("serviceRole", () => {
  const arn = "arn:aws:iam::123456789012:role/ci/existing-codebuild";

  it("uses the existing role: no IamRole resource, ServiceRole is the ARN", async () => {
    const template = await synthFor(minimalProject(`serviceRole: "${arn}",`));
    expect(template.Resources).not.toHaveProperty("IamRole");
    expect(propertiesOf(template, "CodeBuild").ServiceRole).toBe(arn);
  });

  it("without it, ServiceRole is the generated role's ARN", async () => {
    const template = await synthFor(minimalProject());
    expect(template.Resources.IamRole?.Type).toBe("AWS::IAM::Role");
    expect(propertiesOf(template, "CodeBuild").ServiceRole).toEqual({ "Fn::GetAtt": ["IamRole", "Arn"] });
  });

  it("must be a role ARN", async () => {
    const error = await configErrorOf(synthFor(minimalProject(`serviceRole: "existing-codebuild",`)));
    expect(error.issues[0]).toMatchObject({ field: "serviceRole" });
  });

  it("with role settings too is an error (they would be ignored)", async () => {
    const error = await configErrorOf(synthFor(minimalProject(`serviceRole: "${arn}", role: { iamPolicy: ["s3"] },`)));
    expect(error.issues.map((i) => i.field)).toContain("role");
  });
});

describe("logRetentionDays", () => {
  it("adds the log group with its retention, CodeBuild depends on it, the role stops creating it", async () => {
    const template = await synthFor(minimalProject(`logRetentionDays: 30,`));
    expect(template.Resources.LogGroup).toEqual({
      Type: "AWS::Logs::LogGroup",
      // Kept when the stack goes (the logs are the record of past builds), and adoptable by name.
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: { LogGroupName: "/aws/codebuild/demo", RetentionInDays: 30 },
    });
    expect(template.Resources.CodeBuild!.DependsOn).toEqual(["LogGroup"]);
    const logs = roleStatements(template).find((s) => s.Sid === "WriteBuildLogs");
    expect(logs?.Action).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
  });

  it("retainLogGroup: false deletes the log group with the stack", async () => {
    const template = await synthFor(minimalProject(`logRetentionDays: 30,\n  retainLogGroup: false,`));
    expect(template.Resources.LogGroup).not.toHaveProperty("DeletionPolicy");
    expect(template.Resources.LogGroup).not.toHaveProperty("UpdateReplacePolicy");
    const error = await configErrorOf(synthFor(minimalProject(`logRetentionDays: 30,\n  retainLogGroup: "no",`)));
    expect(error.issues[0]).toMatchObject({ field: "retainLogGroup" });
  });

  it("without it: no LogGroup, no DependsOn, the role may create its log group", async () => {
    const template = await synthFor(minimalProject());
    expect(template.Resources).not.toHaveProperty("LogGroup");
    expect(template.Resources.CodeBuild).not.toHaveProperty("DependsOn");
    const logs = roleStatements(template).find((s) => s.Sid === "WriteBuildLogs");
    expect(logs?.Action).toContain("logs:CreateLogGroup");
  });

  it("only CloudWatch Logs retentions are accepted", async () => {
    const error = await configErrorOf(synthFor(minimalProject(`logRetentionDays: 10,`)));
    expect(error.issues[0]).toMatchObject({ field: "logRetentionDays" });
  });
});

describe("properties: raw CloudFormation deep-merged last", () => {
  it("objects merge, arrays replace, raw keys are added", async () => {
    const p = await codebuild(`
      environmentVariables: { A: "1", B: "2" },
      localCache: true,
      properties: {
        ConcurrentBuildLimit: 1,
        Environment: { ComputeType: "BUILD_GENERAL1_LARGE", EnvironmentVariables: [{ Name: "C", Type: "PLAINTEXT", Value: "3" }] },
        Cache: { Modes: ["LOCAL_SOURCE_CACHE"] },
        Source: { GitCloneDepth: 1 },
      },`);
    expect(p.ConcurrentBuildLimit).toBe(1);
    expect(environment(p)).toEqual({
      Type: "LINUX_CONTAINER",
      Image: "aws/codebuild/standard:7.0",
      ComputeType: "BUILD_GENERAL1_LARGE",
      ImagePullCredentialsType: "CODEBUILD",
      EnvironmentVariables: [{ Name: "C", Type: "PLAINTEXT", Value: "3" }],
    });
    expect(p.Cache).toEqual({ Type: "LOCAL", Modes: ["LOCAL_SOURCE_CACHE"] });
    expect(source(p)).toMatchObject({ Type: "GITHUB", Location: "https://github.com/acme/api", GitCloneDepth: 1 });
  });

  it("a camelCase raw key is an error pointing at the PascalCase one", async () => {
    const error = await configErrorOf(synthFor(minimalProject(`properties: { concurrentBuildLimit: 1 },`)));
    expect(error.issues[0]).toMatchObject({ field: "properties.concurrentBuildLimit" });
    expect(error.issues[0]!.message).toContain('"ConcurrentBuildLimit"');
  });
});
