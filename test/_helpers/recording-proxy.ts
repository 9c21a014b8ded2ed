// An HTTP proxy on 127.0.0.1 in front of moto that records the API action of every request, so an
// e2e test can tell which calls a CLI run made, how many, and in what order (or that it made none).
import { createServer, type IncomingHttpHeaders } from "node:http";

export interface RecordingProxy {
  endpoint: string;
  /** The action of every request so far, in order. */
  readonly actions: string[];
  /** How often each action was called. */
  calls(): Record<string, number>;
  total(): number;
  clear(): void;
  /** Awaited before each request is forwarded (e.g. to send Ctrl-C while a call is in flight). */
  onRequest?: (action: string) => Promise<void> | void;
  close(): Promise<void>;
}

/** The API action: X-Amz-Target (JSON protocols) or the Action form parameter (query protocol). */
function actionOf(headers: IncomingHttpHeaders, path: string, body: string): string {
  const target = headers["x-amz-target"];
  if (typeof target === "string" && target) return target.split(".").pop() ?? target;
  return new URLSearchParams(body || path.split("?")[1] || "").get("Action") ?? `unknown ${path}`;
}

export async function startProxy(target: string): Promise<RecordingProxy> {
  const actions: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const action = actionOf(req.headers, req.url ?? "", body.toString("utf8"));
        actions.push(action);
        try {
          await self.onRequest?.(action);
          const headers = new Headers();
          for (const [key, value] of Object.entries(req.headers)) {
            if (typeof value === "string" && !["host", "content-length", "connection"].includes(key)) headers.set(key, value);
          }
          const upstream = await fetch(`${target}${req.url ?? "/"}`, {
            method: req.method,
            headers,
            body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
          });
          const out = Buffer.from(await upstream.arrayBuffer());
          const type = upstream.headers.get("content-type");
          res.writeHead(upstream.status, { ...(type ? { "content-type": type } : {}), "content-length": out.length });
          res.end(out);
        } catch (error) {
          res.writeHead(502, { "content-type": "text/plain" });
          res.end(`proxy: ${String(error)}`);
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const self: RecordingProxy = {
    endpoint: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    actions,
    calls: () => {
      const counts: Record<string, number> = {};
      for (const action of actions) counts[action] = (counts[action] ?? 0) + 1;
      return counts;
    },
    total: () => actions.length,
    clear: () => {
      actions.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return self;
}
