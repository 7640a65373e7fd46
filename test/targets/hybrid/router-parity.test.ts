/**
 * Streaming and buffered modes of the router answer the same cases the same way: one table of
 * cases, each run through both modes against real HTTP servers on 127.0.0.1 (status, headers with
 * Set-Cookie and other multi-value headers, binary bodies both ways, the model's errors and the
 * router's own 502/503/504).
 */
import {
  BYTES, closeAll, event, EventOptions, fakeStreamRuntime, freePort, Handler, OVERFLOW_ARN, router, serve, stubLambda,
} from './router-helpers';
import { RouterDependencies } from '../../../lib/targets/hybrid/router';

afterAll(closeAll);

/** What a client sees, whichever mode served it. */
interface Seen {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies: string[];
  readonly body: Buffer;
}

type Mode = (env: Record<string, string>, deps: RouterDependencies, e: ReturnType<typeof event>) => Promise<Seen>;

const buffered: Mode = async (env, deps, e) => {
  const res = await router(env, deps).r.buffered(e);
  return { statusCode: res.statusCode, headers: res.headers, cookies: res.cookies ?? [], body: Buffer.from(res.body, res.isBase64Encoded ? 'base64' : 'utf8') };
};

const streaming: Mode = async (env, deps, e) => {
  const rt = fakeStreamRuntime();
  await router({ ...env, RESPONSE_STREAMING: 'true' }, deps).r.streaming(e, rt.stream, {}, rt.awslambda);
  await rt.finished();
  const prelude = rt.prelude();
  return { statusCode: prelude.statusCode, headers: prelude.headers, cookies: prelude.cookies ?? [], body: rt.body() };
};

const MODES: Array<[string, Mode]> = [['buffered', buffered], ['streaming', streaming]];

interface Case {
  /** The data plane; undefined: nothing listens (connections are refused). */
  readonly dataPlane?: Handler;
  readonly env?: Record<string, string>;
  /** A fresh stubbed overflow per run. */
  readonly overflow?: () => ReturnType<typeof stubLambda>;
  readonly request?: EventOptions;
  readonly statusCode: number;
  readonly route: 'data-plane' | 'overflow';
  /** Headers the client must see, exactly. */
  readonly headers?: Record<string, string>;
  /** Headers the client must not see. */
  readonly absent?: string[];
  readonly cookies?: string[];
  /** The body, byte for byte; or, for the router's own JSON answers, text its message contains. */
  readonly body?: Buffer;
  readonly message?: string;
}

const answer = (statusCode: number, contentType: string, body: string): Handler => (_req, res) => {
  res.writeHead(statusCode, { 'content-type': contentType });
  res.end(body);
};
const hang: Handler = () => undefined;
const DEADLINE = { CONNECT_TIMEOUT_MS: '100', RESPONSE_TIMEOUT_MS: '200', DATA_PLANE_DEADLINE_MS: '300' };

