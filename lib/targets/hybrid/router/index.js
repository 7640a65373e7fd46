'use strict';
/**
 * Control-plane router of a hybrid inference workload (Lambda, Node.js 24; built-ins and the AWS
 * SDK v3 the runtime provides, nothing else). A faithful HTTP proxy from API Gateway (or a function
 * URL) to the GPU data plane behind an internal NLB: every method, path and query string,
 * end-to-end headers (hop-by-hop stripped), binary-safe bodies both ways, status codes and content
 * types passed through. When the data plane sheds load (429/503), refuses the connection twice,
 * or does not answer by its deadline, and an overflow function is configured, the request goes to
 * the overflow function within what is left of the time budget.
 *
 * Time budget (set by the hybrid renderer; all in ms):
 * - CONNECT_TIMEOUT_MS: TCP connect to the data plane;
 * - RESPONSE_TIMEOUT_MS: from connect to the first byte of the answer, and the longest silence
 *   between two chunks of a streamed answer;
 * - DATA_PLANE_DEADLINE_MS: from the request's arrival, by when the data plane must have answered
 *   (status and first chunk when streaming, the whole body when buffered); after it, overflow;
 * - OVERFLOW_TIMEOUT_MS: the overflow invoke, cold start included;
 * - MARGIN_MS: what the router keeps to write the answer (the overflow never runs into it).
 * The function's own timeout is at least DATA_PLANE_DEADLINE_MS + OVERFLOW_TIMEOUT_MS plus a margin.
 *
 * Events: an API Gateway REST API Lambda proxy event (payload format 1.0: `httpMethod`, `path`,
 * `multiValueQueryStringParameters`, `multiValueHeaders`, `requestContext.identity.sourceIp`), which
 * a REST API in response-streaming mode also sends
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html),
 * or a function URL / HTTP API event (payload format 2.0).
 *
 * What the data plane sees of the caller: the router is the last proxy before it, so it decides
 * which request headers are trusted. `X-Forwarded-For` (and `Forwarded`, `X-Real-IP`) sent by the
 * client are dropped, never trusted: the router sets `X-Forwarded-For` to the address API Gateway
 * or Lambda saw (`sourceIp`). The caller's `Authorization` header and cookies (a SigV4 signature or
 * session for the entry point, not for the model server) are dropped unless FORWARD_CREDENTIALS is
 * 'true'.
 *
 * Other configuration: DATA_PLANE_URL, OVERFLOW_FUNCTION (ARN of the overflow alias; absent: no
 * overflow), LAMBDA_ENDPOINT_URL (the Lambda interface VPC endpoint), MAX_PAYLOAD_BYTES,
 * RESPONSE_STREAMING ('true': the handler streams, for a REST API integration in STREAM mode),
 * FORWARD_CREDENTIALS, METRICS_NAMESPACE, INFERENCE_WORKLOAD_NAME, and:
 * - DATA_PLANE_IDLE_TIMEOUT_MS (default 60000): how long a keep-alive connection to the data plane
 *   may sit idle in the pool before the router closes it. It must stay below the idle timeout of the
 *   load balancer in front of the data plane, so the router never reuses a flow the load balancer
 *   has already forgotten: a Network Load Balancer closes TCP flows idle for more than 350 s by
 *   default (60-6000 s when configured; TLS listeners 350 s, fixed), and answers a later packet on
 *   them with a TCP RST
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html).
 *
 * Retries (at most one per request, within the data-plane deadline): a refused connection (nothing
 * was sent), and a reused keep-alive connection reset (ECONNRESET, EPIPE, "socket hang up") before
 * any byte of the answer arrived; the retry goes on a new connection. The request body is always held
 * whole in memory (an API Gateway or function URL event carries it), so it can be sent again. Once any byte of the
 * answer has arrived, nothing is retried. Node.js marks a request sent on a reused socket with
 * `request.reusedSocket` for exactly this retry
 * (https://nodejs.org/docs/latest-v20.x/api/http.html#requestreusedsocket).
 *
 * Metrics go to stdout in CloudWatch Embedded Metric Format (no SDK call):
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
const http = require('node:http');
const https = require('node:https');

/** Lambda's limit on a buffered response and on a synchronous invoke request: 6 MB (Lambda quotas). */
const SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;
/** RFC 9110 section 7.6.1 connection options, plus headers the proxy sets itself. */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host', 'content-length', 'expect',
]);
/** Client-supplied forwarding headers: untrusted, dropped; the router sets X-Forwarded-For itself. */
const FORWARDING = new Set(['x-forwarded-for', 'forwarded', 'x-real-ip']);
/** The caller's credentials for the entry point (dropped unless FORWARD_CREDENTIALS is 'true'). */
const CREDENTIALS = new Set(['authorization', 'cookie']);
const ROUTE_HEADER = 'x-inference-route';
/** Idle keep-alive connections are closed after this long by default: well below an NLB's 350 s (see the header). */
const DEFAULT_IDLE_TIMEOUT_MS = 60000;
/** Errors of a connection the peer reset or closed; on a reused socket before any answer, the pool held a dead flow. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

function readConfig(env) {
  const num = (key, fallback) => (env[key] === undefined || env[key] === '' ? fallback : Number(env[key]));
  return {
    dataPlaneUrl: new URL(env.DATA_PLANE_URL || 'http://127.0.0.1'),
    overflowFunction: env.OVERFLOW_FUNCTION || '',
    maxPayloadBytes: num('MAX_PAYLOAD_BYTES', SYNC_PAYLOAD_LIMIT),
    connectTimeoutMs: num('CONNECT_TIMEOUT_MS', 1000),
    responseTimeoutMs: num('RESPONSE_TIMEOUT_MS', 2000),
    dataPlaneDeadlineMs: num('DATA_PLANE_DEADLINE_MS', 3000),
    overflowTimeoutMs: num('OVERFLOW_TIMEOUT_MS', 0),
    retryDelayMs: num('RETRY_DELAY_MS', 25),
    idleTimeoutMs: num('DATA_PLANE_IDLE_TIMEOUT_MS', DEFAULT_IDLE_TIMEOUT_MS),
    marginMs: num('MARGIN_MS', 250),
    streaming: env.RESPONSE_STREAMING === 'true',
    forwardCredentials: env.FORWARD_CREDENTIALS === 'true',
    namespace: env.METRICS_NAMESPACE || 'InferenceWorkload/Hybrid',
    workloadName: env.INFERENCE_WORKLOAD_NAME || 'unknown',
  };
}

/** A response the router produced itself (rejections, errors): JSON, labelled with its route. */
function own(statusCode, message, route, extraHeaders) {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', [ROUTE_HEADER]: route, ...extraHeaders },
    cookies: [],
    body: Buffer.from(JSON.stringify({ message })),
  };
}

