/**
 * The control-plane router runs here as the real code (lib/targets/hybrid/router/index.js) against
 * real HTTP servers on 127.0.0.1, with a stubbed Lambda client for the overflow.
 */
import * as http from 'http';
import {
  BYTES, closeAll, echo, event, fakeStreamRuntime, freePort, Handler, later, OVERFLOW_ARN, router, serve, servers, stubLambda,
} from './router-helpers';
import { hybridTimeBudget, timeBudgetEnvironment } from '../../../lib/policy/time-budget';
import { handlerFor } from '../../../lib/targets/hybrid/router';

afterAll(closeAll);

describe('a faithful proxy', () => {
  test('passes method, path, query, end-to-end headers, cookies and a binary body through, and the answer back', async () => {
    const url = await serve(echo);
    const { r } = router({ DATA_PLANE_URL: url });
    const res = await r.buffered(event({
      method: 'PUT',
      path: '/v1/images/7',
      query: 'format=png&size=512',
      headers: { 'authorization': 'AWS4-HMAC-SHA256 Credential=x', 'traceparent': '00-abc-def-01', 'content-type': 'image/png', 'connection': 'close', 'te': 'trailers' },
      cookies: ['session=s1'],
      body: BYTES,
    }));
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-model']).toBe('m1');
    expect(res.headers.connection).toBeUndefined();
    expect(res.headers['x-inference-route']).toBe('data-plane');
    expect(res.cookies).toEqual(['a=1', 'b=2']);
    const seen = JSON.parse(res.body);
    expect(seen.method).toBe('PUT');
    expect(seen.url).toBe('/v1/images/7?format=png&size=512');
    expect(seen.headers).toMatchObject({ 'traceparent': '00-abc-def-01', 'content-type': 'image/png', 'x-forwarded-for': '203.0.113.7' });
    // the caller's credentials for the entry point do not reach the model server
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers.te).toBeUndefined();
    expect(Buffer.from(seen.body, 'base64').equals(BYTES)).toBe(true);
  });

  test('forwards the caller\'s authorization header and cookies only when FORWARD_CREDENTIALS is true', async () => {
    const url = await serve(echo);
    const { r } = router({ DATA_PLANE_URL: url, FORWARD_CREDENTIALS: 'true' });
    const res = await r.buffered(event({ headers: { authorization: 'Bearer t' }, cookies: ['session=s1', 'theme=dark'] }));
    expect(JSON.parse(res.body).headers).toMatchObject({ authorization: 'Bearer t', cookie: 'session=s1; theme=dark' });
  });

  test('never trusts a client-supplied X-Forwarded-For, Forwarded or X-Real-IP: the data plane sees the address API Gateway saw', async () => {
    const url = await serve(echo);
    const { r } = router({ DATA_PLANE_URL: url });
    const res = await r.buffered(event({ headers: { 'X-Forwarded-For': '10.0.0.1', 'forwarded': 'for=10.0.0.1', 'x-real-ip': '10.0.0.1' } }));
    const seen = JSON.parse(res.body).headers;
    expect(seen['x-forwarded-for']).toBe('203.0.113.7');
    expect(seen.forwarded).toBeUndefined();
    expect(seen['x-real-ip']).toBeUndefined();
  });

  test('reads an API Gateway REST API proxy event (payload 1.0): method, path, repeated query parameters, multi-value headers, source address', async () => {
    const url = await serve(echo);
    const { r } = router({ DATA_PLANE_URL: url });
    const res = await r.buffered({
      httpMethod: 'POST',
      path: '/v1/chat/completions',
      multiValueQueryStringParameters: { tag: ['a b', 'c&d'], n: ['1'] },
      queryStringParameters: { tag: 'c&d', n: '1' },
      headers: { 'X-Trace': 'two', 'Authorization': 'AWS4-HMAC-SHA256 x' },
      multiValueHeaders: { 'X-Trace': ['one', 'two'], 'Authorization': ['AWS4-HMAC-SHA256 x'], 'X-Forwarded-For': ['10.9.9.9, 198.51.100.1'] },
      requestContext: { identity: { sourceIp: '198.51.100.1' } },
      body: BYTES.toString('base64'),
      isBase64Encoded: true,
    });
    const seen = JSON.parse(res.body);
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/v1/chat/completions?tag=a%20b&tag=c%26d&n=1');
    expect(seen.headers['x-trace']).toBe('one, two');
    expect(seen.headers['x-forwarded-for']).toBe('198.51.100.1');
    expect(seen.headers.authorization).toBeUndefined();
    expect(Buffer.from(seen.body, 'base64').equals(BYTES)).toBe(true);
  });

  test.each(['GET', 'DELETE', 'PATCH', 'HEAD'])('forwards %s without a body', async (method) => {
    const url = await serve((req, res) => {
      res.writeHead(200, { 'x-method': req.method! });
      res.end();
    });
    const { r } = router({ DATA_PLANE_URL: url });
    const res = await r.buffered(event({ method }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-method']).toBe(method);
  });

  test('returns binary bytes intact (base64 in a buffered response) and does not relabel the content type', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(BYTES);
    });
    const { r } = router({ DATA_PLANE_URL: url });
    const res = await r.buffered(event({ body: '{}' }));
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.isBase64Encoded).toBe(true);
    expect(Buffer.from(res.body, 'base64').equals(BYTES)).toBe(true);
  });

  test('passes a 5xx of the model through with its body, without overflowing', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('CUDA error: out of memory');
    });
    const stub = stubLambda();
    const { r } = router({ DATA_PLANE_URL: url, OVERFLOW_FUNCTION: OVERFLOW_ARN }, stub.deps);
    const res = await r.buffered(event({ body: '{}' }));
    expect(res).toMatchObject({ statusCode: 500, body: 'CUDA error: out of memory', isBase64Encoded: false });
    expect(stub.invokes).toHaveLength(0);
  });

  test('answers 413 with a reason beyond the payload limit, before any forwarding', async () => {
    let hits = 0;
    const url = await serve((_req, res) => {
      hits++;
      res.end();
    });
    const { r } = router({ DATA_PLANE_URL: url, MAX_PAYLOAD_BYTES: '10' });
    const res = await r.buffered(event({ body: '{"a":"0123456789"}' }));
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body).message).toContain('more than the 10 bytes');
    expect(hits).toBe(0);
  });

  test('refuses a buffered answer over 6 MB with a 502 that says to stream', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.alloc(6 * 1024 * 1024 + 1));
    });
    const { r } = router({ DATA_PLANE_URL: url });
    const res = await r.buffered(event({ body: '{}' }));
    expect(res.statusCode).toBe(502);
    expect(JSON.parse(res.body).message).toContain('use the streaming entry point');
  });
});

