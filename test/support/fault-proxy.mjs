// A fault-injecting HTTP proxy in front of moto, for the fault e2e tests and bench/faults.mjs. Every
// request is recorded (action, body); rules decide, per action, what goes wrong:
//   throttle      an AWS throttling error (400 Throttling / ThrottlingException), as the protocol shapes it
//   5xx           an AWS 500 InternalFailure
//   4xx           an AWS 400 ValidationError (not retried by the SDK: an ordinary failure)
//   html502       a proxy's HTML error page, HTTP 502 (not an AWS response)
//   reset-before  the connection is reset before the request reaches moto
//   reset-after   moto handles the request, then the connection is reset: the reply is lost
//   delay         the request waits `ms`, then goes through
//   hold          no answer at all, until the proxy is closed
// And one mode that is not a fault: holdStack(ms) makes the next ExecuteChangeSet's (or DeleteStack's)
// stack look *_IN_PROGRESS for `ms` after it (DescribeStacks says X_IN_PROGRESS for X_COMPLETE, and
// DescribeStackEvents leaves out the stack's own terminal events), as a slow CloudFormation would: moto
// finishes a stack inside ExecuteChangeSet. Its `releasedAt` is when the stack "became" complete.
// A rule applies to requests whose action matches (`action`: name or RegExp; any when absent), skips
// the first `skip` of them, then hits `times` of them (default: all), each with probability `rate`.
// Plain JS so the benchmark runs without a TypeScript loader; types in fault-proxy.d.mts.
/* global fetch, setTimeout */
import { createServer } from "node:http";
import { actionOf } from "../../scripts/moto.mjs";

const THROTTLE_XML =
  "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>";
const INTERNAL_XML =
  "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>injected server error</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>";

function matches(rule, action) {
  if (rule.action === undefined) return true;
  return rule.action instanceof RegExp ? rule.action.test(action) : rule.action === action;
}

/** The rule that hits this request, if any; counts the rule's matches. */
function pick(rules, action, random) {
  for (const rule of rules) {
    if (!matches(rule, action)) continue;
    rule.seen = (rule.seen ?? 0) + 1;
    if (rule.seen <= (rule.skip ?? 0)) continue;
    if ((rule.hits ?? 0) >= (rule.times ?? Infinity)) continue;
    if (rule.rate !== undefined && random() >= rule.rate) continue;
    rule.hits = (rule.hits ?? 0) + 1;
    return rule;
  }
  return undefined;
}

function awsError(res, headers, status, xml, jsonType, message) {
  if (headers["x-amz-target"]) {
    res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": jsonType });
    res.end(JSON.stringify({ __type: jsonType, message }));
  } else {
    res.writeHead(status, { "content-type": "text/xml" });
    res.end(xml);
  }
}

export async function faultProxy(target, { random = Math.random } = {}) {
  const requests = [];
  const rules = [];
  const held = new Set();
  /** The armed or running stack hold (holdStack). */
  let stackHold;

  const forward = async (req, body) => {
    const headers = { ...req.headers };
    delete headers.host;
    delete headers["content-length"];
    delete headers.connection;
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    const out = Buffer.from(await upstream.arrayBuffer());
    const responseHeaders = Object.fromEntries(
      [...upstream.headers].filter(([k]) => !["content-encoding", "content-length", "transfer-encoding", "connection"].includes(k)),
    );
    return { status: upstream.status, headers: responseHeaders, body: out };
  };

  /** Starts the armed hold on the call that starts a stack operation; rewrites answers while it runs. */
  const holding = (action, answer) => {
    if (!stackHold) return answer;
    if (stackHold.armed && (action === "ExecuteChangeSet" || action === "DeleteStack") && answer.status < 300) {
      const now = Date.now();
      Object.assign(stackHold, { armed: false, startedAt: now, releasedAt: now + stackHold.ms });
      return answer;
    }
    if (stackHold.armed || Date.now() >= stackHold.releasedAt) return answer;
    const text = answer.body.toString("utf8");
    let out = text;
    if (action === "DescribeStacks") out = text.replace(/<StackStatus>([A-Z_]+?)_COMPLETE<\/StackStatus>/g, "<StackStatus>$1_IN_PROGRESS</StackStatus>");
    if (action === "DescribeStackEvents") {
      out = text.replace(/<member>((?:(?!<\/member>)[\s\S])*?)<\/member>/g, (member, inner) =>
        /<ResourceType>AWS::CloudFormation::Stack<\/ResourceType>/.test(inner) && !/<ResourceStatus>[A-Z_]*_IN_PROGRESS<\/ResourceStatus>/.test(inner) ? "" : member,
      );
    }
    return out === text ? answer : { ...answer, body: Buffer.from(out, "utf8") };
  };

  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const text = body.toString("utf8");
      const action = actionOf(req.headers, req.url ?? "", text);
      const rule = pick(rules, action, random);
      requests.push({ action, body: text, fault: rule?.kind ?? null, at: Date.now() });
      try {
        await proxy.onRequest?.(action, text);
        switch (rule?.kind) {
          case "throttle":
            return awsError(res, req.headers, 400, THROTTLE_XML, "ThrottlingException", "Rate exceeded");
          case "5xx":
            return awsError(res, req.headers, 500, INTERNAL_XML, "InternalFailure", "injected server error");
          case "4xx":
            return awsError(
              res,
              req.headers,
              400,
              "<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>injected failure</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>",
              "InvalidInputException",
              "injected failure",
            );
          case "html502":
            res.writeHead(502, { "content-type": "text/html" });
            return res.end("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>");
          case "reset-before":
            return req.socket.destroy();
          case "hold":
            held.add(res);
            res.on("close", () => held.delete(res));
            return;
          case "delay":
            await new Promise((resolve) => setTimeout(resolve, rule.ms ?? 1000));
            break;
          default:
        }
        let answer = await forward(req, body);
        if (rule?.kind === "reset-after") return req.socket.destroy();
        answer = holding(action, answer);
        res.writeHead(answer.status, { ...answer.headers, "content-length": answer.body.length });
        res.end(answer.body);
      } catch (error) {
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
        res.end(`fault proxy: ${error.message}`);
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));

  const proxy = {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    requests,
    rules,
    /** Adds a rule (see the top of this file); returns it, so a test can read its `hits`. */
    add(rule) {
      rules.push({ ...rule });
      return rules[rules.length - 1];
    },
    /** Requests of one action, in order. */
    of: (action) => requests.filter((r) => r.action === action),
    count: (action) => requests.filter((r) => r.action === action).length,
    /** Arms a stack hold of `ms` (see the top of this file); returns it, to read `startedAt` and `releasedAt`. */
    holdStack(ms) {
      stackHold = { ms, armed: true, startedAt: undefined, releasedAt: undefined };
      return stackHold;
    },
    /** Forgets requests and rules (not the held connections). */
    clear() {
      requests.length = 0;
      rules.length = 0;
      proxy.onRequest = undefined;
      stackHold = undefined;
    },
    onRequest: undefined,
    close: () =>
      new Promise((resolve) => {
        for (const res of held) res.socket?.destroy();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
