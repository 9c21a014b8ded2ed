// The part of @aws-sdk/client-ssm that src/aws/clients.ts uses, imported lazily from there: naming the
// exports lets the build keep only these commands of the SDK (scripts/build.mjs).
export {
  DescribeParametersCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
