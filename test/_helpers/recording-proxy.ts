// An HTTP proxy on 127.0.0.1 in front of moto that records the API action of every request, so an
// e2e test can tell which calls a CLI run made, how many, and in what order (or that it made none).
// The proxy itself is scripts/moto.mjs's, shared with bench/deploy.
import { countingProxy, type CountingProxy } from "../../scripts/moto.mjs";

export type RecordingProxy = CountingProxy;

export function startProxy(target: string): Promise<RecordingProxy> {
  return countingProxy(target);
}
