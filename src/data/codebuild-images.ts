// CodeBuild's curated images: whether AWS still supports each, and the runtimes its buildspec may name
// in `phases.install.runtime-versions`. Read by config/rules/buildspec-runtimes.ts.
//
// Where the rows come from (checked 2026-12-03; re-check when AWS publishes a new image):
// - status: AWS CodeBuild User Guide, "Docker images provided by CodeBuild"
//   (https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-available.html) and its
//   "Deprecated images" page (deprecated-images.html), which dates each deprecation.
// - runtimes: the "Available runtimes" page (available-runtimes.html), and each image's own
//   `runtimes.yml` in github.com/aws/aws-codebuild-docker-images (the file CodeBuild reads to install a
//   runtime), at the path named in the row's `definition`.
// Versions move faster than this table: an image with a `default` entry in runtimes.yml installs an
// unlisted version at build time, so cody warns about an unlisted version and never refuses it. An
// unknown runtime *name* is refused: CodeBuild fails the INSTALL phase on it.

export type ImageStatus = "current" | "deprecated";

export interface CodeBuildImage {
  /** The image identifier, as in linuxImage. */
  image: string;
  /** Operating system, for messages. */
  platform: string;
  status: ImageStatus;
  /** When AWS deprecated it (deprecated-images.html), for the message. */
  deprecated?: string;
  /** Path of the image's definition in aws/aws-codebuild-docker-images. */
  definition: string;
  /** runtime name → versions `runtime-versions` may name (besides `latest` and `<major>.x`). */
  runtimes: Readonly<Record<string, readonly string[]>>;
}

const JAVA_ALL = ["corretto8", "corretto11", "corretto17", "corretto21"];

