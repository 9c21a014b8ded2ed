// The part of @aws-sdk/client-cloudwatch-logs that src/aws/clients.ts uses, imported lazily from there: naming the
// exports lets the build keep only these commands of the SDK (scripts/build.mjs).
export {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  GetLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
