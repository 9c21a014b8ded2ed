// Types of scripts/moto.mjs, for the TypeScript tests that use it through test/support/moto.ts.
export declare const LAUNCHER: string;

/** The real path of the first of MOTO_PYTHON, python3, python that has moto's server, looked up now; null if none. */
export declare function locatePython(): string | null;
/** locatePython(), asked once per process. */
export declare function findPython(): string | null;

/** `base` (default process.env) without any AWS_* variable, plus what talks to this moto and nothing else. */
export declare function motoEnv(endpoint: string, base?: NodeJS.ProcessEnv): Record<string, string>;

export declare function resetMoto(endpoint: string): Promise<void>;

export declare function freePort(): Promise<number>;

/** GET `url` as JSON within 2 s; undefined when nothing answers (yet) or the answer is not a 2xx. */
export declare function getJson(url: string): Promise<unknown>;

export interface StartMotoOptions {
  /** Python interpreter; default: findPython(). */
  python?: string | null;
  /** Fixed port; default: a free one (retried if someone grabs it first). */
  port?: number;
  /** How long to wait for GET /moto-api/ to answer. @default 20000 */
  timeoutMs?: number;
  /** Extra env for the moto process, e.g. INITIAL_NO_AUTH_ACTION_COUNT or MOTO_IAM_LOAD_MANAGED_POLICIES. */
  env?: Record<string, string>;
  /** Run moto in its own process group (so a terminal's Ctrl-C does not reach it). */
  detached?: boolean;
  /** Builds as stock moto has them, without the launcher's build fixes (launcher.py --plain-builds). */
  plainBuilds?: boolean;
}

export interface MotoServer {
  endpoint: string;
  port: number;
  pid: number;
  /** The environment of a process that must talk to this moto and nothing else: motoEnv(endpoint, base). */
  env(base?: NodeJS.ProcessEnv): Record<string, string>;
  /** POST /moto-api/reset: drops all state. */
  reset(): Promise<void>;
  stop(): Promise<void>;
  /** Tail of the server's stdout+stderr (Python tracebacks for HTTP 500s end up here). */
  logTail(): string;
}

export declare function startMoto(options?: StartMotoOptions): Promise<MotoServer>;

export declare function actionOf(headers: Record<string, string | string[] | undefined>, url: string, body: string): string;

export interface CountingProxy {
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

export declare function countingProxy(target: string): Promise<CountingProxy>;
