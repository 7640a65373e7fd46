/**
 * Source of the control-plane entry function of a hybrid placement (Node.js 24, inline code,
 * no dependencies). It validates the request, forwards it to the data plane's internal load
 * balancer and, when the data plane sheds load (429/503) or cannot be reached and an overflow
 * function is configured, sends that request — the tail — to the Lambda overflow function.
 *
 * Configuration comes from the environment, set by the hybrid renderer:
 * - `DATA_PLANE_URL`: base URL of the data plane's internal load balancer;
 * - `MAX_PAYLOAD_BYTES`: largest request body accepted;
 * - `FORWARD_TIMEOUT_MS`: how long to wait for the data plane;
 * - `OVERFLOW_FUNCTION`: ARN of the overflow alias (absent: no overflow).
 *
 * Kept under Lambda's 4 KiB inline-code limit; a test asserts both the size and the behaviour.
 * @internal
 */
export const ROUTER_SOURCE = `'use strict';
const { LambdaClient, InvokeCommand } = require('@aws-sdk/client-lambda');
const lambda = new LambdaClient({});
const MAX = Number(process.env.MAX_PAYLOAD_BYTES || 6291456);
const TIMEOUT = Number(process.env.FORWARD_TIMEOUT_MS || 30000);
const reply = (statusCode, body, route) => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'x-inference-route': route },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
async function overflow(event) {
  const out = await lambda.send(new InvokeCommand({
    FunctionName: process.env.OVERFLOW_FUNCTION,
    Payload: Buffer.from(JSON.stringify(event)),
  }));
  const res = JSON.parse(Buffer.from(out.Payload || []).toString() || '{}');
  return reply(res.statusCode || 200, res.body || '', 'overflow');
}
exports.handler = async (event) => {
  const method = (event.requestContext && event.requestContext.http && event.requestContext.http.method) || 'POST';
  if (method !== 'POST') return reply(405, { message: 'use POST' }, 'rejected');
  const raw = event.body || '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString() : raw;
  if (Buffer.byteLength(body) > MAX) return reply(413, { message: 'payload larger than ' + MAX + ' bytes' }, 'rejected');
  try { JSON.parse(body); } catch (e) { return reply(400, { message: 'body must be JSON' }, 'rejected'); }
  const path = event.rawPath && event.rawPath !== '/' ? event.rawPath : '/v1/infer';
  let res;
  try {
    res = await fetch(process.env.DATA_PLANE_URL + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(TIMEOUT),
    });
  } catch (e) {
    if (process.env.OVERFLOW_FUNCTION) return overflow(event);
    return reply(502, { message: 'data plane unreachable' }, 'data-plane');
  }
  if ((res.status === 429 || res.status === 503) && process.env.OVERFLOW_FUNCTION) return overflow(event);
  return reply(res.status, await res.text(), 'data-plane');
};
`;