describe('response streaming', () => {
  const sse: Handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let i = 0;
    const tick = () => {
      res.write(`data: token${i}\n\n`);
      if (++i < 3) later(80, tick);
      else res.end();
    };
    tick();
  };

  test('streams server-sent events chunk by chunk, with the data plane\'s status and content type', async () => {
    const url = await serve(sse);
    const rt = fakeStreamRuntime();
    const handler = handlerFor({ DATA_PLANE_URL: url, RESPONSE_STREAMING: 'true' }, { log: () => undefined }, rt.awslambda);
    expect((handler as any).streamified).toBe(true);
    await handler(event({ body: '{"prompt":"hi"}' }), rt.stream, {});
    await rt.finished();
    expect(rt.prelude()).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
    expect(rt.body().toString()).toBe('data: token0\n\ndata: token1\n\ndata: token2\n\n');
    const chunks = rt.chunks();
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    // the tokens arrived as they were produced, not all at once at the end
    expect(chunks[chunks.length - 1].at - chunks[0].at).toBeGreaterThanOrEqual(120);
  });

  test('streams the answer to a REST API proxy event (payload 1.0), the hybrid\'s default entry point', async () => {
    const url = await serve(echo);
    const rt = fakeStreamRuntime();
    const handler = handlerFor({ DATA_PLANE_URL: url, RESPONSE_STREAMING: 'true' }, { log: () => undefined }, rt.awslambda);
    await handler({
      httpMethod: 'POST',
      path: '/v1/chat/completions',
      multiValueHeaders: { 'Content-Type': ['application/json'] },
      requestContext: { identity: { sourceIp: '198.51.100.1' } },
      body: Buffer.from('{"prompt":"hi"}').toString('base64'),
      isBase64Encoded: true,
    }, rt.stream, {});
    await rt.finished();
    expect(rt.prelude()).toMatchObject({ statusCode: 201, headers: { 'content-type': 'application/json' }, cookies: ['a=1', 'b=2'] });
    const seen = JSON.parse(rt.body().toString());
    expect(seen).toMatchObject({ method: 'POST', url: '/v1/chat/completions', headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect(Buffer.from(seen.body, 'base64').toString()).toBe('{"prompt":"hi"}');
  });

  test('streams binary bytes intact and writes before ending even for an empty body', async () => {
    const url = await serve((req, res) => {
      res.writeHead(req.url === '/empty' ? 204 : 200, { 'content-type': 'application/octet-stream' });
      res.end(req.url === '/empty' ? undefined : BYTES);
    });
    const { r } = router({ DATA_PLANE_URL: url, RESPONSE_STREAMING: 'true' });
    const bin = fakeStreamRuntime();
    await r.streaming(event({ path: '/bin' }), bin.stream, {}, bin.awslambda);
    await bin.finished();
    expect(bin.body().equals(BYTES)).toBe(true);
    const empty = fakeStreamRuntime();
    await r.streaming(event({ path: '/empty' }), empty.stream, {}, empty.awslambda);
    await empty.finished();
    expect(empty.prelude().statusCode).toBe(204);
    expect(empty.wroteBeforeEnd()).toBe(true);
  });

  test('serves more than 6 MB when streaming', async () => {
    const big = Buffer.alloc(7 * 1024 * 1024, 7);
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(big);
    });
    const { r } = router({ DATA_PLANE_URL: url, RESPONSE_STREAMING: 'true' });
    const rt = fakeStreamRuntime();
    await r.streaming(event(), rt.stream, {}, rt.awslambda);
    await rt.finished();
    expect(rt.body().length).toBe(big.length);
  });

  test('a stream that stalls after the first token ends early and counts a stream error', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: token0\n\n');
    });
    const { r, metrics } = router({ DATA_PLANE_URL: url, RESPONSE_STREAMING: 'true', RESPONSE_TIMEOUT_MS: '150', DATA_PLANE_DEADLINE_MS: '1000' });
    const rt = fakeStreamRuntime();
    await r.streaming(event(), rt.stream, {}, rt.awslambda);
    await rt.finished();
    expect(rt.body().toString()).toBe('data: token0\n\n');
    expect(metrics().some(m => m.DataPlaneStreamErrors === 1)).toBe(true);
  });

  test('fails at load when streaming is asked of a runtime without awslambda.streamifyResponse', () => {
    expect(() => handlerFor({ DATA_PLANE_URL: 'http://127.0.0.1:1', RESPONSE_STREAMING: 'true' }, {}, undefined))
      .toThrow('RESPONSE_STREAMING is true but the runtime has no awslambda.streamifyResponse');
  });
});