const CASES: Array<[string, Case]> = [
  ['several Set-Cookie values, multi-value headers, hop-by-hop headers dropped', {
    dataPlane: (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('set-cookie', ['session=s1; Path=/; HttpOnly', 'theme=dark; Secure', 'lang=en']);
      // sent as separate header lines; Node.js joins them with ', ' (RFC 9110 section 5.3)
      res.setHeader('x-multi', ['one', 'two']);
      res.setHeader('link', ['</a.css>; rel=preload', '</b.js>; rel=preload']);
      res.setHeader('vary', ['accept', 'accept-encoding']);
      res.setHeader('cache-control', 'no-store');
      res.setHeader('keep-alive', 'timeout=5');
      res.setHeader('connection', 'keep-alive');
      res.writeHead(201);
      res.end('{"ok":true}');
    },
    statusCode: 201,
    route: 'data-plane',
    headers: {
      'content-type': 'application/json',
      'x-multi': 'one, two',
      'link': '</a.css>; rel=preload, </b.js>; rel=preload',
      'vary': 'accept, accept-encoding',
      'cache-control': 'no-store',
    },
    absent: ['set-cookie', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'],
    cookies: ['session=s1; Path=/; HttpOnly', 'theme=dark; Secure', 'lang=en'],
    body: Buffer.from('{"ok":true}'),
  }],
  ['a binary answer to a binary request, byte for byte', {
    dataPlane: (req, res, body) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-request-type': String(req.headers['content-type']) });
      res.end(Buffer.concat([body, Buffer.from([0xff, 0x00])]));
    },
    request: { headers: { 'content-type': 'image/png' }, body: BYTES },
    statusCode: 200,
    route: 'data-plane',
    headers: { 'content-type': 'application/octet-stream', 'x-request-type': 'image/png' },
    body: Buffer.concat([BYTES, Buffer.from([0xff, 0x00])]),
  }],
  ['an empty 204', {
    dataPlane: (_req, res) => res.writeHead(204, { 'x-model': 'm1' }).end(),
    statusCode: 204,
    route: 'data-plane',
    headers: { 'x-model': 'm1' },
    body: Buffer.alloc(0),
  }],
  ['a 404 of the model, with its body', {
    dataPlane: answer(404, 'text/plain', 'no such model'),
    statusCode: 404,
    route: 'data-plane',
    headers: { 'content-type': 'text/plain' },
    body: Buffer.from('no such model'),
  }],
  ...[502, 503, 504].map((status): [string, Case] => [`a ${status} of the model passes through with its body (no overflow configured)`, {
    dataPlane: answer(status, 'text/plain', `model says ${status}`),
    statusCode: status,
    route: 'data-plane',
    headers: { 'content-type': 'text/plain' },
    body: Buffer.from(`model says ${status}`),
  }]),
  ['a refused connection: the router\'s 502, saying why', {
    env: { RETRY_DELAY_MS: '1' },
    statusCode: 502,
    route: 'data-plane',
    headers: { 'content-type': 'application/json' },
    message: 'the data plane could not be reached (ECONNREFUSED)',
  }],
  ['a data plane silent past its deadline: the router\'s 504', {
    dataPlane: hang,
    env: DEADLINE,
    statusCode: 504,
    route: 'data-plane',
    headers: { 'content-type': 'application/json' },
    message: 'the data plane did not answer within its 300 ms deadline',
  }],
  ['shed load to a throttled overflow: the router\'s 503 with Retry-After', {
    dataPlane: answer(503, 'text/plain', 'busy'),
    overflow: () => stubLambda({ throws: { name: 'TooManyRequestsException', retryAfterSeconds: '2' } }),
    statusCode: 503,
    route: 'overflow',
    headers: { 'content-type': 'application/json', 'retry-after': '2' },
    message: 'the overflow function is throttled',
  }],
  ['shed load to an overflow that fails: the router\'s 502', {
    dataPlane: answer(429, 'text/plain', 'slow down'),
    overflow: () => stubLambda({ functionError: 'Unhandled', result: { errorType: 'Runtime.ExitError' } }),
    statusCode: 502,
    route: 'overflow',
    message: 'the overflow function failed (Runtime.ExitError)',
  }],
  ['a hanging data plane, then an overflow that misses its deadline: the router\'s 504', {
    dataPlane: hang,
    env: { ...DEADLINE, OVERFLOW_TIMEOUT_MS: '100' },
    overflow: () => stubLambda({ delayMs: 5_000 }),
    statusCode: 504,
    route: 'overflow',
    message: 'the overflow function did not answer within its 100 ms deadline',
  }],
  ['the overflow\'s binary answer with its cookies and multi-value headers', {
    dataPlane: answer(503, 'text/plain', 'busy'),
    overflow: () => stubLambda({
      result: {
        statusCode: 200,
        headers: { 'content-type': 'image/png' },
        multiValueHeaders: { 'x-multi': ['one', 'two'] },
        cookies: ['o=1', 'p=2; Secure'],
        body: BYTES.toString('base64'),
        isBase64Encoded: true,
      },
    }),
    statusCode: 200,
    route: 'overflow',
    headers: { 'content-type': 'image/png', 'x-multi': 'one, two' },
    cookies: ['o=1', 'p=2; Secure'],
    body: BYTES,
  }],
];

describe.each(MODES)('%s mode', (_mode, via) => {
  test.each(CASES)('%s', async (_name, c) => {
    const url = c.dataPlane ? await serve(c.dataPlane) : `http://127.0.0.1:${await freePort()}`;
    const stub = c.overflow?.();
    const env = { DATA_PLANE_URL: url, ...(stub ? { OVERFLOW_FUNCTION: OVERFLOW_ARN, OVERFLOW_TIMEOUT_MS: '1000' } : {}), ...c.env };
    const seen = await via(env, stub?.deps ?? {}, event({ body: '{}', ...c.request }));

    expect(seen.statusCode).toBe(c.statusCode);
    expect(seen.headers['x-inference-route']).toBe(c.route);
    expect(seen.headers).toMatchObject(c.headers ?? {});
    for (const name of c.absent ?? []) {
      expect(seen.headers[name]).toBeUndefined();
    }
    expect(seen.cookies).toEqual(c.cookies ?? []);
    if (c.body !== undefined) {
      expect(seen.body.toString('hex')).toBe(c.body.toString('hex'));
    }
    if (c.message !== undefined) {
      expect(JSON.parse(seen.body.toString('utf8')).message).toContain(c.message);
    }
    expect(stub?.invokes.length ?? 0).toBe(c.route === 'overflow' ? 1 : 0);
  });
});
