// The part of @aws-sdk/client-secrets-manager that src/aws/clients.ts uses, imported lazily from there: naming the
// exports lets the build keep only these commands of the SDK (scripts/build.mjs).
export {
  DescribeSecretCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
