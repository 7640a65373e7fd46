/**
 * What the router tests share: real HTTP servers on 127.0.0.1, a stubbed Lambda client for the
 * overflow, function URL events, and a fake of the runtime's response stream.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { Writable } from 'stream';
import { createRouter, RouterDependencies } from '../../../lib/targets/hybrid/router';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

export const servers: http.Server[] = [];
export const routers: Array<{ close(): void }> = [];
export const timers: NodeJS.Timeout[] = [];

/** A server on 127.0.0.1 whose handler sees the whole request body; resolves with its URL. */
export async function serve(handler: Handler): Promise<string> {
  return listen(http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks)));
  }));
}

/** Starts a server on a free port of 127.0.0.1 (closed by `closeAll`); resolves with its URL. */
export async function listen(server: http.Server): Promise<string> {
  servers.push(server);
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on: connections are refused. */
export async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>(r => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>(r => s.close(() => r()));
  return port;
}

export const later = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms));

/** Stops what the tests started: timers, routers' connection pools, servers (call from `afterAll`). */
export async function closeAll(): Promise<void> {
  timers.forEach(clearTimeout);
  routers.forEach(r => r.close());
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>(r => s.close(() => r()));
  }
}

export const BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
export const OVERFLOW_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:search-overflow:live';

/** The echo server: tells what it received. */
export const echo: Handler = (req, res, body) => {
  res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'x-model': 'm1', 'connection': 'keep-alive' });
  res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString('base64') }));
};

export interface StubOptions {
  readonly delayMs?: number;
  readonly result?: any;
  readonly functionError?: string;
  readonly throws?: { name: string; [k: string]: unknown };
}

/** A stubbed Lambda client: records invokes, answers after `delayMs`, honours the abort signal like the SDK. */
export function stubLambda(o: StubOptions = {}) {
  const invokes: any[] = [];
  class InvokeCommand {
    constructor(public readonly input: any) {}
  }
  const lambda = {
    send: (cmd: InvokeCommand, opts?: { abortSignal?: AbortSignal }) => new Promise<any>((resolve, reject) => {
      invokes.push({ ...cmd.input, event: JSON.parse(Buffer.from(cmd.input.Payload).toString()) });
      const t = setTimeout(() => {
        if (o.throws) {
          reject(Object.assign(new Error(o.throws.name), o.throws));
          return;
        }
        const result = o.result ?? { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"from":"overflow"}' };
        resolve({ StatusCode: 200, FunctionError: o.functionError, Payload: new TextEncoder().encode(JSON.stringify(result)) });
      }, o.delayMs ?? 5);
      timers.push(t);
      opts?.abortSignal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
      });
    }),
  };
  return { invokes, deps: { lambda, InvokeCommand } as RouterDependencies };
}

export function router(env: Record<string, string>, deps: RouterDependencies = {}) {
  const lines: string[] = [];
  const r = createRouter({ INFERENCE_WORKLOAD_NAME: 'search', ...env }, { log: l => lines.push(l), ...deps });
  routers.push(r);
  return { r, metrics: () => lines.map(l => JSON.parse(l)) };
}

export interface EventOptions {
  method?: string; path?: string; query?: string; headers?: Record<string, string>; body?: Buffer | string; cookies?: string[];
}

export function event(o: EventOptions = {}) {
  const body = o.body === undefined ? undefined : Buffer.isBuffer(o.body) ? o.body.toString('base64') : o.body;
  return {
    version: '2.0',
    rawPath: o.path ?? '/v1/embed',
    rawQueryString: o.query ?? '',
    headers: o.headers ?? {},
    cookies: o.cookies,
    requestContext: { http: { method: o.method ?? 'POST', sourceIp: '203.0.113.7' } },
    body,
    isBase64Encoded: Buffer.isBuffer(o.body),
  };
}

/** A fake of the runtime's `awslambda` global and of the response stream it hands the handler. */
export function fakeStreamRuntime() {
  const chunks: Array<{ at: number; data: Buffer }> = [];
  let prelude: any;
  let wroteBeforeEnd = false;
  let ended = false;
  const stream = new Writable({
    write(chunk, _enc, cb) {
      if (!ended) wroteBeforeEnd = true;
      chunks.push({ at: Date.now(), data: Buffer.from(chunk) });
      cb();
    },
    final(cb) {
      ended = true;
      cb();
    },
  });
  const awslambda = {
    streamifyResponse: (fn: any) => Object.assign(fn, { streamified: true }),
    HttpResponseStream: { from: (s: Writable, p: any) => { prelude = p; return s; } },
  };
  return {
    awslambda,
    stream,
    prelude: () => prelude,
    body: () => Buffer.concat(chunks.map(c => c.data)),
    chunks: () => chunks,
    wroteBeforeEnd: () => wroteBeforeEnd,
    finished: () => new Promise<void>(r => (stream.writableFinished ? r() : stream.once('finish', () => r()))),
  };
}