describe('overflow and honest errors', () => {
  const shed: Handler = (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('busy');
  };

  test('sends shed load (503) to the overflow with the original event, and returns its answer', async () => {
    const url = await serve(shed);
    const stub = stubLambda({ result: { statusCode: 200, headers: { 'content-type': 'image/png' }, body: BYTES.toString('base64'), isBase64Encoded: true } });
    const { r, metrics } = router({ DATA_PLANE_URL: url, OVERFLOW_FUNCTION: OVERFLOW_ARN, OVERFLOW_TIMEOUT_MS: '1000' }, stub.deps);
    const res = await r.buffered(event({ path: '/v1/embed', query: 'q=1', body: '{}' }));
    expect(res.headers['x-inference-route']).toBe('overflow');
    expect(res.headers['content-type']).toBe('image/png');
    expect(Buffer.from(res.body, 'base64').equals(BYTES)).toBe(true);
    expect(stub.invokes).toEqual([expect.objectContaining({ FunctionName: OVERFLOW_ARN, event: expect.objectContaining({ rawPath: '/v1/embed', rawQueryString: 'q=1' }) })]);
    expect(metrics()).toEqual([expect.objectContaining({ Overflow: 1, OverflowErrors: 0, DataPlaneShed: 1 })]);
  });

  test('passes shed load through when there is no overflow function', async () => {
    const url = await serve(shed);
    const { r } = router({ DATA_PLANE_URL: url });
    expect(await r.buffered(event())).toMatchObject({ statusCode: 503, body: 'busy' });
  });

  test('an overflow function error is a 502 with a body, counted as an overflow error', async () => {
    const url = await serve(shed);
    const stub = stubLambda({ functionError: 'Unhandled', result: { errorType: 'Runtime.OutOfMemory', errorMessage: 'oom' } });
    const { r, metrics } = router({ DATA_PLANE_URL: url, OVERFLOW_FUNCTION: OVERFLOW_ARN, OVERFLOW_TIMEOUT_MS: '1000' }, stub.deps);
    const res = await r.buffered(event());
    expect(res.statusCode).toBe(502);
    expect(JSON.parse(res.body).message).toBe('the overflow function failed (Runtime.OutOfMemory)');
    expect(metrics()[0]).toMatchObject({ Overflow: 1, OverflowErrors: 1 });
  });

  test('an overflow answer that is not an HTTP response is a 502, not an empty 200', async () => {
    const url = await serve(shed);
    const stub = stubLambda({ result: { embedding: [0.1, 0.2] } });
    const { r } = router({ DATA_PLANE_URL: url, OVERFLOW_FUNCTION: OVERFLOW_ARN, OVERFLOW_TIMEOUT_MS: '1000' }, stub.deps);
    const res = await r.buffered(event());
    expect(res.statusCode).toBe(502);
    expect(JSON.parse(res.body).message).toContain('returned no HTTP response');
  });

  test('an overflow throttle is a 503 with Retry-After, not a crash', async () => {
    const url = await serve(shed);
    const stub = stubLambda({ throws: { name: 'TooManyRequestsException', retryAfterSeconds: '2', Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' } });
    const { r } = router({ DATA_PLANE_URL: url, OVERFLOW_FUNCTION: OVERFLOW_ARN, OVERFLOW_TIMEOUT_MS: '1000' }, stub.deps);
    const res = await r.buffered(event());
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
  });

  test('an overflow that misses its deadline is a 504', async () => {
    const url = await serve(shed);
    const stub = stubLambda({ delayMs: 5_000 });
    const { r } = router({ DATA_PLANE_URL: url, OVERFLOW_FUNCTION: OVERFLOW_ARN, OVERFLOW_TIMEOUT_MS: '150' }, stub.deps);
    const started = Date.now();
    const res = await r.buffered(event());
    expect(res.statusCode).toBe(504);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('the overflow deadline never passes the function\'s remaining time', async () => {
    const url = await serve(shed);
    const stub = stubLambda({ delayMs: 5_000 });
    const { r } = router({ DATA_PLANE_URL: url, OVERFLOW_FUNCTION: OVERFLOW_ARN, OVERFLOW_TIMEOUT_MS: '10000' }, stub.deps);
    const started = Date.now();
    const res = await r.buffered(event(), { getRemainingTimeInMillis: () => 400 });
    expect(res.statusCode).toBe(504);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('retries a refused connection once (nothing was sent), then answers', async () => {
    const port = await freePort();
    const { r } = router({ DATA_PLANE_URL: `http://127.0.0.1:${port}`, RETRY_DELAY_MS: '300' });
    // the data plane comes up between the first attempt and the retry
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('up'));
    servers.push(server);
    later(50, () => server.listen(port, '127.0.0.1'));
    const res = await r.buffered(event());
    expect(res).toMatchObject({ statusCode: 200, body: 'up' });
  });

  test('a data plane that refuses twice overflows; without overflow the answer is a 502 that says so', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const stub = stubLambda();
    const withOverflow = router({ DATA_PLANE_URL: url, OVERFLOW_FUNCTION: OVERFLOW_ARN, OVERFLOW_TIMEOUT_MS: '1000' }, stub.deps);
    expect((await withOverflow.r.buffered(event())).headers['x-inference-route']).toBe('overflow');
    const without = router({ DATA_PLANE_URL: url });
    const res = await without.r.buffered(event());
    expect(res.statusCode).toBe(502);
    expect(JSON.parse(res.body).message).toContain('ECONNREFUSED');
  });

  test.each([
    ['hangs without answering', (() => undefined) as Handler],
    ['stalls after the headers', ((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
    }) as Handler],
  ])('a data plane that %s is given up at its deadline: overflow, or 504 without it (buffered and streamed)', async (_name, handler) => {
    const url = await serve(handler);
    const env = { DATA_PLANE_URL: url, CONNECT_TIMEOUT_MS: '100', RESPONSE_TIMEOUT_MS: '200', DATA_PLANE_DEADLINE_MS: '300' };
    const stub = stubLambda();
    const withOverflow = router({ ...env, OVERFLOW_FUNCTION: OVERFLOW_ARN, OVERFLOW_TIMEOUT_MS: '1000' }, stub.deps);
    expect((await withOverflow.r.buffered(event())).headers['x-inference-route']).toBe('overflow');
    const rt = fakeStreamRuntime();
    await withOverflow.r.streaming(event(), rt.stream, {}, rt.awslambda);
    await rt.finished();
    expect(rt.prelude().headers['x-inference-route']).toBe('overflow');
    expect(rt.body().toString()).toBe('{"from":"overflow"}');
    const without = router(env);
    const started = Date.now();
    const res = await without.r.buffered(event());
    expect(res.statusCode).toBe(504);
    expect(Date.now() - started).toBeLessThan(800);
  });
});

describe('the time budget holds for an overflowing request', () => {
  // the renderer's formula, at a small scale: 300 ms data-plane deadline, an overflow of 400 ms
  // (its timeout) after a 200 ms cold start, 100 ms margin
  const budget = hybridTimeBudget({
    dataPlaneDeadlineMs: 300, overflowFunctionTimeoutMs: 400, overflowColdStartMs: 200, connectTimeoutMs: 100, marginMs: 100,
  });

  test('the figures add up', () => {
    expect(budget).toMatchObject({
      connectTimeoutMs: 100, responseTimeoutMs: 200, overflowTimeoutMs: 600, overflowNeedMs: 600, controlPlaneTimeoutSeconds: 1,
    });
    expect(budget.dataPlaneDeadlineMs + budget.overflowTimeoutMs + budget.marginMs).toBeLessThanOrEqual(budget.controlPlaneTimeoutSeconds * 1000);
  });

  test.each([
    ['slow', ((_req, res) => later(2_000, () => res.end('late'))) as Handler],
    ['hanging', (() => undefined) as Handler],
  ])('after a %s data plane, an overflow that takes its whole cold start and most of its run finishes inside the control-plane timeout', async (_name, handler) => {
    const url = await serve(handler);
    const stub = stubLambda({ delayMs: 200 + 350 });
    const { r } = router({ DATA_PLANE_URL: url, OVERFLOW_FUNCTION: OVERFLOW_ARN, ...timeBudgetEnvironment(budget) }, stub.deps);
    const started = Date.now();
    const res = await r.buffered(event({ body: '{}' }), { getRemainingTimeInMillis: () => budget.controlPlaneTimeoutSeconds * 1000 - (Date.now() - started) });
    const elapsed = Date.now() - started;
    expect(res.headers['x-inference-route']).toBe('overflow');
    expect(res.statusCode).toBe(200);
    expect(elapsed).toBeLessThan(budget.controlPlaneTimeoutSeconds * 1000);
    expect(elapsed).toBeGreaterThanOrEqual(budget.dataPlaneDeadlineMs);
  });

  test('caps the control plane at Lambda\'s 900 s and gives the overflow what is left', () => {
    const capped = hybridTimeBudget({ dataPlaneDeadlineMs: 600_000, overflowFunctionTimeoutMs: 900_000 });
    expect(capped.controlPlaneTimeoutSeconds).toBe(900);
    expect(capped.overflowTimeoutMs).toBe(900_000 - 600_000 - 1_000);
    expect(capped.overflowTimeoutMs).toBeLessThan(capped.overflowNeedMs);
  });
});

describe('metrics (CloudWatch Embedded Metric Format)', () => {
  test('one EMF line per request with the data-plane latency', async () => {
    const url = await serve(echo);
    const { r, metrics } = router({ DATA_PLANE_URL: url, METRICS_NAMESPACE: 'InferenceWorkload/Hybrid' });
    await r.buffered(event());
    const [line] = metrics();
    expect(line._aws.CloudWatchMetrics).toEqual([{
      Namespace: 'InferenceWorkload/Hybrid',
      Dimensions: [['WorkloadName']],
      Metrics: [{ Name: 'DataPlaneLatency', Unit: 'Milliseconds' }],
    }]);
    expect(line).toMatchObject({ WorkloadName: 'search', DataPlaneLatency: expect.any(Number) });
  });
});