/** The query string of a payload format 1.0 event (API Gateway hands it over decoded). */
function queryOf(event) {
  const multi = event.multiValueQueryStringParameters;
  const single = event.queryStringParameters;
  const pairs = [];
  for (const [name, values] of Object.entries(multi || {})) {
    for (const value of [].concat(values)) pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  if (!multi) {
    for (const [name, value] of Object.entries(single || {})) pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  return pairs.join('&');
}

/** The request as the data plane should see it, from a REST API (1.0) or function URL / HTTP API (2.0) event. */
function requestOf(event, cfg) {
  const v1 = typeof event.httpMethod === 'string';
  const context = event.requestContext || {};
  const sourceIp = v1 ? (context.identity || {}).sourceIp : (context.http || {}).sourceIp;
  const headers = {};
  const incoming = v1 && event.multiValueHeaders ? event.multiValueHeaders : (event.headers || {});
  for (const [name, value] of Object.entries(incoming)) {
    const key = name.toLowerCase();
    if (HOP_BY_HOP.has(key) || FORWARDING.has(key)) continue;
    if (CREDENTIALS.has(key) && !cfg.forwardCredentials) continue;
    headers[key] = Array.isArray(value) ? value.join(key === 'cookie' ? '; ' : ', ') : value;
  }
  if (cfg.forwardCredentials && Array.isArray(event.cookies) && event.cookies.length > 0) headers.cookie = event.cookies.join('; ');
  // the address API Gateway or Lambda saw, and nothing the client claimed before it
  if (sourceIp) headers['x-forwarded-for'] = sourceIp;
  const raw = event.body === undefined || event.body === null ? '' : event.body;
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  return {
    method: ((v1 ? event.httpMethod : (context.http || {}).method) || 'GET').toUpperCase(),
    path: (v1 ? event.path : event.rawPath) || '/',
    query: v1 ? queryOf(event) : (event.rawQueryString || ''),
    headers,
    body,
  };
}

/** Response headers a client may see: end-to-end only; set-cookie goes to `cookies`. */
function responseHeadersOf(incoming) {
  const headers = {};
  const cookies = [];
  for (const [name, value] of Object.entries(incoming)) {
    if (HOP_BY_HOP.has(name)) continue;
    if (name === 'set-cookie') {
      cookies.push(...[].concat(value));
      continue;
    }
    headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return { headers, cookies };
}

/** Text that a buffered function URL response can carry as UTF-8; everything else goes as base64. */
function isText(contentType) {
  const type = String(contentType || '').toLowerCase();
  return type.startsWith('text/') || /(json|xml|javascript|x-www-form-urlencoded|event-stream)/.test(type);
}

function joinPath(base, path) {
  return `${base.replace(/\/$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * One request to the data plane. Resolves (never rejects) with either a failure
 * (`refused` | `reset` | `connect-timeout` | `timeout` | `stalled` | `too-large` | `error`) or an answer:
 * status, headers and, when `collect`, the whole body; otherwise the first chunk and the paused
 * response to stream the rest from.
 */
function callDataPlane(cfg, agent, req, deadlineAt, collect) {
  return new Promise((resolve) => {
    const url = cfg.dataPlaneUrl;
    const transport = url.protocol === 'https:' ? https : http;
    let settled = false;
    let connected = false;
    let answered = false;
    let connectTimer;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(deadlineTimer);
      resolve(result);
    };
    const fail = (failure, detail) => {
      request.destroy();
      finish({ failure, detail });
    };
    const request = transport.request({
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      method: req.method,
      path: joinPath(url.pathname, req.path) + (req.query ? `?${req.query}` : ''),
      headers: { ...req.headers, 'content-length': String(req.body.length) },
      agent,
    });
    // the first byte must arrive within connect + response timeout, and never after the deadline
    const firstByteAt = Math.min(Date.now() + cfg.connectTimeoutMs + cfg.responseTimeoutMs, deadlineAt);
    const deadlineTimer = setTimeout(() => {
      if (!connected) fail('connect-timeout');
      else fail(answered ? 'stalled' : 'timeout');
    }, Math.max(0, firstByteAt - Date.now()));
    request.on('socket', (socket) => {
      if (!socket.connecting) {
        connected = true;
        return;
      }
      connectTimer = setTimeout(() => fail('connect-timeout'), cfg.connectTimeoutMs);
      socket.once('connect', () => {
        connected = true;
        clearTimeout(connectTimer);
      });
    });
    request.on('error', (e) => {
      const code = e && e.code;
      // a reused keep-alive socket that the peer reset before any byte of the answer: the flow was dead
      const reset = request.reusedSocket && !answered && RESET_CODES.has(code);
      finish({ failure: code === 'ECONNREFUSED' ? 'refused' : reset ? 'reset' : 'error', detail: e && (code || e.message) });
    });
    request.on('response', (res) => {
      answered = true;
      const { headers, cookies } = responseHeadersOf(res.headers);
      const head = { statusCode: res.statusCode, headers, cookies };
      res.on('error', (e) => finish({ failure: 'stalled', detail: e && (e.code || e.message) }));
      if (collect) {
        // a buffered answer must be complete before the deadline: until then nothing went to the client
        clearTimeout(deadlineTimer);
        const bodyTimer = setTimeout(() => fail('stalled'), Math.max(0, deadlineAt - Date.now()));
        const chunks = [];
        let size = 0;
        res.on('data', (chunk) => {
          size += chunk.length;
          if (size > SYNC_PAYLOAD_LIMIT) {
            clearTimeout(bodyTimer);
            fail('too-large');
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(bodyTimer);
          finish({ ...head, body: Buffer.concat(chunks) });
        });
        res.on('close', () => clearTimeout(bodyTimer));
        return;
      }
      // streaming: commit only once the first chunk (or the end) arrived, so a stall before it can still overflow
      res.once('data', (chunk) => {
        res.pause();
        finish({ ...head, first: chunk, stream: res });
      });
      res.once('end', () => finish({ ...head, first: Buffer.alloc(0), stream: undefined }));
    });
    request.end(req.body);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Closes the keep-alive sockets waiting in an agent's pool (Node.js removes destroyed ones from `freeSockets`). */
function dropIdleSockets(agent) {
  if (!agent || !agent.freeSockets) return;
  for (const sockets of Object.values(agent.freeSockets)) {
    for (const socket of sockets) socket.destroy();
  }
}

/** Errors of the Lambda Invoke API, mapped to what the caller should see (SDK v3 exception names). */
function overflowFailure(e, aborted, timeoutMs) {
  if (aborted) {
    return { response: own(504, `the overflow function did not answer within its ${timeoutMs} ms deadline`, 'overflow'), error: 'OverflowTimeout' };
  }
  const name = (e && e.name) || 'Error';
  if (name === 'TooManyRequestsException') {
    // the overflow is out of concurrency: the caller should come back, not see a server error
    const retryAfter = String(Math.max(1, Math.ceil(Number(e.retryAfterSeconds) || 1)));
    return { response: own(503, 'the overflow function is throttled; retry later', 'overflow', { 'retry-after': retryAfter }), error: 'OverflowThrottle' };
  }
  if (name === 'RequestTooLargeException') {
    return { response: own(413, 'the request is larger than the overflow function accepts', 'overflow'), error: 'OverflowRejected' };
  }
  return { response: own(502, `the overflow invoke failed (${name})`, 'overflow'), error: 'OverflowInvokeError' };
}

/** The overflow function's answer (an API Gateway / function URL response object), or an honest error. */
function overflowResponse(out) {
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  let result;
  try {
    result = text ? JSON.parse(text) : undefined;
  } catch (e) {
    result = undefined;
  }
  if (out.FunctionError) {
    const errorType = (result && result.errorType) || out.FunctionError;
    return { response: own(502, `the overflow function failed (${errorType})`, 'overflow'), error: 'OverflowFunctionError' };
  }
  const status = result && result.statusCode;
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    return {
      response: own(502, 'the overflow function returned no HTTP response (an object with a statusCode between 100 and 599)', 'overflow'),
      error: 'OverflowBadResponse',
    };
  }
  const headers = {};
  for (const [name, value] of Object.entries(result.headers || {})) {
    if (!HOP_BY_HOP.has(name.toLowerCase())) headers[name.toLowerCase()] = String(value);
  }
  for (const [name, values] of Object.entries(result.multiValueHeaders || {})) {
    if (!HOP_BY_HOP.has(name.toLowerCase())) headers[name.toLowerCase()] = [].concat(values).join(', ');
  }
  headers[ROUTE_HEADER] = 'overflow';
  const raw = result.body === undefined || result.body === null ? '' : String(result.body);
  return {
    response: {
      statusCode: status,
      headers,
      cookies: Array.isArray(result.cookies) ? result.cookies : [],
      body: result.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8'),
    },
  };
}

/**
 * Builds the router. `deps.lambda` is an SDK v3 LambdaClient (or a stub with `send(command, { abortSignal })`),
 * `deps.InvokeCommand` its command class; both are loaded from the runtime's SDK when absent.
 */
function createRouter(env, deps) {
  const cfg = readConfig(env || {});
  const d = deps || {};
  const log = d.log || ((line) => process.stdout.write(`${line}\n`));
  const now = d.now || Date.now;
  // `timeout` closes a pooled socket after that long idle (Node.js http.Agent destroys a free socket on timeout)
  const agent = d.agent !== undefined ? d.agent
    : new (cfg.dataPlaneUrl.protocol === 'https:' ? https : http).Agent({ keepAlive: true, timeout: cfg.idleTimeoutMs });
  let lambda = d.lambda;
  let InvokeCommand = d.InvokeCommand;
  const sdk = () => {
    if (!lambda || !InvokeCommand) {
      const client = require('@aws-sdk/client-lambda');
      InvokeCommand = InvokeCommand || client.InvokeCommand;
      // no hidden retries: a throttle is answered at once (503 + Retry-After) instead of eating the budget
      lambda = lambda || new client.LambdaClient({ maxAttempts: 1, ...(env.LAMBDA_ENDPOINT_URL ? { endpoint: env.LAMBDA_ENDPOINT_URL } : {}) });
    }
    return { lambda, InvokeCommand };
  };

  function emit(values) {
    const metrics = Object.keys(values).map((name) => ({ Name: name, Unit: name.endsWith('Latency') ? 'Milliseconds' : 'Count' }));
    log(JSON.stringify({
      _aws: { Timestamp: now(), CloudWatchMetrics: [{ Namespace: cfg.namespace, Dimensions: [['WorkloadName']], Metrics: metrics }] },
      WorkloadName: cfg.workloadName,
      ...values,
    }));
  }

  async function overflow(event, context) {
    // what is left of the function's own time, less a margin to write the answer, caps the deadline
    const remaining = context && typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() - cfg.marginMs : Infinity;
    const timeoutMs = Math.max(0, Math.min(cfg.overflowTimeoutMs, remaining));
    const payload = Buffer.from(JSON.stringify(event));
    if (payload.length > SYNC_PAYLOAD_LIMIT) {
      return { response: own(413, `the request does not fit the overflow invoke limit of ${SYNC_PAYLOAD_LIMIT} bytes`, 'overflow'), error: 'OverflowRejected' };
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const { lambda: client, InvokeCommand: Command } = sdk();
      const out = await client.send(new Command({ FunctionName: cfg.overflowFunction, Payload: payload }), { abortSignal: controller.signal });
      return overflowResponse(out);
    } catch (e) {
      return overflowFailure(e, controller.signal.aborted, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Routes one request; resolves with a response whose body is a Buffer, or a data-plane stream. */
  async function route(event, context, collect) {
    const startedAt = now();
    const req = requestOf(event, cfg);
    if (req.body.length > cfg.maxPayloadBytes) {
      return own(413, `the request body has ${req.body.length} bytes, more than the ${cfg.maxPayloadBytes} bytes this endpoint accepts`, 'control-plane');
    }
    const deadlineAt = startedAt + cfg.dataPlaneDeadlineMs;
    let answer = await callDataPlane(cfg, agent, req, deadlineAt, collect);
    // retry only what is safe, once: a refused connection (no byte of the request reached the data
    // plane), or a reused connection reset before any byte of the answer (a flow the load balancer
    // had dropped); the body is in memory, so it is sent again whole
    if (answer.failure === 'refused' && now() + cfg.retryDelayMs < deadlineAt) {
      await sleep(cfg.retryDelayMs);
      answer = await callDataPlane(cfg, agent, req, deadlineAt, collect);
    } else if (answer.failure === 'reset' && now() < deadlineAt) {
      // the other idle sockets in the pool went quiet as long as this one: close them, so the retry connects anew
      dropIdleSockets(agent);
      answer = await callDataPlane(cfg, agent, req, deadlineAt, collect);
    }
    const latency = now() - startedAt;
    const shed = !answer.failure && (answer.statusCode === 429 || answer.statusCode === 503);
    if (answer.failure === 'too-large') {
      emit({ DataPlaneLatency: latency, DataPlaneErrors: 1 });
      return own(502, `the data plane answered with more than ${SYNC_PAYLOAD_LIMIT} bytes, the limit of a buffered response; use the streaming entry point (the hybrid's default REST API)`, 'data-plane');
    }
    if ((answer.failure || shed) && cfg.overflowFunction) {
      if (answer.stream) answer.stream.destroy();
      const result = await overflow(event, context);
      emit({
        ...(answer.failure ? { DataPlaneErrors: 1 } : { DataPlaneLatency: latency, DataPlaneShed: 1 }),
        Overflow: 1,
        OverflowErrors: result.error ? 1 : 0,
        OverflowLatency: now() - startedAt - latency,
      });
      return result.response;
    }
    if (answer.failure) {
      emit({ DataPlaneErrors: 1 });
      const timedOut = answer.failure === 'connect-timeout' || answer.failure === 'timeout' || answer.failure === 'stalled';
      return own(timedOut ? 504 : 502, timedOut
        ? `the data plane did not answer within its ${cfg.dataPlaneDeadlineMs} ms deadline (${answer.failure})`
        : `the data plane could not be reached (${answer.detail || answer.failure})`, 'data-plane');
    }
    emit({ DataPlaneLatency: latency, ...(shed ? { DataPlaneShed: 1 } : {}) });
    return { ...answer, headers: { ...answer.headers, [ROUTE_HEADER]: 'data-plane' } };
  }

  /** Buffered mode (function URL BUFFERED, HTTP API, direct invoke): an API Gateway v2 response object. */
  async function buffered(event, context) {
    const res = await route(event, context, true);
    const text = isText(res.headers['content-type']);
    const result = {
      statusCode: res.statusCode,
      headers: res.headers,
      ...(res.cookies.length > 0 ? { cookies: res.cookies } : {}),
      body: text ? res.body.toString('utf8') : res.body.toString('base64'),
      isBase64Encoded: !text,
    };
    if (Buffer.byteLength(JSON.stringify(result)) > SYNC_PAYLOAD_LIMIT) {
      const tooLarge = own(502, `the response is larger than ${SYNC_PAYLOAD_LIMIT} bytes, the limit of a buffered response; use the streaming entry point (the hybrid's default REST API)`, res.headers[ROUTE_HEADER]);
      return { statusCode: 502, headers: tooLarge.headers, body: tooLarge.body.toString('utf8'), isBase64Encoded: false };
    }
    return result;
  }

  /** Streaming mode (REST API integration in STREAM mode, or InvokeWithResponseStream): status and headers first, then the bytes as they come. */
  async function streaming(event, responseStream, context, awslambda) {
    const res = await route(event, context, false);
    const out = awslambda.HttpResponseStream.from(responseStream, {
      statusCode: res.statusCode,
      headers: res.headers,
      ...(res.cookies.length > 0 ? { cookies: res.cookies } : {}),
    });
    // always write once before end(): ending without a write drops the status and headers
    // (aws-lambda-nodejs-runtime-interface-client issue #97)
    out.write(res.first !== undefined ? res.first : res.body);
    // a paused stream may already have ended (or broken) while the first chunk was being written
    if (!res.stream || res.stream.readableEnded || res.stream.destroyed) {
      if (res.stream && !res.stream.readableEnded) emit({ DataPlaneStreamErrors: 1 });
      out.end();
      return;
    }
    await new Promise((resolve) => {
      let idle;
      const arm = () => {
        clearTimeout(idle);
        idle = setTimeout(() => res.stream.destroy(new Error('stalled')), cfg.responseTimeoutMs);
      };
      let ended = false;
      const done = (error) => {
        if (ended) return;
        ended = true;
        clearTimeout(idle);
        if (error) emit({ DataPlaneStreamErrors: 1 });
        // the status is already sent: a broken data-plane stream can only end the client's stream early
        out.end();
        resolve();
      };
      arm();
      res.stream.on('data', (chunk) => {
        arm();
        if (!out.write(chunk)) {
          res.stream.pause();
          out.once('drain', () => res.stream.resume());
        }
      });
      res.stream.once('end', () => done());
      res.stream.once('error', (e) => done(e));
      res.stream.once('close', () => {
        if (!res.stream.readableEnded) done(new Error('closed'));
      });
      res.stream.resume();
    });
  }

  return { buffered, streaming, config: cfg, close: () => agent && agent.destroy && agent.destroy() };
}

/** The Lambda handler for this environment: streamed when RESPONSE_STREAMING is 'true' and the runtime offers it. */
function handlerFor(env, deps, awslambda) {
  const router = createRouter(env, deps);
  if (router.config.streaming) {
    if (!awslambda || typeof awslambda.streamifyResponse !== 'function') {
      throw new Error('RESPONSE_STREAMING is true but the runtime has no awslambda.streamifyResponse (use a Node.js managed runtime)');
    }
    return awslambda.streamifyResponse((event, responseStream, context) => router.streaming(event, responseStream, context, awslambda));
  }
  return (event, context) => router.buffered(event, context);
}

exports.createRouter = createRouter;
exports.handlerFor = handlerFor;
exports.SYNC_PAYLOAD_LIMIT = SYNC_PAYLOAD_LIMIT;
// in Lambda, DATA_PLANE_URL is always set; elsewhere (tests) the module only exports its factories
if (process.env.DATA_PLANE_URL && process.env.AWS_LAMBDA_FUNCTION_NAME) {
  exports.handler = handlerFor(process.env, {}, typeof awslambda === 'undefined' ? undefined : awslambda); // eslint-disable-line no-undef
}
