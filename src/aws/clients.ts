// The one place that builds AWS SDK clients. The SDK is imported here, lazily, so commands that
// never call AWS (--help, synth, init, policy) never load it. Engine code sees narrow interfaces.
import type {
  CloudFormationClient,
  ContinueUpdateRollbackCommandInput,
  CreateChangeSetCommandInput,
  CreateChangeSetCommandOutput,
  DeleteChangeSetCommandInput,
  DeleteStackCommandInput,
  DescribeChangeSetCommandInput,
  DescribeChangeSetCommandOutput,
  DescribeStackEventsCommandInput,
  DescribeStackEventsCommandOutput,
  DescribeStacksCommandInput,
  DescribeStacksCommandOutput,
  ExecuteChangeSetCommandInput,
  GetTemplateCommandInput,
  GetTemplateCommandOutput,
} from "@aws-sdk/client-cloudformation";
import { toCodyError } from "./errors";

export interface AwsOptions {
  profile?: string;
  region?: string;
}

/** The CloudFormation calls cody makes; nothing else is reachable from engine code. */
export interface CfnApi {
  describeStacks(input: DescribeStacksCommandInput): Promise<DescribeStacksCommandOutput>;
  describeStackEvents(input: DescribeStackEventsCommandInput): Promise<DescribeStackEventsCommandOutput>;
  getTemplate(input: GetTemplateCommandInput): Promise<GetTemplateCommandOutput>;
  createChangeSet(input: CreateChangeSetCommandInput): Promise<CreateChangeSetCommandOutput>;
  describeChangeSet(input: DescribeChangeSetCommandInput): Promise<DescribeChangeSetCommandOutput>;
  executeChangeSet(input: ExecuteChangeSetCommandInput): Promise<unknown>;
  deleteChangeSet(input: DeleteChangeSetCommandInput): Promise<unknown>;
  deleteStack(input: DeleteStackCommandInput): Promise<unknown>;
  continueUpdateRollback(input: ContinueUpdateRollbackCommandInput): Promise<unknown>;
  /** The region the client resolved, for console links and messages. */
  region(): Promise<string>;
}

function clientConfig(options: AwsOptions) {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    // Adaptive retries back off on throttling instead of failing a long deploy.
    retryMode: "adaptive" as const,
    maxAttempts: 8,
  };
}

/** Wraps each call so SDK errors become CodyErrors with the action named. */
function guard<T extends object>(service: string, target: T): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(obj, args);
        } catch (error) {
          throw toCodyError(error, `${service}:${String(key).charAt(0).toUpperCase()}${String(key).slice(1)}`);
        }
      };
    },
  });
}

export async function createCloudFormation(options: AwsOptions): Promise<CfnApi> {
  // The SDK warns on Node 20 about its future support window; that is not the user's business.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const sdk = await import("@aws-sdk/client-cloudformation");
  const client: CloudFormationClient = new sdk.CloudFormationClient(clientConfig(options));
  const api: CfnApi = {
    describeStacks: (i) => client.send(new sdk.DescribeStacksCommand(i)),
    describeStackEvents: (i) => client.send(new sdk.DescribeStackEventsCommand(i)),
    getTemplate: (i) => client.send(new sdk.GetTemplateCommand(i)),
    createChangeSet: (i) => client.send(new sdk.CreateChangeSetCommand(i)),
    describeChangeSet: (i) => client.send(new sdk.DescribeChangeSetCommand(i)),
    executeChangeSet: (i) => client.send(new sdk.ExecuteChangeSetCommand(i)),
    deleteChangeSet: (i) => client.send(new sdk.DeleteChangeSetCommand(i)),
    deleteStack: (i) => client.send(new sdk.DeleteStackCommand(i)),
    continueUpdateRollback: (i) => client.send(new sdk.ContinueUpdateRollbackCommand(i)),
    region: async () => {
      const region = await client.config.region();
      return region;
    },
  };
  return guard("cloudformation", api);
}
