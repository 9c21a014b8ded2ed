// The ARNs of what environment variables reference (parameters and secrets), for the build role. The
// variables are classified once, by config/environment-variables.ts, when the project is resolved.
import { arn } from "./intrinsics";

export {
  referencedSecrets,
  toEnvironmentVariable,
  toEnvironmentVariables,
  type CfnEnvironmentVariable,
} from "../config/environment-variables";

/** ARN of a parameter, from its name (`/api/key`) or ARN. */
export function parameterArn(name: string) {
  if (name.startsWith("arn:")) return name;
  return arn("ssm", `parameter/${name.replace(/^\//, "")}`);
}

/**
 * ARN pattern of a secret from a CodeBuild reference `secret-id[:json-key[:stage[:version]]]`.
 * A secret named by its name has a 6-character random suffix in its ARN, hence `-??????`.
 */
export function secretArn(reference: string) {
  if (reference.startsWith("arn:")) return reference.split(":").slice(0, 7).join(":");
  const id = reference.split(":")[0]!;
  return arn("secretsmanager", `secret:${id}-??????`);
}
