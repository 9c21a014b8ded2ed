// The build environment a project resolves to: its image and compute type, with cody's defaults.
// The rules that check a project and the synthesis that writes it read them here, so both agree.
import type { ProjectInput } from "./schema";

export const DEFAULT_IMAGE = "aws/codebuild/standard:7.0";
export const DEFAULT_COMPUTE_TYPE = "BUILD_GENERAL1_SMALL";
export const DEFAULT_ENVIRONMENT_TYPE = "LINUX_CONTAINER";

/** `linuxImage`, else `linuxEnvironment.image`, else CodeBuild's standard image. */
export function buildImage(project: ProjectInput): string {
  return project.linuxImage ?? project.linuxEnvironment?.image ?? DEFAULT_IMAGE;
}

/** `computeType`, else `linuxEnvironment.computeType`, else the smallest general-purpose type. */
export function buildComputeType(project: ProjectInput): string {
  return project.computeType ?? project.linuxEnvironment?.computeType ?? DEFAULT_COMPUTE_TYPE;
}

export function buildEnvironmentType(project: ProjectInput): string {
  return project.linuxEnvironment?.type ?? DEFAULT_ENVIRONMENT_TYPE;
}

/** `BUILD_LAMBDA_*`: builds on Lambda, which take no timeouts, local cache or badge. */
export function isLambdaCompute(computeType: string): boolean {
  return computeType.startsWith("BUILD_LAMBDA_");
}

/** CodeBuild's build timeout when the project sets none. */
export const DEFAULT_TIMEOUT_MINUTES = 20;

/** An ECR image URI: `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]`. */
export const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/;

/** Curated images are pulled by CodeBuild; anything else (ECR, Docker Hub) with the service role. */
export function imagePullCredentials(image: string, explicit?: string): string {
  return explicit ?? (image.startsWith("aws/codebuild/") ? "CODEBUILD" : "SERVICE_ROLE");
}