export const CODEBUILD_IMAGES: readonly CodeBuildImage[] = [
  // Ubuntu 24.04. runtimes.yml: ubuntu/standard/8.0 (read at commit 0c5eb16).
  {
    image: "aws/codebuild/standard:8.0",
    platform: "Ubuntu 24.04",
    status: "current",
    definition: "ubuntu/standard/8.0",
    runtimes: {
      java: [...JAVA_ALL, "corretto25"],
      golang: ["1.24", "1.25", "1.26"],
      rust: ["1.93"],
      python: ["3.10", "3.11", "3.12", "3.13", "3.14"],
      php: ["8.2", "8.3", "8.4", "8.5"],
      ruby: ["3.3", "3.4", "4.0"],
      nodejs: ["22", "24"],
      dotnet: ["8.0", "10.0"],
    },
  },
  // Ubuntu 22.04. Available runtimes page; runtimes.yml: ubuntu/standard/7.0.
  {
    image: "aws/codebuild/standard:7.0",
    platform: "Ubuntu 22.04",
    status: "current",
    definition: "ubuntu/standard/7.0",
    runtimes: {
      java: JAVA_ALL,
      golang: ["1.20", "1.21", "1.22", "1.23", "1.24"],
      python: ["3.9", "3.10", "3.11", "3.12", "3.13"],
      php: ["8.2", "8.3"],
      ruby: ["3.1", "3.2", "3.3", "3.4"],
      nodejs: ["18", "20", "22"],
      dotnet: ["6.0", "8.0"],
    },
  },
  // Ubuntu 22.04. Available runtimes page; runtimes.yml: ubuntu/standard/6.0.
  {
    image: "aws/codebuild/standard:6.0",
    platform: "Ubuntu 22.04",
    status: "current",
    definition: "ubuntu/standard/6.0",
    runtimes: {
      java: ["corretto11", "corretto17"],
      golang: ["1.18"],
      python: ["3.10"],
      php: ["8.1"],
      ruby: ["3.1"],
      nodejs: ["16"],
      dotnet: ["6.0"],
    },
  },
  // Ubuntu 20.04. Available runtimes page; runtimes.yml: ubuntu/standard/5.0.
  {
    image: "aws/codebuild/standard:5.0",
    platform: "Ubuntu 20.04",
    status: "current",
    definition: "ubuntu/standard/5.0",
    runtimes: {
      android: ["29"],
      java: ["corretto8", "corretto11"],
      golang: ["1.12", "1.13", "1.14", "1.15", "1.16"],
      python: ["3.7", "3.8", "3.9"],
      php: ["7.3", "7.4", "8.0"],
      ruby: ["2.6", "2.7"],
      nodejs: ["10", "12", "14"],
      dotnet: ["3.1", "5.0"],
    },
  },
  // Amazon Linux 2023 x86_64. runtimes.yml: al/x86_64/standard/5.0 (read at commit 5ddaec1).
  {
    image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
    platform: "Amazon Linux 2023 x86_64",
    status: "current",
    definition: "al/x86_64/standard/5.0",
    runtimes: {
      java: JAVA_ALL,
      golang: ["1.20", "1.21", "1.22", "1.23", "1.24"],
      python: ["3.9", "3.10", "3.11", "3.12", "3.13"],
      php: ["8.2", "8.3"],
      ruby: ["3.1", "3.2", "3.3", "3.4"],
      nodejs: ["18", "20", "22"],
      dotnet: ["6.0", "8.0"],
    },
  },
  // Amazon Linux 2023 x86_64. Available runtimes page; runtimes.yml: al/x86_64/standard/6.0.
  {
    image: "aws/codebuild/amazonlinux-x86_64-standard:6.0",
    platform: "Amazon Linux 2023 x86_64",
    status: "current",
    definition: "al/x86_64/standard/6.0",
    runtimes: {
      java: [...JAVA_ALL, "corretto25"],
      golang: ["1.24", "1.25", "1.26"],
      python: ["3.10", "3.11", "3.12", "3.13", "3.14"],
      php: ["8.3", "8.4"],
      ruby: ["3.3", "3.4"],
      nodejs: ["20", "22", "24"],
      dotnet: ["8.0", "10.0"],
    },
  },
  // Amazon Linux 2023 AArch64. Available runtimes page; runtimes.yml: al/aarch64/standard/3.0.
  {
    image: "aws/codebuild/amazonlinux-aarch64-standard:3.0",
    platform: "Amazon Linux 2023 AArch64",
    status: "current",
    definition: "al/aarch64/standard/3.0",
    runtimes: {
      java: JAVA_ALL,
      golang: ["1.20", "1.21", "1.22", "1.23", "1.24"],
      python: ["3.9", "3.10", "3.11", "3.12", "3.13"],
      php: ["8.2", "8.3"],
      ruby: ["3.1", "3.2", "3.3", "3.4"],
      nodejs: ["18", "20", "22"],
      dotnet: ["6.0", "8.0"],
    },
  },
  // Amazon Linux 2 x86_64. Available runtimes page; runtimes.yml: al2/x86_64/standard/5.0.
  {
    image: "aws/codebuild/amazonlinux2-x86_64-standard:5.0",
    platform: "Amazon Linux 2 x86_64",
    status: "current",
    definition: "al2/x86_64/standard/5.0",
    runtimes: {
      java: ["corretto11", "corretto17", "corretto21"],
      golang: ["1.20", "1.21"],
      python: ["3.11", "3.12"],
      php: ["8.2"],
      ruby: ["3.2"],
      nodejs: ["18", "20"],
      dotnet: ["6.0", "8.0"],
    },
  },
  // Amazon Linux 2 x86_64. Available runtimes page; runtimes.yml: al2/x86_64/standard/4.0.
  {
    image: "aws/codebuild/amazonlinux2-x86_64-standard:4.0",
    platform: "Amazon Linux 2 x86_64",
    status: "current",
    definition: "al2/x86_64/standard/4.0",
    runtimes: {
      java: ["corretto11", "corretto17"],
      golang: ["1.18"],
      python: ["3.9"],
      php: ["8.1"],
      ruby: ["3.1"],
      nodejs: ["16"],
      dotnet: ["6.0"],
    },
  },
  // Amazon Linux 2 AArch64. Available runtimes page; runtimes.yml: al2/aarch64/standard/3.0.
  {
    image: "aws/codebuild/amazonlinux2-aarch64-standard:3.0",
    platform: "Amazon Linux 2 AArch64",
    status: "current",
    definition: "al2/aarch64/standard/3.0",
    runtimes: {
      java: ["corretto8", "corretto11", "corretto17", "corretto21"],
      golang: ["1.20", "1.21"],
      python: ["3.11", "3.12"],
      php: ["8.2"],
      ruby: ["3.2"],
      nodejs: ["18", "20"],
      dotnet: ["6.0", "8.0"],
    },
  },
  // Amazon Linux 2 AArch64. Available runtimes page; runtimes.yml: al2/aarch64/standard/2.0.
  {
    image: "aws/codebuild/amazonlinux2-aarch64-standard:2.0",
    platform: "Amazon Linux 2 AArch64",
    status: "current",
    definition: "al2/aarch64/standard/2.0",
    runtimes: {
      java: ["corretto8", "corretto11"],
      golang: ["1.13", "1.14", "1.15", "1.16"],
      python: ["3.7", "3.8", "3.9"],
      php: ["7.3", "7.4", "8.0"],
      ruby: ["2.6", "2.7"],
      nodejs: ["12", "14"],
      dotnet: ["3.1", "5.0"],
    },
  },
  // Deprecated (deprecated-images.html, with the date AWS gives). Their runtimes are those of their
  // runtimes.yml, so a typo is still caught; the image itself is flagged.
  {
    image: "aws/codebuild/standard:4.0",
    platform: "Ubuntu 18.04",
    status: "deprecated",
    deprecated: "2023-03-31",
    definition: "ubuntu/standard/4.0",
    runtimes: {
      android: ["28", "29"],
      java: ["corretto8", "corretto11"],
      golang: ["1.12", "1.13", "1.14"],
      python: ["3.7", "3.8"],
      php: ["7.3", "7.4"],
      ruby: ["2.6", "2.7"],
      nodejs: ["10", "12"],
      dotnet: ["3.1"],
    },
  },
  {
    image: "aws/codebuild/standard:3.0",
    platform: "Ubuntu 18.04",
    status: "deprecated",
    deprecated: "2022-06-30",
    definition: "ubuntu/standard/3.0",
    runtimes: {
      android: ["28", "29"],
      java: ["openjdk8", "openjdk11"],
      golang: ["1.12", "1.13", "1.14"],
      python: ["3.6", "3.7", "3.8"],
      php: ["7.3", "7.4"],
      ruby: ["2.6", "2.7"],
      nodejs: ["10", "12"],
      dotnet: ["2.2", "3.0", "3.1"],
      docker: ["18", "19"],
    },
  },
  {
    image: "aws/codebuild/amazonlinux2-x86_64-standard:3.0",
    platform: "Amazon Linux 2 x86_64",
    status: "deprecated",
    deprecated: "2023-05-09",
    definition: "al2/x86_64/standard/3.0",
    runtimes: {
      java: ["corretto8", "corretto11"],
      golang: ["1.12", "1.13", "1.14", "1.15"],
      python: ["3.7", "3.8", "3.9"],
      php: ["7.3", "7.4"],
      ruby: ["2.6", "2.7"],
      nodejs: ["10", "12", "14"],
      dotnet: ["3.1"],
    },
  },
  {
    image: "aws/codebuild/amazonlinux2-x86_64-standard:2.0",
    platform: "Amazon Linux 2 x86_64",
    status: "deprecated",
    deprecated: "2022-06-30",
    definition: "al2/x86_64/standard/2.0",
    runtimes: {
      android: ["28", "29"],
      java: ["openjdk8", "openjdk11", "corretto8", "corretto11"],
      golang: ["1.12", "1.13"],
      python: ["3.7", "3.8"],
      php: ["7.3"],
      ruby: ["2.6"],
      nodejs: ["10", "12"],
      dotnet: ["2.2", "3.0"],
      docker: ["18", "19"],
    },
  },
  {
    image: "aws/codebuild/amazonlinux2-aarch64-standard:1.0",
    platform: "Amazon Linux 2 AArch64",
    status: "deprecated",
    deprecated: "2023-03-31",
    definition: "al2/aarch64/standard/1.0",
    runtimes: {
      java: ["corretto8", "corretto11"],
      golang: ["1.12", "1.13"],
      python: ["3.7", "3.8"],
      php: ["7.3"],
      ruby: ["2.6"],
      nodejs: ["10", "12"],
      dotnet: ["3.0"],
    },
  },
];

/** The row of a curated image, by its identifier (a `-x.y.z` pinned version counts as its image). */
export function findImage(image: string): CodeBuildImage | undefined {
  const base = image.replace(/^(aws\/codebuild\/[^:]+:\d+\.\d+)-[\d.]+$/, "$1");
  return CODEBUILD_IMAGES.find((row) => row.image === base);
}

/** CodeBuild's own images start with `aws/codebuild/`; ECR and Docker Hub images are the user's. */
export function isCuratedImage(image: string): boolean {
  return image.startsWith("aws/codebuild/");
}
